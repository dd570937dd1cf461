/* osprobe.c — builds the sixteen OS-detection probes with libnet (they are few, so no
 * templates) and recognises and extracts their replies. Probe fields as nmap documents
 * them ("TCP/IP Fingerprinting Methods Supported by Nmap"); the code is ours. */
#include "probes/osprobe.h"

#include <libnet.h>
#include <stdio.h>
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

static size_t cull(libnet_t *l, uint8_t *out, char *err, size_t errlen)
{
    as_template t;
    if (as_template_from_libnet(l, &t, err, errlen) != 0)
        return 0;
    memcpy(out, t.bytes, t.len);
    return t.len;
}

static size_t build_tcp(int idx, const as_probe_ctx *ctx, const as_os_target *t, libnet_t *l,
                        uint8_t *out, char *err, size_t errlen)
{
    uint16_t dport = tcp_probe[idx].closed ? t->closed_port : t->open_port;
    uint16_t sport = (uint16_t)(ctx->src_port + AS_OS_PORT_BASE + idx);
    uint16_t urp = idx == AS_OS_ECN ? 0xF7F5 : 0;
    uint16_t tcplen = (uint16_t)(LIBNET_TCP_H + tcp_probe[idx].optlen);
    uint16_t ipid = (uint16_t)as_cookie(&ctx->key, AS_PROBE_OS, ctx->src_ip, t->ip, 3, (uint16_t)idx);
    int ok = libnet_build_tcp_options((const uint8_t *)tcp_probe[idx].opts, tcp_probe[idx].optlen, l, 0) != -1 &&
             libnet_build_tcp(sport, dport, as_os_probe_seq(ctx, t->ip, idx), as_os_probe_ack(ctx, t->ip, idx),
                              tcp_probe[idx].flags, tcp_probe[idx].win, 0, urp, tcplen, NULL, 0, l, 0) != -1 &&
             libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + tcplen), 0, ipid, tcp_probe[idx].df ? IP_DF : 0,
                               ctx->ttl, IPPROTO_TCP, 0, htonl(ctx->src_ip), htonl(t->ip), NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(t->mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    if (!ok) {
        snprintf(err, errlen, "libnet: OS probe %d: %s", idx, libnet_geterror(l));
        return 0;
    }
    size_t n = cull(l, out, err, errlen);
    if (n > 0 && idx == AS_OS_ECN) {
        out[34 + 12] |= 0x01;
        as_patch_tcp_checksum(out, n);
    }
    return n;
}

static size_t build_echo(int idx, const as_probe_ctx *ctx, const as_os_target *t, libnet_t *l,
                         uint8_t *out, char *err, size_t errlen)
{
    static const uint8_t zeros[150];
    int first = idx == AS_OS_IE1;
    uint16_t id = (uint16_t)(as_os_icmp_id(ctx, t->ip) + (first ? 0 : 1));
    uint32_t len = first ? 120 : 150;
    uint16_t ipid = (uint16_t)as_cookie(&ctx->key, AS_PROBE_OS, ctx->src_ip, t->ip, 3, (uint16_t)idx);
    int ok = libnet_build_icmpv4_echo(ICMP_ECHO, first ? 9 : 0, 0, id, first ? 295 : 296, zeros, len, l, 0) != -1 &&
             libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + LIBNET_ICMPV4_ECHO_H + len), first ? 0 : 4, ipid,
                               first ? IP_DF : 0, ctx->ttl, IPPROTO_ICMP, 0, htonl(ctx->src_ip), htonl(t->ip),
                               NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(t->mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    if (!ok) {
        snprintf(err, errlen, "libnet: OS probe %d: %s", idx, libnet_geterror(l));
        return 0;
    }
    return cull(l, out, err, errlen);
}

static size_t build_udp(const as_probe_ctx *ctx, const as_os_target *t, libnet_t *l, uint8_t *out,
                        char *err, size_t errlen)
{
    uint8_t data[AS_OS_U1_DATA];
    memset(data, 'C', sizeof data);
    uint16_t sport = (uint16_t)(ctx->src_port + AS_OS_PORT_BASE + AS_OS_U1);
    int ok = libnet_build_udp(sport, t->closed_udp, LIBNET_UDP_H + sizeof data, 0, data, sizeof data, l, 0) != -1 &&
             libnet_build_ipv4(AS_OS_U1_IPLEN, 0, AS_OS_U1_IPID, 0, ctx->ttl, IPPROTO_UDP, 0,
                               htonl(ctx->src_ip), htonl(t->ip), NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(t->mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    if (!ok) {
        snprintf(err, errlen, "libnet: OS probe U1: %s", libnet_geterror(l));
        return 0;
    }
    return cull(l, out, err, errlen);
}

size_t as_osprobe_build(int idx, const as_probe_ctx *ctx, const as_os_target *t, uint8_t *out,
                        char *err, size_t errlen)
{
    if (idx < 0 || idx >= AS_OS_NPROBES) {
        snprintf(err, errlen, "no OS probe %d", idx);
        return 0;
    }
    libnet_t *l = as_libnet_builder(err, errlen);
    if (l == NULL)
        return 0;
    size_t n;
    if (idx <= AS_OS_T2 + 5)
        n = build_tcp(idx, ctx, t, l, out, err, errlen);
    else if (idx == AS_OS_U1)
        n = build_udp(ctx, t, l, out, err, errlen);
    else
        n = build_echo(idx, ctx, t, l, out, err, errlen);
    libnet_destroy(l);
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
