/* test_history.c — hosts across scans: a v1 file migrates to v2 with its data, identity by
 * MAC, then name, then address (a moved host stays one host), seen counts, and `prune`
 * deleting scans but keeping each host's first/last-seen. */
#include "history_fixture.h"
#include "engine/targets.h"

/* Schema version 1 exactly as agentscan 0.1 created it, with a little data. */
static const char v1_sql[] =
    "CREATE TABLE scan (id INTEGER PRIMARY KEY, started REAL NOT NULL, finished REAL,"
    "  status TEXT NOT NULL CHECK(status IN ('running','complete','interrupted','failed')),"
    "  targets TEXT NOT NULL, options TEXT NOT NULL, addresses INTEGER, hosts_up INTEGER,"
    "  probes_sent INTEGER, replies INTEGER, version TEXT);"
    "CREATE TABLE host (id INTEGER PRIMARY KEY, ip TEXT NOT NULL UNIQUE, mac TEXT, name TEXT,"
    "  first_seen REAL NOT NULL, last_seen REAL NOT NULL);"
    "CREATE TABLE observation (scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
    "  host_id INTEGER NOT NULL REFERENCES host(id), up INTEGER NOT NULL, reason TEXT NOT NULL,"
    "  reply_ttl INTEGER, rtt_us INTEGER, name TEXT, mac TEXT,"
    "  managed INTEGER NOT NULL DEFAULT 0, agent TEXT, deploy TEXT,"
    "  PRIMARY KEY(scan_id, host_id));"
    "CREATE TABLE port (scan_id INTEGER NOT NULL, host_id INTEGER NOT NULL, proto TEXT NOT NULL,"
    "  port INTEGER NOT NULL, state TEXT NOT NULL CHECK(state IN ('open','closed','filtered')),"
    "  reason TEXT NOT NULL, reason_ttl INTEGER, service TEXT,"
    "  PRIMARY KEY(scan_id, host_id, proto, port),"
    "  FOREIGN KEY(scan_id, host_id) REFERENCES observation(scan_id, host_id) ON DELETE CASCADE);"
    "CREATE INDEX observation_host ON observation(host_id);"
    "CREATE INDEX port_host ON port(host_id, proto, port);"
    "CREATE INDEX port_open ON port(scan_id, state);"
    "PRAGMA user_version = 1;"
    "INSERT INTO scan VALUES(1, 1600000000, 1600000060, 'complete', '198.18.1.0/24', '', 256,"
    "  2, 600, 10, '0.1.0');"
    "INSERT INTO scan VALUES(2, 1600003600, 1600003660, 'complete', '198.18.1.0/24', '', 256,"
    "  1, 600, 10, '0.1.0');"
    "INSERT INTO host VALUES(7, '198.18.1.10', NULL, 'web01.lab', 1600000001, 1600003601);"
    "INSERT INTO host VALUES(9, '198.18.1.11', '02:00:00:00:00:11', NULL, 1600000001, 1600000001);"
    "INSERT INTO observation VALUES(1, 7, 1, 'echo-reply', 64, 900, 'web01.lab', NULL, 0, NULL,"
    "  'ssh');"
    "INSERT INTO observation VALUES(1, 9, 1, 'reset', 64, NULL, NULL, '02:00:00:00:00:11', 0,"
    "  NULL, NULL);"
    "INSERT INTO observation VALUES(2, 7, 1, 'echo-reply', 64, 800, 'web01.lab', NULL, 0, NULL,"
    "  'ssh');"
    "INSERT INTO port VALUES(1, 7, 'tcp', 22, 'open', 'syn-ack', 64, 'ssh');"
    "INSERT INTO port VALUES(2, 7, 'tcp', 22, 'open', 'syn-ack', 64, 'ssh');";

START_TEST(migrates_v1_data)
{
    sql(v1_sql);
    open_store();
    ck_assert_int_eq(sql_int("PRAGMA user_version"), 4);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 2);
    ck_assert_int_eq(sql_int("SELECT seen_count FROM host WHERE id = 7"), 2);
    ck_assert_int_eq(sql_int("SELECT seen_count FROM host WHERE id = 9"), 1);
    ck_assert_int_eq(sql_int("SELECT first_seen FROM host WHERE id = 7"), 1600000001);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation WHERE ip IS NULL"), 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port"), 2);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM scan WHERE coverage IS NULL"), 2);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM pragma_foreign_key_check"), 0);
    /* old observations learned no OS and raised no firewall suspicion */
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation WHERE firewall_suspect = 0 AND "
                             "firewall_note IS NULL AND os_fingerprint IS NULL AND "
                             "os_passive IS NULL"), 3);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM os_match"), 0);
    /* the old scans diff: coverage comes from their targets text */
    size_t changes = 99;
    FILE *null = fopen("/dev/null", "w");
    ck_assert_msg(as_store_diff(st, 1, 2, "json", null, &changes, err, sizeof err) == 0, "%s", err);
    fclose(null);
    ck_assert_uint_eq(changes, 1);      /* .11 gone */
    /* a new scan finds web01 again: the same host, counted a third time */
    hspec h[] = {{IP(198, 18, 1, 10), "web01.lab", NULL, NULL, "ssh", "22:open"}};
    int64_t s3 = scan(T0, h, 1, AS_SCAN_COMPLETE);
    ck_assert_int_eq(host_at(s3, "198.18.1.10"), 7);
    ck_assert_int_eq(sql_int("SELECT seen_count FROM host WHERE id = 7"), 3);
}
END_TEST

START_TEST(moved_host_keeps_identity_by_name)
{
    open_store();
    hspec a[] = {{IP(198, 18, 1, 10), "web01.lab", NULL, NULL, NULL, "22:open"},
                 {IP(198, 18, 1, 11), "db01.lab", NULL, NULL, NULL, "22:open"}};
    hspec b[] = {{IP(198, 18, 1, 11), "db01.lab", NULL, NULL, NULL, "22:open"},
                 {IP(198, 18, 1, 40), "web01.lab", NULL, NULL, NULL, "22:open"}};
    int64_t s1 = scan(T0, a, 2, AS_SCAN_COMPLETE), s2 = scan(T0 + 100, b, 2, AS_SCAN_COMPLETE);
    ck_assert_int_eq(host_at(s1, "198.18.1.10"), host_at(s2, "198.18.1.40"));
    ck_assert_int_eq(host_at(s1, "198.18.1.11"), host_at(s2, "198.18.1.11"));
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 2);
    ck_assert_int_eq(sql_int("SELECT ip = '198.18.1.40' AND seen_count = 2 AND first_seen = "
                             "1700000001 AND last_seen = 1700000101 FROM host WHERE name = "
                             "'web01.lab'"), 1);
}
END_TEST

START_TEST(mac_wins_and_contradicts)
{
    open_store();
    hspec a[] = {{IP(198, 18, 1, 10), NULL, "02:aa:00:00:00:01", NULL, NULL, NULL},
                 {IP(198, 18, 1, 20), "old.lab", "02:aa:00:00:00:02", NULL, NULL, NULL}};
    /* .10's MAC moves to .30 (DHCP); .20 keeps its address but is another machine now */
    hspec b[] = {{IP(198, 18, 1, 30), NULL, "02:aa:00:00:00:01", NULL, NULL, NULL},
                 {IP(198, 18, 1, 20), "old.lab", "02:aa:00:00:00:99", NULL, NULL, NULL}};
    int64_t s1 = scan(T0, a, 2, AS_SCAN_COMPLETE), s2 = scan(T0 + 100, b, 2, AS_SCAN_COMPLETE);
    ck_assert_int_eq(host_at(s1, "198.18.1.10"), host_at(s2, "198.18.1.30"));
    ck_assert_int_ne(host_at(s1, "198.18.1.20"), host_at(s2, "198.18.1.20"));
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 3);
}
END_TEST

/* Proxy ARP answers for several addresses with one MAC: each address keeps its own host. */
START_TEST(shared_mac_pairs_by_address)
{
    open_store();
    hspec a[] = {{IP(198, 18, 1, 10), NULL, "02:bb:00:00:00:01", NULL, NULL, NULL},
                 {IP(198, 18, 1, 11), NULL, "02:bb:00:00:00:01", NULL, NULL, NULL}};
    hspec b[] = {{IP(198, 18, 1, 11), NULL, "02:bb:00:00:00:01", NULL, NULL, NULL},
                 {IP(198, 18, 1, 10), NULL, "02:bb:00:00:00:01", NULL, NULL, NULL}};
    int64_t s1 = scan(T0, a, 2, AS_SCAN_COMPLETE), s2 = scan(T0 + 100, b, 2, AS_SCAN_COMPLETE);
    ck_assert_int_eq(host_at(s1, "198.18.1.10"), host_at(s2, "198.18.1.10"));
    ck_assert_int_eq(host_at(s1, "198.18.1.11"), host_at(s2, "198.18.1.11"));
}
END_TEST

/* Within one scan the address is the identity: adding it twice counts it once. */
START_TEST(same_scan_twice_counts_once)
{
    open_store();
    hspec a[] = {{IP(198, 18, 1, 10), "x.lab", NULL, NULL, NULL, "22:open"},
                 {IP(198, 18, 1, 10), "x.lab", NULL, NULL, NULL, "22:closed"}};
    int64_t s1 = scan(T0, a, 2, AS_SCAN_COMPLETE);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation"), 1);
    ck_assert_int_eq(sql_int("SELECT seen_count FROM host"), 1);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port WHERE state = 'closed'"), 1);
    (void)s1;
}
END_TEST

START_TEST(prune_keeps_host_history)
{
    open_store();
    hspec h[] = {{IP(198, 18, 1, 10), "web01.lab", NULL, NULL, NULL, "22:open"}};
    for (int i = 0; i < 4; i++)
        scan(T0 + 100 * i, h, 1, AS_SCAN_COMPLETE);
    int64_t running = as_store_begin_scan(st, "198.18.9.0/24", "", T0 - 50, err, sizeof err);
    as_prune_result r;
    ck_assert_int_eq(as_store_prune(st, 2, 0, 0, 1, &r, err, sizeof err), 0);   /* dry run */
    ck_assert_int_eq(r.scans, 2);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM scan"), 5);
    ck_assert_int_eq(as_store_prune(st, 2, 0, 0, 0, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.scans, 2);
    ck_assert_int_eq(r.first_id, 1);
    ck_assert_int_eq(r.last_id, 2);
    ck_assert_int_eq(r.observations, 2);
    ck_assert_int_eq(r.ports, 2);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM scan"), 3);     /* 3, 4 and the running one */
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port"), 2);
    ck_assert_int_eq(sql_int("SELECT first_seen = 1700000001 AND last_seen = 1700000301 AND "
                             "seen_count = 4 FROM host"), 1);
    /* older-than, combined with keep: only what both rules select */
    ck_assert_int_eq(as_store_prune(st, 1, 1, T0 + 1000, 0, &r, err, sizeof err), 0);
    ck_assert_int_eq(r.scans, 1);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM scan"), 2);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM scan WHERE id IN (4, 5)"), 2);
    ck_assert_int_lt(as_store_prune(st, 0, 0, 0, 0, &r, err, sizeof err), 0);
    (void)running;
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("history");
    TCase *t = tcase_create("identity");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, migrates_v1_data);
    tcase_add_test(t, moved_host_keeps_identity_by_name);
    tcase_add_test(t, mac_wins_and_contradicts);
    tcase_add_test(t, shared_mac_pairs_by_address);
    tcase_add_test(t, same_scan_twice_counts_once);
    tcase_add_test(t, prune_keeps_host_history);
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
