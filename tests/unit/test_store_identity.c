/* test_store_identity.c — as_store_put_identity over a host the scan stored, on a real SQLite
 * file read back with SQLite directly; and as_store_add_host with rec->identity set. */
#include <check.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/store.h"

static char dir[64], dbpath[128], err[512];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_storeid_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
}

static int rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    nftw(dir, rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* The first column of the first row as text ("NULL" for NULL). */
static void ck_sql(const char *sql, const char *want)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    char got[512];
    snprintf(got, sizeof got, "%s", t ? (const char *)t : "NULL");
    sqlite3_finalize(s);
    sqlite3_close(db);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want '%s'", sql, got, want);
}

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))

static as_port_record port(uint16_t n, const char *service)
{
    as_port_record p;
    memset(&p, 0, sizeof p);
    p.port = n;
    p.proto = IPPROTO_TCP;
    p.state = AS_PORT_OPEN;
    p.confirmed = -1;
    strcpy(p.reason, "syn-ack");
    strcpy(p.service, service);
    return p;
}

/* A scan holding 198.18.77.2 with 22, 445 and 8081 open, as the sweep stores it. */
static int64_t stored_scan(as_store *st, as_port_record *ports)
{
    int64_t scan = as_store_begin_scan(st, "198.18.77.0/24", "", 1000.0, err, sizeof err);
    ck_assert_int_gt(scan, 0);
    as_host_record h;
    memset(&h, 0, sizeof h);
    h.ip = IP(198, 18, 77, 2);
    h.up = 1;
    strcpy(h.up_reason, "echo-reply");
    h.rtt_us = 100;
    h.managed = 1;
    strcpy(h.agent, "McAfee/Trellix ePO agent (wake-up port)");
    strcpy(h.deploy, "ssh,smb");
    ports[0] = port(22, "ssh");
    ports[1] = port(445, "smb");
    ports[2] = port(8081, "McAfee/Trellix ePO agent (wake-up port)");
    h.ports = ports;
    h.nports = 3;
    ck_assert_msg(as_store_add_host(st, scan, &h, 1000.0, err, sizeof err) == 0, "%s", err);
    return scan;
}

static void identity(as_identity_record *id, as_evidence_record *ev)
{
    memset(id, 0, sizeof *id);
    strcpy(id->ssh, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    strcpy(id->netbios_name, "IDHOST");
    strcpy(id->smb_dialect, "3.1.1");
    id->smb_signing_required = 1;
    strcpy(id->os, "Debian 12");
    strcpy(id->os_family, "unix");
    strcpy(id->os_source, "ssh");
    id->os_confidence = 90;
    strcpy(id->agent_possible, "McAfee/Trellix ePO agent (wake-up port)");
    strcpy(id->name, "idhost.lab");
    strcpy(id->name_source, "ptr");
    memset(ev, 0, 2 * sizeof *ev);
    strcpy(ev[0].kind, "os");
    strcpy(ev[0].source, "ssh");
    ev[0].port = 22;
    ev[0].proto = IPPROTO_TCP;
    strcpy(ev[0].value, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    strcpy(ev[0].verdict, "Debian 12");
    ev[0].confidence = 90;
    strcpy(ev[1].kind, "name");
    strcpy(ev[1].source, "ptr");
    strcpy(ev[1].value, "idhost.lab");
    ev[1].confidence = 40;
    id->evidence = ev;
    id->nevidence = 2;
}

START_TEST(put_identity_updates_stored_host)
{
    as_store *st;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    as_port_record ports[3];
    int64_t scan = stored_scan(st, ports);
    ck_sql("SELECT confirmed IS NULL FROM port WHERE port = 22", "1");

    as_identity_record id;
    as_evidence_record ev[2];
    identity(&id, ev);
    as_host_record h;
    memset(&h, 0, sizeof h);
    h.ip = IP(198, 18, 77, 2);
    ports[0].confirmed = 1;
    strcpy(ports[0].product, "OpenSSH");
    strcpy(ports[0].version, "9.2p1");
    ports[1].confirmed = 0;                 /* 445 answered the SYN, not SMB */
    ports[2].confirmed = 0;
    h.ports = ports;
    h.nports = 3;
    strcpy(h.deploy, "ssh");
    strcpy(h.deploy_open, "smb");
    h.identity = &id;
    ck_assert_msg(as_store_put_identity(st, scan, &h, err, sizeof err) == 0, "%s", err);
    ck_sql("SELECT product || ' ' || version || ' ' || confirmed FROM port WHERE port = 22",
           "OpenSSH 9.2p1 1");
    ck_sql("SELECT confirmed FROM port WHERE port = 445", "0");
    ck_sql("SELECT deploy || '/' || deploy_open || '/' || managed || '/' || coalesce(agent, '-') "
           "FROM observation", "ssh/smb/0/-");
    ck_sql("SELECT os || ',' || os_family || ',' || os_source || ',' || os_confidence FROM identity",
           "Debian 12,unix,ssh,90");
    ck_sql("SELECT agent_possible FROM identity", "McAfee/Trellix ePO agent (wake-up port)");
    ck_sql("SELECT smb_signing_required || smb_dialect FROM identity", "13.1.1");
    ck_sql("SELECT count(*) FROM evidence", "2");
    ck_sql("SELECT kind || source || proto || port || verdict FROM evidence WHERE seq = 0",
           "ossshtcp22Debian 12");
    ck_sql("SELECT proto IS NULL AND port IS NULL FROM evidence WHERE seq = 1", "1");

    /* Again: replaces, does not add. */
    id.nevidence = 1;
    ck_assert_msg(as_store_put_identity(st, scan, &h, err, sizeof err) == 0, "%s", err);
    ck_sql("SELECT count(*) FROM evidence", "1");
    ck_sql("SELECT count(*) FROM identity", "1");
    /* Without identity: the verdicts stay, the identity rows go. */
    h.identity = NULL;
    ck_assert_msg(as_store_put_identity(st, scan, &h, err, sizeof err) == 0, "%s", err);
    ck_sql("SELECT count(*) FROM identity", "0");
    ck_sql("SELECT count(*) FROM evidence", "0");
    as_store_close(st);
}
END_TEST

START_TEST(put_identity_refuses)
{
    as_store *st;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    as_port_record ports[3];
    int64_t scan = stored_scan(st, ports);
    as_host_record h;
    memset(&h, 0, sizeof h);
    h.ip = IP(198, 18, 77, 9);
    ck_assert_int_eq(as_store_put_identity(st, scan, &h, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "holds no host 198.18.77.9") != NULL, "%s", err);
    as_identity_record id;
    as_evidence_record ev[2];
    identity(&id, ev);
    ev[1].confidence = 101;
    h.ip = IP(198, 18, 77, 2);
    h.identity = &id;
    ck_assert_int_eq(as_store_put_identity(st, scan, &h, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "evidence 1") != NULL, "%s", err);
    ck_sql("SELECT count(*) FROM identity", "0");
    as_store_close(st);
}
END_TEST

START_TEST(add_host_with_identity)
{
    as_store *st;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    int64_t scan = as_store_begin_scan(st, "198.18.77.0/24", "", 1000.0, err, sizeof err);
    as_identity_record id;
    as_evidence_record ev[2];
    identity(&id, ev);
    as_port_record p = port(22, "ssh");
    p.confirmed = 1;
    strcpy(p.product, "OpenSSH");
    as_host_record h;
    memset(&h, 0, sizeof h);
    h.ip = IP(198, 18, 77, 3);
    h.up = 1;
    h.rtt_us = -1;
    h.ports = &p;
    h.nports = 1;
    strcpy(h.deploy_open, "smb");
    h.identity = &id;
    ck_assert_msg(as_store_add_host(st, scan, &h, 1000.0, err, sizeof err) == 0, "%s", err);
    ck_sql("SELECT os FROM identity", "Debian 12");
    ck_sql("SELECT count(*) FROM evidence", "2");
    ck_sql("SELECT product || confirmed FROM port", "OpenSSH1");
    ck_sql("SELECT deploy_open FROM observation", "smb");
    /* Without identity a zeroed record's confirmed is not "asked". */
    h.identity = NULL;
    p.confirmed = 0;
    ck_assert_msg(as_store_add_host(st, scan, &h, 1000.0, err, sizeof err) == 0, "%s", err);
    ck_sql("SELECT confirmed IS NULL FROM port", "1");
    ck_sql("SELECT count(*) FROM identity", "0");
    as_store_close(st);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("store_identity");
    TCase *tc = tcase_create("put");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, put_identity_updates_stored_host);
    tcase_add_test(tc, put_identity_refuses);
    tcase_add_test(tc, add_host_with_identity);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
