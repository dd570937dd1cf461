/* test_hosts_print.c — as_store_print_hosts: the JSON parsed back and checked field by
 * field, the table's header, alignment, numeric order and escaping of hostile names. */
#include <check.h>
#include <ftw.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "db/store.h"

static char dir[64];
static char dbpath[128];
static char err[512];
static as_store *st;
static int64_t scan_id;

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))
#define STARTED 1700000000.0    /* 2023-11-14T22:13:20Z */

static as_port_record port(uint16_t n, uint8_t proto, uint8_t state, const char *reason,
                           const char *service)
{
    as_port_record p;
    memset(&p, 0, sizeof p);
    p.port = n;
    p.proto = proto;
    p.state = state;
    strcpy(p.reason, reason);
    strcpy(p.service, service);
    return p;
}

#define LONG_OS "Linux 5.0 - 5.14 (Debian 11 \"bullseye\" or Ubuntu 20.04 LTS)"
#define EVIL_OS "<b>\"x\"&amp;\x1b[2J\n"
#define EVIL_NOTE "TTL \"64\" <&> \x1b[31m\nforged\xc3\xa9"
#define FPRINT "SCAN(V=7.93%E=4%D=1/1%OT=22%CT=1)\nSEQ(SP=105%GCD=1%ISR=10A%TI=Z)"
#define WIN_PASSIVE "Windows (passive: TTL 128, 1 hops, window 8192, options MNWNNS, DF)"

static const as_os_guess m_os[] = {
    { LONG_OS, 95, "Linux", "Linux", "5.X", "general purpose", "cpe:/o:linux:linux_kernel:5" },
    { "Linux 4.15", 90, "Linux", "", NULL, "general purpose", NULL },
};
static const as_os_guess evil_os[] = { { EVIL_OS, 50, NULL, NULL, NULL, NULL, NULL } };

static void add(as_host_record *h)
{
    ck_assert_msg(as_store_add_host(st, scan_id, h, STARTED + 1, err, sizeof err) == 0, "%s",
                  err);
}

/* Hosts added out of order, with .10 before .9 so that text order would be wrong. */
static void fill(void)
{
    scan_id = as_store_begin_scan(st, "198.18.0.0/16", "", STARTED, err, sizeof err);
    ck_assert_msg(scan_id > 0, "%s", err);
    ck_assert_int_eq(as_store_begin_batch(st, err, sizeof err), 0);

    as_port_record pm[] = {
        port(1002, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "Opsware/HP Server Automation agent"),
        port(80, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", ""),
        port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "ssh"),
        port(53, IPPROTO_UDP, AS_PORT_OPEN, "udp-response", ""),
        port(445, IPPROTO_TCP, AS_PORT_FILTERED, "no-response", ""),
        port(443, IPPROTO_TCP, AS_PORT_CLOSED, "reset", ""),
    };
    as_host_record m = { .ip = IP(198, 18, 1, 10), .up = 1, .reply_ttl = 64, .rtt_us = 1500,
                         .has_mac = 1, .mac = { 0x02, 0, 0, 0, 0, 0x0A }, .managed = 1,
                         .ports = pm, .nports = 6 };
    strcpy(m.up_reason, "echo-reply");
    strcpy(m.name, "managed.lab");
    strcpy(m.agent, "Opsware/HP Server Automation agent");
    strcpy(m.deploy, "ssh,smb");
    m.os = m_os;
    m.nos = 2;
    m.os_fingerprint = FPRINT;
    m.os_passive = "Linux (passive: TTL 64, 0 hops, window 64240, options M5B4ST11NW7, DF)";
    m.os_passive_accuracy = 70;
    add(&m);

    as_host_record evil = { .ip = IP(198, 18, 1, 9), .up = 1, .rtt_us = -1, .os = evil_os,
                            .nos = 1, .firewall_suspect = 1, .firewall_note = EVIL_NOTE };
    strcpy(evil.up_reason, "reset");
    strcpy(evil.name, "evil\x1b[31m\nname\xc3");
    add(&evil);

    as_host_record down = { .ip = IP(198, 18, 1, 100), .up = 0, .rtt_us = -1 };
    strcpy(down.up_reason, "no-response");
    add(&down);

    as_host_record far = { .ip = IP(198, 18, 2, 1), .up = 1, .rtt_us = 250,
                           .os_passive = WIN_PASSIVE, .os_passive_accuracy = 70 };
    strcpy(far.up_reason, "syn-ack");
    add(&far);

    ck_assert_int_eq(as_store_commit_batch(st, err, sizeof err), 0);
    ck_assert_int_eq(as_store_end_scan(st, scan_id, AS_SCAN_COMPLETE, STARTED + 60, NULL, err,
                                       sizeof err), 0);
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_print_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    fill();
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    as_store_close(st);
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* The output as one string, the call's return code in *rc. */
static char *print(int64_t id, const char *format, int all, int *rc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    *rc = as_store_print_hosts(st, id, format, all, out, err, sizeof err);
    fclose(out);
    return buf;
}

static json_t *print_json(int all)
{
    int rc;
    char *text = print(scan_id, "json", all, &rc);
    ck_assert_msg(rc == 0, "%s", err);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    ck_assert_msg(root != NULL, "line %d: %s\n%s", jerr.line, jerr.text, text);
    ck_assert(json_is_array(root));
    for (const char *p = text; *p; p++)
        ck_assert_msg((unsigned char)*p < 0x80, "non-ASCII byte in JSON output");
    free(text);
    return root;
}

static const char *str_at(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    ck_assert_msg(json_is_string(v), "%s is not a string", key);
    return json_string_value(v);
}

START_TEST(json_fields)
{
    json_t *root = print_json(0);
    ck_assert_int_eq(json_array_size(root), 3);
    json_t *m = json_array_get(root, 1);
    ck_assert_str_eq(str_at(m, "address"), "198.18.1.10");
    ck_assert_str_eq(str_at(m, "name"), "managed.lab");
    ck_assert_str_eq(str_at(m, "mac"), "02:00:00:00:00:0a");
    ck_assert(json_is_true(json_object_get(m, "up")));
    ck_assert_str_eq(str_at(m, "up_reason"), "echo-reply");
    ck_assert(json_is_real(json_object_get(m, "rtt_ms")));
    ck_assert_double_eq_tol(json_real_value(json_object_get(m, "rtt_ms")), 1.5, 1e-9);
    ck_assert(json_is_true(json_object_get(m, "managed")));
    ck_assert_str_eq(str_at(m, "agent"), "Opsware/HP Server Automation agent");
    ck_assert_int_eq(json_integer_value(json_object_get(m, "scan_id")), scan_id);

    json_t *deploy = json_object_get(m, "deploy");
    ck_assert_int_eq(json_array_size(deploy), 2);
    ck_assert_str_eq(json_string_value(json_array_get(deploy, 0)), "ssh");
    ck_assert_str_eq(json_string_value(json_array_get(deploy, 1)), "smb");

    /* all states, tcp before udp, each by port number */
    static const struct { int port; const char *proto, *state, *reason; } want[] = {
        { 22, "tcp", "open", "syn-ack" },       { 80, "tcp", "open", "syn-ack" },
        { 443, "tcp", "closed", "reset" },      { 445, "tcp", "filtered", "no-response" },
        { 1002, "tcp", "open", "syn-ack" },     { 53, "udp", "open", "udp-response" },
    };
    json_t *ports = json_object_get(m, "ports");
    ck_assert_int_eq(json_array_size(ports), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *p = json_array_get(ports, i);
        ck_assert_int_eq(json_integer_value(json_object_get(p, "port")), want[i].port);
        ck_assert_str_eq(str_at(p, "proto"), want[i].proto);
        ck_assert_str_eq(str_at(p, "state"), want[i].state);
        ck_assert_str_eq(str_at(p, "reason"), want[i].reason);
    }
    ck_assert_str_eq(str_at(json_array_get(ports, 0), "service"), "ssh");
    ck_assert(json_is_null(json_object_get(json_array_get(ports, 1), "service")));

    json_t *far = json_array_get(root, 2);
    ck_assert_str_eq(str_at(far, "address"), "198.18.2.1");
    ck_assert_str_eq(str_at(far, "name"), "");
    ck_assert(json_is_null(json_object_get(far, "mac")));
    ck_assert(json_is_null(json_object_get(far, "agent")));
    ck_assert(json_is_false(json_object_get(far, "managed")));
    ck_assert_int_eq(json_array_size(json_object_get(far, "deploy")), 0);
    ck_assert_int_eq(json_array_size(json_object_get(far, "ports")), 0);
    json_decref(root);
}
END_TEST

static json_t *get(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    ck_assert_msg(v != NULL, "no %s", key);
    return v;
}

/* OS guesses best first with their classes, the fingerprint, the passive guess and the
 * firewall suspicion; hostile text kept exactly (escaped), unknown fields null. */
START_TEST(json_os_and_firewall)
{
    json_t *root = print_json(1);
    json_t *m = json_array_get(root, 1), *evil = json_array_get(root, 0);
    json_t *down = json_array_get(root, 2), *far = json_array_get(root, 3);
    json_t *os = get(m, "os");
    ck_assert_int_eq(json_array_size(os), 2);
    json_t *best = json_array_get(os, 0), *second = json_array_get(os, 1);
    ck_assert_str_eq(str_at(best, "name"), LONG_OS);
    ck_assert(json_is_integer(get(best, "accuracy")));
    ck_assert_int_eq(json_integer_value(get(best, "accuracy")), 95);
    ck_assert_str_eq(str_at(best, "vendor"), "Linux");
    ck_assert_str_eq(str_at(best, "family"), "Linux");
    ck_assert_str_eq(str_at(best, "generation"), "5.X");
    ck_assert_str_eq(str_at(best, "type"), "general purpose");
    ck_assert_str_eq(str_at(best, "cpe"), "cpe:/o:linux:linux_kernel:5");
    ck_assert_str_eq(str_at(second, "name"), "Linux 4.15");
    ck_assert_int_eq(json_integer_value(get(second, "accuracy")), 90);
    ck_assert(json_is_null(get(second, "family")) && json_is_null(get(second, "generation")) &&
              json_is_null(get(second, "cpe")));
    ck_assert_str_eq(str_at(m, "os_fingerprint"), FPRINT);
    ck_assert_str_eq(str_at(m, "os_passive"), "Linux (passive: TTL 64, 0 hops, window 64240, "
                     "options M5B4ST11NW7, DF)");
    ck_assert_int_eq(json_integer_value(get(m, "os_passive_accuracy")), 70);
    ck_assert(json_is_false(get(m, "firewall_suspect")));
    ck_assert(json_is_null(get(m, "firewall_note")));

    ck_assert_str_eq(str_at(json_array_get(get(evil, "os"), 0), "name"), EVIL_OS);
    ck_assert(json_is_true(get(evil, "firewall_suspect")));
    ck_assert_str_eq(str_at(evil, "firewall_note"), EVIL_NOTE);
    ck_assert(json_is_null(get(evil, "os_passive")));
    ck_assert(json_is_null(get(evil, "os_passive_accuracy")));

    ck_assert_int_eq(json_array_size(get(far, "os")), 0);
    ck_assert(json_is_null(get(far, "os_fingerprint")));
    ck_assert_str_eq(str_at(far, "os_passive"), WIN_PASSIVE);
    ck_assert_int_eq(json_integer_value(get(far, "os_passive_accuracy")), 70);

    ck_assert(json_is_array(get(down, "os")) && json_array_size(get(down, "os")) == 0);
    ck_assert(json_is_null(get(down, "os_fingerprint")) && json_is_null(get(down, "os_passive")));
    ck_assert(json_is_false(get(down, "firewall_suspect")));
    json_decref(root);
}
END_TEST

START_TEST(json_order_and_down_hosts)
{
    json_t *root = print_json(1);
    static const char *const order[] = { "198.18.1.9", "198.18.1.10", "198.18.1.100",
                                         "198.18.2.1" };
    ck_assert_int_eq(json_array_size(root), 4);
    for (size_t i = 0; i < 4; i++)
        ck_assert_str_eq(str_at(json_array_get(root, i), "address"), order[i]);
    json_t *down = json_array_get(root, 2);
    ck_assert(json_is_false(json_object_get(down, "up")));
    ck_assert_str_eq(str_at(down, "up_reason"), "no-response");
    ck_assert(json_is_null(json_object_get(down, "rtt_ms")));

    /* invalid UTF-8 cannot be escaped: replaced; the control characters survive escaped */
    json_t *evil = json_array_get(root, 0);
    ck_assert_str_eq(str_at(evil, "name"), "evil?[31m?name?");
    json_decref(root);
}
END_TEST

START_TEST(json_keeps_valid_utf8_escaped)
{
    as_host_record h = { .ip = IP(198, 18, 3, 1), .up = 1, .rtt_us = -1 };
    strcpy(h.up_reason, "echo-reply");
    strcpy(h.name, "caf\xc3\xa9\x1b.lab");
    add(&h);
    json_t *root = print_json(0);
    json_t *last = json_array_get(root, json_array_size(root) - 1);
    ck_assert_str_eq(str_at(last, "name"), "caf\xc3\xa9\x1b.lab");
    json_decref(root);
}
END_TEST

/* Line n (0-based) of text, in a static buffer. */
static const char *line(const char *text, int n)
{
    static char buf[1024];
    for (; n > 0 && text; n--)
        if ((text = strchr(text, '\n')))
            text++;
    ck_assert_msg(text && *text, "no line %d", n);
    size_t len = strcspn(text, "\n");
    ck_assert_uint_lt(len, sizeof buf);
    memcpy(buf, text, len);
    buf[len] = '\0';
    return buf;
}

static int count_lines(const char *text)
{
    int n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

START_TEST(table_lines)
{
    int rc;
    char *text = print(scan_id, "table", 0, &rc);
    ck_assert_msg(rc == 0, "%s", err);
    if (getenv("AS_SHOW"))
        fputs(text, stderr);
    ck_assert_int_eq(count_lines(text), 6);   /* header, titles, three hosts, a footnote */
    ck_assert_str_eq(line(text, 0), "scan 1 (complete, started 2023-11-14T22:13:20Z), "
                                    "3 hosts up");
    /* not fitted to a terminal (printed to a file): every value whole, columns drawn by
     * libsmartcols two spaces apart; a MAC column because one host has a MAC */
    ck_assert_str_eq(line(text, 1),
                     "ADDRESS      NAME                      MAC                STATE  REASON      "
                     "OS                                                                 OPEN PORT"
                     "S         MANAGED        DEPLOY");
    /* "!": a firewall may answer for it; the name's \DDD escapes that are not printable
     * UTF-8 stay escaped, the OS name's controls replaced */
    ck_assert_str_eq(line(text, 2),
                     "198.18.1.9!  evil\\027[31m\\010name\\195  -                  up     reset     "
                     "  <b>\"x\"&amp;?[2J? (50%)                                             -     "
                     "             no             -");
    /* the best guess whole; the agent by its short name (JSON has the full one) */
    ck_assert_str_eq(line(text, 3),
                     "198.18.1.10  managed.lab               02:00:00:00:00:0a  up     echo-reply  "
                     "Linux 5.0 - 5.14 (Debian 11 \"bullseye\" or Ubuntu 20.04 LTS) (95%)  22,80,1"
                     "002,53/udp  yes (Opsware)  ssh,smb");
    /* no full detection: the passive guess's family */
    ck_assert_str_eq(line(text, 4),
                     "198.18.2.1   -                         -                  up     syn-ack     "
                     "Windows (passive)                                                  -        "
                     "          no             -");
    /* valid UTF-8 prints as itself, controls do not */
    ck_assert_str_eq(line(text, 5), "! replies may come from a firewall, not the hosts: "
                                    "TTL \"64\" <&> ?[31m?forged\xc3\xa9");
    ck_assert_ptr_null(strchr(text, '\x1b'));
    free(text);
}
END_TEST

/* Suspects with different notes: each footnote names the hosts it is about. */
START_TEST(table_firewall_groups)
{
    int64_t id = as_store_begin_scan(st, "198.18.5.0/24", "", STARTED + 100, err, sizeof err);
    static const char *const notes[] = { "same device", NULL, "same device", "other", NULL };
    for (int i = 0; i < 5; i++) {
        as_host_record h = { .ip = IP(198, 18, 5, 1 + i), .up = 1, .rtt_us = -1 };
        strcpy(h.up_reason, "syn-ack");
        ck_assert_msg(as_store_add_host(st, id, &h, STARTED + 101, err, sizeof err) == 0, "%s",
                      err);
        if (i < 4)
            ck_assert_msg(as_store_mark_firewall(st, id, h.ip, notes[i], err, sizeof err) == 0,
                          "%s", err);
    }
    int rc;
    char *text = print(id, "table", 0, &rc);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_int_eq(count_lines(text), 10);
    ck_assert_msg(strncmp(line(text, 2), "198.18.5.1!  ", 13) == 0, "%s", line(text, 2));
    ck_assert_msg(strncmp(line(text, 6), "198.18.5.5   ", 13) == 0, "%s", line(text, 6));
    ck_assert_str_eq(line(text, 7), "! 198.18.5.1 and 1 more: replies may come from a firewall, "
                                    "not the hosts: same device");
    ck_assert_str_eq(line(text, 8), "! 198.18.5.2: replies may come from a firewall, not the "
                                    "hosts");
    ck_assert_str_eq(line(text, 9), "! 198.18.5.4: replies may come from a firewall, not the "
                                    "hosts: other");
    free(text);
}
END_TEST

START_TEST(table_all_hosts)
{
    int rc;
    char *text = print(0, "table", 1, &rc);   /* 0: the latest scan */
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_int_eq(count_lines(text), 7);
    ck_assert_msg(strncmp(line(text, 4), "198.18.1.100 ", 13) == 0, "%s", line(text, 4));
    ck_assert_msg(strstr(line(text, 4), " down ") != NULL, "%s", line(text, 4));
    ck_assert_msg(strncmp(line(text, 5), "198.18.2.1 ", 11) == 0, "%s", line(text, 5));
    free(text);
}
END_TEST

START_TEST(empty_scan)
{
    int64_t id = as_store_begin_scan(st, "198.19.0.0/24", "", STARTED + 3600, err, sizeof err);
    int rc;
    char *text = print(id, "table", 0, &rc);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(text, "scan 2 (running, started 2023-11-14T23:13:20Z), 0 hosts up\n");
    free(text);
    text = print(id, "json", 0, &rc);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_str_eq(text, "[]\n");
    free(text);
}
END_TEST

START_TEST(errors)
{
    int rc;
    char *text = print(scan_id, "xml", 0, &rc);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(err, "unknown output format 'xml' (use table or json)");
    ck_assert_str_eq(text, "");
    free(text);

    text = print(42, "json", 0, &rc);
    ck_assert_int_eq(rc, -1);
    char want[512];
    snprintf(want, sizeof want, "database %s: no scan 42 in DB", dbpath);
    ck_assert_str_eq(err, want);
    ck_assert_str_eq(text, "");
    free(text);
}
END_TEST

START_TEST(no_scans_yet)
{
    as_store_close(st);
    snprintf(dbpath, sizeof dbpath, "%s/empty.db", dir);
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    int rc;
    free(print(0, "table", 0, &rc));
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err, "no scans yet"), "%s", err);
}
END_TEST

static Suite *hosts_print_suite(void)
{
    Suite *s = suite_create("hosts_print");
    TCase *json = tcase_create("json");
    tcase_add_checked_fixture(json, setup, teardown);
    tcase_add_test(json, json_fields);
    tcase_add_test(json, json_order_and_down_hosts);
    tcase_add_test(json, json_os_and_firewall);
    tcase_add_test(json, json_keeps_valid_utf8_escaped);
    suite_add_tcase(s, json);

    TCase *table = tcase_create("table");
    tcase_add_checked_fixture(table, setup, teardown);
    tcase_add_test(table, table_lines);
    tcase_add_test(table, table_firewall_groups);
    tcase_add_test(table, table_all_hosts);
    tcase_add_test(table, empty_scan);
    tcase_add_test(table, errors);
    tcase_add_test(table, no_scans_yet);
    suite_add_tcase(s, table);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hosts_print_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
