/* test_probes.c — probe templates field by field, and reply classification from crafted
 * frames: our own replies accepted, a changed field rejected, truncation survived. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "probes/probe.h"

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

START_TEST(initial_ttl_buckets)
{
    /* One definition (probes/packet.h) for nmap's TG, the passive guess and the report. */
    static const uint8_t seen[] = {1, 30, 32, 33, 63, 64, 65, 120, 128, 129, 250, 255};
    static const int want[] = {32, 32, 32, 64, 64, 64, 128, 128, 128, 255, 255, 255};
    for (size_t i = 0; i < sizeof seen; i++)
        ck_assert_int_eq(as_initial_ttl(seen[i]), want[i]);
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
    tcase_add_test(tc, syn_fields);
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
