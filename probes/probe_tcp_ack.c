/* probe_tcp_ack.c — the TCP ACK ping (nmap -PA): a bare ACK with the cookie in the
 * acknowledgement number; RFC 793 makes any live stack answer RST with seq = that number. */
#include "probes/probe.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

#define ACK_OFFSET 1
#define TCP_AT 34

static int ack_prepare(as_template *t, const as_probe_ctx *ctx, char *err, size_t errlen)
{
    return as_template_tcp(t, ctx, (uint16_t)(ctx->src_port + ACK_OFFSET), TH_ACK, NULL, 0, err, errlen);
}

static size_t ack_make(const as_template *t, const as_probe_ctx *ctx, uint8_t *out,
                       const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port, unsigned attempt)
{
    (void)attempt;
    uint16_t sport = (uint16_t)(ctx->src_port + ACK_OFFSET);
    uint32_t cookie = as_cookie(&ctx->key, AS_PROBE_TCP_ACK, ctx->src_ip, dst_ip, sport, dst_port);
    memcpy(out, t->bytes, t->len);
    as_patch_eth_ip(out, dst_mac, dst_ip, (uint16_t)(cookie >> 16));
    as_put16(out + TCP_AT + 2, dst_port);
    as_put32(out + TCP_AT + 4, ~cookie);
    as_put32(out + TCP_AT + 8, cookie);
    as_patch_tcp_checksum(out, t->len);
    return t->len;
}

static int ack_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res)
{
    uint16_t sport = (uint16_t)(ctx->src_port + ACK_OFFSET);
    if (p->l4 == AS_L4_TCP) {
        if (p->ip_dst != ctx->src_ip || p->dport != sport || !(p->flags & AS_TH_RST))
            return 0;
        if (p->seq != as_cookie(&ctx->key, AS_PROBE_TCP_ACK, ctx->src_ip, p->ip_src, sport, p->sport))
            return 0;
        res->kind = AS_RES_HOST_UP;
        res->reason = "reset";
        res->ip = p->ip_src;
        res->port = p->sport;
    } else if (p->l4 == AS_L4_ICMP && p->icmp_type == 3 && p->has_quote) {
        const as_quoted *q = &p->quote;
        if (q->proto != 6 || q->src != ctx->src_ip || q->sport != sport)
            return 0;
        /* The quote holds the sequence number, which carries ~cookie. */
        if (q->seq != ~as_cookie(&ctx->key, AS_PROBE_TCP_ACK, ctx->src_ip, q->dst, sport, q->dport))
            return 0;
        res->kind = AS_RES_UNREACH;
        res->reason = as_unreach_reason(p->icmp_code) ? as_unreach_reason(p->icmp_code) : "unreach";
        res->ip = q->dst;
        res->port = q->dport;
    } else {
        return 0;
    }
    res->probe = AS_PROBE_TCP_ACK;
    res->proto = 6;
    res->ttl = p->ttl;
    return 1;
}

const as_probe_kind as_probe_tcp_ack = {
    .name = "tcp-ack",
    .id = AS_PROBE_TCP_ACK,
    .port_offset = ACK_OFFSET,
    .prepare = ack_prepare,
    .make = ack_make,
    .classify = ack_classify,
};
