/* test_nbstat.c — NetBIOS node status: the query byte for byte, Samba 4.17's nmbd answer
 * (captured in a private namespace), a Windows-shaped table with users and a MAC, and
 * truncated or lying answers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/nbstat.h"

/* nmbd (Debian 12, netbios name IDHOST, workgroup AGENTLAB) answering as_nbstat_query(0x4153) */
static const uint8_t samba_nbstat[193] = {
    0x41, 0x53, 0x84, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x43, 0x4b, 0x41,
    0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41,
    0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x00, 0x00, 0x21,
    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x89, 0x05, 0x49, 0x44, 0x48, 0x4f, 0x53, 0x54, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x04, 0x00, 0x49, 0x44, 0x48, 0x4f, 0x53,
    0x54, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x03, 0x04, 0x00, 0x49, 0x44, 0x48,
    0x4f, 0x53, 0x54, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x04, 0x00, 0x41,
    0x47, 0x45, 0x4e, 0x54, 0x4c, 0x41, 0x42, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x84,
    0x00, 0x41, 0x47, 0x45, 0x4e, 0x54, 0x4c, 0x41, 0x42, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x1e, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00,
};

/* A node-status answer with the given name table and MAC, built the way RFC 1002 4.2.18
 * lays it out (header, "*" RR name, type, class, TTL, RDLENGTH, table, statistics). */
typedef struct row { const char *name; uint8_t suffix; uint16_t flags; } row;

static size_t answer(uint8_t *b, const row *rows, size_t n, const uint8_t mac[6], size_t stats)
{
    size_t k = 0;
    memcpy(b, "\x12\x34\x84\x00\x00\x00\x00\x01\x00\x00\x00\x00", 12);
    k = 12;
    b[k++] = 32;
    memcpy(b + k, "CKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32);
    k += 32;
    b[k++] = 0;
    memcpy(b + k, "\x00\x21\x00\x01\x00\x00\x00\x00", 8);
    k += 8;
    size_t rdlen = 1 + 18 * n + stats;
    b[k++] = (uint8_t)(rdlen >> 8);
    b[k++] = (uint8_t)rdlen;
    b[k++] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        memset(b + k, ' ', 15);
        memcpy(b + k, rows[i].name, strlen(rows[i].name));
        b[k + 15] = rows[i].suffix;
        b[k + 16] = (uint8_t)(rows[i].flags >> 8);
        b[k + 17] = (uint8_t)rows[i].flags;
        k += 18;
    }
    memset(b + k, 0, stats);
    if (stats >= 6)
        memcpy(b + k, mac, 6);
    return k + stats;
}

START_TEST(query_bytes)
{
    uint8_t q[AS_NBSTAT_QUERY_LEN];
    as_nbstat_query(q, 0x4153);
    ck_assert_mem_eq(q, "\x41\x53\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x20" "CKAAAAAAAAAA"
                        "AAAAAAAAAAAAAAAAAAAA\x00\x00\x21\x00\x01", AS_NBSTAT_QUERY_LEN);
}
END_TEST

START_TEST(samba_answer)
{
    as_nbstat_info in;
    ck_assert_int_eq(as_nbstat_parse(samba_nbstat, sizeof samba_nbstat, &in), 0);
    ck_assert_uint_eq(in.xid, 0x4153);
    ck_assert_uint_eq(in.nnames, 5);
    ck_assert_str_eq(in.names[0].name, "IDHOST");
    ck_assert_uint_eq(in.names[1].suffix, 0x03);
    ck_assert_uint_eq(in.names[4].suffix, 0x1e);
    ck_assert_int_eq(in.names[4].group, 1);
    ck_assert_str_eq(in.computer, "IDHOST");
    ck_assert_str_eq(in.workgroup, "AGENTLAB");
    ck_assert_uint_eq(in.nusers, 0);            /* IDHOST<03> is the computer's own */
    ck_assert_int_eq(in.has_mac, 1);
    ck_assert_mem_eq(in.mac, "\0\0\0\0\0\0", 6);
    for (size_t n = 0; n < sizeof samba_nbstat - 46; n++)   /* cut anywhere before the MAC */
        ck_assert_int_eq(as_nbstat_parse(samba_nbstat, n, &in), -EBADMSG);
}
END_TEST

START_TEST(windows_table)
{
    static const row rows[] = {
        {"WS01", 0x00, 0x0400}, {"CORP", 0x00, 0x8400}, {"WS01", 0x20, 0x0400},
        {"CORP", 0x1e, 0x8400}, {"WS01", 0x03, 0x0400}, {"ALICE", 0x03, 0x0400},
        {"B\xe9" "B", 0x03, 0x0400}, {"\x01\x02MSBROWSE\x02", 0x01, 0x8400},
    };
    static const uint8_t mac[6] = {0x00, 0x15, 0x5d, 0x01, 0x02, 0x03};
    uint8_t b[512];
    size_t n = answer(b, rows, 8, mac, 46);
    as_nbstat_info in;
    ck_assert_int_eq(as_nbstat_parse(b, n, &in), 0);
    ck_assert_str_eq(in.computer, "WS01");
    ck_assert_str_eq(in.workgroup, "CORP");
    ck_assert_uint_eq(in.nusers, 2);
    ck_assert_str_eq(in.users[0], "ALICE");
    ck_assert_str_eq(in.users[1], "B?B");
    ck_assert_str_eq(in.names[7].name, "??MSBROWSE?");
    ck_assert_int_eq(in.has_mac, 1);
    ck_assert_mem_eq(in.mac, mac, 6);
    /* no <00> unique: the server name <20> stands in; no statistics: no MAC */
    n = answer(b, rows + 1, 3, mac, 0);
    ck_assert_int_eq(as_nbstat_parse(b, n, &in), 0);
    ck_assert_str_eq(in.computer, "WS01");
    ck_assert_int_eq(in.has_mac, 0);
    /* RDLENGTH shorter than the table it announces */
    n = answer(b, rows, 8, mac, 46);
    b[12 + 34 + 8] = 0;
    b[12 + 34 + 9] = 18;
    ck_assert_int_eq(as_nbstat_parse(b, n, &in), -EBADMSG);
    /* a request, not an answer; no answer record; wrong type */
    n = answer(b, rows, 8, mac, 46);
    b[2] = 0x04;
    ck_assert_int_eq(as_nbstat_parse(b, n, &in), -EBADMSG);
    n = answer(b, rows, 8, mac, 46);
    b[7] = 0;
    ck_assert_int_eq(as_nbstat_parse(b, n, &in), -EBADMSG);
    n = answer(b, rows, 8, mac, 46);
    b[12 + 34 + 1] = 0x20;
    ck_assert_int_eq(as_nbstat_parse(b, n, &in), -EBADMSG);
    /* a compressed RR name pointing back at a question is accepted */
    n = answer(b, rows, 8, mac, 46);
    uint8_t c[512];
    memcpy(c, b, 12);
    c[5] = 1;                                   /* QDCOUNT 1: the question, then a pointer */
    memcpy(c + 12, b + 12, 34 + 4);
    memcpy(c + 12 + 38, "\xc0\x0c", 2);
    memcpy(c + 12 + 40, b + 12 + 34, n - 46);
    ck_assert_int_eq(as_nbstat_parse(c, 12 + 40 + n - 46, &in), 0);
    ck_assert_str_eq(in.computer, "WS01");
}
END_TEST

static Suite *nbstat_suite(void)
{
    Suite *s = suite_create("nbstat");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, query_bytes);
    tcase_add_test(tc, samba_answer);
    tcase_add_test(tc, windows_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(nbstat_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
