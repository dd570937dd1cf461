/* test_pg.c — the PostgreSQL inventory against a real server (tools/pgtest starts one; the
 * database string comes in $AS_TEST_PG, the read-only role's in $AS_TEST_PG_READER): scans
 * pushed from an SQLite spool read back the same through every reader, each exactly once,
 * concurrently from two gateways without a duplicate host, and a reader role may read but
 * not write. Without $AS_TEST_PG only the server-less checks run... and the test reports
 * itself skipped (77) when nothing could run. */
#include <libpq-fe.h>
#include <pthread.h>

#include "db/pg.h"
#include "db/reports.h"
#include "history_fixture.h"

static const char *pg, *pg_reader;

static void pg_sql(const char *q)
{
    PGconn *c = PQconnectdb(pg);
    ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, q);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s: %s", q, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static long long pg_int(const char *q)
{
    PGconn *c = PQconnectdb(pg);
    ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, q);
    ck_assert_msg(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1, "%s: %s", q,
                  PQerrorMessage(c));
    long long v = atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
    PQfinish(c);
    return v;
}

/* Every test starts from an empty server. */
static void pg_setup(void)
{
    setup();
    pg_sql("SET client_min_messages = warning; DROP TABLE IF EXISTS observation, port, os_match, identity, evidence, scan_target, "
           "scan_liveness, scan_origin, host, scan, agentscan_schema CASCADE");
}

static void origin(int64_t id, const char *gateway)
{
    as_origin o = {.gateway = gateway, .job = "nightly", .origin_scan = id};
    ck_assert_msg(as_origin_record(st, id, &o, err, sizeof err) == 0, "%s", err);
}

/* hosts --format json of a scan, without the ids that differ between the two databases. */
static json_t *hosts_json(as_store *s, int64_t scan_id)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    as_hosts_opts o = {.scan_id = scan_id, .format = "json", .all_hosts = 1};
    ck_assert_msg(as_store_print_hosts_opts(s, &o, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    json_t *j = json_loads(buf, 0, NULL);
    free(buf);
    ck_assert_ptr_nonnull(j);
    size_t i;
    json_t *h;
    json_array_foreach(j, i, h) {
        json_object_del(h, "scan_id");
        json_object_del(h, "host_id");
    }
    return j;
}

static const hspec day1[] = {
    {IP(198, 18, 1, 10), "web01.lab", "02:00:00:00:00:10", NULL, "ssh", "22:open,80:open"},
    {IP(198, 18, 1, 20), "win01.lab", NULL, AGENT, "smb,rdp", "445:open,3389:open,22:closed"},
    {IP(198, 18, 1, 30), NULL, NULL, NULL, NULL, "22:filtered"},
};
static const hspec day2[] = {
    {IP(198, 18, 1, 11), "web01.lab", "02:00:00:00:00:10", NULL, "ssh", "22:open"},   /* moved */
    {IP(198, 18, 1, 20), "win01.lab", NULL, AGENT, "smb", "445:open,3389:filtered"},
    {IP(198, 18, 1, 40), "new.lab", NULL, BMC, NULL, "1610:open"},
};

START_TEST(test_string_rules)
{
    char e[512];
    ck_assert(as_db_is_pg("postgresql://db.example/inv"));
    ck_assert(as_db_is_pg("postgres://db.example/inv"));
    ck_assert(as_db_is_pg("host=/run/postgresql dbname=inv"));
    ck_assert(!as_db_is_pg("/var/lib/agentscan/nightly.db"));
    ck_assert(!as_db_is_pg("hosts.db"));
    ck_assert_int_eq(as_pg_check("postgresql://db.example/inv?sslmode=verify-full", e, sizeof e), 0);
    ck_assert_int_eq(as_pg_check("postgresql://scanner:s3cret@db.example/inv", e, sizeof e), -1);
    ck_assert_msg(strstr(e, "password") && strstr(e, ".pgpass") && !strstr(e, "s3cret"), "%s", e);
    ck_assert_int_eq(as_pg_check("host=db dbname=inv password=s3cret", e, sizeof e), -1);
    ck_assert_int_eq(as_pg_check("postgresql://db.example/inv?password=s3cret", e, sizeof e), -1);
    ck_assert_int_eq(as_pg_check("host=db dbname='unterminated", e, sizeof e), -1);
    char shown[256];
    as_pg_display("postgresql://scanner@db.example:5433/inv?sslmode=require", shown, sizeof shown);
    ck_assert_str_eq(shown, "postgresql://db.example:5433/inv");
}
END_TEST

START_TEST(test_push_reads_back_the_same)
{
    if (!pg)
        return;
    open_store();
    int64_t a = scan(T0, day1, 3, AS_SCAN_COMPLETE);
    origin(a, "gw-a");
    int64_t b = scan(T0 + 86400, day2, 3, AS_SCAN_COMPLETE);
    origin(b, "gw-a");
    as_push_result r;
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.pushed, 2);
    ck_assert_int_eq(r.already, 0);
    ck_assert_int_eq(r.hosts, 6);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM scan"), 2);
    /* The moved host is one host on the server too. */
    ck_assert_int_eq(pg_int("SELECT count(*) FROM host"), 4);
    as_store *pst = NULL;
    ck_assert_msg(as_pg_pull(&pst, pg, NULL, err, sizeof err) == 0, "%s", err);
    int64_t pa = as_store_latest_scan(pst, err, sizeof err) - 1, pb = pa + 1;
    json_t *x = hosts_json(st, a), *y = hosts_json(pst, pa);
    ck_assert_msg(json_equal(x, y), "scan 1 differs");
    json_decref(x), json_decref(y);
    x = hosts_json(st, b), y = hosts_json(pst, pb);
    ck_assert_msg(json_equal(x, y), "scan 2 differs");
    json_decref(x), json_decref(y);
    as_store_close(pst);
}
END_TEST

START_TEST(test_each_scan_once)
{
    if (!pg)
        return;
    open_store();
    int64_t a = scan(T0, day1, 3, AS_SCAN_COMPLETE);
    origin(a, "gw-a");
    as_push_result r;
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.pushed, 1);
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.pushed + r.already, 0);
    /* The spool forgot (a crash between the server's commit and its own): the server's
     * provenance still says the scan is there. */
    sql("DELETE FROM scan_pushed");
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.pushed, 0);
    ck_assert_int_eq(r.already, 1);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM scan"), 1);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM observation"), 3);
    /* A scan still running is not forwarded. */
    int64_t running = as_store_begin_scan(st, "198.18.1.0/24", "", T0 + 10, err, sizeof err);
    ck_assert(running > 0);
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.pushed, 0);
}
END_TEST

typedef struct pusher {
    char path[160];
    as_push_result r;
    int rc;
    char err[512];
} pusher;

static void *push_thread(void *arg)
{
    pusher *p = arg;
    as_store *s = NULL;
    p->rc = as_store_open(&s, p->path, 0, p->err, sizeof p->err);
    if (p->rc == 0)
        p->rc = as_pg_push(s, pg, &p->r, p->err, sizeof p->err);
    as_store_close(s);
    return NULL;
}

START_TEST(test_two_gateways_one_new_host)
{
    if (!pg)
        return;
    /* Two spools, each a gateway that saw the same new machine (its MAC) at once. */
    pusher p[2];
    for (int g = 0; g < 2; g++) {
        snprintf(dbpath, sizeof dbpath, "%s/gw%d.db", dir, g);
        snprintf(p[g].path, sizeof p[g].path, "%s", dbpath);
        open_store();
        hspec h = {IP(198, 18, 1, 50), "shared.lab", "02:00:00:00:00:50", NULL, "ssh", "22:open"};
        int64_t id = scan(T0 + g, &h, 1, AS_SCAN_COMPLETE);
        origin(id, g == 0 ? "gw-a" : "gw-b");
        as_store_close(st);
        st = NULL;
    }
    pthread_t t[2];
    for (int g = 0; g < 2; g++)
        ck_assert_int_eq(pthread_create(&t[g], NULL, push_thread, &p[g]), 0);
    for (int g = 0; g < 2; g++) {
        pthread_join(t[g], NULL);
        ck_assert_msg(p[g].rc == 0, "%s", p[g].err);
        ck_assert_int_eq(p[g].r.pushed, 1);
    }
    ck_assert_int_eq(pg_int("SELECT count(*) FROM scan"), 2);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM host"), 1);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM observation"), 2);
    ck_assert_int_eq(pg_int("SELECT seen_count FROM host"), 2);
    /* --gateway narrows the reading to one compartment. */
    as_store *pst = NULL;
    ck_assert_msg(as_pg_pull(&pst, pg, "gw-b", err, sizeof err) == 0, "%s", err);
    json_t *j = hosts_json(pst, 0);
    ck_assert_int_eq(json_array_size(j), 1);
    json_decref(j);
    as_store_close(pst);
    ck_assert_int_eq(as_pg_pull(&pst, pg, "gw-nowhere", err, sizeof err), -9);
    ck_assert_msg(strstr(err, "no scan"), "%s", err);
}
END_TEST

START_TEST(test_reader_role_reads_only)
{
    if (!pg || !pg_reader)
        return;
    open_store();
    int64_t a = scan(T0, day1, 3, AS_SCAN_COMPLETE);
    origin(a, "gw-a");
    as_push_result r;
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    as_store *pst = NULL;
    ck_assert_msg(as_pg_pull(&pst, pg_reader, NULL, err, sizeof err) == 0, "%s", err);
    json_t *x = hosts_json(st, a), *y = hosts_json(pst, 0);
    ck_assert(json_equal(x, y));
    json_decref(x), json_decref(y);
    as_store_close(pst);
    int64_t b = scan(T0 + 100, day2, 3, AS_SCAN_COMPLETE);
    origin(b, "gw-a");
    ck_assert_int_eq(as_pg_push(st, pg_reader, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "permission denied"), "%s", err);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM scan"), 1);
}
END_TEST

START_TEST(test_schema_versions)
{
    if (!pg)
        return;
    as_store *pst = NULL;
    /* An empty server: readers do not create anything. */
    ck_assert_int_eq(as_pg_pull(&pst, pg, NULL, err, sizeof err), -7);
    ck_assert_msg(strstr(err, "no agentscan schema"), "%s", err);
    ck_assert_int_eq(pg_int("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), 0);
    open_store();
    int64_t a = scan(T0, day1, 3, AS_SCAN_COMPLETE);
    origin(a, "gw-a");
    as_push_result r;
    ck_assert_msg(as_pg_push(st, pg, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(pg_int("SELECT version FROM agentscan_schema"), 1);
    pg_sql("UPDATE agentscan_schema SET version = 99");
    ck_assert_int_eq(as_pg_pull(&pst, pg, NULL, err, sizeof err), -7);
    ck_assert_msg(strstr(err, "newer"), "%s", err);
}
END_TEST

int main(void)
{
    pg = getenv("AS_TEST_PG");
    pg_reader = getenv("AS_TEST_PG_READER");
    if (pg && !*pg)
        pg = NULL;
    Suite *s = suite_create("pg");
    TCase *t = tcase_create("pg");
    tcase_add_checked_fixture(t, pg ? pg_setup : setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, test_string_rules);
    tcase_add_test(t, test_push_reads_back_the_same);
    tcase_add_test(t, test_each_scan_once);
    tcase_add_test(t, test_two_gateways_one_new_host);
    tcase_add_test(t, test_reader_role_reads_only);
    tcase_add_test(t, test_schema_versions);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    if (failed)
        return 1;
    if (!pg) {
        fprintf(stderr, "test_pg: AS_TEST_PG not set (tools/pgtest start DIR gives one): "
                "server tests skipped\n");
        return 77;
    }
    return 0;
}
