/* test_ports.c — default ports from the shipped agent and deploy tables, the ODAD preset,
 * tables given as text, and the list formatter. */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/ports.h"

static char err[512];

static int has(const as_port_list *l, uint16_t port)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->ports[i] == port)
            return 1;
    return 0;
}

START_TEST(from_shipped_tables)
{
    as_port_table *agents, *deploy;
    ck_assert_msg(as_port_table_load(&agents, as_default_agents_path(), 0, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_msg(as_port_table_load(&deploy, as_default_deploy_path(), 1, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_str_eq(as_port_table_product(deploy, 5985, IPPROTO_TCP), "winrm");
    ck_assert_str_eq(as_port_table_product(deploy, 5986, IPPROTO_TCP), "winrm");
    as_port_list tcp, udp;
    ck_assert_int_eq(as_ports_from_tables(agents, deploy, &tcp, &udp), 0);
    char text[512];
    as_port_list_format(tcp.ports, tcp.n, text, sizeof text);
    ck_assert_str_eq(text, "22-23,25,80,135,137-139,443,445,513-514,1002,1610-1611,3389,4750,"
                           "5666,5985-5986,6556,8081,8089,10050,17472,52028,52311");
    ck_assert_uint_eq(tcp.n, 27);
    as_port_list_format(udp.ports, udp.n, text, sizeof text);
    ck_assert_str_eq(text, "137,161,52311");
    /* every table port is in, and the ODAD sixteen */
    uint16_t port;
    uint8_t proto;
    for (size_t i = 0; as_port_table_entry(agents, i, &port, &proto) == 0; i++) {
        const as_port_list *l = proto == IPPROTO_TCP ? &tcp : &udp;
        ck_assert_msg(has(l, port), "%u missing", port);
    }
    const uint16_t *odad;
    size_t n;
    ck_assert_int_eq(as_port_preset("odad", &odad, &n), 0);
    ck_assert_uint_eq(n, 16);
    for (size_t i = 0; i < n; i++)
        ck_assert(has(&tcp, odad[i]));
    ck_assert_int_eq(as_port_table_entry(agents, as_port_table_size(agents), &port, &proto), -1);
    as_port_list_free(&tcp);
    as_port_list_free(&udp);
    ck_assert_ptr_null(tcp.ports);
    as_port_table_free(agents);
    as_port_table_free(deploy);
}
END_TEST

START_TEST(text_tables_and_presets)
{
    static const char agents_text[] = "9999/udp Some agent\n8000/tcp Other agent\n";
    as_port_table *agents;
    ck_assert_int_eq(as_port_table_parse(&agents, agents_text, strlen(agents_text), "a", 0, err,
                                         sizeof err), 0);
    as_port_list tcp, udp;
    ck_assert_int_eq(as_ports_from_tables(agents, NULL, &tcp, &udp), 0);
    char text[256];
    ck_assert_uint_eq(as_port_list_format(udp.ports, udp.n, text, sizeof text), 12);
    ck_assert_str_eq(text, "137,161,9999");
    ck_assert_uint_eq(tcp.n, 17);
    ck_assert_uint_eq(tcp.ports[15], 8000);
    as_port_list_free(&tcp);
    as_port_list_free(&udp);
    as_port_table_free(agents);
    ck_assert_int_eq(as_ports_from_tables(NULL, NULL, &tcp, &udp), 0);
    as_port_list_format(tcp.ports, tcp.n, text, sizeof text);
    ck_assert_str_eq(text, "22-23,25,80,135,137-139,443,445,513-514,1002,1610,3389,52028");
    as_port_list_free(&tcp);
    as_port_list_free(&udp);

    const uint16_t *p;
    size_t n;
    ck_assert_int_eq(as_port_preset("nope", &p, &n), -ENOENT);
    ck_assert_int_eq(as_port_preset(NULL, &p, &n), -ENOENT);
    ck_assert_str_eq(as_port_preset_name(0), "odad");
    ck_assert_ptr_null(as_port_preset_name(1));
    /* the formatter: snprintf's contract, whole items only */
    static const uint16_t l[] = {1, 2, 3, 5, 65535};
    ck_assert_uint_eq(as_port_list_format(l, 5, text, sizeof text), 11);
    ck_assert_str_eq(text, "1-3,5,65535");
    ck_assert_uint_eq(as_port_list_format(l, 5, text, 6), 11);
    ck_assert_str_eq(text, "1-3,5");
    ck_assert_uint_eq(as_port_list_format(l, 0, text, sizeof text), 0);
    ck_assert_str_eq(text, "");
    ck_assert_uint_eq(as_port_list_format(l, 5, NULL, 0), 11);
}
END_TEST

static Suite *ports_suite(void)
{
    Suite *s = suite_create("ports");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, from_shipped_tables);
    tcase_add_test(tc, text_tables_and_presets);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ports_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
