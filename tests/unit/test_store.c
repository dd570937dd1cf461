/* test_store.c — the SQLite store: opening, refusing files that are not ours, writing
 * scans and hosts, and what lands in the tables, read back with SQLite directly. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db/store.h"

static char dir[64];
static char dbpath[128];
static char err[512];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_store_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
    err[0] = '\0';
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void teardown(void)
{
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Runs SQL on the file with plain SQLite and returns the first column of the first row. */
static long long sql_int(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static char *sql_text(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    char *v = t ? strdup((const char *)t) : NULL;
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void sql_exec(const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void ck_text(const char *sql, const char *want)
{
    char *got = sql_text(sql);
    if (want == NULL)
        ck_assert_msg(got == NULL, "%s: got '%s', want NULL", sql, got);
    else
        ck_assert_msg(got && strcmp(got, want) == 0, "%s: got '%s', want '%s'", sql,
                      got ? got : "NULL", want);
    free(got);
}

static as_store *open_new(void)
{
    as_store *st = NULL;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    ck_assert_ptr_nonnull(st);
    return st;
}

static as_host_record host(uint32_t ip, int up)
{
    as_host_record h;
    memset(&h, 0, sizeof h);
    h.ip = ip;
    h.up = up;
    strcpy(h.up_reason, up ? "echo-reply" : "no-response");
    h.reply_ttl = up ? 64 : 0;
    h.rtt_us = up ? 1234 : -1;
    return h;
}

static as_port_record port(uint16_t n, uint8_t proto, uint8_t state, const char *reason,
                           uint8_t ttl, const char *service)
{
    as_port_record p;
    memset(&p, 0, sizeof p);
    p.port = n;
    p.proto = proto;
    p.state = state;
    p.reason_ttl = ttl;
    strcpy(p.reason, reason);
    strcpy(p.service, service);
    return p;
}

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))

START_TEST(open_creates_schema)
{
    as_store *st = open_new();
    as_store_close(st);
    ck_assert_int_eq(sql_int("PRAGMA user_version"), 4);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                             "name IN ('scan','host','observation','port')"), 4);
    ck_text("PRAGMA journal_mode", "wal");
    /* and it opens again without create, as the same version */
    ck_assert_msg(as_store_open(&st, dbpath, 0, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("PRAGMA user_version"), 4);
}
END_TEST

START_TEST(open_missing_without_create)
{
    as_store *st = (as_store *)1;
    ck_assert_int_eq(as_store_open(&st, dbpath, 0, err, sizeof err), -1);
    ck_assert_ptr_null(st);
    char want[512];
    snprintf(want, sizeof want, "database %s: file does not exist (`agentscan scan ... --db %s` "
             "creates it)", dbpath, dbpath);
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(access(dbpath, F_OK), -1);
}
END_TEST

START_TEST(open_empty_file_is_fine)
{
    write_file(dbpath, "", 0);
    as_store *st = NULL;
    ck_assert_msg(as_store_open(&st, dbpath, 0, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("PRAGMA user_version"), 4);
}
END_TEST

START_TEST(open_rejects_non_database)
{
    static const char junk[] = "# this is a text file, not SQLite\n"
                               "198.18.0.1 router\n198.18.0.2 printer\n"
                               "0123456789012345678901234567890123456789012345678901234567890\n";
    write_file(dbpath, junk, sizeof junk - 1);
    as_store *st = NULL;
    ck_assert_int_eq(as_store_open(&st, dbpath, 1, err, sizeof err), -1);
    ck_assert_ptr_null(st);
    ck_assert_msg(strncmp(err, "database ", 9) == 0 && strstr(err, dbpath), "%s", err);
    ck_assert_msg(strstr(err, "not a database") && strstr(err, "another --db PATH"), "%s", err);
    /* untouched */
    struct stat sb;
    ck_assert_int_eq(stat(dbpath, &sb), 0);
    ck_assert_int_eq(sb.st_size, sizeof junk - 1);
}
END_TEST

START_TEST(open_rejects_foreign_sqlite)
{
    sql_exec("CREATE TABLE inventory(name TEXT); INSERT INTO inventory VALUES('x')");
    as_store *st = NULL;
    ck_assert_int_eq(as_store_open(&st, dbpath, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not an agentscan database"), "%s", err);
    ck_assert_int_eq(sql_int("PRAGMA user_version"), 0);
    ck_text("PRAGMA journal_mode", "delete");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM sqlite_master"), 1);
}
END_TEST

START_TEST(open_rejects_newer_schema)
{
    as_store_close(open_new());
    sql_exec("PRAGMA user_version = 7");
    as_store *st = NULL;
    ck_assert_int_eq(as_store_open(&st, dbpath, 0, err, sizeof err), -1);
    char want[512];
    snprintf(want, sizeof want, "database %s: database schema version 7 is newer than this "
             "agentscan supports (4); upgrade agentscan", dbpath);
    ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(open_unwritable_path)
{
    snprintf(dbpath, sizeof dbpath, "%s/no-such-dir/inv.db", dir);
    as_store *st = NULL;
    ck_assert_int_eq(as_store_open(&st, dbpath, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, dbpath), "%s", err);
    ck_assert_msg(strstr(err, strerror(ENOENT)) && strstr(err, "--db PATH"), "%s", err);

    if (geteuid() == 0)
        return;     /* root writes anywhere; the permission case cannot be shown */
    snprintf(dbpath, sizeof dbpath, "%s/ro", dir);
    ck_assert_int_eq(mkdir(dbpath, 0500), 0);
    snprintf(dbpath, sizeof dbpath, "%s/ro/inv.db", dir);
    ck_assert_int_eq(as_store_open(&st, dbpath, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, dbpath) && strstr(err, strerror(EACCES)), "%s", err);
}
END_TEST

START_TEST(open_directory)
{
    as_store *st = NULL;
    ck_assert_int_eq(as_store_open(&st, dir, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "is a directory"), "%s", err);
}
END_TEST

/* One scan: three hosts, one of them down, ports of every kind. */
static int64_t write_scan(as_store *st, double t)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "-p 22,80,1002", t, err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    as_port_record pa[] = {
        port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "ssh"),
        port(80, IPPROTO_TCP, AS_PORT_CLOSED, "reset", 64, ""),
        port(1002, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "Opsware/HP Server Automation agent"),
        port(445, IPPROTO_TCP, AS_PORT_FILTERED, "no-response", 0, ""),
        port(161, IPPROTO_UDP, AS_PORT_OPEN, "udp-response", 63, ""),
        port(9999, IPPROTO_TCP, AS_PORT_UNKNOWN, "", 0, ""),
    };
    as_host_record a = host(IP(198, 18, 1, 9), 1);
    a.has_mac = 1;
    memcpy(a.mac, "\x02\xAB\xCD\x00\x01\xFF", 6);
    strcpy(a.name, "alpha.lab");
    a.managed = 1;
    strcpy(a.agent, "Opsware/HP Server Automation agent");
    strcpy(a.deploy, "ssh,smb");
    a.ports = pa;
    a.nports = sizeof pa / sizeof pa[0];
    as_host_record b = host(IP(198, 18, 1, 10), 1);
    as_host_record c = host(IP(198, 18, 1, 11), 0);

    ck_assert_msg(as_store_begin_batch(st, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(as_store_add_host(st, id, &a, t + 1, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(as_store_add_host(st, id, &b, t + 2, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(as_store_add_host(st, id, &c, t + 3, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(as_store_commit_batch(st, err, sizeof err) == 0, "%s", err);
    as_scan_stats stats = { .addresses = 256, .hosts_up = 2, .probes_sent = 1500, .replies = 9 };
    ck_assert_msg(as_store_end_scan(st, id, AS_SCAN_COMPLETE, t + 10, &stats, err, sizeof err)
                  == 0, "%s", err);
    return id;
}

START_TEST(scan_round_trip)
{
    as_store *st = open_new();
    ck_assert_int_eq(as_store_latest_scan(st, err, sizeof err), 0);
    int64_t id = write_scan(st, 1000.5);
    ck_assert_int_eq(id, 1);
    ck_assert_int_eq(as_store_latest_scan(st, err, sizeof err), 1);
    as_store_close(st);

    ck_text("SELECT status FROM scan WHERE id = 1", "complete");
    ck_text("SELECT targets || '|' || options FROM scan", "198.18.1.0/24|-p 22,80,1002");
    ck_assert_int_eq(sql_int("SELECT started * 10 FROM scan"), 10005);
    ck_assert_int_eq(sql_int("SELECT finished * 10 FROM scan"), 10105);
    ck_assert_int_eq(sql_int("SELECT addresses FROM scan"), 256);
    ck_assert_int_eq(sql_int("SELECT hosts_up FROM scan"), 2);
    ck_assert_int_eq(sql_int("SELECT probes_sent FROM scan"), 1500);
    ck_assert_int_eq(sql_int("SELECT replies FROM scan"), 9);
    ck_assert_int_eq(sql_int("SELECT version IS NOT NULL FROM scan"), 1);

    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 3);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation WHERE scan_id = 1"), 3);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation WHERE up"), 2);
    ck_text("SELECT mac FROM host WHERE ip = '198.18.1.9'", "02:ab:cd:00:01:ff");
    ck_text("SELECT mac FROM host WHERE ip = '198.18.1.10'", NULL);
    ck_text("SELECT name FROM host WHERE ip = '198.18.1.9'", "alpha.lab");
    ck_text("SELECT o.name FROM observation o JOIN host h ON h.id = o.host_id "
            "WHERE h.ip = '198.18.1.10'", NULL);
    ck_text("SELECT o.reason || ',' || reply_ttl || ',' || rtt_us || ',' || managed || ',' || "
            "agent || ',' || deploy FROM observation o JOIN host h ON h.id = host_id "
            "WHERE h.ip = '198.18.1.9'",
            "echo-reply,64,1234,1,Opsware/HP Server Automation agent,ssh,smb");
    ck_assert_int_eq(sql_int("SELECT rtt_us IS NULL AND reply_ttl IS NULL FROM observation o "
                             "JOIN host h ON h.id = host_id WHERE h.ip = '198.18.1.11'"), 1);

    /* five ports stored, the unknown one skipped */
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port"), 5);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port WHERE port = 9999"), 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port WHERE state = 'open'"), 3);
    ck_text("SELECT group_concat(port, ',') FROM (SELECT port FROM port WHERE state = 'open' "
            "AND proto = 'tcp' ORDER BY port)", "22,1002");
    ck_text("SELECT proto || ',' || state || ',' || reason || ',' || reason_ttl FROM port "
            "WHERE port = 161", "udp,open,udp-response,63");
    ck_text("SELECT state || ',' || reason FROM port WHERE port = 80", "closed,reset");
    ck_text("SELECT service FROM port WHERE port = 80", NULL);
    ck_text("SELECT service FROM port WHERE port = 1002", "Opsware/HP Server Automation agent");
    ck_assert_int_eq(sql_int("SELECT reason_ttl IS NULL FROM port WHERE port = 445"), 1);
}
END_TEST

START_TEST(seen_times_across_scans)
{
    as_store *st = open_new();
    as_host_record h = host(IP(198, 18, 2, 1), 1);
    strcpy(h.name, "first.lab");
    int64_t s1 = as_store_begin_scan(st, "t", "", 1000, err, sizeof err);
    ck_assert_msg(as_store_add_host(st, s1, &h, 1000, err, sizeof err) == 0, "%s", err);
    h.name[0] = '\0';   /* DNS unreachable the second time: keep the name we had */
    h.has_mac = 1;
    memcpy(h.mac, "\xAA\xBB\xCC\xDD\xEE\x01", 6);
    int64_t s2 = as_store_begin_scan(st, "t", "", 2000, err, sizeof err);
    ck_assert_msg(as_store_add_host(st, s2, &h, 2000, err, sizeof err) == 0, "%s", err);
    as_host_record down = host(IP(198, 18, 2, 1), 0);
    int64_t s3 = as_store_begin_scan(st, "t", "", 3000, err, sizeof err);
    ck_assert_msg(as_store_add_host(st, s3, &down, 3000, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_store_latest_scan(st, err, sizeof err), s3);
    as_store_close(st);

    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 1);
    ck_assert_int_eq(sql_int("SELECT first_seen FROM host"), 1000);
    ck_assert_int_eq(sql_int("SELECT last_seen FROM host"), 2000);
    ck_text("SELECT name FROM host", "first.lab");
    ck_text("SELECT mac FROM host", "aa:bb:cc:dd:ee:01");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation"), 3);
    ck_text("SELECT status FROM scan WHERE id = 3", "running");
}
END_TEST

START_TEST(end_scan_statuses)
{
    as_store *st = open_new();
    int64_t a = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    int64_t b = as_store_begin_scan(st, "t", "", 2, err, sizeof err);
    ck_assert_int_eq(as_store_end_scan(st, a, AS_SCAN_INTERRUPTED, 5, NULL, err, sizeof err), 0);
    ck_assert_int_eq(as_store_end_scan(st, b, AS_SCAN_FAILED, 6, NULL, err, sizeof err), 0);
    ck_assert_int_eq(as_store_end_scan(st, 99, AS_SCAN_COMPLETE, 6, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no scan 99 in DB"), "%s", err);
    ck_assert_int_eq(as_store_end_scan(st, a, (enum as_scan_status)9, 6, NULL, err, sizeof err),
                     -1);
    as_store_close(st);
    ck_text("SELECT group_concat(status, ',') FROM (SELECT status FROM scan ORDER BY id)",
            "interrupted,failed");
    ck_assert_int_eq(sql_int("SELECT addresses IS NULL FROM scan WHERE id = 1"), 1);
}
END_TEST

START_TEST(add_host_errors_leave_nothing)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    as_port_record bad[] = {
        port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, ""),
        port(7, 1 /* ICMP */, AS_PORT_OPEN, "syn-ack", 64, ""),
    };
    as_host_record h = host(IP(198, 18, 3, 3), 1);
    h.ports = bad;
    h.nports = 2;
    ck_assert_int_eq(as_store_add_host(st, id, &h, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "198.18.3.3") && strstr(err, "port 7"), "%s", err);

    /* a failure inside SQLite: the scan does not exist. The message must be SQLite's, and
     * the host row already upserted must be rolled back with the rest. */
    h.nports = 1;
    ck_assert_int_eq(as_store_add_host(st, 42, &h, 1, err, sizeof err), -1);
    char prefix[512];
    snprintf(prefix, sizeof prefix, "database %s: FOREIGN KEY constraint failed (", dbpath);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port"), 0);
}
END_TEST

START_TEST(add_host_twice_replaces)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    as_port_record p1[] = { port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "ssh"),
                            port(80, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "") };
    as_host_record h = host(IP(198, 18, 4, 4), 1);
    h.ports = p1;
    h.nports = 2;
    ck_assert_msg(as_store_add_host(st, id, &h, 1, err, sizeof err) == 0, "%s", err);
    p1[0].state = AS_PORT_CLOSED;
    strcpy(p1[0].reason, "reset");
    h.nports = 1;
    strcpy(h.name, "late.dns");
    ck_assert_msg(as_store_add_host(st, id, &h, 2, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation"), 1);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port"), 1);
    ck_text("SELECT state FROM port", "closed");
    ck_text("SELECT name FROM observation", "late.dns");
}
END_TEST

START_TEST(batch_misuse)
{
    as_store *st = open_new();
    ck_assert_int_eq(as_store_commit_batch(st, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no batch is open"), "%s", err);
    ck_assert_int_eq(as_store_begin_batch(st, err, sizeof err), 0);
    ck_assert_int_eq(as_store_begin_batch(st, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "already open"), "%s", err);
    ck_assert_int_eq(as_store_commit_batch(st, err, sizeof err), 0);
    as_store_close(st);
}
END_TEST

/* WAL: a reader sees what was committed while a writer holds an open batch. */
START_TEST(reader_during_batch)
{
    as_store *w = open_new();
    int64_t id = write_scan(w, 100);
    ck_assert_int_eq(as_store_begin_batch(w, err, sizeof err), 0);
    as_host_record h = host(IP(198, 18, 9, 9), 1);
    ck_assert_int_eq(as_store_add_host(w, id, &h, 1, err, sizeof err), 0);

    as_store *r = NULL;
    ck_assert_msg(as_store_open(&r, dbpath, 0, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_store_latest_scan(r, err, sizeof err), id);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_msg(as_store_print_hosts(r, id, "table", 1, out, err, sizeof err) == 0, "%s", err);
    fclose(out);
    ck_assert_msg(strstr(buf, "198.18.1.9 ") && !strstr(buf, "198.18.9.9"), "%s", buf);
    free(buf);
    as_store_close(r);

    /* closing with the batch open loses only the batch */
    as_store_close(w);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 3);
}
END_TEST

START_TEST(end_scan_commits_open_batch)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    ck_assert_int_eq(as_store_begin_batch(st, err, sizeof err), 0);
    as_host_record h = host(IP(198, 18, 5, 5), 1);
    ck_assert_int_eq(as_store_add_host(st, id, &h, 1, err, sizeof err), 0);
    ck_assert_msg(as_store_end_scan(st, id, AS_SCAN_INTERRUPTED, 2, NULL, err, sizeof err) == 0,
                  "%s", err);
    as_store_close(st);
    ck_text("SELECT status FROM scan", "interrupted");
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation"), 1);
}
END_TEST

/* Names off the network and out of fingerprint files: quotes, markup, controls. */
#define EVIL_OS "Linux \"5\" <b>&amp; \x01\x1b[31m\n'"
#define EVIL_NOTE "8 hosts \"alike\" <&> \x7f\r\n; DROP TABLE host"
#define FPRINT "SCAN(V=7.93%E=4%D=1/1%OT=22%CT=1)\nSEQ(SP=105%GCD=1%ISR=10A%TI=Z)"
#define PASSIVE "Linux (passive: TTL 64, 0 hops, window 64240, options M5B4ST11NW7, DF)"

static const as_os_guess two_guesses[] = {
    { EVIL_OS, 96, "Linux", "Linux", "5.X", "general purpose", "cpe:/o:linux:linux_kernel:5" },
    { "Linux 4.15", 90, "", NULL, "4.X", NULL, "" },
};

static as_host_record os_host(void)
{
    as_host_record h = host(IP(198, 18, 6, 6), 1);
    h.nos = 2;
    h.os = two_guesses;
    h.os_fingerprint = FPRINT;
    h.os_passive = PASSIVE;
    h.os_passive_accuracy = 70;
    h.firewall_suspect = 1;
    h.firewall_note = EVIL_NOTE;
    return h;
}

START_TEST(os_round_trip)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    as_host_record h = os_host();
    ck_assert_msg(as_store_add_host(st, id, &h, 1, err, sizeof err) == 0, "%s", err);
    as_host_record plain = host(IP(198, 18, 6, 7), 1);
    plain.os_passive = "";
    plain.os_passive_accuracy = 55;
    plain.firewall_note = "ignored without firewall_suspect";
    ck_assert_msg(as_store_add_host(st, id, &plain, 1, err, sizeof err) == 0, "%s", err);
    as_store_close(st);

    ck_assert_int_eq(sql_int("SELECT count(*) FROM os_match"), 2);
    ck_text("SELECT name FROM os_match WHERE rank = 0", EVIL_OS);
    ck_text("SELECT accuracy || ',' || vendor || ',' || family || ',' || generation || ',' || "
            "type || ',' || cpe FROM os_match WHERE rank = 0",
            "96,Linux,Linux,5.X,general purpose,cpe:/o:linux:linux_kernel:5");
    ck_text("SELECT name || ',' || accuracy || ',' || generation FROM os_match WHERE rank = 1",
            "Linux 4.15,90,4.X");
    /* "" and NULL are both "unknown" */
    ck_assert_int_eq(sql_int("SELECT vendor IS NULL AND family IS NULL AND type IS NULL AND "
                             "cpe IS NULL FROM os_match WHERE rank = 1"), 1);
    ck_text("SELECT os_fingerprint FROM observation WHERE ip = '198.18.6.6'", FPRINT);
    ck_text("SELECT os_passive FROM observation WHERE ip = '198.18.6.6'", PASSIVE);
    ck_assert_int_eq(sql_int("SELECT os_passive_accuracy FROM observation "
                             "WHERE ip = '198.18.6.6'"), 70);
    ck_assert_int_eq(sql_int("SELECT firewall_suspect FROM observation WHERE ip = '198.18.6.6'"),
                     1);
    ck_text("SELECT firewall_note FROM observation WHERE ip = '198.18.6.6'", EVIL_NOTE);
    ck_assert_int_eq(sql_int("SELECT os_passive IS NULL AND os_passive_accuracy IS NULL AND "
                             "os_fingerprint IS NULL AND firewall_suspect = 0 AND "
                             "firewall_note IS NULL FROM observation WHERE ip = '198.18.6.7'"), 1);
}
END_TEST

/* Adding the host again replaces its guesses, and a host without them loses them. */
START_TEST(os_readd_replaces)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    as_host_record h = os_host();
    ck_assert_msg(as_store_add_host(st, id, &h, 1, err, sizeof err) == 0, "%s", err);
    h.os = &two_guesses[1];
    h.nos = 1;
    h.firewall_suspect = 0;
    h.os_fingerprint = NULL;
    ck_assert_msg(as_store_add_host(st, id, &h, 2, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM os_match"), 1);
    ck_text("SELECT rank || ',' || name FROM os_match", "0,Linux 4.15");
    ck_assert_int_eq(sql_int("SELECT firewall_suspect = 0 AND firewall_note IS NULL AND "
                             "os_fingerprint IS NULL FROM observation"), 1);

    st = open_new();
    h.nos = 0;
    ck_assert_msg(as_store_add_host(st, id, &h, 3, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM os_match"), 0);
}
END_TEST

START_TEST(os_bad_guesses_refused)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    as_host_record h = os_host();
    as_os_guess bad[] = { two_guesses[0], { "Linux 9", 101, NULL, NULL, NULL, NULL, NULL } };
    h.os = bad;
    ck_assert_int_eq(as_store_add_host(st, id, &h, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "198.18.6.6: OS guess 1 has a name and accuracy 101"), "%s", err);
    bad[1].accuracy = 5;
    bad[1].name = "";
    ck_assert_int_eq(as_store_add_host(st, id, &h, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "OS guess 1 has no name"), "%s", err);
    h.os = NULL;
    ck_assert_int_eq(as_store_add_host(st, id, &h, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "2 OS guesses but no guess array"), "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation"), 0);
}
END_TEST

/* A failure while writing the second guess takes the whole host back: no host row, no
 * observation, no port, no first guess. */
START_TEST(os_failure_is_all_or_nothing)
{
    as_store *st = open_new();
    int64_t id = as_store_begin_scan(st, "t", "", 1, err, sizeof err);
    sql_exec("CREATE TRIGGER no_second BEFORE INSERT ON os_match WHEN NEW.rank = 1 "
             "BEGIN SELECT RAISE(ABORT, 'second guess refused'); END");
    as_port_record p[] = { port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "ssh") };
    as_host_record h = os_host();
    h.ports = p;
    h.nports = 1;
    ck_assert_int_eq(as_store_add_host(st, id, &h, 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "second guess refused"), "%s", err);
    /* the store goes on: a host with one guess passes */
    h.nos = 1;
    h.ip = IP(198, 18, 6, 8);
    ck_assert_msg(as_store_add_host(st, id, &h, 1, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation WHERE ip = '198.18.6.6'"), 0);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM host"), 1);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM port"), 1);
    ck_assert_int_eq(sql_int("SELECT count(*) FROM os_match"), 1);
}
END_TEST

START_TEST(mark_firewall)
{
    as_store *st = open_new();
    int64_t id = write_scan(st, 100);
    ck_assert_msg(as_store_mark_firewall(st, id, IP(198, 18, 1, 10), EVIL_NOTE, err, sizeof err)
                  == 0, "%s", err);
    ck_assert_msg(as_store_begin_batch(st, err, sizeof err) == 0, "%s", err);
    ck_assert_msg(as_store_mark_firewall(st, id, IP(198, 18, 1, 11), NULL, err, sizeof err) == 0,
                  "%s", err);
    ck_assert_msg(as_store_commit_batch(st, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_store_mark_firewall(st, id, IP(198, 18, 1, 99), "x", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "scan 1 holds no host 198.18.1.99"), "%s", err);
    ck_assert_int_eq(as_store_mark_firewall(st, id + 1, IP(198, 18, 1, 10), "x", err, sizeof err),
                     -1);
    as_store_close(st);
    ck_text("SELECT firewall_note FROM observation WHERE ip = '198.18.1.10'", EVIL_NOTE);
    ck_assert_int_eq(sql_int("SELECT group_concat(ip, ' ') = '198.18.1.10 198.18.1.11' FROM "
                             "(SELECT ip FROM observation WHERE firewall_suspect ORDER BY ip)"), 1);
    ck_assert_int_eq(sql_int("SELECT firewall_note IS NULL FROM observation "
                             "WHERE ip = '198.18.1.11'"), 1);
    /* nothing else changed */
    ck_assert_int_eq(sql_int("SELECT count(*) FROM observation WHERE ip = '198.18.1.9' AND "
                             "NOT firewall_suspect AND up AND managed"), 1);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *open = tcase_create("open");
    tcase_add_checked_fixture(open, setup, teardown);
    tcase_add_test(open, open_creates_schema);
    tcase_add_test(open, open_missing_without_create);
    tcase_add_test(open, open_empty_file_is_fine);
    tcase_add_test(open, open_rejects_non_database);
    tcase_add_test(open, open_rejects_foreign_sqlite);
    tcase_add_test(open, open_rejects_newer_schema);
    tcase_add_test(open, open_unwritable_path);
    tcase_add_test(open, open_directory);
    suite_add_tcase(s, open);

    TCase *write = tcase_create("write");
    tcase_add_checked_fixture(write, setup, teardown);
    tcase_add_test(write, scan_round_trip);
    tcase_add_test(write, seen_times_across_scans);
    tcase_add_test(write, end_scan_statuses);
    tcase_add_test(write, add_host_errors_leave_nothing);
    tcase_add_test(write, add_host_twice_replaces);
    tcase_add_test(write, batch_misuse);
    tcase_add_test(write, reader_during_batch);
    tcase_add_test(write, end_scan_commits_open_batch);
    suite_add_tcase(s, write);

    TCase *os = tcase_create("os");
    tcase_add_checked_fixture(os, setup, teardown);
    tcase_add_test(os, os_round_trip);
    tcase_add_test(os, os_readd_replaces);
    tcase_add_test(os, os_bad_guesses_refused);
    tcase_add_test(os, os_failure_is_all_or_nothing);
    tcase_add_test(os, mark_firewall);
    suite_add_tcase(s, os);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(store_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
