/* test_agents.c — unit tests for fingerprints/agents: the shipped agent and deploy tables,
 * lookups, and a table of malformed tables with the exact line-numbered error each gets. */
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/agents.h"

static char err[1024];

START_TEST(test_real_agents_table)
{
    as_port_table *t;
    ck_assert_msg(as_port_table_load(&t, as_default_agents_path(), 0, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_uint_ge(as_port_table_size(t), 10);
    const char *p = as_port_table_product(t, 1002, IPPROTO_TCP);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "Opsware"));
    ck_assert_ptr_nonnull(strstr(as_port_table_product(t, 10050, IPPROTO_TCP), "Zabbix"));
    ck_assert_ptr_nonnull(strstr(as_port_table_product(t, 52311, IPPROTO_UDP), "BigFix"));
    ck_assert_ptr_null(as_port_table_product(t, 1002, IPPROTO_UDP));
    ck_assert_ptr_null(as_port_table_product(t, 22, IPPROTO_TCP));
    ck_assert_ptr_null(as_port_table_family(t, 1002, IPPROTO_TCP));
    as_port_table_free(t);
}
END_TEST

START_TEST(test_real_deploy_table)
{
    as_port_table *t;
    ck_assert_msg(as_port_table_load(&t, as_default_deploy_path(), 1, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_uint_eq(as_port_table_size(t), 9);
    ck_assert_str_eq(as_port_table_product(t, 22, IPPROTO_TCP), "ssh");
    ck_assert_str_eq(as_port_table_family(t, 22, IPPROTO_TCP), "unix");
    ck_assert_str_eq(as_port_table_product(t, 445, IPPROTO_TCP), "smb");
    ck_assert_str_eq(as_port_table_family(t, 445, IPPROTO_TCP), "windows");
    ck_assert_str_eq(as_port_table_product(t, 5986, IPPROTO_TCP), "winrm");
    ck_assert_ptr_null(as_port_table_product(t, 80, IPPROTO_TCP));
    ck_assert_ptr_null(as_port_table_product(t, 22, IPPROTO_UDP));
    as_port_table_free(t);
}
END_TEST

START_TEST(test_parse_and_lookup)
{
    const char text[] = "# comment\n"
                        "\n"
                        "  1002/tcp   Opsware  agent   \r\n"
                        "52311/UDP\tBigFix client # trailing comment\n"
                        "65535/tcp C# agent\n"
                        "1/udp x";
    as_port_table *t;
    ck_assert_msg(as_port_table_parse(&t, text, sizeof text - 1, "mem", 0, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_uint_eq(as_port_table_size(t), 4);
    ck_assert_str_eq(as_port_table_product(t, 1002, IPPROTO_TCP), "Opsware  agent");
    ck_assert_str_eq(as_port_table_product(t, 52311, IPPROTO_UDP), "BigFix client");
    ck_assert_str_eq(as_port_table_product(t, 65535, IPPROTO_TCP), "C# agent");
    ck_assert_str_eq(as_port_table_product(t, 1, IPPROTO_UDP), "x");
    ck_assert_ptr_null(as_port_table_product(t, 1, IPPROTO_TCP));
    ck_assert_ptr_null(as_port_table_product(t, 0, IPPROTO_TCP));
    as_port_table_free(t);

    ck_assert_int_eq(as_port_table_parse(&t, "", 0, "empty", 1, err, sizeof err), 0);
    ck_assert_uint_eq(as_port_table_size(t), 0);
    ck_assert_ptr_null(as_port_table_product(t, 22, IPPROTO_TCP));
    as_port_table_free(t);
}
END_TEST

static const struct {
    int is_deploy;
    const char *text, *msg;
} bad[] = {
    {0, "# c\n70000/tcp Foo\n", "t.tab:2: bad port '70000' (1-65535)"},
    {0, "0/tcp Foo\n", "t.tab:1: bad port '0' (1-65535)"},
    {0, "22x/tcp Foo\n", "t.tab:1: bad port '22x' (1-65535)"},
    {0, "/tcp Foo\n", "t.tab:1: bad port '' (1-65535)"},
    {0, "1002 Opsware\n", "t.tab:1: bad port/protocol '1002' (expected PORT/tcp or PORT/udp)"},
    {0, "1/tcp a\n\n132/sctp Foo\n", "t.tab:3: unknown protocol 'sctp' (tcp or udp)"},
    {0, "132/ Foo\n", "t.tab:1: unknown protocol '' (tcp or udp)"},
    {0, "1002/tcp\n", "t.tab:1: missing product"},
    {0, "1002/tcp   # just a comment\n", "t.tab:1: missing product"},
    {0, "# a\n# b\n# c\n1002/tcp A\n5/tcp B\n1002/tcp C\n",
     "t.tab:6: duplicate entry for 1002/tcp (first at line 4)"},
    {0, "9/udp A\n8/udp B\n9/udp C\n8/udp D\n",
     "t.tab:3: duplicate entry for 9/udp (first at line 1)"},
    {0, "1/tcp A\x01\n", "t.tab:1: control character 0x01"},
    {1, "22/tcp ssh\n", "t.tab:1: missing family"},
    {1, "22/tcp\n", "t.tab:1: missing channel"},
    {1, "22/tcp ssh unix extra\n", "t.tab:1: unexpected text 'extra' after family"},
};

START_TEST(test_bad_tables)
{
    as_port_table *t = (as_port_table *)1;
    err[0] = '\0';
    ck_assert_int_eq(as_port_table_parse(&t, bad[_i].text, strlen(bad[_i].text), "t.tab",
                                         bad[_i].is_deploy, err, sizeof err), -1);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(err, bad[_i].msg);
}
END_TEST

START_TEST(test_nul_and_long_line)
{
    as_port_table *t;
    const char nul[] = "1/tcp A\n2/tcp B\0\n";
    ck_assert_int_eq(as_port_table_parse(&t, nul, sizeof nul - 1, "n.tab", 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "n.tab:2: NUL byte in table");

    char *long_text = malloc(2000);
    memcpy(long_text, "1/tcp A\n2/tcp ", 14);
    memset(long_text + 14, 'x', 1500);
    ck_assert_int_eq(as_port_table_parse(&t, long_text, 1514, "l.tab", 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "l.tab:2: line longer than 1024 characters");
    free(long_text);
}
END_TEST

START_TEST(test_missing_file)
{
    as_port_table *t;
    ck_assert_int_eq(as_port_table_load(&t, "/nonexistent/agents.tab", 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot open port table '/nonexistent/agents.tab': "
                          "No such file or directory");
    ck_assert_ptr_null(t);
}
END_TEST

static Suite *agents_suite(void)
{
    Suite *s = suite_create("agents");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, test_real_agents_table);
    tcase_add_test(tc, test_real_deploy_table);
    tcase_add_test(tc, test_parse_and_lookup);
    tcase_add_loop_test(tc, test_bad_tables, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, test_nul_and_long_line);
    tcase_add_test(tc, test_missing_file);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(agents_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
