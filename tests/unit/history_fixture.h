/* history_fixture.h — what test_history.c and test_diff.c share: a store in a temporary
 * directory, scans of 198.18.1.0/24 built from short host specs, SQL read-back. */
#ifndef AS_HISTORY_FIXTURE_H
#define AS_HISTORY_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "db/export.h"

static char dir[64], dbpath[128], err[512];
static as_store *st;

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))
#define T0 1700000000.0
#define AGENT "Opsware/HP Server Automation agent"
#define BMC "BMC Client Management agent"

static int rm_entry(const char *p, const struct stat *sb, int f, struct FTW *ftw)
{
    (void)sb, (void)f, (void)ftw;
    return remove(p);
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_history_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
    st = NULL;
}

static void teardown(void)
{
    as_store_close(st);
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void open_store(void)
{
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
}

static long long sql_int(const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK, "%s: %s", q,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void sql(const char *q)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    ck_assert_msg(sqlite3_exec(db, q, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", q,
                  sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* A scan of 198.18.1.0/24 (recorded coverage) holding the given hosts. */
typedef struct hspec {
    uint32_t ip;
    const char *name, *mac, *agent, *deploy;
    const char *ports;      /* "22:open,80:closed" */
} hspec;

static void parse_ports(const char *spec, as_host_record *h, as_port_record *pr)
{
    char copy[256], *save = NULL;
    snprintf(copy, sizeof copy, "%s", spec ? spec : "");
    for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        as_port_record *p = &pr[h->nports++];
        memset(p, 0, sizeof *p);
        p->proto = IPPROTO_TCP;
        p->port = (uint16_t)atoi(t);
        const char *s = strchr(t, ':') + 1;
        p->state = strcmp(s, "open") == 0 ? AS_PORT_OPEN : strcmp(s, "closed") == 0
                   ? AS_PORT_CLOSED : AS_PORT_FILTERED;
        strcpy(p->reason, p->state == AS_PORT_OPEN ? "syn-ack" : "reset");
    }
}

static int64_t scan(double started, const hspec *hs, size_t n, enum as_scan_status status)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "", started, err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    uint32_t lo = IP(198, 18, 1, 0), hi = IP(198, 18, 1, 255);
    ck_assert_msg(as_store_scan_ranges(st, id, &lo, &hi, 1, err, sizeof err) == 0, "%s", err);
    for (size_t i = 0; i < n; i++) {
        as_port_record pr[16];
        as_host_record h = { .ip = hs[i].ip, .up = 1, .rtt_us = -1, .ports = pr };
        strcpy(h.up_reason, "echo-reply");
        snprintf(h.name, sizeof h.name, "%s", hs[i].name ? hs[i].name : "");
        snprintf(h.agent, sizeof h.agent, "%s", hs[i].agent ? hs[i].agent : "");
        snprintf(h.deploy, sizeof h.deploy, "%s", hs[i].deploy ? hs[i].deploy : "");
        h.managed = hs[i].agent != NULL;
        if (hs[i].mac) {
            h.has_mac = 1;
            sscanf(hs[i].mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &h.mac[0], &h.mac[1], &h.mac[2],
                   &h.mac[3], &h.mac[4], &h.mac[5]);
        }
        parse_ports(hs[i].ports, &h, pr);
        ck_assert_msg(as_store_add_host(st, id, &h, started + 1, err, sizeof err) == 0, "%s", err);
    }
    ck_assert_int_eq(as_store_end_scan(st, id, status, started + 2, NULL, err, sizeof err), 0);
    return id;
}

/* Host id of the observation at addr in scan. */
static inline long long host_at(int64_t scan_id, const char *addr)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT host_id FROM observation WHERE scan_id = %lld AND ip = '%s'",
             (long long)scan_id, addr);
    return sql_int(q);
}

#endif
