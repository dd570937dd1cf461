/* test_snmp_ident.c — SNMP v2c identity through net-snmp: the request bytes, Debian snmpd
 * 5.9.3's answer (captured in a private namespace), error and hostile answers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/snmp_ident.h"

/* snmpd (Debian 12, "rocommunity public", sysName idhost.lab.example) answering
 * as_snmp_build_get("public", 0x41530001) */
static const uint8_t netsnmp_response[160] = {
    0x30, 0x81, 0x9d, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x81,
    0x8f, 0x02, 0x04, 0x41, 0x53, 0x00, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x81, 0x80,
    0x30, 0x46, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x3a, 0x4c, 0x69,
    0x6e, 0x75, 0x78, 0x20, 0x76, 0x6d, 0x20, 0x36, 0x2e, 0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66,
    0x63, 0x2d, 0x76, 0x31, 0x32, 0x37, 0x32, 0x20, 0x23, 0x31, 0x20, 0x53, 0x4d, 0x50, 0x20, 0x50,
    0x52, 0x45, 0x45, 0x4d, 0x50, 0x54, 0x5f, 0x44, 0x59, 0x4e, 0x41, 0x4d, 0x49, 0x43, 0x20, 0x40,
    0x30, 0x20, 0x78, 0x38, 0x36, 0x5f, 0x36, 0x34, 0x30, 0x16, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
    0x01, 0x01, 0x02, 0x00, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a,
    0x30, 0x1e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x04, 0x12, 0x69, 0x64,
    0x68, 0x6f, 0x73, 0x74, 0x2e, 0x6c, 0x61, 0x62, 0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,
};

START_TEST(request_bytes)
{
    uint8_t b[256];
    int n = as_snmp_build_get("public", 0x41530001, b, sizeof b);
    ck_assert_int_eq(n, 83);
    /* SEQUENCE { version 1 (v2c), "public", GetRequest { reqid, 0, 0, three NULL varbinds } } */
    ck_assert_mem_eq(b, "\x30\x82\x00\x4f\x02\x01\x01\x04\x06public\xa0\x82\x00\x40"
                        "\x02\x04\x41\x53\x00\x01", 25);
    ck_assert_mem_eq(b + 39, "\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00", 12);
    ck_assert_mem_eq(b + 71, "\x06\x08\x2b\x06\x01\x02\x01\x01\x05\x00\x05\x00", 12);
    ck_assert_int_eq(as_snmp_build_get("public", 0x41530001, b, 82), -E2BIG);
    ck_assert_int_eq(as_snmp_build_get("", 1, b, sizeof b), -EINVAL);
    ck_assert_int_eq(as_snmp_build_get(NULL, 1, b, sizeof b), -EINVAL);
    char big[80];
    memset(big, 'c', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(as_snmp_build_get(big, 1, b, sizeof b), -EINVAL);
    /* the request parses, but it is not a response */
    as_snmp_info in;
    n = as_snmp_build_get("private", 7, b, sizeof b);
    ck_assert_int_eq(as_snmp_parse_response(b, (size_t)n, &in), -EBADMSG);
}
END_TEST

START_TEST(snmpd_answer)
{
    as_snmp_info in;
    ck_assert_int_eq(as_snmp_parse_response(netsnmp_response, sizeof netsnmp_response, &in), 0);
    ck_assert_int_eq(in.reqid, 0x41530001);
    ck_assert_int_eq(in.error_status, 0);
    ck_assert_str_eq(in.community, "public");
    ck_assert_str_eq(in.descr, "Linux vm 6.18.44-fc-v1272 #1 SMP PREEMPT_DYNAMIC @0 x86_64");
    ck_assert_str_eq(in.name, "idhost.lab.example");
    ck_assert_str_eq(in.object_id, "1.3.6.1.4.1.8072.3.2.10");     /* net-snmp, Linux */
    for (size_t n = 0; n < sizeof netsnmp_response; n++)
        ck_assert_int_eq(as_snmp_parse_response(netsnmp_response, n, &in), -EBADMSG);
}
END_TEST

START_TEST(odd_answers)
{
    as_snmp_info in;
    uint8_t m[sizeof netsnmp_response];
    /* sysDescr answered as an OBJECT IDENTIFIER instead of an OCTET STRING: field empty */
    memcpy(m, netsnmp_response, sizeof m);
    ck_assert_uint_eq(m[44], 0x04);
    m[44] = 0x06;
    ck_assert_int_eq(as_snmp_parse_response(m, sizeof m, &in), 0);
    ck_assert_str_eq(in.descr, "");
    ck_assert_str_eq(in.name, "idhost.lab.example");
    /* sysName answered noSuchObject (v2c exception, [0x80] NULL) */
    static const uint8_t nso[] = {
        0x30, 0x26, 0x02, 0x01, 0x01, 0x04, 0x06, 'p', 'u', 'b', 'l', 'i', 'c',
        0xa2, 0x19, 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
        0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00,
        0x80, 0x00,
    };
    ck_assert_int_eq(as_snmp_parse_response(nso, sizeof nso, &in), 0);
    ck_assert_int_eq(in.reqid, 7);
    ck_assert_str_eq(in.name, "");
    /* control bytes in sysName are sanitized */
    memcpy(m, netsnmp_response, sizeof m);
    m[sizeof m - 3] = 0x1b;
    ck_assert_int_eq(as_snmp_parse_response(m, sizeof m, &in), 0);
    ck_assert_str_eq(in.name, "idhost.lab.exam?le");
    /* SNMPv3 version number: not ours */
    memcpy(m, netsnmp_response, sizeof m);
    m[6] = 3;
    ck_assert_int_eq(as_snmp_parse_response(m, sizeof m, &in), -EBADMSG);
    ck_assert_int_eq(as_snmp_parse_response((const uint8_t *)"", 0, &in), -EBADMSG);
}
END_TEST

static Suite *snmp_suite(void)
{
    Suite *s = suite_create("snmp_ident");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, request_bytes);
    tcase_add_test(tc, snmpd_answer);
    tcase_add_test(tc, odd_answers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(snmp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
