/* test_winbuild.c — the Windows build table: the shipped file loads and answers the builds
 * NTLMSSP reports, nearest-lower fallback, and line-numbered errors for bad tables. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/winbuild.h"

static char err[512];

static const struct { unsigned ma, mi, b; int rc; const char *text; } lookups[] = {
    {10, 0, 17763, 0, "Windows Server 2019 / Windows 10 1809"},
    {10, 0, 20348, 0, "Windows Server 2022"},
    {10, 0, 26100, 0, "Windows Server 2025 / Windows 11 24H2"},
    {6, 1, 7601, 0, "Windows Server 2008 R2 SP1 / Windows 7 SP1"},
    {6, 3, 9600, 0, "Windows Server 2012 R2 / Windows 8.1"},
    {10, 0, 14393, 0, "Windows Server 2016 / Windows 10 1607"},
    {10, 0, 19045, 0, "Windows 10 22H2"},
    {10, 0, 22631, 0, "Windows 11 23H2"},
    {6, 0, 6003, 0, "Windows Server 2008 SP2"},
    {5, 2, 3790, 0, "Windows Server 2003 / Windows XP Professional x64"},
    {10, 0, 26120, 1, "Windows Server 2025 / Windows 11 24H2 or later"},   /* a preview */
    {10, 0, 20000, 1, "Windows 10 22H2 or later"},
    {6, 1, 7000, -ENOENT, ""},          /* below the first 6.1 build */
    {6, 4, 9841, -ENOENT, ""},          /* no such major.minor */
    {11, 0, 1, -ENOENT, ""},
    {10, 0, 70000, -ENOENT, ""},
    {256, 0, 1, -ENOENT, ""},
};

START_TEST(shipped_table)
{
    as_winbuilds *t;
    ck_assert_msg(as_winbuild_load(&t, as_default_winbuild_path(), err, sizeof err) == 0, "%s",
                  err);
    ck_assert_uint_ge(as_winbuild_size(t), 30);
    char text[128];
    int rc = as_winbuild_lookup(t, lookups[_i].ma, lookups[_i].mi, lookups[_i].b, text,
                                sizeof text);
    ck_assert_int_eq(rc, lookups[_i].rc);
    ck_assert_str_eq(text, lookups[_i].text);
    as_os_hint h;
    rc = as_winbuild_hint(t, lookups[_i].ma, lookups[_i].mi, lookups[_i].b, &h);
    ck_assert_int_eq(rc, lookups[_i].rc);
    if (rc >= 0) {
        ck_assert_int_eq(h.family, AS_OSFAM_WINDOWS);
        ck_assert_str_eq(h.name, "Windows");
        ck_assert_str_eq(h.version, lookups[_i].text);
        ck_assert_int_eq(h.confidence, rc == 0 ? 95 : 70);
    }
    as_winbuild_free(t);
}
END_TEST

static const struct { const char *text, *want; } bad[] = {
    {"10.0.1 | a | b | x\n", "t:1: unknown source 'x' (define it with @source first)"},
    {"@source x http://e\n10.0.1 | a | b |\n", "t:2: missing source key"},
    {"@source x http://e\n10.0.1 | a | b\n",
     "t:2: expected 'VERSION | CLIENT | SERVER | SOURCE' (3 fields)"},
    {"@source x http://e\n10.0.1 | a | b | x | y\n",
     "t:2: expected 'VERSION | CLIENT | SERVER | SOURCE' (5 fields)"},
    {"@source x http://e\n10.0 | a | b | x\n", "t:2: bad version '10.0' (MAJOR.MINOR.BUILD)"},
    {"@source x http://e\n10.0.65536 | a | b | x\n",
     "t:2: bad version '10.0.65536' (MAJOR.MINOR.BUILD)"},
    {"@source x http://e\n256.0.1 | a | b | x\n", "t:2: bad version '256.0.1' (MAJOR.MINOR.BUILD)"},
    {"@source x http://e\n10..1 | a | b | x\n", "t:2: bad version '10..1' (MAJOR.MINOR.BUILD)"},
    {"@source x http://e\n10.0.1 | - | - | x\n", "t:2: a build needs a client or a server name"},
    {"@source x http://e\n10.0.1 |  | b | x\n", "t:2: missing client name ('-' for none)"},
    {"@source x\n", "t:1: expected '@source KEY URL'"},
    {"@source x http://e\n\n10.0.2 | a | - | x\n10.0.1 | a | - | x\n10.0.2 | b | - | x\n",
     "t:5: build 10.0.2 listed twice"},
    {"@source x http://e\n10.0.1 | a\x01 | - | x\n", "t:2: control character 0x01"},
};

START_TEST(bad_tables)
{
    as_winbuilds *t = (as_winbuilds *)1;
    ck_assert_int_eq(as_winbuild_parse(&t, bad[_i].text, strlen(bad[_i].text), "t", err,
                                       sizeof err), -1);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(err, bad[_i].want);
}
END_TEST

START_TEST(small_table)
{
    static const char text[] = "# a comment\r\n@source k https://example.invalid/x\r\n"
                               "6.1.7601 | Windows 7 SP1 | - | k   # trailing comment\r\n";
    as_winbuilds *t;
    ck_assert_msg(as_winbuild_parse(&t, text, sizeof text - 1, "t", err, sizeof err) == 0, "%s",
                  err);
    char s[8];
    ck_assert_int_eq(as_winbuild_lookup(t, 6, 1, 7601, s, sizeof s), 0);
    ck_assert_str_eq(s, "Windows");                /* truncated to the caller's buffer */
    ck_assert_int_eq(as_winbuild_lookup(NULL, 6, 1, 7601, s, sizeof s), -ENOENT);
    as_winbuild_free(t);
    ck_assert_int_eq(as_winbuild_load(&t, "/nonexistent/windows-builds.tab", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot open Windows build table"));
}
END_TEST

static Suite *winbuild_suite(void)
{
    Suite *s = suite_create("winbuild");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, shipped_table, 0, sizeof lookups / sizeof lookups[0]);
    tcase_add_loop_test(tc, bad_tables, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, small_table);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(winbuild_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
