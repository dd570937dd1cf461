/* probe_udp.c — the UDP port probe (nmap -sU): a datagram with the protocol's own request
 * where a bare one gets no answer (NBSTAT on 137, an SNMP GET on 161). The cookie rides in
 * the source port (8 bits), the IP id (16 bits, quoted back by ICMP errors) and the
 * transaction id where the protocol has one. nmap's states: any UDP answer = open, ICMP port
 * unreachable = closed, other unreachables (1, 2, 9, 10, 13) = filtered; silence after every
 * retry = open|filtered (the engine decides that one). */
#include "probes/probe.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

#include "probes/nbstat.h"
#include "probes/portstate.h"
#include "probes/snmp_ident.h"

#define IP_AT 14
#define UDP_AT 34
#define HDR_LEN 42          /* Ethernet 14 + IPv4 20 + UDP 8 */
#define SNMP_MARK 0x5a5a5a5a
#define SNMP_COMMUNITY "public"

const char *as_udp_payload_name(uint16_t port)
{
    return port == 137 ? "nbstat" : port == 161 ? "snmp" : NULL;
}

static int udp_prepare(as_template *t, const as_probe_ctx *ctx, char *err, size_t errlen)
{
    libnet_t *l = as_libnet_builder(err, errlen);
    if (l == NULL)
        return -1;
    static const uint8_t zero_mac[6];
    uint16_t sport = (uint16_t)(ctx->src_port + AS_UDP_PORT_BASE);
    int ok = libnet_build_udp(sport, 0, LIBNET_UDP_H, 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ipv4(LIBNET_IPV4_H + LIBNET_UDP_H, 0, 0, 0, ctx->ttl, IPPROTO_UDP, 0,
                               htonl(ctx->src_ip), 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(zero_mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    int rc = -1;
    if (!ok)
        snprintf(err, errlen, "libnet: cannot build UDP template: %s", libnet_geterror(l));
    else
        rc = as_template_from_libnet(l, t, err, errlen);
    libnet_destroy(l);
    if (rc != 0)
        return rc;
    /* The SNMP GET, built once by net-snmp with a marker request id whose encoding is four
     * bytes (02 04 ..); each probe patches its own id of the same size over it. */
    int n = as_snmp_build_get(SNMP_COMMUNITY, SNMP_MARK, t->aux, sizeof t->aux);
    if (n < 0) {
        snprintf(err, errlen, "cannot build the SNMP probe (error %d)", n);
        return -1;
    }
    t->aux_len = (uint16_t)n;
    for (int i = 0; i + 6 <= n; i++)
        if (t->aux[i] == 0x02 && t->aux[i + 1] == 4 && as_get32(t->aux + i + 2) == SNMP_MARK) {
            t->aux_mark = (uint16_t)(i + 2);
            return 0;
        }
    snprintf(err, errlen, "cannot build the SNMP probe: request id not found in its encoding");
    return -1;
}

/* The cookie of a UDP probe does not depend on the source port: the port is made from it. */
static uint32_t udp_cookie(const as_probe_ctx *ctx, uint32_t dst_ip, uint16_t dst_port)
{
    return as_cookie(&ctx->key, AS_PROBE_UDP, ctx->src_ip, dst_ip, 0, dst_port);
}

static uint16_t udp_sport(const as_probe_ctx *ctx, uint32_t cookie)
{
    return (uint16_t)(ctx->src_port + AS_UDP_PORT_BASE + (cookie & (AS_UDP_PORT_SPAN - 1)));
}

/* SNMP's request id: 30 bits of the cookie, kept in 0x40000000-0x7fffffff so that its BER
 * encoding stays four bytes. */
static uint32_t snmp_reqid(uint32_t cookie)
{
    return 0x40000000u | (cookie & 0x3fffffffu);
}

static size_t udp_make(const as_template *t, const as_probe_ctx *ctx, uint8_t *out,
                       const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port, unsigned attempt)
{
    (void)attempt;      /* retries reuse the port: no half-open state to dodge, unlike SYN */
    uint32_t cookie = udp_cookie(ctx, dst_ip, dst_port);
    memcpy(out, t->bytes, HDR_LEN);
    uint8_t *data = out + HDR_LEN;
    size_t dlen = 0;
    if (dst_port == 137) {
        as_nbstat_query(data, (uint16_t)(cookie >> 16));
        dlen = AS_NBSTAT_QUERY_LEN;
    } else if (dst_port == 161 && t->aux_len > 0) {
        memcpy(data, t->aux, t->aux_len);
        as_put32(data + t->aux_mark, snmp_reqid(cookie));
        dlen = t->aux_len;
    }
    as_put16(out + IP_AT + 2, (uint16_t)(20 + 8 + dlen));
    as_patch_eth_ip(out, dst_mac, dst_ip, (uint16_t)(cookie >> 16));
    uint8_t *udp = out + UDP_AT;
    as_put16(udp, udp_sport(ctx, cookie));
    as_put16(udp + 2, dst_port);
    as_put16(udp + 4, (uint16_t)(8 + dlen));
    as_put16(udp + 6, 0);
    uint16_t sum = as_inet_checksum(udp, 8 + dlen,
                                    as_pseudo_header_sum(ctx->src_ip, dst_ip, IPPROTO_UDP, (uint16_t)(8 + dlen)));
    as_put16(udp + 6, sum == 0 ? 0xffff : sum);     /* 0 means "no checksum" in UDP */
    return HDR_LEN + dlen;
}

/* Is port one of our UDP source ports, and the one the probe to (ip, dport) came from? */
static int our_udp(const as_probe_ctx *ctx, uint16_t sport, uint32_t ip, uint16_t dport, uint32_t *cookie)
{
    if (sport < ctx->src_port + AS_UDP_PORT_BASE || sport >= ctx->src_port + AS_UDP_PORT_BASE + AS_UDP_PORT_SPAN)
        return 0;
    *cookie = udp_cookie(ctx, ip, dport);
    return sport == udp_sport(ctx, *cookie);
}

static int udp_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res)
{
    uint32_t cookie;
    if (p->l4 == AS_L4_UDP) {
        if (p->ip_dst != ctx->src_ip || !our_udp(ctx, p->dport, p->ip_src, p->sport, &cookie))
            return 0;
        /* Where the protocol echoes our transaction id, it must be ours. */
        if (p->sport == 137 && (p->payload_len < 2 || as_get16(p->payload) != (uint16_t)(cookie >> 16)))
            return 0;
        res->state = AS_PORT_OPEN;
        res->reason = "udp-response";
        res->ip = p->ip_src;
        res->port = p->sport;
    } else if (p->l4 == AS_L4_ICMP && p->icmp_type == 3 && p->has_quote) {
        const as_quoted *q = &p->quote;
        if (q->proto != IPPROTO_UDP || q->src != ctx->src_ip || p->ip_dst != ctx->src_ip ||
            !our_udp(ctx, q->sport, q->dst, q->dport, &cookie) || q->ip_id != (uint16_t)(cookie >> 16))
            return 0;
        const char *why = as_unreach_reason(p->icmp_code);
        if (why == NULL)
            return 0;
        res->state = p->icmp_code == 3 ? AS_PORT_CLOSED : AS_PORT_FILTERED;
        res->reason = why;
        res->ip = q->dst;
        res->port = q->dport;
    } else {
        return 0;
    }
    res->kind = AS_RES_PORT;
    res->probe = AS_PROBE_UDP;
    res->proto = IPPROTO_UDP;
    res->ttl = p->ttl;
    return 1;
}

const as_probe_kind as_probe_udp = {
    .name = "udp",
    .id = AS_PROBE_UDP,
    .port_offset = AS_UDP_PORT_BASE,
    .prepare = udp_prepare,
    .make = udp_make,
    .classify = udp_classify,
};
