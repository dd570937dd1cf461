/* probe_tcp_syn.c — the SYN scan probe: cookie in the sequence number; SYN/ACK = open,
 * RST = closed, ICMP unreachable 1,2,3,9,10,13 = filtered. It offers the options a Linux
 * client offers, so the SYN/ACK shows the server's full option layout (passive guess). */
#include "probes/probe.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

#include "probes/portstate.h"

#define SYN_OFFSET 0
#define TCP_AT 34   /* Ethernet 14 + IPv4 20 */

static int syn_prepare(as_template *t, const as_probe_ctx *ctx, char *err, size_t errlen)
{
    /* MSS 1460, SACK permitted, timestamp (TSval 1, TSecr 0), NOP, window scale 7. */
    static const uint8_t opts[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7};
    return as_template_tcp(t, ctx, (uint16_t)(ctx->src_port + SYN_OFFSET), TH_SYN, opts, sizeof opts, err, errlen);
}

/* A retransmitted SYN from the same port meets a target still in SYN_RECV for it, and Linux
 * answers such duplicates at most every 500 ms (tcp_invalid_ratelimit): retries would go
 * unanswered if a SYN/ACK was lost. Each attempt therefore comes from a port of its own. */
static const uint16_t attempt_offsets[] = {0, 2, 3, 4, 5, 6, 7};
#define NATTEMPT_PORTS (sizeof attempt_offsets / sizeof attempt_offsets[0])

uint16_t as_syn_port_offset(unsigned attempt)
{
    return attempt_offsets[attempt < NATTEMPT_PORTS ? attempt : NATTEMPT_PORTS - 1];
}

int as_syn_attempt_of(uint16_t offset)
{
    for (size_t i = 0; i < NATTEMPT_PORTS; i++)
        if (attempt_offsets[i] == offset)
            return (int)i;
    return -1;
}

static size_t syn_make(const as_template *t, const as_probe_ctx *ctx, uint8_t *out,
                       const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port, unsigned attempt)
{
    uint16_t sport = (uint16_t)(ctx->src_port + as_syn_port_offset(attempt));
    uint32_t cookie = as_cookie(&ctx->key, AS_PROBE_TCP_SYN, ctx->src_ip, dst_ip, sport, dst_port);
    memcpy(out, t->bytes, t->len);
    as_patch_eth_ip(out, dst_mac, dst_ip, (uint16_t)(cookie >> 16));
    as_put16(out + TCP_AT + 2, dst_port);
    as_put16(out + TCP_AT, sport);
    as_put32(out + TCP_AT + 4, cookie);
    as_patch_tcp_checksum(out, t->len);
    return t->len;
}

/* Our source port for a port number we see on a reply, or 0 if it is not one of ours. */
static uint16_t our_syn_port(const as_probe_ctx *ctx, uint16_t port)
{
    if (port < ctx->src_port || port - ctx->src_port > 0xff)
        return 0;
    return as_syn_attempt_of((uint16_t)(port - ctx->src_port)) >= 0 ? port : 0;
}

static int syn_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res)
{
    uint16_t sport;
    if (p->l4 == AS_L4_TCP) {
        if (p->ip_dst != ctx->src_ip || (sport = our_syn_port(ctx, p->dport)) == 0)
            return 0;
        uint32_t cookie = as_cookie(&ctx->key, AS_PROBE_TCP_SYN, ctx->src_ip, p->ip_src, sport, p->sport);
        if (p->ack != cookie + 1)
            return 0;
        if ((p->flags & (AS_TH_SYN | AS_TH_ACK)) == (AS_TH_SYN | AS_TH_ACK) && !(p->flags & AS_TH_RST)) {
            res->state = AS_PORT_OPEN;
            res->reason = "syn-ack";
        } else if (p->flags & AS_TH_RST) {
            res->state = AS_PORT_CLOSED;
            res->reason = "reset";
        } else {
            return 0;
        }
        res->ip = p->ip_src;
        res->port = p->sport;
    } else if (p->l4 == AS_L4_ICMP && p->icmp_type == 3 && p->has_quote) {
        const as_quoted *q = &p->quote;
        if (q->proto != 6 || q->src != ctx->src_ip || (sport = our_syn_port(ctx, q->sport)) == 0)
            return 0;
        if (q->seq != as_cookie(&ctx->key, AS_PROBE_TCP_SYN, ctx->src_ip, q->dst, sport, q->dport))
            return 0;
        res->reason = as_unreach_reason(p->icmp_code);
        if (res->reason == NULL)
            return 0;
        res->state = AS_PORT_FILTERED;
        res->ip = q->dst;
        res->port = q->dport;
    } else {
        return 0;
    }
    res->kind = AS_RES_PORT;
    res->probe = AS_PROBE_TCP_SYN;
    res->proto = IPPROTO_TCP;
    res->ttl = p->ttl;
    return 1;
}

const as_probe_kind as_probe_tcp_syn = {
    .name = "tcp-syn",
    .id = AS_PROBE_TCP_SYN,
    .port_offset = SYN_OFFSET,
    .prepare = syn_prepare,
    .make = syn_make,
    .classify = syn_classify,
};
