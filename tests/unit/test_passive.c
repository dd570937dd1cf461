/* test_passive.c — the SYN/ACK-only guess: each rule, the hop count, and silence when a
 * reply says nothing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/passive.h"

START_TEST(rules)
{
    static const struct {
        uint8_t ttl;
        uint16_t win;
        const char *opts;
        const char *want;
        int conf;
    } rows[] = {
        {62, 64240, "M5B4ST11NW7", "Linux (passive: TTL 64, 2 hops, window 64240, options M5B4ST11NW7, DF)", 70},
        {64, 65160, "M5B4NNSNW7", "Linux (timestamps off) (passive: TTL 64, 0 hops, window 65160, options M5B4NNSNW7, DF)", 55},
        {127, 8192, "M5B4NW8NNS", "Windows (passive: TTL 128, 1 hop, window 8192, options M5B4NW8NNS, DF)", 70},
        {120, 8192, "M5B4", "Windows (passive: TTL 128, 8 hops, window 8192, options M5B4, DF)", 45},
        {250, 4128, "M218", "network device, Solaris or AIX (passive: TTL 255, 5 hops, window 4128, options M218, DF)", 30},
        {60, 1024, "", "Unix-like (passive: TTL 64, 4 hops, window 1024, options none, DF)", 35},
    };
    char out[200];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        as_passive_obs o = {.ttl = rows[i].ttl, .df = 1, .win = rows[i].win};
        strcpy(o.opts, rows[i].opts);
        ck_assert_int_eq(as_passive_guess(&o, out, sizeof out), rows[i].conf);
        ck_assert_str_eq(out, rows[i].want);
    }
    as_passive_obs none = {0};
    ck_assert_int_eq(as_passive_guess(&none, out, sizeof out), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("passive");
    TCase *tc = tcase_create("passive");
    tcase_add_test(tc, rules);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
