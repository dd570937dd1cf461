/* test_deploy_report.c — the deploy report from a store filled through the store API: each
 * status, filtered vs closed login ports, the rule for the host's family, blocked liveness. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/liveness.h"
#include "db/reports.h"

static char dir[64], path[128], err[1024];
static as_store *st;
static as_port_table *deploy;
static int64_t scan;

static const char deploy_tab[] =
    "22/tcp ssh unix\n23/tcp telnet unix\n139/tcp smb windows\n445/tcp smb windows\n"
    "3389/tcp rdp windows\n";

/* "22:open,23:filtered:no-response" */
static void add(const char *ip, const char *reason, int ttl, const char *ports, const char *agent,
                const char *channels)
{
    as_host_record h;
    as_port_record pr[16];
    memset(&h, 0, sizeof h);
    unsigned a, b, c, d;
    sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &d);
    h.ip = a << 24 | b << 16 | c << 8 | d;
    h.up = 1;
    snprintf(h.up_reason, sizeof h.up_reason, "%s", reason);
    h.reply_ttl = (uint8_t)ttl;
    h.rtt_us = -1;
    h.managed = agent != NULL;
    snprintf(h.agent, sizeof h.agent, "%s", agent ? agent : "");
    snprintf(h.deploy, sizeof h.deploy, "%s", channels);
    char copy[256];
    snprintf(copy, sizeof copy, "%s", ports);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        as_port_record *p = &pr[h.nports++];
        char state[16] = "", why[24] = "";
        memset(p, 0, sizeof *p);
        unsigned port;
        sscanf(t, "%u:%15[a-z]:%23[a-z-]", &port, state, why);
        p->port = (uint16_t)port;
        p->proto = 6;
        p->state = !strcmp(state, "open") ? AS_PORT_OPEN : !strcmp(state, "closed") ? AS_PORT_CLOSED
                                                                                    : AS_PORT_FILTERED;
        snprintf(p->reason, sizeof p->reason, "%s", *why ? why : !strcmp(state, "open") ? "syn-ack"
                 : !strcmp(state, "closed") ? "reset" : "no-response");
    }
    h.ports = pr;
    ck_assert_msg(as_store_add_host(st, scan, &h, 1e9, err, sizeof err) == 0, "%s", err);
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_deploy_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/inv.db", dir);
    ck_assert_int_eq(as_store_open(&st, path, 1, err, sizeof err), 0);
    ck_assert_int_eq(as_port_table_parse(&deploy, deploy_tab, sizeof deploy_tab - 1, "d", 1, err,
                                         sizeof err), 0);
    scan = as_store_begin_scan(st, "198.18.1.0/24", "sweep lab: -p 22,23,80,135,139,445,1002,3389",
                               1e9, err, sizeof err);
    ck_assert_int_gt(scan, 0);
    add("198.18.1.10", "echo-reply", 63, "22:closed,1002:open", "Opsware agent", "");
    add("198.18.1.11", "echo-reply", 63, "22:open,23:filtered,139:closed", NULL, "ssh");
    add("198.18.1.21", "reset", 127, "22:closed,135:open,139:filtered,445:filtered,"
        "3389:filtered:admin-prohibited", NULL, "");
    add("198.18.1.30", "echo-reply", 63, "22:filtered,80:open,139:closed,445:closed", NULL, "");
    add("198.18.1.40", "echo-reply", 63, "22:filtered,23:filtered,139:filtered,445:filtered", NULL, "");
    add("198.18.1.50", "echo-reply", 64, "22:closed,23:closed,139:closed,445:closed", NULL, "");
    ck_assert_int_eq(as_store_end_scan(st, scan, AS_SCAN_COMPLETE, 1e9 + 5, NULL, err, sizeof err), 0);
    as_origin o = {.gateway = "gw1", .job = "lab", .source_ip = 0xC613FF02u, .origin_scan = scan};
    ck_assert_int_eq(as_origin_record(st, scan, &o, err, sizeof err), 0);
    as_live live[] = {{0xC6120115u, 0, 1, "80"}, {0xC612010Bu, 1, 0, "80"}, {0xC612011Eu, 1, 1, "80"}};
    ck_assert_int_eq(as_store_liveness(st, scan, live, 3, err, sizeof err), 0);
}

static void teardown(void)
{
    as_store_close(st);
    as_port_table_free(deploy);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static json_t *report_json(void)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_msg(as_deploy_report(st, 0, deploy, 0, "json", f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    json_error_t je;
    json_t *j = json_loads(buf, 0, &je);
    ck_assert_msg(j != NULL, "%s", je.text);
    free(buf);
    return j;
}

static json_t *host(json_t *root, const char *ip)
{
    size_t i;
    json_t *h;
    json_array_foreach(json_object_get(root, "hosts"), i, h)
        if (strcmp(json_string_value(json_object_get(h, "address")), ip) == 0)
            return h;
    ck_abort_msg("no host %s", ip);
    return NULL;
}

static const char *s(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : "(null)";
}

START_TEST(test_statuses_and_rules)
{
    json_t *r = report_json();
    ck_assert_str_eq(s(r, "source"), "198.19.255.2");
    ck_assert_str_eq(s(host(r, "198.18.1.10"), "status"), "managed");
    json_t *b = host(r, "198.18.1.11");
    ck_assert_str_eq(s(b, "status"), "deployable");
    ck_assert(json_is_true(json_object_get(b, "partly_blocked")));
    ck_assert(json_is_null(json_object_get(b, "rule")));
    json_t *w = host(r, "198.18.1.21");
    ck_assert_str_eq(s(w, "status"), "blocked");
    ck_assert_str_eq(s(w, "family"), "windows");
    ck_assert_str_eq(s(w, "family_basis"), "tcp/135 (MS RPC) open");
    json_t *rule = json_object_get(w, "rule");
    ck_assert_str_eq(s(rule, "allow"), "tcp/139,445");
    ck_assert_str_eq(s(rule, "channel"), "smb");
    ck_assert_str_eq(s(rule, "text"), "Windows host, tcp/139,445 filtered from 198.19.255.2: allow "
                     "tcp/139,445 (smb) from 198.19.255.2 to 198.18.1.21");
    ck_assert_str_eq(s(w, "liveness"), "ICMP echo blocked (only the TCP ACK to port 80 answered): "
                     "consider allowing echo from 198.19.255.2, or scan with -Pn");
    json_t *u = host(r, "198.18.1.30");
    ck_assert_str_eq(s(u, "status"), "blocked");
    ck_assert_str_eq(s(u, "family_basis"), "TTL 64");
    ck_assert_str_eq(s(json_object_get(u, "rule"), "text"), "Unix host, tcp/22 filtered from "
                     "198.19.255.2: allow tcp/22 (ssh) from 198.19.255.2 to 198.18.1.30");
    ck_assert(json_is_null(json_object_get(u, "liveness")));
    json_t *i = host(r, "198.18.1.40");
    ck_assert_str_eq(s(i, "status"), "unknown");
    ck_assert_str_eq(s(json_object_get(i, "rule"), "allow"), "tcp/22");
    json_t *c = host(r, "198.18.1.50");
    ck_assert_str_eq(s(c, "status"), "blocked");
    ck_assert(json_is_null(json_object_get(c, "rule")));
    ck_assert_ptr_nonnull(strstr(s(c, "note"), "answer closed (RST)"));
    json_t *sum = json_object_get(r, "summary");
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "managed")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "deployable")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "blocked")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "unknown")), 1);
    json_decref(r);
}
END_TEST

/* A host a firewall or tarpit may answer for (every port open on every address) is not
 * deployable on the strength of those replies, and the hosts table does not show its
 * channels as if they were real. */
START_TEST(test_firewall_suspect_not_deployable)
{
    ck_assert_int_eq(as_store_mark_firewall(st, scan, 0xC612010Bu, "tarpit-like", err, sizeof err), 0);
    json_t *r = report_json();
    json_t *b = host(r, "198.18.1.11");
    ck_assert_str_eq(s(b, "status"), "unknown");
    ck_assert_ptr_nonnull(strstr(s(b, "note"), "firewall or tarpit"));
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r, "summary"), "deployable")), 0);
    json_decref(r);
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_msg(as_store_print_hosts(st, 0, "table", 0, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    char *line = strstr(buf, "198.18.1.11!");
    ck_assert_msg(line != NULL, "%s", buf);
    char *eol = strchr(line, '\n');
    ck_assert_msg(eol && eol[-1] == '?' && eol[-2] == ' ', "%s", buf);
    free(buf);
}
END_TEST

/* The text names exactly the filtered and the closed login ports of each host. */
START_TEST(test_text)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(as_deploy_report(st, scan, deploy, 0, "text", f, err, sizeof err), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "\n198.18.1.21: blocked, windows (tcp/135 (MS RPC) open)\n"
        "  filtered: tcp/139 (smb, no-response), tcp/445 (smb, no-response), tcp/3389 (rdp, "
        "admin-prohibited)\n  closed:   tcp/22 (ssh, reset)\n  rule:     Windows host"));
    ck_assert_ptr_nonnull(strstr(buf, "\n198.18.1.11: partly blocked, deployable via ssh, unix "
        "(open unix ports)\n  filtered: tcp/23 (telnet, no-response)\n  closed:   tcp/139 (smb, reset)\n"));
    ck_assert_ptr_nonnull(strstr(buf, "TCP ACK to port 80 blocked (only ICMP echo answered)"));
    ck_assert_ptr_nonnull(strstr(buf, "1 managed, 1 deployable (1 partly blocked), 3 blocked, 1 unknown"));
    free(buf);
    /* --source overrides the recorded address; a bad format is refused */
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(as_deploy_report(st, scan, deploy, 0xC6120901u, "text", f, err, sizeof err), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "allow tcp/22 (ssh) from 198.18.9.1 to 198.18.1.30"));
    free(buf);
    ck_assert_int_eq(as_deploy_report(st, scan, deploy, 0, "xml", stdout, err, sizeof err), -1);
    ck_assert_str_eq(err, "unknown format 'xml' (use text or json)");
}
END_TEST

static Suite *deploy_suite(void)
{
    Suite *su = suite_create("deploy_report");
    TCase *tc = tcase_create("report");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_statuses_and_rules);
    tcase_add_test(tc, test_firewall_suspect_not_deployable);
    tcase_add_test(tc, test_text);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(deploy_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
