/* test_diff.c — `diff` between scans: every change kind once, "gone" only inside the later
 * scan's covered space and only when it completed, the default pair, the table and JSON
 * forms, and `export --since` selecting exactly the changed hosts. */
#include "history_fixture.h"
#include "engine/targets.h"

/* Scan 1 sees .60; scan 2 (A) and 3 (B) are the pair under test; .99 is in 198.18.2.0/24,
 * which A covered in addition (so leaving it is no "gone" for B, which did not look). */
static int64_t fill(enum as_scan_status b_status)
{
    hspec s0[] = {{IP(198, 18, 1, 60), "back.lab", NULL, NULL, NULL, "22:open"}};
    hspec a[] = {
        {IP(198, 18, 1, 10), "web01.lab", NULL, NULL, "ssh", "22:open,80:open"},
        {IP(198, 18, 1, 11), "app01.lab", NULL, AGENT, NULL, "1002:open"},
        {IP(198, 18, 1, 12), "gone.lab", NULL, NULL, NULL, "22:open"},
        {IP(198, 18, 1, 13), "win.lab", NULL, NULL, NULL, "1610:closed,3389:closed"},
        {IP(198, 18, 1, 70), "same.lab", NULL, NULL, "ssh", "22:open"},
        {IP(198, 18, 2, 99), "far.lab", NULL, NULL, NULL, "22:open"},
    };
    hspec b[] = {
        {IP(198, 18, 1, 40), "web01.lab", NULL, NULL, "ssh", "22:open,80:closed"},
        {IP(198, 18, 1, 11), "app02.lab", NULL, NULL, NULL, "1002:closed"},
        {IP(198, 18, 1, 13), "win.lab", NULL, BMC, "rdp", "1610:open,3389:open"},
        {IP(198, 18, 1, 50), "new.lab", NULL, NULL, NULL, "22:open"},
        {IP(198, 18, 1, 60), "back.lab", NULL, NULL, NULL, "22:open"},
        {IP(198, 18, 1, 70), "same.lab", NULL, NULL, "ssh", "22:open"},
    };
    scan(T0, s0, 1, AS_SCAN_COMPLETE);
    int64_t ia = scan(T0 + 100, a, 6, AS_SCAN_COMPLETE);
    uint32_t lo[] = {IP(198, 18, 1, 0), IP(198, 18, 2, 0)}, hi[] = {IP(198, 18, 1, 255),
                                                                    IP(198, 18, 2, 255)};
    ck_assert_int_eq(as_store_scan_ranges(st, ia, lo, hi, 2, err, sizeof err), 0);
    int64_t ib = scan(T0 + 200, b, 6, b_status);
    /* OS guesses for web01 in both scans */
    sql("INSERT INTO os_match(scan_id, host_id, rank, name, accuracy) SELECT scan_id, host_id,"
        " 0, CASE scan_id WHEN 2 THEN 'Linux 4.X' ELSE 'Linux 5.X' END, 90 FROM observation"
        " WHERE name = 'web01.lab'");
    return ib;
}

static char *run_diff(int64_t a, int64_t b, const char *format, size_t *changes)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_msg(as_store_diff(st, a, b, format, f, changes, err, sizeof err) == 0, "%s", err);
    fclose(f);
    return buf;
}

/* "change address detail" per line, from the JSON form. */
static char *summary(int64_t a, int64_t b)
{
    size_t changes;
    char *out = run_diff(a, b, "json", &changes);
    json_t *root = json_loads(out, 0, NULL), *c;
    ck_assert_ptr_nonnull(root);
    size_t i, len = 0;
    char *s = calloc(1, 4096);
    json_array_foreach(json_object_get(root, "changes"), i, c) {
        const char *kind = json_string_value(json_object_get(c, "change"));
        json_t *from = json_object_get(c, "from"), *to = json_object_get(c, "to");
        json_t *item = json_object_get(c, "agent") ? json_object_get(c, "agent")
                                                   : json_object_get(c, "channel");
        len += (size_t)snprintf(s + len, 4096 - len, "%s %s", kind,
                                json_string_value(json_object_get(c, "address")));
        if (json_object_get(c, "port"))
            len += (size_t)snprintf(s + len, 4096 - len, " %lld",
                                    json_integer_value(json_object_get(c, "port")));
        if (from || to)
            len += (size_t)snprintf(s + len, 4096 - len, " %s>%s", json_string_value(from),
                                    json_string_value(to));
        if (item)
            len += (size_t)snprintf(s + len, 4096 - len, " %s", json_string_value(item));
        len += (size_t)snprintf(s + len, 4096 - len, "\n");
    }
    ck_assert_uint_eq(changes, json_array_size(json_object_get(root, "changes")));
    json_decref(root);
    free(out);
    return s;
}

START_TEST(every_kind)
{
    open_store();
    int64_t b = fill(AS_SCAN_COMPLETE);
    char *s = summary(b - 1, b);
    ck_assert_str_eq(s,
        "port 198.18.1.11 1002 open>closed\n"
        "name 198.18.1.11 app01.lab>app02.lab\n"
        "agent-disappeared 198.18.1.11 " AGENT "\n"
        "gone 198.18.1.12\n"
        "port 198.18.1.13 1610 closed>open\n"
        "port 198.18.1.13 3389 closed>open\n"
        "agent-appeared 198.18.1.13 " BMC "\n"
        "deploy-gained 198.18.1.13 rdp\n"
        "moved 198.18.1.40 198.18.1.10>198.18.1.40\n"
        "port 198.18.1.40 80 open>closed\n"
        "os 198.18.1.40 Linux 4.X>Linux 5.X\n"
        "new 198.18.1.50\n"
        "back-online 198.18.1.60\n");
    free(s);
    /* the same scan against itself: nothing */
    size_t n = 9;
    free(run_diff(b, b, "table", &n));
    ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(interrupted_b_reports_no_gone)
{
    open_store();
    int64_t b = fill(AS_SCAN_INTERRUPTED);
    char *s = summary(b - 1, b);
    ck_assert_ptr_null(strstr(s, "gone"));
    ck_assert_ptr_nonnull(strstr(s, "moved 198.18.1.40"));
    free(s);
    size_t n;
    char *t = run_diff(b - 1, b, "table", &n);
    ck_assert_ptr_nonnull(strstr(t, "no host is reported gone"));
    free(t);
}
END_TEST

START_TEST(table_form)
{
    open_store();
    int64_t b = fill(AS_SCAN_COMPLETE);
    size_t n;
    char *t = run_diff(b - 1, b, "table", &n);
    ck_assert_uint_eq(n, 13);
    ck_assert_ptr_nonnull(strstr(t, ": 13 changes\n"));
    ck_assert_ptr_nonnull(strstr(t, "CHANGE "));
    ck_assert_ptr_nonnull(strstr(t, "80/tcp open -> closed"));
    ck_assert_ptr_nonnull(strstr(t, "was 198.18.1.10"));
    free(t);
    FILE *null = fopen("/dev/null", "w");
    ck_assert_int_lt(as_store_diff(st, b - 1, b, "xml", null, &n, err, sizeof err), 0);
    ck_assert_int_lt(as_store_diff(st, b - 1, 99, "json", null, &n, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(err, "no scan 99"));
    fclose(null);
}
END_TEST

/* The default pair is the newest two complete scans whose covered spaces overlap. */
START_TEST(default_pair)
{
    open_store();
    int64_t b = fill(AS_SCAN_COMPLETE), x = 0, y = 0;
    /* a newer scan of another range, and a newer interrupted one: neither pairs */
    int64_t other = as_store_begin_scan(st, "198.18.11.0/24", "", T0 + 300, err, sizeof err);
    uint32_t lo = 0x0a090900, hi = 0x0a0909ff;
    as_store_scan_ranges(st, other, &lo, &hi, 1, err, sizeof err);
    as_store_end_scan(st, other, AS_SCAN_COMPLETE, T0 + 301, NULL, err, sizeof err);
    scan(T0 + 400, NULL, 0, AS_SCAN_INTERRUPTED);
    ck_assert_msg(as_store_diff_pick(st, &x, &y, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(x, b - 1);
    ck_assert_int_eq(y, b);
    x = 1, y = 0;
    ck_assert_int_eq(as_store_diff_pick(st, &x, &y, err, sizeof err), 0);
    ck_assert_int_eq(y, b);
    x = 0, y = other;
    ck_assert_int_lt(as_store_diff_pick(st, &x, &y, err, sizeof err), 0);
}
END_TEST

static char *export_since(const char *since)
{
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = AS_EXPORT_CSV;
    o.has_since = 1;
    ck_assert_int_eq(as_when_parse(since, T0 + 1000, 1, &o.since, err, sizeof err), 0);
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_msg(as_store_export(st, &o, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    return buf;
}

static int rows(const char *csv)
{
    int n = -1;     /* the header */
    for (const char *p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
        n++;
    return n;
}

START_TEST(export_since_changes)
{
    open_store();
    int64_t b = fill(AS_SCAN_COMPLETE);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)(b - 1));
    char *out = export_since(id);
    /* .11 .13 .40 .50 .60 changed; .70 did not; .12 is gone (not in scan b) */
    ck_assert_int_eq(rows(out), 5);
    ck_assert_ptr_null(strstr(out, "198.18.1.70"));
    free(out);
    out = export_since("2023-11-14T22:15:00Z");     /* after scan 2 started: baseline 2 */
    ck_assert_int_eq(rows(out), 5);
    free(out);
    out = export_since("2000-01-01");               /* before any scan: all of them */
    ck_assert_int_eq(rows(out), 6);
    free(out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("diff");
    TCase *t = tcase_create("diff");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, every_kind);
    tcase_add_test(t, interrupted_b_reports_no_gone);
    tcase_add_test(t, table_form);
    tcase_add_test(t, default_pair);
    tcase_add_test(t, export_since_changes);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    as_store_set_target_parser(as_targets_text_intervals);
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
