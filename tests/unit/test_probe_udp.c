/* test_probe_udp.c — the UDP probe (probes/probe_udp.c) and the -p syntax that asks for it
 * (engine/portspec.c): frame bytes per payload, nmap's states from crafted replies, the
 * cookie checks a forged reply fails, and T:/U:/presets with their errors. */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine/portspec.h"
#include "probes/nbstat.h"
#include "probes/portstate.h"
#include "probes/probe.h"
#include "probes/snmp_ident.h"

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

static size_t build(uint8_t *out, uint16_t port, unsigned attempt)
{
    as_template t;
    char err[256];
    ck_assert_int_eq(as_probe_udp.prepare(&t, &ctx, err, sizeof err), 0);
    return as_probe_udp.make(&t, &ctx, out, gw_mac, DST, port, attempt);
}

static uint32_t cookie(uint16_t port)
{
    return as_cookie(&ctx.key, AS_PROBE_UDP, SRC, DST, 0, port);
}

static void check_headers(const uint8_t *f, size_t n, uint16_t port)
{
    uint32_t c = cookie(port);
    ck_assert_mem_eq(f, gw_mac, 6);
    ck_assert_uint_eq(as_get16(f + 12), 0x0800);
    ck_assert_uint_eq(f[14], 0x45);
    ck_assert_uint_eq(as_get16(f + 16), n - 14);
    ck_assert_uint_eq(as_get16(f + 18), (uint16_t)(c >> 16));     /* IP id: quoted back */
    ck_assert_uint_eq(f[23], 17);
    ck_assert_uint_eq(as_get32(f + 26), SRC);
    ck_assert_uint_eq(as_get32(f + 30), DST);
    ck_assert_uint_eq(as_inet_checksum(f + 14, 20, 0), 0);
    ck_assert_uint_eq(as_get16(f + 34), 40000 + AS_UDP_PORT_BASE + (c & 0xff));
    ck_assert_uint_eq(as_get16(f + 36), port);
    ck_assert_uint_eq(as_get16(f + 38), n - 34);
    ck_assert_uint_ne(as_get16(f + 40), 0);
    uint32_t pseudo = as_pseudo_header_sum(SRC, DST, 17, (uint16_t)(n - 34));
    ck_assert_uint_eq(as_inet_checksum(f + 34, n - 34, pseudo), 0);
}

START_TEST(udp_probe_bytes)
{
    uint8_t f[AS_FRAME_MAX], want[128];
    /* 137: the NBSTAT query for "*" with the cookie as transaction id. */
    size_t n = build(f, 137, 0);
    ck_assert_uint_eq(n, 42 + AS_NBSTAT_QUERY_LEN);
    check_headers(f, n, 137);
    as_nbstat_query(want, (uint16_t)(cookie(137) >> 16));
    ck_assert_mem_eq(f + 42, want, AS_NBSTAT_QUERY_LEN);
    /* 161: net-snmp's GET (community public) with 30 bits of the cookie as request id. */
    n = build(f, 161, 0);
    int len = as_snmp_build_get("public", (int32_t)(0x40000000u | (cookie(161) & 0x3fffffffu)), want, sizeof want);
    ck_assert_int_gt(len, 0);
    ck_assert_uint_eq(n, 42 + (size_t)len);
    check_headers(f, n, 161);
    ck_assert_mem_eq(f + 42, want, (size_t)len);
    /* Any other port: a bare datagram; a retry is the same datagram. */
    n = build(f, 52311, 0);
    ck_assert_uint_eq(n, 42);
    check_headers(f, n, 52311);
    uint8_t g[AS_FRAME_MAX];
    ck_assert_uint_eq(build(g, 52311, 2), n);
    ck_assert_mem_eq(f, g, n);
    ck_assert_str_eq(as_udp_payload_name(137), "nbstat");
    ck_assert_ptr_null(as_udp_payload_name(52311));
}
END_TEST

static int classify(const uint8_t *f, size_t n, as_result *r)
{
    as_packet p;
    if (as_decode_frame(f, n, AS_DLT_EN10MB, &p) != 0)
        return -1;
    return as_classify(&p, &ctx, r);
}

/* A UDP answer from DST:port to our port dport with data. */
static size_t udp_answer(uint8_t *f, uint16_t port, uint16_t dport, const uint8_t *data, size_t dlen)
{
    memset(f, 0, 128);
    memcpy(f, ctx.src_mac, 6);
    as_put16(f + 12, 0x0800);
    f[14] = 0x45;
    as_put16(f + 16, (uint16_t)(28 + dlen));
    f[22] = 128;
    f[23] = 17;
    as_put32(f + 26, DST);
    as_put32(f + 30, SRC);
    as_put16(f + 34, port);
    as_put16(f + 36, dport);
    as_put16(f + 38, (uint16_t)(8 + dlen));
    if (dlen > 0)
        memcpy(f + 42, data, dlen);
    return 42 + dlen;
}

/* An ICMP unreachable from DST quoting quote_len bytes of the probe's IP datagram. */
static size_t icmp_unreach(uint8_t *f, uint8_t code, const uint8_t *probe, size_t quote_len)
{
    memset(f, 0, 256);
    memcpy(f, ctx.src_mac, 6);
    as_put16(f + 12, 0x0800);
    f[14] = 0x45;
    as_put16(f + 16, (uint16_t)(28 + quote_len));
    f[22] = 64;
    f[23] = 1;
    as_put32(f + 26, DST);
    as_put32(f + 30, SRC);
    f[34] = 3;
    f[35] = code;
    memcpy(f + 42, probe + 14, quote_len);
    return 42 + quote_len;
}

START_TEST(udp_replies_by_nmaps_rules)
{
    uint8_t probe[AS_FRAME_MAX], f[256];
    as_result r;
    size_t pn = build(probe, 137, 0);
    uint16_t ours = as_get16(probe + 34);
    /* An NBSTAT answer with our transaction id: open. */
    uint8_t nb[12] = {probe[42], probe[43], 0x84, 0};
    ck_assert_int_eq(classify(f, udp_answer(f, 137, ours, nb, sizeof nb), &r), 1);
    ck_assert_uint_eq(r.kind, AS_RES_PORT);
    ck_assert_uint_eq(r.probe, AS_PROBE_UDP);
    ck_assert_uint_eq(r.proto, IPPROTO_UDP);
    ck_assert_uint_eq(r.state, AS_PORT_OPEN);
    ck_assert_str_eq(r.reason, "udp-response");
    ck_assert_uint_eq(r.ip, DST);
    ck_assert_uint_eq(r.port, 137);
    /* Another transaction id, a short answer, another of our ports: not ours. */
    nb[1] ^= 1;
    ck_assert_int_eq(classify(f, udp_answer(f, 137, ours, nb, sizeof nb), &r), 0);
    nb[1] ^= 1;
    ck_assert_int_eq(classify(f, udp_answer(f, 137, ours, nb, 1), &r), 0);
    ck_assert_int_eq(classify(f, udp_answer(f, 137, (uint16_t)(ours ^ 1), nb, sizeof nb), &r), 0);
    /* Without a transaction id to check, any answer to the right port is open. */
    uint8_t probe2[AS_FRAME_MAX];
    build(probe2, 52311, 0);
    ck_assert_int_eq(classify(f, udp_answer(f, 52311, as_get16(probe2 + 34), NULL, 0), &r), 1);
    ck_assert_uint_eq(r.state, AS_PORT_OPEN);
    ck_assert_uint_eq(r.port, 52311);

    /* ICMP quoting the probe: port unreachable = closed, 1/2/9/10/13 = filtered. */
    static const struct { uint8_t code, state; const char *reason; } codes[] = {
        {3, AS_PORT_CLOSED, "port-unreach"}, {1, AS_PORT_FILTERED, "host-unreach"},
        {2, AS_PORT_FILTERED, "proto-unreach"}, {9, AS_PORT_FILTERED, "net-prohibited"},
        {10, AS_PORT_FILTERED, "host-prohibited"}, {13, AS_PORT_FILTERED, "admin-prohibited"},
    };
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        ck_assert_int_eq(classify(f, icmp_unreach(f, codes[i].code, probe, 28), &r), 1);
        ck_assert_uint_eq(r.state, codes[i].state);
        ck_assert_str_eq(r.reason, codes[i].reason);
        ck_assert_uint_eq(r.proto, IPPROTO_UDP);
        ck_assert_uint_eq(r.port, 137);
        ck_assert_uint_eq(r.ip, DST);
    }
    /* The whole probe quoted (Linux) reads the same. */
    ck_assert_int_eq(classify(f, icmp_unreach(f, 3, probe, pn - 14), &r), 1);
    ck_assert_uint_eq(r.state, AS_PORT_CLOSED);
    /* Code 4 (fragmentation needed) says nothing about the port. */
    ck_assert_int_eq(classify(f, icmp_unreach(f, 4, probe, 28), &r), 0);
    /* A quote with another IP id, another source port, another destination port: forged. */
    uint8_t bad[AS_FRAME_MAX];
    memcpy(bad, probe, pn);
    bad[19] ^= 1;
    ck_assert_int_eq(classify(f, icmp_unreach(f, 3, bad, 28), &r), 0);
    memcpy(bad, probe, pn);
    bad[35] ^= 1;
    ck_assert_int_eq(classify(f, icmp_unreach(f, 3, bad, 28), &r), 0);
    memcpy(bad, probe, pn);
    bad[37] ^= 2;
    ck_assert_int_eq(classify(f, icmp_unreach(f, 3, bad, 28), &r), 0);
    /* A quote cut inside the UDP header is not decoded as a quote. */
    ck_assert_int_eq(classify(f, icmp_unreach(f, 3, probe, 24), &r), 0);
}
END_TEST

START_TEST(udp_length_bounds)
{
    uint8_t f[128];
    as_packet p;
    uint8_t d[16] = {1, 2, 3, 4};
    size_t n = udp_answer(f, 137, 40100, d, sizeof d);
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), 0);
    ck_assert_uint_eq(p.payload_len, 16);
    as_put16(f + 38, 10);           /* UDP length shorter than the datagram: it wins */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), 0);
    ck_assert_uint_eq(p.payload_len, 2);
    as_put16(f + 38, 4000);         /* longer than what arrived: what arrived */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), 0);
    ck_assert_uint_eq(p.payload_len, 16);
    as_put16(f + 38, 3);            /* impossible (< 8): what arrived */
    ck_assert_int_eq(as_decode_frame(f, n, AS_DLT_EN10MB, &p), 0);
    ck_assert_uint_eq(p.payload_len, 16);
    ck_assert_int_eq(as_decode_frame(f, 14 + 20 + 7, AS_DLT_EN10MB, &p), -1);
}
END_TEST

START_TEST(portspec_protocols)
{
    as_portspec ps;
    char err[256], text[256];
    ck_assert_int_eq(as_portspec_parse_proto("T:22,445,U:137,161", AS_PORTSPEC_TCP, &ps, err, sizeof err), 0);
    ck_assert_uint_eq(ps.n, 4);
    ck_assert_uint_eq(ps.ntcp, 2);
    ck_assert_uint_eq(ps.ports[0], 22);
    ck_assert_uint_eq(ps.proto[1], IPPROTO_TCP);
    ck_assert_uint_eq(ps.ports[2], 137);
    ck_assert_uint_eq(ps.proto[3], IPPROTO_UDP);
    as_portspec_format(&ps, text, sizeof text);
    ck_assert_str_eq(text, "T:22,445,U:137,161");
    as_portspec_free(&ps);
    /* Unprefixed ports follow -sS/-sU: UDP alone, or both. */
    ck_assert_int_eq(as_portspec_parse_proto("53,160-162", AS_PORTSPEC_UDP, &ps, err, sizeof err), 0);
    ck_assert_uint_eq(ps.ntcp, 0);
    ck_assert_uint_eq(ps.n, 4);
    as_portspec_format(&ps, text, sizeof text);
    ck_assert_str_eq(text, "U:53,160-162");
    as_portspec_free(&ps);
    ck_assert_int_eq(as_portspec_parse_proto("53,T:80", AS_PORTSPEC_TCP | AS_PORTSPEC_UDP, &ps, err, sizeof err), 0);
    ck_assert_uint_eq(ps.ntcp, 2);
    ck_assert_uint_eq(ps.n, 3);
    as_portspec_format(&ps, text, sizeof text);
    ck_assert_str_eq(text, "T:53,80,U:53");
    as_portspec_free(&ps);
    /* The odad preset, alone or in a list; a TCP-only list formats without prefixes. */
    ck_assert_int_eq(as_portspec_parse_proto("odad", AS_PORTSPEC_TCP, &ps, err, sizeof err), 0);
    ck_assert_uint_eq(ps.n, 16);
    as_portspec_format(&ps, text, sizeof text);
    ck_assert_str_eq(text, "22-23,25,80,135,137-139,443,445,513-514,1002,1610,3389,52028");
    as_portspec_free(&ps);
    ck_assert_int_eq(as_portspec_parse_proto("odad,5985-5986,U:161", AS_PORTSPEC_TCP, &ps, err, sizeof err), 0);
    ck_assert_uint_eq(ps.ntcp, 18);
    ck_assert_uint_eq(ps.n, 19);
    as_portspec_free(&ps);
    ck_assert_int_eq(as_portspec_parse_proto("U:-", AS_PORTSPEC_TCP, &ps, err, sizeof err), 0);
    ck_assert_uint_eq(ps.n, 65535);
    as_portspec_free(&ps);
    static const struct { const char *spec, *msg; } bad[] = {
        {"S:22", "bad port list 'S:22': unknown protocol prefix 'S:' at position 1 (use T: for TCP, U: for UDP)"},
        {"U:", "bad port list 'U:': expected a port number at position 3"},
        {"T:22,U:", "bad port list 'T:22,U:': expected a port number at position 8"},
        {"odd", "bad port list 'odd': unknown preset 'odd' at position 1 (known: odad)"},
        {"22,U:x1", "bad port list '22,U:x1': unknown preset 'x' at position 6 (known: odad)"},
        {"U:0", "bad port list 'U:0': port 0 cannot be scanned at position 3"},
        {"U:100-90", "bad port list 'U:100-90': range 100-90 runs backwards at position 3"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(as_portspec_parse_proto(bad[i].spec, AS_PORTSPEC_TCP, &ps, err, sizeof err), -1);
        ck_assert_str_eq(err, bad[i].msg);
        ck_assert_ptr_null(ps.ports);
    }
    /* The ACK ping takes TCP ports only. */
    uint16_t *list;
    size_t n;
    ck_assert_int_eq(as_portspec_parse("U:161", &list, &n, err, sizeof err), -1);
    ck_assert_str_eq(err, "bad port list 'U:161': only TCP ports belong here, not U:");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("probe_udp");
    TCase *tc = tcase_create("probe_udp");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, udp_probe_bytes);
    tcase_add_test(tc, udp_replies_by_nmaps_rules);
    tcase_add_test(tc, udp_length_bounds);
    tcase_add_test(tc, portspec_protocols);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
