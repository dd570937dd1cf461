/* osprobe.c — builds the sixteen OS-detection probes as templates (libnet once per scan,
 * then patched per target like the other probes) and recognises and extracts their replies. Probe fields as nmap documents
 * them ("TCP/IP Fingerprinting Methods Supported by Nmap"); the code is ours. */
#include "probes/osprobe.h"

#include <libnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS "\x08\x0a\xff\xff\xff\xff\x00\x00\x00\x00"

/* Options and window of each TCP probe; flags; whether DF is set; which port. */
static const struct {
    const char *opts;
    uint8_t optlen;
    uint16_t win;
    uint8_t flags;
    uint8_t df;
    uint8_t closed;
} tcp_probe[13] = {
    {"\x03\x03\x0a\x01\x02\x04\x05\xb4" TS "\x04\x02", 20, 1, TH_SYN, 0, 0},
    {"\x02\x04\x05\x78\x03\x03\x00\x04\x02" TS "\x00", 20, 63, TH_SYN, 0, 0},
    {TS "\x01\x01\x03\x03\x05\x01\x02\x04\x02\x80", 20, 4, TH_SYN, 0, 0},
    {"\x04\x02" TS "\x03\x03\x0a\x00", 16, 4, TH_SYN, 0, 0},
    {"\x02\x04\x02\x18\x04\x02" TS "\x03\x03\x0a\x00", 20, 16, TH_SYN, 0, 0},
    {"\x02\x04\x01\x09\x04\x02" TS, 16, 512, TH_SYN, 0, 0},
    /* ECN: SYN + CWR + ECE, and the reserved bit before CWR set (patched below). */
    {"\x03\x03\x0a\x01\x02\x04\x05\xb4\x04\x02\x01\x01", 12, 3, TH_SYN | 0x40 | 0x80, 0, 0},
    {"\x03\x03\x0a\x01\x02\x04\x01\x09" TS "\x04\x02", 20, 128, 0, 1, 0},
    {"\x03\x03\x0a\x01\x02\x04\x01\x09" TS "\x04\x02", 20, 256, TH_SYN | TH_FIN | TH_URG | TH_PUSH, 0, 0},
    {"\x03\x03\x0a\x01\x02\x04\x01\x09" TS "\x04\x02", 20, 1024, TH_ACK, 1, 0},
    {"\x03\x03\x0a\x01\x02\x04\x01\x09" TS "\x04\x02", 20, 31337, TH_SYN, 0, 1},
    {"\x03\x03\x0a\x01\x02\x04\x01\x09" TS "\x04\x02", 20, 32768, TH_ACK, 1, 1},
    {"\x03\x03\x0f\x01\x02\x04\x01\x09" TS "\x04\x02", 20, 65535, TH_FIN | TH_PUSH | TH_URG, 0, 1},
};

uint32_t as_os_seq_base(const as_probe_ctx *ctx, uint32_t ip)
{
    return as_cookie(&ctx->key, AS_PROBE_OS, ctx->src_ip, ip, 1, 0);
}

uint16_t as_os_icmp_id(const as_probe_ctx *ctx, uint32_t ip)
{
    return (uint16_t)(as_cookie(&ctx->key, AS_PROBE_OS, ctx->src_ip, ip, 2, 0) & 0xfffe);
}

uint32_t as_os_probe_seq(const as_probe_ctx *ctx, uint32_t ip, int idx)
{
    return as_os_seq_base(ctx, ip) + (uint32_t)idx * 0x10000u;
}

uint32_t as_os_probe_ack(const as_probe_ctx *ctx, uint32_t ip, int idx)
{
    if (idx == AS_OS_ECN)
        return 0;
    return ~as_os_seq_base(ctx, ip) + (uint32_t)idx * 0x1000u;
}

/* Templates: each probe is built once with libnet for a placeholder target (address,
 * MAC, ports, sequence, acknowledgement, IP id and ICMP id zero); make() patches those. */
static int build_tcp(int idx, const as_probe_ctx *ctx, libnet_t *l, as_template *t, char *err, size_t errlen)
{
    static const uint8_t zero_mac[6];
    uint16_t sport = (uint16_t)(ctx->src_port + AS_OS_PORT_BASE + idx);
    uint16_t urp = idx == AS_OS_ECN ? 0xF7F5 : 0;
    uint16_t tcplen = (uint16_t)(LIBNET_TCP_H + tcp_probe[idx].optlen);
    int ok = libnet_build_tcp_options((const uint8_t *)tcp_probe[idx].opts, tcp_probe[idx].optlen, l, 0) != -1 &&
             libnet_build_tcp(sport, 0, 0, 0, tcp_probe[idx].flags, tcp_probe[idx].win, 0, urp, tcplen, NULL, 0,
                              l, 0) != -1 &&
             libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + tcplen), 0, 0, tcp_probe[idx].df ? IP_DF : 0,
                               ctx->ttl, IPPROTO_TCP, 0, htonl(ctx->src_ip), 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(zero_mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    if (!ok) {
        snprintf(err, errlen, "libnet: OS probe %d: %s", idx, libnet_geterror(l));
        return -1;
    }
    if (as_template_from_libnet(l, t, err, errlen) != 0)
        return -1;
    if (idx == AS_OS_ECN)
        t->bytes[34 + 12] |= 0x01;  /* the reserved bit before CWR */
    return 0;
}

static int build_echo(int idx, const as_probe_ctx *ctx, libnet_t *l, as_template *t, char *err, size_t errlen)
{
    static const uint8_t zeros[150], zero_mac[6];
    int first = idx == AS_OS_IE1;
    uint32_t len = first ? 120 : 150;
    int ok = libnet_build_icmpv4_echo(ICMP_ECHO, first ? 9 : 0, 0, 0, first ? 295 : 296, zeros, len, l, 0) != -1 &&
             libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + LIBNET_ICMPV4_ECHO_H + len), first ? 0 : 4, 0,
                               first ? IP_DF : 0, ctx->ttl, IPPROTO_ICMP, 0, htonl(ctx->src_ip), 0, NULL, 0, l,
                               0) != -1 &&
             libnet_build_ethernet(zero_mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    if (!ok) {
        snprintf(err, errlen, "libnet: OS probe %d: %s", idx, libnet_geterror(l));
        return -1;
    }
    return as_template_from_libnet(l, t, err, errlen);
}

static int build_udp(const as_probe_ctx *ctx, libnet_t *l, as_template *t, char *err, size_t errlen)
{
    static const uint8_t zero_mac[6];
    uint8_t data[AS_OS_U1_DATA];
    memset(data, 'C', sizeof data);
    uint16_t sport = (uint16_t)(ctx->src_port + AS_OS_PORT_BASE + AS_OS_U1);
    int ok = libnet_build_udp(sport, 0, LIBNET_UDP_H + sizeof data, 0, data, sizeof data, l, 0) != -1 &&
             libnet_build_ipv4(AS_OS_U1_IPLEN, 0, AS_OS_U1_IPID, 0, ctx->ttl, IPPROTO_UDP, 0,
                               htonl(ctx->src_ip), 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(zero_mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    if (!ok) {
        snprintf(err, errlen, "libnet: OS probe U1: %s", libnet_geterror(l));
        return -1;
    }
    return as_template_from_libnet(l, t, err, errlen);
}

int as_osprobe_prepare(as_os_templates *t, const as_probe_ctx *ctx, char *err, size_t errlen)
{
    for (int idx = 0; idx < AS_OS_NPROBES; idx++) {
        libnet_t *l = as_libnet_builder(err, errlen);
        if (l == NULL)
            return -1;
        int rc;
        if (idx <= AS_OS_T2 + 5)
            rc = build_tcp(idx, ctx, l, &t->t[idx], err, errlen);
        else if (idx == AS_OS_U1)
            rc = build_udp(ctx, l, &t->t[idx], err, errlen);
        else
            rc = build_echo(idx, ctx, l, &t->t[idx], err, errlen);
        libnet_destroy(l);
        if (rc != 0)
            return -1;
    }
    return 0;
}

#define L4_AT 34    /* Ethernet 14 + IPv4 20 */

size_t as_osprobe_make(const as_os_templates *t, int idx, const as_probe_ctx *ctx, const as_os_target *tg,
                       uint8_t *out)
{
    if (idx < 0 || idx >= AS_OS_NPROBES)
        return 0;
    const as_template *tp = &t->t[idx];
    memcpy(out, tp->bytes, tp->len);
    uint16_t ipid = (uint16_t)as_cookie(&ctx->key, AS_PROBE_OS, ctx->src_ip, tg->ip, 3, (uint16_t)idx);
    uint8_t *l4 = out + L4_AT;
    if (idx <= AS_OS_T2 + 5) {
        as_patch_eth_ip(out, tg->mac, tg->ip, ipid);
        as_put16(l4 + 2, tcp_probe[idx].closed ? tg->closed_port : tg->open_port);
        as_put32(l4 + 4, as_os_probe_seq(ctx, tg->ip, idx));
        as_put32(l4 + 8, as_os_probe_ack(ctx, tg->ip, idx));
        as_patch_tcp_checksum(out, tp->len);
    } else if (idx == AS_OS_U1) {
        as_patch_eth_ip(out, tg->mac, tg->ip, AS_OS_U1_IPID);
        as_put16(l4 + 2, tg->closed_udp);
        as_put16(l4 + 6, as_os_u1_udp_csum(ctx, tg));
    } else {
        as_patch_eth_ip(out, tg->mac, tg->ip, ipid);
        as_put16(l4 + 4, (uint16_t)(as_os_icmp_id(ctx, tg->ip) + (idx == AS_OS_IE1 ? 0 : 1)));
        as_put16(l4 + 2, 0);
        as_put16(l4 + 2, as_inet_checksum(l4, tp->len - L4_AT, 0));
    }
    return tp->len;
}

size_t as_osprobe_build(int idx, const as_probe_ctx *ctx, const as_os_target *t, uint8_t *out,
                        char *err, size_t errlen)
{
    if (idx < 0 || idx >= AS_OS_NPROBES) {
        snprintf(err, errlen, "no OS probe %d", idx);
        return 0;
    }
    as_os_templates *tm = malloc(sizeof *tm);
    if (tm == NULL) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    size_t n = as_osprobe_prepare(tm, ctx, err, errlen) == 0 ? as_osprobe_make(tm, idx, ctx, t, out) : 0;
    free(tm);
    return n;
}

uint16_t as_os_u1_udp_csum(const as_probe_ctx *ctx, const as_os_target *t)
{
    uint8_t seg[8 + AS_OS_U1_DATA];
    as_put16(seg, (uint16_t)(ctx->src_port + AS_OS_PORT_BASE + AS_OS_U1));
    as_put16(seg + 2, t->closed_udp);
    as_put16(seg + 4, sizeof seg);
    as_put16(seg + 6, 0);
    memset(seg + 8, 'C', AS_OS_U1_DATA);
    uint16_t c = as_inet_checksum(seg, sizeof seg, as_pseudo_header_sum(ctx->src_ip, t->ip, 17, sizeof seg));
    return c == 0 ? 0xffff : c;
}

int as_osprobe_reply_index(const as_packet *p, const as_probe_ctx *ctx)
{
    if (p->ip_dst != ctx->src_ip)
        return -1;
    uint16_t base = (uint16_t)(ctx->src_port + AS_OS_PORT_BASE);
    if (p->l4 == AS_L4_TCP) {
        if (p->dport < base || p->dport > base + AS_OS_T2 + 5)
            return -1;
        return p->dport - base;
    }
    if (p->l4 != AS_L4_ICMP)
        return -1;
    if (p->icmp_type == 0 && (p->echo_seq == 295 || p->echo_seq == 296) &&
        (p->echo_id & 0xfffe) == as_os_icmp_id(ctx, p->ip_src))
        return p->echo_seq == 295 ? AS_OS_IE1 : AS_OS_IE2;
    if (p->icmp_type == 3 && p->has_quote && p->quote.proto == 17 && p->quote.src == ctx->src_ip &&
        p->quote.sport == base + AS_OS_U1)
        return AS_OS_U1;
    return -1;
}

int as_osprobe_reply_matches(const as_packet *p, const as_probe_ctx *ctx, const as_os_target *t, int idx)
{
    if (idx < 0 || idx >= AS_OS_NPROBES)
        return 0;
    if (idx == AS_OS_U1)    /* the quote of our U1: its keyed port, its IP id */
        return p->l4 == AS_L4_ICMP && p->has_quote && p->quote.dst == t->ip && p->quote.dport == t->closed_udp &&
               p->quote.ip_id == AS_OS_U1_IPID;
    if (idx >= AS_OS_IE1)   /* the identifier, keyed per host, was checked by reply_index */
        return p->l4 == AS_L4_ICMP && p->ip_src == t->ip;
    if (p->l4 != AS_L4_TCP || p->ip_src != t->ip || p->sport != (tcp_probe[idx].closed ? t->closed_port : t->open_port))
        return 0;
    /* nmap's A and S tests in reverse: a reply acknowledges our sequence number (+0 to +2:
     * SYN and FIN count), or carries our acknowledgement number (+0, +1) as its own
     * sequence. Both are keyed per host, so a reply that only has the right ports (a
     * stale or forged one) is not taken. */
    uint32_t seq = as_os_probe_seq(ctx, t->ip, idx), ack = as_os_probe_ack(ctx, t->ip, idx);
    if ((p->flags & AS_TH_ACK) && p->ack - seq <= 2)
        return 1;
    return idx != AS_OS_ECN && p->seq - ack <= 1;
}

uint32_t as_crc32(const uint8_t *data, size_t len)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < len; i++) {
        c ^= data[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void fill_quote(const as_quoted *q, as_osreply *r)
{
    r->q_ttl = q->ttl;
    r->q_ip_len = q->ip_len;
    r->q_ip_id = q->ip_id;
    r->q_udp_csum = q->udp_csum;
    size_t ihl = (size_t)(q->raw[0] & 0x0f) * 4;
    if (q->ip_csum == 0) {
        r->q_ipck = 'Z';
    } else {
        uint8_t hdr[60];
        memcpy(hdr, q->raw, ihl);
        as_put16(hdr + 10, 0);
        r->q_ipck = as_inet_checksum(hdr, ihl, 0) == q->ip_csum ? 'G' : 'I';
    }
    /* The quoted data may be cut anywhere; what is there must still be ours. */
    r->q_data = 'G';
    for (size_t i = ihl + 8; i < q->raw_len && i < ihl + 8 + AS_OS_U1_DATA; i++)
        if (q->raw[i] != 'C')
            r->q_data = 'I';
}

void as_osreply_fill(const as_packet *p, uint64_t t_us, as_osreply *r)
{
    memset(r, 0, sizeof *r);
    r->present = 1;
    r->t_us = t_us;
    r->ttl = p->ttl;
    r->df = (uint8_t)p->df;
    r->ip_id = p->ip_id;
    r->ip_len = p->ip_len;
    if (p->l4 == AS_L4_TCP) {
        r->tcp_flags = p->flags;
        r->tcp_reserved = p->tcp_reserved;
        r->win = p->win;
        r->urp = p->urp;
        r->seq = p->seq;
        r->ack = p->ack;
        r->opts_len = p->tcp_opts_len > sizeof r->opts ? sizeof r->opts : p->tcp_opts_len;
        memcpy(r->opts, p->tcp_opts, r->opts_len);
        r->rd_crc = p->payload_len > 0 ? as_crc32(p->payload, p->payload_len) : 0;
    } else if (p->l4 == AS_L4_ICMP) {
        r->icmp_code = p->icmp_code;
        r->icmp_rest = p->icmp_rest;
        if (p->has_quote)
            fill_quote(&p->quote, r);
    }
}
