/* test_hosts_table.c — `hosts` for people: the table fits 80 columns with ellipses and keeps
 * whole values when not fitted, agents by short name, a MAC/vendor column when known,
 * export's filters plus --port, --os and --gone, UTF-8 names as themselves. */
#include <locale.h>
#include <wchar.h>
#include "db/export.h"
static char *export_fmt(enum as_export_format fmt) __attribute__((unused));
static char *export_to_string(as_export_opts *o, size_t *len) __attribute__((unused));
#include "export_fixture.h"
#include "engine/targets.h"

#define LONG_OS "Microsoft Windows Server 2016 build 10586 - 14393 or Windows 10 1511 - 1607 (Datacenter)"

/* Scan 2: a host with a UTF-8 name and a long OS name; 198.18.1.9 from scan 1 is gone. */
static int64_t scan2(void)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "-p 3389", STARTED + 100, err, sizeof err);
    static const as_os_guess os[] = {{LONG_OS, 97, "Microsoft", "Windows", "2016", "general purpose", NULL}};
    as_port_record p[] = { port(3389, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 128, "rdp") };
    as_host_record h = { .ip = IP(198, 18, 1, 50), .up = 1, .rtt_us = -1, .ports = p, .nports = 1,
                         .os = os, .nos = 1 };
    strcpy(h.up_reason, "syn-ack");
    /* as the engine stores a PTR name: bytes outside [A-Za-z0-9._-] as \DDD */
    strcpy(h.name, "s\\195\\169rveur\\045\\230\\157\\177\\228\\186\\172.example\\001\\255.test");
    strcpy(h.deploy, "rdp");
    add(id, &h);
    as_host_record m = { .ip = IP(198, 18, 1, 10), .up = 1, .rtt_us = -1, .has_mac = 1, .managed = 1 };
    memcpy(m.mac, "\x00\x22\x72\x00\x00\x0a", 6);
    strcpy(m.up_reason, "echo-reply");
    strcpy(m.agent, "Opsware/HP Server Automation agent");
    add(id, &m);
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, STARTED + 110, NULL, err,
                                       sizeof err), 0);
    return id;
}

static char *print(as_hosts_opts *o)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    if (!o->format)
        o->format = "table";
    ck_assert_msg(as_store_print_hosts_opts(st, o, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    return buf;
}

static size_t columns(const char *line, size_t len)
{
    char *copy = strndup(line, len);
    size_t n = mbstowcs(NULL, copy, 0);
    wchar_t *w = calloc(n + 1, sizeof *w);
    mbstowcs(w, copy, n + 1);
    int cols = wcswidth(w, n);
    free(w);
    free(copy);
    return cols < 0 ? len : (size_t)cols;
}

START_TEST(fits_80_columns)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    int64_t id = scan2();
    as_hosts_opts o = {.scan_id = id, .width = 80, .oui = oui};
    char *t = print(&o);
    if (getenv("AS_SHOW"))
        fputs(t, stderr);
    for (char *line = t; *line;) {
        size_t len = strcspn(line, "\n");
        ck_assert_msg(columns(line, len) <= 80, "%zu columns: %.*s", columns(line, len), (int)len, line);
        line += len + (line[len] == '\n');
    }
    ck_assert_msg(strstr(t, "\xe2\x80\xa6"), "no ellipsis:\n%s", t);      /* … */
    ck_assert_msg(strstr(t, "MAC") && strstr(t, "00:22:72:00:00:0a"), "%s", t);
    free(t);
}
END_TEST

START_TEST(piped_keeps_values)
{
    setlocale(LC_CTYPE, "C.UTF-8");
    int64_t id = scan2();
    as_hosts_opts o = {.scan_id = id};
    char *t = print(&o);
    ck_assert_msg(strstr(t, LONG_OS), "%s", t);
    /* UTF-8 as itself; the control byte the store escaped stays escaped */
    ck_assert_msg(strstr(t, "s\xc3\xa9rveur-\xe6\x9d\xb1\xe4\xba\xac.example\\001\\255.test"), "%s", t);
    ck_assert_ptr_null(strchr(t, '\x01'));
    ck_assert_msg(strstr(t, "yes (Opsware)"), "%s", t);    /* agents by short name */
    free(t);
}
END_TEST

START_TEST(filters)
{
    int64_t id = scan2();
    as_hosts_opts o = {.scan_id = id, .port = 3389};
    char *t = print(&o);
    ck_assert_ptr_nonnull(strstr(t, "198.18.1.50"));
    ck_assert_ptr_null(strstr(t, "198.18.1.10 "));
    free(t);
    as_hosts_opts m = {.scan_id = id, .managed = 1, .format = "json"};
    t = print(&m);
    ck_assert_ptr_nonnull(strstr(t, "198.18.1.10"));
    ck_assert_ptr_null(strstr(t, "198.18.1.50"));
    ck_assert_msg(strstr(t, "Opsware/HP Server Automation agent"), "%s", t);  /* full in JSON */
    free(t);
    as_hosts_opts w = {.scan_id = id, .os = "WINDOWS server", .format = "json"};
    t = print(&w);
    ck_assert_ptr_nonnull(strstr(t, "198.18.1.50"));
    ck_assert_ptr_null(strstr(t, "198.18.1.10"));
    free(t);
    as_hosts_opts d = {.scan_id = id, .deployable = 1, .unmanaged = 1, .format = "json"};
    t = print(&d);
    ck_assert_ptr_nonnull(strstr(t, "198.18.1.50"));
    free(t);
}
END_TEST

START_TEST(gone)
{
    int64_t id = scan2();
    as_hosts_opts o = {.scan_id = id, .gone = 1, .format = "json"};
    char *t = print(&o);
    ck_assert_msg(strstr(t, "\"address\": \"198.18.1.9\"") && strstr(t, "\"status\": \"gone\""), "%s", t);
    ck_assert_ptr_null(strstr(t, "198.18.1.10\""));
    ck_assert_ptr_null(strstr(t, "198.18.1.50"));
    free(t);
}
END_TEST

int main(void)
{
    /* scans whose coverage is their target text: "gone" is judged inside it */
    as_store_set_target_parser(as_targets_text_intervals);
    Suite *s = suite_create("hosts_table");
    TCase *tc = tcase_create("hosts");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fits_80_columns);
    tcase_add_test(tc, piped_keeps_values);
    tcase_add_test(tc, filters);
    tcase_add_test(tc, gone);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
