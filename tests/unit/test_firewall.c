/* test_firewall.c — the firewall-suspicion rules: TTL mismatch per host, and the group rule
 * with its threshold and each condition that must hold. */
#include <check.h>
#include <stdlib.h>

#include "fingerprints/firewall.h"

START_TEST(host_rule)
{
    char note[200];
    as_fw_host same = {"", "22", 1, 61, 61}, diff = {"", "22", 1, 61, 254}, norst = {"", "22", 0, 61, 0};
    ck_assert_int_eq(as_fw_host_rule(&same, note, sizeof note), 0);
    ck_assert_int_eq(as_fw_host_rule(&norst, note, sizeof note), 0);
    ck_assert_int_eq(as_fw_host_rule(&diff, note, sizeof note), 1);
    ck_assert_str_eq(note, "SYN/ACKs arrive with TTL 61 but RSTs with TTL 254: something at another "
                           "distance answers for this host");
}
END_TEST

START_TEST(group_rule)
{
    as_fw_host h[12];
    unsigned flagged[12];
    for (int i = 0; i < 12; i++)
        h[i] = (as_fw_host){"Linux (passive: TTL 64, 3 hops)", "80,443", 0, 61, 0};
    /* Ten alike, two that differ: one answers RST, one has other ports. */
    h[10].closed = 1;
    h[11].open_ports = "22";
    ck_assert_int_eq(as_fw_group_rule(h, 12, flagged), 10);
    ck_assert_uint_eq(flagged[0], 10);
    ck_assert_uint_eq(flagged[10], 0);
    ck_assert_uint_eq(flagged[11], 0);
    /* Seven alike is below the threshold. */
    ck_assert_int_eq(as_fw_group_rule(h, 7, flagged), 0);
    /* Hosts without a SYN/ACK signature never group. */
    for (int i = 0; i < 12; i++)
        h[i].signature = "";
    ck_assert_int_eq(as_fw_group_rule(h, 12, flagged), 0);
    ck_assert_int_eq(as_fw_group_rule(h, 0, flagged), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("firewall");
    TCase *tc = tcase_create("firewall");
    tcase_add_test(tc, host_rule);
    tcase_add_test(tc, group_rule);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
