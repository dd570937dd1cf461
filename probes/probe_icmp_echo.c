/* probe_icmp_echo.c — the ICMP echo ping (nmap -PE): cookie split over identifier and
 * sequence number, which every stack echoes back unchanged in the echo reply. */
#include "probes/probe.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

#define ICMP_AT 34

static int echo_prepare(as_template *t, const as_probe_ctx *ctx, char *err, size_t errlen)
{
    libnet_t *l = as_libnet_builder(err, errlen);
    if (l == NULL)
        return -1;
    uint8_t zero_mac[6] = {0};
    int ok = libnet_build_icmpv4_echo(ICMP_ECHO, 0, 0, 0, 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ipv4(LIBNET_IPV4_H + LIBNET_ICMPV4_ECHO_H, 0, 0, 0, ctx->ttl, IPPROTO_ICMP,
                               0, htonl(ctx->src_ip), 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(zero_mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    int rc = -1;
    if (!ok)
        snprintf(err, errlen, "libnet: cannot build echo template: %s", libnet_geterror(l));
    else
        rc = as_template_from_libnet(l, t, err, errlen);
    libnet_destroy(l);
    return rc;
}

static size_t echo_make(const as_template *t, const as_probe_ctx *ctx, uint8_t *out,
                        const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port, unsigned attempt)
{
    (void)attempt;
    (void)dst_port;
    uint32_t cookie = as_cookie(&ctx->key, AS_PROBE_ICMP_ECHO, ctx->src_ip, dst_ip, 0, 0);
    memcpy(out, t->bytes, t->len);
    as_patch_eth_ip(out, dst_mac, dst_ip, (uint16_t)cookie);
    uint8_t *icmp = out + ICMP_AT;
    as_put16(icmp + 4, (uint16_t)(cookie >> 16));
    as_put16(icmp + 6, (uint16_t)cookie);
    as_put16(icmp + 2, 0);
    as_put16(icmp + 2, as_inet_checksum(icmp, t->len - ICMP_AT, 0));
    return t->len;
}

static int echo_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res)
{
    if (p->l4 != AS_L4_ICMP || p->ip_dst != ctx->src_ip)
        return 0;
    if (p->icmp_type == 0) {
        uint32_t cookie = as_cookie(&ctx->key, AS_PROBE_ICMP_ECHO, ctx->src_ip, p->ip_src, 0, 0);
        if (p->echo_id != (uint16_t)(cookie >> 16) || p->echo_seq != (uint16_t)cookie)
            return 0;
        res->kind = AS_RES_HOST_UP;
        res->reason = "echo-reply";
        res->ip = p->ip_src;
    } else if (p->icmp_type == 3 && p->has_quote) {
        const as_quoted *q = &p->quote;
        if (q->proto != 1 || q->icmp_type != 8 || q->src != ctx->src_ip)
            return 0;
        uint32_t cookie = as_cookie(&ctx->key, AS_PROBE_ICMP_ECHO, ctx->src_ip, q->dst, 0, 0);
        if (q->echo_id != (uint16_t)(cookie >> 16) || q->echo_seq != (uint16_t)cookie)
            return 0;
        res->kind = AS_RES_UNREACH;
        res->reason = as_unreach_reason(p->icmp_code) ? as_unreach_reason(p->icmp_code) : "unreach";
        res->ip = q->dst;
    } else {
        return 0;
    }
    res->probe = AS_PROBE_ICMP_ECHO;
    res->proto = 1;
    res->ttl = p->ttl;
    return 1;
}

const as_probe_kind as_probe_icmp_echo = {
    .name = "icmp-echo",
    .id = AS_PROBE_ICMP_ECHO,
    .port_offset = 0,
    .prepare = echo_prepare,
    .make = echo_make,
    .classify = echo_classify,
};
