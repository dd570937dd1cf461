/* test_cmdb_identity.c — the CMDB form never merges two machines: FQDN names, the host id in
 * every format; one classifier decides OS family and device class for the CMDB, the flat
 * exports and deploy-report alike. */
#include "db/export.h"
static char *export_fmt(enum as_export_format fmt) __attribute__((unused));
#include "export_fixture.h"
#include "db/reports.h"
#include "engine/targets.h"

#define WIN_SSH_PASSIVE "Windows (passive: TTL 128, 1 hops, window 8192, options MNWNNS, DF)"
#define GEAR_PASSIVE "network device, Solaris or AIX (passive: TTL 255, 1 hops, window 4128, options M, DF)"

/* Scan 2: two web01s in two data centres, a Windows box answering SSH only, a router with
 * SSH. */
static int64_t scan2(void)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24 198.18.5.0/24", "-p 22", STARTED + 100, err, sizeof err);
    as_port_record ssh[] = { port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "ssh") };
    as_port_record ssh128[] = { port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 128, "ssh") };
    as_port_record ssh255[] = { port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 255, "ssh") };
    as_host_record a = { .ip = IP(198, 18, 5, 1), .up = 1, .rtt_us = -1, .ports = ssh, .nports = 1 };
    as_host_record b = a, w = a, g = a;
    b.ip = IP(198, 18, 5, 2);
    strcpy(a.name, "web01.dc1.example.com");
    strcpy(b.name, "web01.dc2.example.com");
    w.ip = IP(198, 18, 5, 3);
    w.ports = ssh128;
    w.reply_ttl = 128;
    w.os_passive = WIN_SSH_PASSIVE;
    w.os_passive_accuracy = 70;
    g.ip = IP(198, 18, 5, 4);
    g.ports = ssh255;
    g.reply_ttl = 255;
    g.os_passive = GEAR_PASSIVE;
    g.os_passive_accuracy = 30;
    as_host_record *all[] = {&a, &b, &w, &g};
    for (size_t i = 0; i < 4; i++) {
        strcpy(all[i]->up_reason, "echo-reply");
        strcpy(all[i]->deploy, "ssh");
        add(id, all[i]);
    }
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, STARTED + 110, NULL, err,
                                       sizeof err), 0);
    return id;
}

static char *out_of(int64_t scan, enum as_export_format fmt)
{
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    o.scan_id = scan;
    return export_to_string(&o, NULL);
}

START_TEST(fqdn_names_never_merge)
{
    int64_t id = scan2();
    char *c = out_of(id, AS_EXPORT_CMDB);
    ck_assert_msg(strstr(c, "\"name\": \"web01.dc1.example.com\""), "%s", c);
    ck_assert_msg(strstr(c, "\"name\": \"web01.dc2.example.com\""), "%s", c);
    ck_assert_ptr_null(strstr(c, "\"name\": \"web01\""));
    ck_assert_ptr_nonnull(strstr(c, "\"short_name\": \"web01\""));
    ck_assert_ptr_nonnull(strstr(c, "\"host_id\": "));
    ck_assert_ptr_nonnull(strstr(c, "\"ip_address\": \"198.18.5.1\""));
    free(c);
}
END_TEST

START_TEST(host_id_everywhere)
{
    int64_t id = scan2();
    const enum as_export_format f[] = {AS_EXPORT_CSV, AS_EXPORT_JSON, AS_EXPORT_NDJSON,
                                       AS_EXPORT_XML, AS_EXPORT_CMDB};
    const char *want[] = {",host_id,", "\"host_id\": ", "\"host_id\":", "output=\"host-id=",
                          "\"host_id\": "};
    for (size_t i = 0; i < 5; i++) {
        char *o = out_of(id, f[i]);
        ck_assert_msg(strstr(o, want[i]), "format %zu: %s", i, o);
        free(o);
    }
}
END_TEST

/* A Windows box with SSH open (passive guess Windows) is windows in every output; a router
 * with SSH is network gear, not a server. */
START_TEST(one_classifier)
{
    int64_t id = scan2();
    char *c = out_of(id, AS_EXPORT_NDJSON);
    char *w = strstr(c, "\"address\":\"198.18.5.3\""), *g = strstr(c, "\"address\":\"198.18.5.4\"");
    ck_assert_ptr_nonnull(w);
    ck_assert_ptr_nonnull(g);
    ck_assert_msg(strstr(w, "\"family\":\"windows\"") < g, "%s", w);
    ck_assert_msg(strstr(g, "\"device_type\":\"network\""), "%s", g);
    free(c);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_msg(as_deploy_report(st, id, deploy, 0, "text", f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    char *line = strstr(buf, "198.18.5.3");
    ck_assert_ptr_nonnull(line);
    char *eol = strchr(line, '\n');
    *eol = '\0';
    ck_assert_msg(strstr(line, "windows") && !strstr(line, "unix"), "%s", line);
    free(buf);
}
END_TEST

/* Retirements: what the first scan saw and the second did not, with host id and status. */
START_TEST(gone_for_the_cmdb)
{
    int64_t id = scan2();
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = AS_EXPORT_CMDB;
    o.scan_id = id;
    o.gone = 1;
    char *c = export_to_string(&o, NULL);
    ck_assert_msg(strstr(c, "\"ip_address\": \"198.18.1.10\"") && strstr(c, "\"status\": \"gone\""),
                  "%s", c);
    ck_assert_ptr_null(strstr(c, "198.18.5."));
    ck_assert_ptr_nonnull(strstr(c, "\"host_id\": "));
    free(c);
    /* Outside what a scan covered nothing is known to be gone (diff's rule): a scan of
     * 198.18.5.0/24 alone retires nobody in 198.18.1.0/24. */
    int64_t narrow = as_store_begin_scan(st, "198.18.5.0/24", "-p 22", STARTED + 200, err, sizeof err);
    ck_assert_int_gt(narrow, 0);
    ck_assert_int_eq(as_store_end_scan(st, narrow, AS_SCAN_COMPLETE, STARTED + 210, NULL, err,
                                       sizeof err), 0);
    o.scan_id = narrow;
    c = export_to_string(&o, NULL);
    ck_assert_msg(strstr(c, "198.18.1.10") == NULL, "%s", c);
    free(c);
    o.scan_id = id;
    o.format = AS_EXPORT_CSV;
    c = export_to_string(&o, NULL);
    ck_assert_msg(strncmp(c, "host_id,address,dns_name,status,last_seen,seen_count\r\n", 53) == 0, "%s", c);
    ck_assert_ptr_nonnull(strstr(c, ",198.18.1.10,managed.lab,gone,"));
    free(c);
}
END_TEST

int main(void)
{
    /* scans whose coverage is their target text: "gone" is judged inside it */
    as_store_set_target_parser(as_targets_text_intervals);
    Suite *s = suite_create("cmdb_identity");
    TCase *tc = tcase_create("cmdb");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fqdn_names_never_merge);
    tcase_add_test(tc, host_id_everywhere);
    tcase_add_test(tc, one_classifier);
    tcase_add_test(tc, gone_for_the_cmdb);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
