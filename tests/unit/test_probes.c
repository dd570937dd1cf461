/* test_probes.c — probe templates field by field, and reply classification from crafted
 * frames: our own replies accepted, a changed field rejected, truncation survived. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "probes/osprobe.h"
#include "probes/probe.h"
#include "probes/vec.h"

static as_probe_ctx ctx;
static const uint8_t gw_mac[6] = {0x02, 0xa5, 0, 0, 0, 1};
#define SRC 0xc613ff02u     /* 198.19.255.2 */
#define DST 0xc612010au     /* 198.18.1.10 */

static void setup(void)
{
    memset(&ctx, 0, sizeof ctx);
    memcpy(ctx.src_mac, (uint8_t[]){0x02, 0xa5, 0, 0, 0, 2}, 6);
    ctx.src_ip = SRC;
    ctx.src_port = 40000;
    ctx.ttl = 64;
    as_cookie_key_init(&ctx.key, 42);
}

static size_t build(const as_probe_kind *k, uint8_t *out, uint16_t port)
{
    as_template t;
    char err[256];
    ck_assert_int_eq(k->prepare(&t, &ctx, err, sizeof err), 0);
    return k->make(&t, &ctx, out, gw_mac, DST, port, 0);
}

START_TEST(siphash_reference_vector)
{
    /* SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e. */
    as_cookie_key k = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
    uint8_t msg[15];
    for (int i = 0; i < 15; i++)
        msg[i] = (uint8_t)i;
    ck_assert_uint_eq(as_siphash24(&k, msg, sizeof msg), 0xa129ca6149be45e5ULL);
}
END_TEST

START_TEST(growable_array)
{
    uint32_t *a = NULL;
    size_t n = 0, cap = 0;
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_int_eq(AS_VEC_PUSH(a, n, cap, i * 3), 0);
    ck_assert_uint_eq(n, 1000);
    ck_assert_uint_eq(cap, 1024);   /* 16, doubled */
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(a[i], i * 3);
    /* A request that cannot be met (overflow) fails and leaves the array as it was. */
    uint32_t *before = a;
    ck_assert_int_eq(AS_VEC_RESERVE(a, cap, SIZE_MAX / 2), -1);
    ck_assert_ptr_eq(a, before);
    ck_assert_uint_eq(cap, 1024);
    ck_assert_int_eq(AS_VEC_RESERVE(a, cap, 10), 0);
    ck_assert_uint_eq(cap, 1024);
    free(a);
}
END_TEST

START_TEST(initial_ttl_buckets)
{
    /* One definition (probes/packet.h) for nmap's TG, the passive guess and the report. */
    static const uint8_t seen[] = {1, 30, 32, 33, 63, 64, 65, 120, 128, 129, 250, 255};
    static const int want[] = {32, 32, 32, 64, 64, 64, 128, 128, 128, 255, 255, 255};
    for (size_t i = 0; i < sizeof seen; i++)
        ck_assert_int_eq(as_initial_ttl(seen[i]), want[i]);
}
END_TEST

/* The OS probes from templates, byte for byte what the former libnet-per-packet builder
 * made (length and CRC-32 of each frame, recorded from it), for two targets. */
START_TEST(os_probe_templates)
{
    static const struct {
        size_t len;
        uint32_t crc;
    } want[2 * AS_OS_NPROBES] = {
        {74, 0x137cacd3u},
        {74, 0x22d54f36u},
        {74, 0xc69a56f6u},
        {70, 0x74da2a06u},
        {74, 0xaebc831bu},
        {70, 0xc2e69f61u},
        {66, 0xccad9f88u},
        {74, 0x232a2e0cu},
        {74, 0xfd597df4u},
        {74, 0xc55f2d2eu},
        {74, 0x29864f1bu},
        {74, 0xd0985b24u},
        {74, 0x458f5b87u},
        {342, 0xd6a721f9u},
        {162, 0xd5a6b59eu},
        {192, 0x2e034fe6u},
        {74, 0xb0df742au},
        {74, 0xd8159f5cu},
        {74, 0x5cfe477du},
        {70, 0x8b7c3b0au},
        {74, 0xf1014b67u},
        {70, 0x61e06b0cu},
        {66, 0x2214e063u},
        {74, 0x5574929fu},
        {74, 0xf9831b87u},
        {74, 0xc00f97dbu},
        {74, 0x978b0a3fu},
        {74, 0x3bb1537au},
        {74, 0x7b78cd77u},
        {342, 0x24d0227au},
        {162, 0x202674c1u},
        {192, 0xc08acf69u},
    };
    as_probe_ctx ctx = {.src_mac = {2, 0, 0, 0, 0, 2}, .src_ip = 0xc6130002, .src_port = 40000, .ttl = 64};
    as_cookie_key_init(&ctx.key, 77);
    as_os_target t = {.ip = 0xc612010a, .mac = {2, 0, 0, 0, 0, 1}, .open_port = 22, .closed_port = 1,
                      .closed_udp = 41234};
    as_os_templates *tm = malloc(sizeof *tm);
    char err[128];
    ck_assert_int_eq(as_osprobe_prepare(tm, &ctx, err, sizeof err), 0);
    for (int k = 0; k < 2; k++) {
        if (k == 1)
            t = (as_os_target){.ip = 0xc6120203, .mac = {2, 0, 0, 0, 0, 1}, .open_port = 8080,
                               .closed_port = 30001, .closed_udp = 55555};
        for (int i = 0; i < AS_OS_NPROBES; i++) {
            uint8_t out[AS_FRAME_MAX];
            size_t n = as_osprobe_make(tm, i, &ctx, &t, out);
            ck_assert_uint_eq(n, want[k * AS_OS_NPROBES + i].len);
            ck_assert_uint_eq(as_crc32(out, n), want[k * AS_OS_NPROBES + i].crc);
            /* And the frame reads back as ours. */
            as_packet p;
            ck_assert_int_eq(as_decode_frame(out, n, AS_DLT_EN10MB, &p), 0);
            ck_assert_uint_eq(p.ip_dst, t.ip);
        }
    }
    ck_assert_uint_eq(as_osprobe_make(tm, AS_OS_NPROBES, &ctx, &t, (uint8_t[AS_FRAME_MAX]){0}), 0);
    free(tm);
}
END_TEST

/* OS replies are taken by their keyed numbers, not by their ports alone. */
START_TEST(os_replies_need_keyed_numbers)
{
    as_probe_ctx ctx = {.src_ip = 0xc6130002, .src_port = 40000, .ttl = 64};
    as_cookie_key_init(&ctx.key, 5);
    as_os_target t = {.ip = 0xc612010a, .open_port = 22, .closed_port = 1, .closed_udp = 41234};
    uint32_t seq1 = as_os_probe_seq(&ctx, t.ip, AS_OS_SEQ1);
    as_packet p = {.l4 = AS_L4_TCP, .ip_src = t.ip, .ip_dst = ctx.src_ip, .sport = 22,
                   .dport = 40000 + AS_OS_PORT_BASE, .flags = AS_TH_SYN | AS_TH_ACK, .seq = 12345, .ack = seq1 + 1};
    ck_assert_int_eq(as_osprobe_reply_matches(&p, &ctx, &t, AS_OS_SEQ1), 1);
    p.ack = seq1 + 77;          /* right ports, wrong acknowledgement: stale or forged */
    ck_assert_int_eq(as_osprobe_reply_matches(&p, &ctx, &t, AS_OS_SEQ1), 0);
    p.ack = seq1 + 1;
    p.sport = 23;               /* the right number from another port */
    ck_assert_int_eq(as_osprobe_reply_matches(&p, &ctx, &t, AS_OS_SEQ1), 0);
    p.ip_src = t.ip + 1;
    p.sport = 22;
    ck_assert_int_eq(as_osprobe_reply_matches(&p, &ctx, &t, AS_OS_SEQ1), 0);
    /* T4 (ACK to the open port): the RST's sequence is our acknowledgement. */
    as_packet r = {.l4 = AS_L4_TCP, .ip_src = t.ip, .sport = 22, .flags = AS_TH_RST,
                   .seq = as_os_probe_ack(&ctx, t.ip, AS_OS_T2 + 2)};
    ck_assert_int_eq(as_osprobe_reply_matches(&r, &ctx, &t, AS_OS_T2 + 2), 1);
    r.seq += 5;
    ck_assert_int_eq(as_osprobe_reply_matches(&r, &ctx, &t, AS_OS_T2 + 2), 0);
    /* T5 goes to the closed port: a reply from the open one is not its answer. */
    as_packet c = {.l4 = AS_L4_TCP, .ip_src = t.ip, .sport = 22, .flags = AS_TH_RST | AS_TH_ACK,
                   .ack = as_os_probe_seq(&ctx, t.ip, AS_OS_T2 + 3) + 1};
    ck_assert_int_eq(as_osprobe_reply_matches(&c, &ctx, &t, AS_OS_T2 + 3), 0);
    c.sport = 1;
    ck_assert_int_eq(as_osprobe_reply_matches(&c, &ctx, &t, AS_OS_T2 + 3), 1);
    /* U1: the quote must hold our keyed closed port and the U1 IP id. */
    as_packet u = {.l4 = AS_L4_ICMP, .ip_src = t.ip, .icmp_type = 3, .icmp_code = 3, .has_quote = 1};
    u.quote.dst = t.ip;
    u.quote.dport = 41234;
    u.quote.ip_id = AS_OS_U1_IPID;
    ck_assert_int_eq(as_osprobe_reply_matches(&u, &ctx, &t, AS_OS_U1), 1);
    u.quote.dport = 41235;
    ck_assert_int_eq(as_osprobe_reply_matches(&u, &ctx, &t, AS_OS_U1), 0);
}
END_TEST

START_TEST(syn_fields)
{
    uint8_t f[AS_FRAME_MAX];
    size_t n = build(&as_probe_tcp_syn, f, 445);
    ck_assert_uint_eq(n, 14 + 20 + 40);
    ck_assert_mem_eq(f, gw_mac, 6);
    ck_assert_mem_eq(f + 6, ctx.src_mac, 6);
    ck_assert_uint_eq(as_get16(f + 12), 0x0800);
    ck_assert_uint_eq(f[14], 0x45);
    ck_assert_uint_eq(as_get16(f + 16), 60);
    ck_assert_uint_eq(f[22], 64);
    ck_assert_uint_eq(f[23], 6);
    ck_assert_uint_eq(as_get32(f + 26), SRC);
    ck_assert_uint_eq(as_get32(f + 30), DST);
    ck_assert_uint_eq(as_inet_checksum(f + 14, 20, 0), 0);
    ck_assert_uint_eq(as_get16(f + 34), 40000);
    ck_assert_uint_eq(as_get16(f + 36), 445);
    ck_assert_uint_eq(as_get32(f + 38), as_cookie(&ctx.key, AS_PROBE_TCP_SYN, SRC, DST, 40000, 445));
    ck_assert_uint_eq(f[46] >> 4, 10);         /* data offset: 40 bytes */
    ck_assert_uint_eq(f[47], AS_TH_SYN);
    ck_assert_uint_eq(as_get16(f + 48), 1024);
    ck_assert_uint_eq(f[54], 2);               /* MSS option */
    ck_assert_uint_eq(as_get16(f + 56), 1460);
    ck_assert_uint_eq(f[58], 4);               /* SACK permitted */
    ck_assert_uint_eq(f[60], 8);               /* timestamps */
    ck_assert_uint_eq(as_get32(f + 62), 1);
    ck_assert_uint_eq(f[70], 1);               /* NOP, window scale 7 */
    ck_assert_uint_eq(f[71], 3);
    ck_assert_uint_eq(f[73], 7);
    uint32_t pseudo = as_pseudo_header_sum(SRC, DST, 6, 40);
    ck_assert_uint_eq(as_inet_checksum(f + 34, 40, pseudo), 0);
}
END_TEST

START_TEST(ack_and_echo_fields)
{
    uint8_t f[AS_FRAME_MAX];
    size_t n = build(&as_probe_tcp_ack, f, 80);
    ck_assert_uint_eq(n, 54);
    ck_assert_uint_eq(f[47], AS_TH_ACK);
    ck_assert_uint_eq(as_get16(f + 34), 40001);
    ck_assert_uint_eq(as_get32(f + 42), as_cookie(&ctx.key, AS_PROBE_TCP_ACK, SRC, DST, 40001, 80));
    ck_assert_uint_eq(as_inet_checksum(f + 34, 20, as_pseudo_header_sum(SRC, DST, 6, 20)), 0);

    n = build(&as_probe_icmp_echo, f, 0);
    ck_assert_uint_eq(n, 14 + 20 + 8);
    ck_assert_uint_eq(f[23], 1);
    ck_assert_uint_eq(f[34], 8);
    uint32_t c = as_cookie(&ctx.key, AS_PROBE_ICMP_ECHO, SRC, DST, 0, 0);
    ck_assert_uint_eq(as_get16(f + 38), c >> 16);
    ck_assert_uint_eq(as_get16(f + 40), c & 0xffff);
    ck_assert_uint_eq(as_inet_checksum(f + 34, 8, 0), 0);
    ck_assert_uint_eq(as_inet_checksum(f + 14, 20, 0), 0);
}
END_TEST

START_TEST(arp_fields)
{
    uint8_t f[AS_FRAME_MAX];
    size_t n = build(&as_probe_arp, f, 0);
    ck_assert_uint_ge(n, 42);
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(f[i], 0xff);
    ck_assert_uint_eq(as_get16(f + 12), 0x0806);
    ck_assert_uint_eq(as_get16(f + 20), 1);     /* request */
    ck_assert_uint_eq(as_get32(f + 28), SRC);
    ck_assert_uint_eq(as_get32(f + 38), DST);
}
END_TEST

/* A reply frame: Ethernet + IPv4 (+ TCP) from DST to SRC. */
static size_t tcp_reply(uint8_t *f, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags)
{
    memset(f, 0, 64);
    memcpy(f, ctx.src_mac, 6);
    memcpy(f + 6, gw_mac, 6);
    as_put16(f + 12, 0x0800);
    f[14] = 0x45;
    as_put16(f + 16, 40);
    f[22] = 61;
    f[23] = 6;
    as_put32(f + 26, DST);
    as_put32(f + 30, SRC);
    as_put16(f + 34, sport);
    as_put16(f + 36, dport);
    as_put32(f + 38, seq);
    as_put32(f + 42, ack);
    f[46] = 0x50;
    f[47] = flags;
    return 54;
}

static int classify(const uint8_t *f, size_t n, as_result *r)
{
    as_packet p;
    if (as_decode_frame(f, n, AS_DLT_EN10MB, &p) != 0)
        return -1;
    return as_classify(&p, &ctx, r);
}

START_TEST(syn_replies)
{
    uint8_t f[128];
    as_result r;
    uint32_t c = as_cookie(&ctx.key, AS_PROBE_TCP_SYN, SRC, DST, 40000, 22);
    size_t n = tcp_reply(f, 22, 40000, 777, c + 1, AS_TH_SYN | AS_TH_ACK);
    ck_assert_int_eq(classify(f, n, &r), 1);
    ck_assert_uint_eq(r.kind, AS_RES_PORT);
    ck_assert_uint_eq(r.state, AS_PORT_OPEN);
    ck_assert_str_eq(r.reason, "syn-ack");
    ck_assert_uint_eq(r.port, 22);
    ck_assert_uint_eq(r.ip, DST);
    ck_assert_uint_eq(r.ttl, 61);

    n = tcp_reply(f, 22, 40000, 0, c + 1, AS_TH_RST | AS_TH_ACK);
    ck_assert_int_eq(classify(f, n, &r), 1);
    ck_assert_uint_eq(r.state, AS_PORT_CLOSED);
    ck_assert_str_eq(r.reason, "reset");

    /* A forged or stale reply: wrong ack, wrong port, wrong destination port. */
    n = tcp_reply(f, 22, 40000, 0, c + 2, AS_TH_SYN | AS_TH_ACK);
    ck_assert_int_eq(classify(f, n, &r), 0);
    n = tcp_reply(f, 23, 40000, 0, c + 1, AS_TH_SYN | AS_TH_ACK);
    ck_assert_int_eq(classify(f, n, &r), 0);
    n = tcp_reply(f, 22, 40002, 0, c + 1, AS_TH_SYN | AS_TH_ACK);
    ck_assert_int_eq(classify(f, n, &r), 0);
}
END_TEST

START_TEST(ack_reply_and_echo_reply)
{
    uint8_t f[128];
    as_result r;
    uint32_t c = as_cookie(&ctx.key, AS_PROBE_TCP_ACK, SRC, DST, 40001, 80);
    size_t n = tcp_reply(f, 80, 40001, c, 0, AS_TH_RST);
    ck_assert_int_eq(classify(f, n, &r), 1);
    ck_assert_uint_eq(r.kind, AS_RES_HOST_UP);
    ck_assert_str_eq(r.reason, "reset");
    n = tcp_reply(f, 80, 40001, c ^ 1, 0, AS_TH_RST);
    ck_assert_int_eq(classify(f, n, &r), 0);

    /* Echo reply: IP + 8 bytes ICMP. */
    tcp_reply(f, 0, 0, 0, 0, 0);
    f[23] = 1;
    as_put16(f + 16, 28);
    uint32_t e = as_cookie(&ctx.key, AS_PROBE_ICMP_ECHO, SRC, DST, 0, 0);
    memset(f + 34, 0, 20);
    f[34] = 0;
    as_put16(f + 38, (uint16_t)(e >> 16));
    as_put16(f + 40, (uint16_t)e);
    ck_assert_int_eq(classify(f, 42, &r), 1);
    ck_assert_str_eq(r.reason, "echo-reply");
    as_put16(f + 40, (uint16_t)(e + 1));
    ck_assert_int_eq(classify(f, 42, &r), 0);
}
END_TEST

/* ICMP unreachable from a router (198.18.0.1) quoting our SYN to DST:445. */
static size_t unreach(uint8_t *f, uint8_t code, uint32_t quoted_seq, size_t quote_l4)
{
    memset(f, 0, 128);
    memcpy(f, ctx.src_mac, 6);
    as_put16(f + 12, 0x0800);
    f[14] = 0x45;
    as_put16(f + 16, (uint16_t)(20 + 8 + 20 + quote_l4));
    f[22] = 63;
    f[23] = 1;
    as_put32(f + 26, 0xc6120001u);
    as_put32(f + 30, SRC);
    f[34] = 3;
    f[35] = code;
    uint8_t *q = f + 42;
    q[0] = 0x45;
    q[9] = 6;
    as_put32(q + 12, SRC);
    as_put32(q + 16, DST);
    as_put16(q + 20, 40000);
    as_put16(q + 22, 445);
    as_put32(q + 24, quoted_seq);
    return 42 + 20 + quote_l4;
}

START_TEST(icmp_unreachable_filtered)
{
    uint8_t f[128];
    as_result r;
    uint32_t c = as_cookie(&ctx.key, AS_PROBE_TCP_SYN, SRC, DST, 40000, 445);
    size_t n = unreach(f, 13, c, 8);
    ck_assert_int_eq(classify(f, n, &r), 1);
    ck_assert_uint_eq(r.state, AS_PORT_FILTERED);
    ck_assert_str_eq(r.reason, "admin-prohibited");
    ck_assert_uint_eq(r.ip, DST);
    ck_assert_uint_eq(r.port, 445);
    /* Code 4 (fragmentation needed) says nothing about the port. */
    n = unreach(f, 4, c, 8);
    ck_assert_int_eq(classify(f, n, &r), 0);
    /* A quote with a wrong sequence number is not ours. */
    n = unreach(f, 13, c + 1, 8);
    ck_assert_int_eq(classify(f, n, &r), 0);
    /* A quote cut before its 8 bytes of TCP is not decoded as a quote. */
    n = unreach(f, 13, c, 4);
    ck_assert_int_eq(classify(f, n, &r), 0);
}
END_TEST

START_TEST(malformed_frames)
{
    uint8_t f[128];
    as_packet p;
    uint32_t c = as_cookie(&ctx.key, AS_PROBE_TCP_SYN, SRC, DST, 40000, 22);
    size_t n = tcp_reply(f, 22, 40000, 0, c + 1, AS_TH_SYN | AS_TH_ACK);
    /* Every truncation of a valid frame is rejected or decoded without reading past it. */
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, f, cut);
        ck_assert_int_eq(as_decode_frame(copy, cut, AS_DLT_EN10MB, &p), -1);
        free(copy);
    }
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), 0);
    f[14] = 0x44;   /* IHL 4 */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), -1);
    f[14] = 0x45;
    f[46] = 0x40;   /* TCP data offset 4 */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), -1);
    f[46] = 0xf0;   /* data offset past the end */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), -1);
    f[46] = 0x50;
    as_put16(f + 16, 10);   /* IP total length shorter than its header */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), -1);
    as_put16(f + 16, 40);
    as_put16(f + 20, 0x0010);   /* a later fragment */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), -1);
    ck_assert_int_eq(as_decode_frame(NULL, 0, AS_DLT_EN10MB, &p), -1);
    ck_assert_int_eq(as_decode_frame(f, n, 9999, &p), -1);
}
END_TEST

START_TEST(ethernet_padding_ignored)
{
    /* 60-byte minimum frames carry padding after the IP datagram; the total length wins. */
    uint8_t f[128];
    as_packet p;
    size_t n = tcp_reply(f, 22, 40000, 0, 0, AS_TH_RST);
    memset(f + n, 0xee, 6);
    ck_assert_int_eq(as_decode_frame(f, n + 6, AS_DLT_EN10MB, &p), 0);
    ck_assert_uint_eq(p.ip_len, 40);
    ck_assert_uint_eq(p.tcp_opts_len, 0);
}
END_TEST

START_TEST(arp_reply)
{
    uint8_t f[64];
    as_result r;
    memset(f, 0, sizeof f);
    as_put16(f + 12, 0x0806);
    as_put16(f + 14, 1);
    as_put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    as_put16(f + 20, 2);
    memcpy(f + 22, gw_mac, 6);
    as_put32(f + 28, 0xc613ff01u);
    as_put32(f + 38, SRC);
    ck_assert_int_eq(classify(f, 42, &r), 1);
    ck_assert_str_eq(r.reason, "arp-response");
    ck_assert_uint_eq(r.ip, 0xc613ff01u);
    ck_assert_mem_eq(r.mac, gw_mac, 6);
    as_put32(f + 38, SRC + 1);  /* for someone else */
    ck_assert_int_eq(classify(f, 42, &r), 0);
    f[18] = 8;                  /* not Ethernet/IPv4 ARP */
    ck_assert_int_eq(classify(f, 42, &r), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("probes");
    TCase *tc = tcase_create("probes");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, siphash_reference_vector);
    tcase_add_test(tc, initial_ttl_buckets);
    tcase_add_test(tc, growable_array);
    tcase_add_test(tc, syn_fields);
    tcase_add_test(tc, os_probe_templates);
    tcase_add_test(tc, os_replies_need_keyed_numbers);
    tcase_add_test(tc, ack_and_echo_fields);
    tcase_add_test(tc, arp_fields);
    tcase_add_test(tc, syn_replies);
    tcase_add_test(tc, ack_reply_and_echo_reply);
    tcase_add_test(tc, icmp_unreachable_filtered);
    tcase_add_test(tc, malformed_frames);
    tcase_add_test(tc, ethernet_padding_ignored);
    tcase_add_test(tc, arp_reply);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
