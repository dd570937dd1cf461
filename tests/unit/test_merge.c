/* test_merge.c — `merge` on stores filled through the store API: shards of one round fold
 * into one scan (also across merges), provenance is kept, nothing is merged twice. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/export.h"
#include "db/reports.h"
#include "engine/targets.h"

static char dir[64], err[1024];

static void path_of(char *out, size_t len, const char *name)
{
    snprintf(out, len, "%s/%s", dir, name);
}

static void add_host(as_store *st, int64_t scan, uint32_t ip, uint8_t state22, const char *deploy)
{
    as_host_record h;
    as_port_record p;
    memset(&h, 0, sizeof h);
    memset(&p, 0, sizeof p);
    h.ip = ip;
    h.up = 1;
    strcpy(h.up_reason, "echo-reply");
    h.rtt_us = -1;
    snprintf(h.deploy, sizeof h.deploy, "%s", deploy);
    p.port = 22;
    p.proto = 6;
    p.state = state22;
    strcpy(p.reason, state22 == AS_PORT_OPEN ? "syn-ack" : "no-response");
    h.ports = &p;
    h.nports = 1;
    ck_assert_msg(as_store_add_host(st, scan, &h, 1e9, err, sizeof err) == 0, "%s", err);
}

/* A gateway's database with one sweep of shard k/2 of job lab. */
static void gateway(const char *name, unsigned k, double started, const uint32_t *ips,
                    const uint8_t *states, size_t n)
{
    char path[128];
    as_store *st;
    path_of(path, sizeof path, name);
    ck_assert_int_eq(as_store_open(&st, path, 1, err, sizeof err), 0);
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "sweep lab: --shard 1/2 --seed 7",
                                     started, err, sizeof err);
    for (size_t i = 0; i < n; i++)
        add_host(st, id, ips[i], states[i], states[i] == AS_PORT_OPEN ? "ssh" : "");
    as_scan_stats stats = {256, n, 100, 10};
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, started + 5, &stats, err, sizeof err), 0);
    ck_assert_int_eq(as_store_scan_ranges(st, id, NULL, NULL, 0, err, sizeof err), 0);
    as_origin o = {name, "lab", k, 2, 7, 0xC613FF02u, id, 0, NULL, NULL};
    ck_assert_int_eq(as_origin_record(st, id, &o, err, sizeof err), 0);
    as_store_close(st);
}

static long long sql_int(const char *db, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    char path[128];
    path_of(path, sizeof path, db);
    ck_assert_int_eq(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static as_merge_result merge(const char *const *names, size_t n)
{
    char central[128], paths[4][128];
    const char *src[4];
    as_store *dst;
    as_merge_result r;
    path_of(central, sizeof central, "central.db");
    for (size_t i = 0; i < n; i++) {
        path_of(paths[i], sizeof paths[i], names[i]);
        src[i] = paths[i];
    }
    ck_assert_int_eq(as_store_open(&dst, central, 1, err, sizeof err), 0);
    ck_assert_msg(as_store_merge(dst, src, n, 3600, &r, err, sizeof err) == 0, "%s", err);
    as_store_close(dst);
    return r;
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_merge_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    static const uint32_t a[] = {0xC612010Au, 0xC612010Bu}, b[] = {0xC612010Bu, 0xC612010Cu};
    static const uint8_t sa[] = {AS_PORT_OPEN, AS_PORT_FILTERED}, sb[] = {AS_PORT_OPEN, AS_PORT_OPEN};
    gateway("gw1.db", 1, 1e9, a, sa, 2);
    gateway("gw2.db", 2, 1e9 + 60, b, sb, 2);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_round_across_merges)
{
    const char *one[] = {"gw1.db"}, *both[] = {"gw1.db", "gw2.db"};
    as_merge_result r = merge(one, 1);
    ck_assert_int_eq(r.scans_created, 1);
    /* one shard of two: not complete, coverage unknown so nothing is "gone" */
    ck_assert_int_eq(sql_int("central.db", "SELECT status = 'interrupted' AND coverage = 'unknown' "
                             "FROM scan WHERE id = 1"), 1);
    r = merge(both, 2);
    ck_assert_int_eq(r.scans_read, 2);
    ck_assert_int_eq(r.scans_skipped, 1);
    ck_assert_int_eq(r.scans_extended, 1);
    ck_assert_int_eq(r.scans_created, 0);
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM scan"), 1);
    ck_assert_int_eq(sql_int("central.db", "SELECT status = 'complete' AND coverage = 'ranges' AND "
                             "hosts_up = 3 AND probes_sent = 200 FROM scan WHERE id = 1"), 1);
    /* .11 was filtered on gw1 and open on gw2: the decisive state wins */
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM port p JOIN observation o USING"
                             "(scan_id, host_id) WHERE o.ip = '198.18.1.11' AND p.state = 'open'"), 1);
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM scan_origin WHERE scan_id = 1 AND "
                             "job = 'lab' AND shard_n = 2 AND source_ip = '198.19.255.2'"), 2);
    ck_assert_int_eq(sql_int("central.db", "SELECT group_concat(gateway) = 'gw1.db,gw2.db' FROM "
                             "(SELECT gateway FROM scan_origin ORDER BY shard_k)"), 1);
    r = merge(both, 2);
    ck_assert_int_eq(r.scans_skipped, 2);
    ck_assert_int_eq(r.scans_created + r.scans_extended, 0);
}
END_TEST

/* A plain scan without provenance is named after its file; pruned scans stay merged. */
START_TEST(test_plain_and_pruned)
{
    char path[128];
    as_store *st;
    path_of(path, sizeof path, "plain.db");
    ck_assert_int_eq(as_store_open(&st, path, 1, err, sizeof err), 0);
    for (int i = 0; i < 2; i++) {
        int64_t id = as_store_begin_scan(st, "198.18.2.0/24", "-p 22", 2e9 + i, err, sizeof err);
        add_host(st, id, 0xC6120205u, AS_PORT_OPEN, "ssh");
        ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, 2e9 + i, NULL, err, sizeof err), 0);
    }
    as_store_close(st);
    const char *src[] = {"plain.db"};
    as_merge_result r = merge(src, 1);
    ck_assert_int_eq(r.scans_created, 2);
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM scan_origin WHERE gateway = 'plain' "
                             "AND job IS NULL AND shard_n = 0"), 2);
    path_of(path, sizeof path, "central.db");
    ck_assert_int_eq(as_store_open(&st, path, 0, err, sizeof err), 0);
    as_prune_result pr;
    ck_assert_int_eq(as_store_prune(st, 1, 0, 0, 0, &pr, err, sizeof err), 0);
    ck_assert_int_eq(pr.scans, 1);
    as_store_close(st);
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM scan_origin WHERE scan_id IS NULL"), 1);
    r = merge(src, 1);
    ck_assert_int_eq(r.scans_skipped, 2);
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM scan"), 1);
}
END_TEST

static void copy_db(const char *from, const char *to)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s/%s %s/%s", dir, from, dir, to);
    ck_assert_int_eq(system(cmd), 0);
}

/* Two copies of one gateway's file in an inbox are one scan: one round, seen once. */
START_TEST(test_copy_in_one_merge)
{
    copy_db("gw1.db", "gw1-copy.db");
    const char *src[] = {"gw1.db", "gw1-copy.db"};
    as_merge_result r = merge(src, 2);
    ck_assert_int_eq(r.scans_read, 2);
    ck_assert_int_eq(r.scans_skipped, 1);
    ck_assert_int_eq(r.scans_created, 1);
    ck_assert_int_eq(sql_int("central.db", "SELECT count(*) FROM scan"), 1);
    ck_assert_int_eq(sql_int("central.db", "SELECT max(seen_count) FROM host"), 1);
}
END_TEST

/* A plain scan's copy under another name: its synthesized gateway differs, the scan not. */
START_TEST(test_plain_copy_in_one_merge)
{
    char path[128];
    as_store *st;
    path_of(path, sizeof path, "plain.db");
    ck_assert_int_eq(as_store_open(&st, path, 1, err, sizeof err), 0);
    int64_t id = as_store_begin_scan(st, "198.18.2.0/24", "-p 22", 2e9, err, sizeof err);
    add_host(st, id, 0xC6120205u, AS_PORT_OPEN, "ssh");
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, 2e9, NULL, err, sizeof err), 0);
    as_store_close(st);
    copy_db("plain.db", "plain-1.db");
    const char *src[] = {"plain.db", "plain-1.db"};
    as_merge_result r = merge(src, 2);
    ck_assert_int_eq(r.scans_created, 1);
    ck_assert_int_eq(sql_int("central.db", "SELECT seen_count FROM host WHERE ip = '198.18.2.5'"), 1);
}
END_TEST

/* Sources are read, never written: no -wal or -shm appears beside them, and a source with
 * no agentscan data is an error that leaves it as it was. */
START_TEST(test_sources_untouched)
{
    const char *src[] = {"gw1.db"};
    merge(src, 1);
    char p[160];
    snprintf(p, sizeof p, "%s/gw1.db-wal", dir);
    ck_assert_int_eq(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/gw1.db-shm", dir);
    ck_assert_int_eq(access(p, F_OK), -1);
    snprintf(p, sizeof p, "%s/empty.db", dir);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    char central[128];
    path_of(central, sizeof central, "central.db");
    as_store *dst;
    as_merge_result r;
    const char *bad[] = {p};
    ck_assert_int_eq(as_store_open(&dst, central, 1, err, sizeof err), 0);
    ck_assert_int_eq(as_store_merge(dst, bad, 1, 3600, &r, err, sizeof err), -1);
    as_store_close(dst);
    ck_assert_msg(strstr(err, "no scan recorded yet"), "%s", err);
    struct stat sb;
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_int_eq(sb.st_size, 0);
}
END_TEST

static Suite *merge_suite(void)
{
    Suite *s = suite_create("merge");
    TCase *tc = tcase_create("merge");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_round_across_merges);
    tcase_add_test(tc, test_plain_and_pruned);
    tcase_add_test(tc, test_copy_in_one_merge);
    tcase_add_test(tc, test_plain_copy_in_one_merge);
    tcase_add_test(tc, test_sources_untouched);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    as_store_set_target_parser(as_targets_text_intervals);
    SRunner *sr = srunner_create(merge_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
