/* test_when.c — `--since` / `--older-than` values: scan ids, ISO dates with and without
 * zones, ages, and the malformed ones each refused. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "db/when.h"

#define NOW 1700000000.0    /* 2023-11-14T22:13:20Z */

START_TEST(good)
{
    static const struct { const char *in; int is_scan; double want; } t[] = {
        {"12", 1, 12},
        {"2023-11-14", 0, 1699920000},
        {"2023-11-14T22:13", 0, 1700000000 - 20},
        {"2023-11-14 22:13:20", 0, 1700000000},
        {"2023-11-14T22:13:20Z", 0, 1700000000},
        {"2023-11-14t23:13:20+01:00", 0, 1700000000},
        {"2023-11-14T17:13:20-0500", 0, 1700000000},
        {"2024-02-29", 0, 1709164800},
        {"1970-01-01", 0, 0},
        {"90s", 0, NOW - 90},
        {"30m", 0, NOW - 1800},
        {"12h", 0, NOW - 43200},
        {"7d", 0, NOW - 604800},
        {"2w", 0, NOW - 1209600},
    };
    char err[256];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        as_when w;
        ck_assert_msg(as_when_parse(t[i].in, NOW, 1, &w, err, sizeof err) == 0, "%s: %s",
                      t[i].in, err);
        ck_assert_int_eq(w.is_scan, t[i].is_scan);
        if (w.is_scan)
            ck_assert_int_eq(w.scan_id, (int64_t)t[i].want);
        else
            ck_assert_msg(w.time == t[i].want, "%s: %f != %f", t[i].in, w.time, t[i].want);
    }
}
END_TEST

START_TEST(bad)
{
    static const char *const t[] = {
        "", "0", "-1", "2023-13-01", "2023-02-29", "2023-11-31", "1969-12-31", "2023-1-01",
        "2023-11-14T24:00", "2023-11-14T22:60", "2023-11-14T22:13:61", "2023-11-14T22",
        "2023-11-14Z1", "2023-11-14T22:13+15:00", "2023-11-14T22:13+01:60", "7", "7x", "d",
        "7dd", "99999999999d", "2023-11-14 ", "1234567890123456", "\x1b[2J",
    };
    char err[256];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        as_when w;
        int rc = as_when_parse(t[i], NOW, strcmp(t[i], "7") != 0, &w, err, sizeof err);
        ck_assert_msg(rc == -1, "'%s' was accepted", t[i]);
        ck_assert_ptr_null(strchr(err, '\x1b'));
    }
}
END_TEST

START_TEST(iso)
{
    char buf[32];
    as_when_iso(NOW, buf, sizeof buf);
    ck_assert_str_eq(buf, "2023-11-14T22:13:20Z");
    as_when_iso(0, buf, sizeof buf);
    ck_assert_str_eq(buf, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("when");
    TCase *tc = tcase_create("when");
    tcase_add_test(tc, good);
    tcase_add_test(tc, bad);
    tcase_add_test(tc, iso);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
