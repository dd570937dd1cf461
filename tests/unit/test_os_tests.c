/* test_os_tests.c — the OS test-line arithmetic from crafted reply sets: option strings,
 * IP ID classes, TTL guesses, GCD/ISR/SP, TS classes, S/A/F/Q codes and whole lines. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/os_tests.h"

START_TEST(options_strings)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *want;
    } rows[] = {
        /* Linux SYN/ACK: MSS 1460, SACK, TS, NOP, WS 7 */
        {"\x02\x04\x05\xb4\x04\x02\x08\x0a\x12\x34\x56\x78\xff\xff\xff\xff\x01\x03\x03\x07", 20, "M5B4ST11NW7"},
        {"\x02\x04\x05\xb4\x01\x03\x03\x08\x01\x01\x04\x02", 12, "M5B4NW8NNS"},
        {"\x08\x0a\x00\x00\x00\x00\x00\x00\x00\x01", 10, "T01"},
        {"\x02\x04\x01\x09\x00\x00\x00", 7, "M109L"},
        {"", 0, ""},
        /* A length running past the end stops the string where it stops making sense. */
        {"\x02\x04\x05\xb4\x03\x09\x07", 7, "M5B4"},
        {"\x02\x01\x05", 3, ""},
    };
    char out[64];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        as_os_options_string((const uint8_t *)rows[i].bytes, rows[i].len, out, sizeof out);
        ck_assert_msg(strcmp(out, rows[i].want) == 0, "row %zu: got '%s' want '%s'", i, out, rows[i].want);
    }
}
END_TEST

START_TEST(ipid_classes)
{
    char b[16];
    uint16_t z[3] = {0, 0, 0}, inc[3] = {100, 101, 103}, same[3] = {7, 7, 7};
    uint16_t rd[3] = {100, 30000, 500}, ri[3] = {100, 2100, 4200}, bi[3] = {256, 512, 1024};
    uint16_t wrap[3] = {65534, 65535, 2}, none[3] = {100, 150, 200};
    ck_assert_str_eq(as_os_ipid_class(z, 3, 1, b, sizeof b), "Z");
    ck_assert_str_eq(as_os_ipid_class(inc, 3, 1, b, sizeof b), "I");
    ck_assert_str_eq(as_os_ipid_class(same, 3, 1, b, sizeof b), "7");
    ck_assert_str_eq(as_os_ipid_class(rd, 3, 1, b, sizeof b), "RD");
    /* II never says RD: a jump of 20,000 is only "random positive increments" there. */
    ck_assert_str_eq(as_os_ipid_class(rd, 3, 0, b, sizeof b), "RI");
    ck_assert_str_eq(as_os_ipid_class(ri, 3, 1, b, sizeof b), "RI");
    ck_assert_str_eq(as_os_ipid_class(bi, 3, 1, b, sizeof b), "BI");
    ck_assert_str_eq(as_os_ipid_class(wrap, 3, 1, b, sizeof b), "I");
    ck_assert_ptr_null(as_os_ipid_class(none, 3, 1, b, sizeof b));
}
END_TEST

/* A host that answers every SEQ probe with ISNs rising by `step` per 100 ms. */
static void seq_host(as_os_observation *o, uint32_t step, uint32_t tsstep)
{
    memset(o, 0, sizeof *o);
    o->sent_ttl = 64;
    for (int i = 0; i < 6; i++) {
        as_osreply *r = &o->r[i];
        o->sent_us[i] = 1000000 + (uint64_t)i * 100000;
        o->probe_seq[i] = 1000u * (uint32_t)i;
        o->probe_ack[i] = 5000u * (uint32_t)i;
        r->present = 1;
        r->ttl = 63;
        r->df = 1;
        r->tcp_flags = 0x12;
        r->seq = 0x10000000u + step * (uint32_t)i;
        r->ack = o->probe_seq[i] + 1;
        r->win = 0xfe88;
        r->ip_id = 0;
        static const uint8_t opts[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 3, 3, 7};
        memcpy(r->opts, opts, sizeof opts);
        r->opts_len = sizeof opts;
        uint32_t ts = 5000 + tsstep * (uint32_t)i;
        r->opts[8] = (uint8_t)(ts >> 24);
        r->opts[9] = (uint8_t)(ts >> 16);
        r->opts[10] = (uint8_t)(ts >> 8);
        r->opts[11] = (uint8_t)ts;
    }
}

START_TEST(seq_arithmetic)
{
    as_os_observation o;
    char fp[2048];
    /* +64000 every 100 ms: GCD 64000 = 0xFA00, rate 640000/s → ISR = 8·log2(640000) ≈ 154 = 0x9A;
     * constant rate → SP 0; timestamps +10 per 100 ms = 100 Hz → TS=7. */
    seq_host(&o, 64000, 10);
    ck_assert_int_gt(as_os_fingerprint(&o, fp, sizeof fp), 0);
    ck_assert_msg(strstr(fp, "SEQ(SP=0%GCD=FA00%ISR=9A%TI=Z%TS=7)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "OPS(O1=M5B4ST11NW7%") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "WIN(W1=FE88%W2=FE88") != NULL, "%s", fp);
    /* No U1 answer: TTL only as a guess (TG), and T1 from the first SEQ reply. */
    ck_assert_msg(strstr(fp, "T1(R=Y%DF=Y%TG=40%S=O%A=S+%F=AS%RD=0%Q=)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "T2(R=N)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "U1(R=N)\n") != NULL, "%s", fp);
    /* Timestamps from a per-connection random offset jump both ways. */
    seq_host(&o, 64000, 0);
    for (int i = 0; i < 6; i++)
        o.r[i].opts[8] = (uint8_t)(i % 2 ? 0x10 : 0xe0);
    as_os_fingerprint(&o, fp, sizeof fp);
    ck_assert_msg(strstr(fp, "TS=" AS_OS_TS_RANDOM ")") != NULL, "%s", fp);
    /* A reply without the TS option: U; a zero TSval: 0. */
    seq_host(&o, 64000, 10);
    o.r[3].opts_len = 4;
    as_os_fingerprint(&o, fp, sizeof fp);
    ck_assert_msg(strstr(fp, "TS=U)") != NULL, "%s", fp);
    seq_host(&o, 64000, 10);
    memset(o.r[2].opts + 8, 0, 4);
    as_os_fingerprint(&o, fp, sizeof fp);
    ck_assert_msg(strstr(fp, "TS=0)") != NULL, "%s", fp);
}
END_TEST

START_TEST(distance_from_u1_and_codes)
{
    as_os_observation o;
    char fp[2048];
    seq_host(&o, 64000, 10);
    as_osreply *u = &o.r[AS_OS_U1];
    u->present = 1;
    u->ttl = 63;
    u->ip_len = 0x164;
    u->q_ttl = 62;      /* our TTL 64 arrived as 62: two hops */
    u->q_ip_len = AS_OS_U1_IPLEN;
    u->q_ip_id = AS_OS_U1_IPID;
    u->q_ipck = 'G';
    u->q_data = 'G';
    o.u1_udp_csum = 0x1234;
    u->q_udp_csum = 0x1234;
    as_osreply *t5 = &o.r[AS_OS_T2 + 3];
    t5->present = 1;
    t5->ttl = 62;
    t5->tcp_flags = 0x14;
    t5->ack = o.probe_seq[AS_OS_T2 + 3] + 1;
    t5->urp = 5;            /* urgent pointer without URG: quirk U */
    t5->tcp_reserved = 1;   /* reserved bit: quirk R */
    as_osreply *ie1 = &o.r[AS_OS_IE1], *ie2 = &o.r[AS_OS_IE2];
    ie1->present = ie2->present = 1;
    ie1->ttl = ie2->ttl = 62;
    ie1->df = 1;
    ie1->icmp_code = 9;
    ie1->ip_id = 10;
    ie2->ip_id = 11;
    as_os_fingerprint(&o, fp, sizeof fp);
    ck_assert_msg(strstr(fp, "T1(R=Y%DF=Y%T=41%S=O%A=S+%F=AS%RD=0%Q=)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "T5(R=Y%DF=N%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=RU)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "U1(R=Y%DF=N%T=41%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "IE(R=Y%DFI=S%T=40%CD=S)\n") != NULL, "%s", fp);
    ck_assert_msg(strstr(fp, "II=I") != NULL, "%s", fp);
    /* Too small a buffer is an error, not a cut fingerprint. */
    ck_assert_int_eq(as_os_fingerprint(&o, fp, 40), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("os_tests");
    TCase *tc = tcase_create("os_tests");
    tcase_add_test(tc, options_strings);
    tcase_add_test(tc, ipid_classes);
    tcase_add_test(tc, seq_arithmetic);
    tcase_add_test(tc, distance_from_u1_and_codes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
