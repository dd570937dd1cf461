/* test_oui.c — the IEEE OUI registry parser: real-format lines, the lines it must skip,
 * duplicates, hostile bytes, line-numbered errors, and lookups by bytes and by text. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fingerprints/oui.h"

static char err[256];

/* The registry's layout: header, "(hex)" line, "(base 16)" twin, address lines, CRLF. */
static const char sample[] =
    "OUI/MA-L                                                    Organization\r\n"
    "company_id                                                  Organization\r\n"
    "\r\n"
    "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\r\n"
    "002272     (base 16)\t\tAmerican Micro-Fuel Device Corp.\r\n"
    "\t\t\t\t2181 Buchanan Loop (hex) street\r\n"
    "\r\n"
    "08-00-30   (hex)\t\tNETWORK RESEARCH CORPORATION\r\n"
    "08-00-30   (hex)\t\tCERN\r\n"
    "a4-b1-c2   (hex)\t\tLower\x1b[31mCase  \r\n"
    "FC-FF-FF   (hex)\t\t\r\n";

START_TEST(parses_and_looks_up)
{
    as_oui *t;
    ck_assert_int_eq(as_oui_parse(&t, sample, strlen(sample), "oui.txt", err, sizeof err), 0);
    ck_assert_uint_eq(as_oui_size(t), 4);
    uint8_t mac[6] = {0x00, 0x22, 0x72, 1, 2, 3};
    ck_assert_str_eq(as_oui_lookup(t, mac), "American Micro-Fuel Device Corp.");
    ck_assert_str_eq(as_oui_lookup_text(t, "08:00:30:aa:bb:cc"), "NETWORK RESEARCH CORPORATION");
    ck_assert_str_eq(as_oui_lookup_text(t, "A4-B1-C2-00-00-01"), "Lower?[31mCase");
    ck_assert_str_eq(as_oui_lookup_text(t, "fc:ff:ff:00:00:01"), "");
    ck_assert_ptr_null(as_oui_lookup_text(t, "00:22:73:00:00:01"));
    ck_assert_ptr_null(as_oui_lookup_text(t, "00:22:72:00:00"));
    ck_assert_ptr_null(as_oui_lookup_text(t, "00:22:72:00:00:0g"));
    ck_assert_ptr_null(as_oui_lookup_text(t, NULL));
    /* locally administered addresses are never IEEE assignments */
    uint8_t local[6] = {0x02, 0x22, 0x72, 0, 0, 1};
    ck_assert_ptr_null(as_oui_lookup(t, local));
    ck_assert_ptr_null(as_oui_lookup(NULL, mac));
    as_oui_free(t);
}
END_TEST

START_TEST(errors_name_the_line)
{
    static const struct { const char *text, *want; } bad[] = {
        {"\n\n0-22-72    (hex)\tX\n", "oui.txt:3: a \"(hex)\" line must start with a prefix XX-XX-XX"},
        {"00-22-7G   (hex)\tX\n", "oui.txt:1: a \"(hex)\" line must start with a prefix XX-XX-XX"},
        {" 00-22-72  (hex)\tX\n", "oui.txt:1: a \"(hex)\" line must start with a prefix XX-XX-XX"},
        {"00-22-72 x (hex)\tX\n", "oui.txt:1: unexpected text between the prefix and \"(hex)\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        as_oui *t = (as_oui *)1;
        ck_assert_int_eq(as_oui_parse(&t, bad[i].text, strlen(bad[i].text), "oui.txt", err,
                                      sizeof err), -1);
        ck_assert_ptr_null(t);
        ck_assert_str_eq(err, bad[i].want);
    }
    as_oui *t;
    static const char nul[] = "00-22-72   (hex)\tA\0B\n";
    ck_assert_int_eq(as_oui_parse(&t, nul, sizeof nul - 1, "oui.txt", err, sizeof err), -1);
    ck_assert_str_eq(err, "oui.txt:1: NUL byte (not a text file)");
}
END_TEST

START_TEST(missing_file_is_empty)
{
    as_oui *t;
    int missing = 0;
    ck_assert_int_eq(as_oui_load(&t, "/nonexistent/oui.txt", &missing, err, sizeof err), 0);
    ck_assert_int_eq(missing, 1);
    ck_assert_uint_eq(as_oui_size(t), 0);
    as_oui_free(t);
    ck_assert_int_eq(as_oui_load(&t, "/", &missing, err, sizeof err), -1);
}
END_TEST

/* Lines as Debian's ieee-data 20220827 has them: an MA-L block the IEEE RA sub-assigns, two
 * MA-M (28-bit) blocks inside it and an MA-S (36-bit) block inside another. */
static const char mal[] =
    "20-85-93   (hex)\t\tIEEE Registration Authority\r\n"
    "208593     (base 16)\t\tIEEE Registration Authority\r\n"
    "70-B3-D5   (hex)\t\tIEEE Registration Authority\r\n"
    "70B3D5     (base 16)\t\tIEEE Registration Authority\r\n";
static const char mam[] =
    "OUI-28/MA-M Range                                           Organization\r\n"
    "\r\n"
    "20-85-93   (hex)\t\tIOG Products LLC\r\n"
    "B00000-BFFFFF     (base 16)\t\tIOG Products LLC\r\n"
    "\t\t\t\t9737 LURLINE AVENUE\r\n"
    "\r\n"
    "20-85-93   (hex)\t\tShanghai Kenmyond Industrial Network Equipment Co.,Ltd\r\n"
    "D00000-DFFFFF     (base 16)\t\tShanghai Kenmyond Industrial Network Equipment Co.,Ltd\r\n";
static const char mas[] =
    "OUI-36/MA-S Range                                           Organization\r\n"
    "70-B3-D5   (hex)\t\tTELEPLATFORMS\r\n"
    "F2F000-F2FFFF     (base 16)\t\tTELEPLATFORMS\r\n";

START_TEST(longest_prefix)
{
    as_oui *t;
    ck_assert_int_eq(as_oui_parse(&t, mal, strlen(mal), "oui.txt", err, sizeof err), 0);
    ck_assert_int_eq(as_oui_add(t, mam, strlen(mam), "mam.txt", err, sizeof err), 0);
    ck_assert_int_eq(as_oui_add(t, mas, strlen(mas), "oui36.txt", err, sizeof err), 0);
    ck_assert_uint_eq(as_oui_size(t), 5);
    ck_assert_str_eq(as_oui_lookup_text(t, "20:85:93:b1:23:45"), "IOG Products LLC");
    ck_assert_str_eq(as_oui_lookup_text(t, "20:85:93:bf:ff:ff"), "IOG Products LLC");
    ck_assert_str_eq(as_oui_lookup_text(t, "20:85:93:d0:00:00"),
                     "Shanghai Kenmyond Industrial Network Equipment Co.,Ltd");
    ck_assert_str_eq(as_oui_lookup_text(t, "20:85:93:c0:00:00"), "IEEE Registration Authority");
    ck_assert_str_eq(as_oui_lookup_text(t, "70:b3:d5:f2:f1:23"), "TELEPLATFORMS");
    ck_assert_str_eq(as_oui_lookup_text(t, "70:b3:d5:f2:e1:23"), "IEEE Registration Authority");
    /* a bad file adds nothing and says where */
    static const char bad[] = "20-85-93   (hex)\tX\n100000-2FFFFF     (base 16)\tX\n";
    ck_assert_int_eq(as_oui_add(t, bad, strlen(bad), "mam.txt", err, sizeof err), -1);
    ck_assert_str_eq(err, "mam.txt:2: a \"(base 16)\" range must be XXXXXX-XXXXXX covering a 28 "
                     "or 36-bit block");
    ck_assert_uint_eq(as_oui_size(t), 5);
    as_oui_free(t);
    static const char *ranges[] = {
        "A-1 (hex)\tX\n",                              /* caught as a bad prefix */
        "20-85-93   (hex)\tX\nF2F001-F2FFFF     (base 16)\tX\n",   /* not aligned */
        "20-85-93   (hex)\tX\nF2F000-F2FFFE     (base 16)\tX\n",   /* not a whole block */
        "20-85-93   (hex)\tX\nF2F000-XXXXXX     (base 16)\tX\n",
        "20-85-93   (hex)\tX\nF2F000_F2FFFF     (base 16)\tX\n",
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        ck_assert_msg(as_oui_parse(&t, ranges[i], strlen(ranges[i]), "x", err, sizeof err) == -1,
                      "row %zu", i);
    /* a "(base 16)" line not right after its "(hex)" line is just text */
    static const char loose[] = "20-85-93   (hex)\tX\n\nF2F001-F2FFFF     (base 16)\tX\n";
    ck_assert_int_eq(as_oui_parse(&t, loose, strlen(loose), "x", err, sizeof err), 0);
    ck_assert_str_eq(as_oui_lookup_text(t, "20:85:93:f2:f0:01"), "X");
    as_oui_free(t);
}
END_TEST

/* Debian's ieee-data, when installed: the whole registry parses. */
START_TEST(real_registry)
{
    const char *path = "/usr/share/ieee-data/oui.txt";
    if (access(path, R_OK) != 0)
        return;
    as_oui *t;
    int missing;
    ck_assert_msg(as_oui_load(&t, path, &missing, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_gt(as_oui_size(t), 10000);
    ck_assert_ptr_nonnull(as_oui_lookup_text(t, "00:22:72:00:00:01"));
    /* mam.txt and oui36.txt beside it are read too: longest prefix wins */
    if (access("/usr/share/ieee-data/mam.txt", R_OK) == 0 &&
        access("/usr/share/ieee-data/oui36.txt", R_OK) == 0) {
        ck_assert_uint_gt(as_oui_size(t), 40000);
        ck_assert_str_eq(as_oui_lookup_text(t, "20:85:93:b1:23:45"), "IOG Products LLC");
        ck_assert_str_eq(as_oui_lookup_text(t, "70:b3:d5:f2:f1:23"), "TELEPLATFORMS");
    }
    as_oui_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("oui");
    TCase *tc = tcase_create("oui");
    tcase_add_test(tc, parses_and_looks_up);
    tcase_add_test(tc, errors_name_the_line);
    tcase_add_test(tc, missing_file_is_empty);
    tcase_add_test(tc, longest_prefix);
    tcase_add_test(tc, real_registry);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
