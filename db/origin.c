/* origin.c — the provenance of scans (table scan_origin): which gateway, job and shard ran
 * each one, so that sweeps find their previous run and merges keep where data came from. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/origin_internal.h"

/* Created on first use, outside the numbered migrations, so that sweeps and merges work on
 * any schema version; rows survive pruning of their scan (scan_id becomes NULL). */
static const char origin_sql[] =
    "CREATE TABLE IF NOT EXISTS scan_origin ("
    "  scan_id INTEGER REFERENCES scan(id) ON DELETE SET NULL,"
    "  gateway TEXT NOT NULL,"
    "  job TEXT,"
    "  shard_k INTEGER NOT NULL DEFAULT 0,"
    "  shard_n INTEGER NOT NULL DEFAULT 0,"
    "  seed INTEGER,"
    "  source_ip TEXT,"
    "  origin_scan INTEGER NOT NULL,"
    "  origin_started REAL NOT NULL,"
    "  origin_db TEXT,"
    "  origin_status TEXT,"         /* the scan's status where it ran; NULL: see scan */
    "  recorded REAL NOT NULL,"
    "  PRIMARY KEY(gateway, origin_scan, origin_started));"
    "CREATE INDEX IF NOT EXISTS scan_origin_scan ON scan_origin(scan_id);"
    "CREATE INDEX IF NOT EXISTS scan_origin_job ON scan_origin(job, shard_n, seed);";

int as_origin_ensure(as_store *st, char *err, size_t errlen)
{
    if (sqlite3_exec(st->db, origin_sql, NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

int as_origin_exists(as_store *st)
{
    sqlite3_stmt *s = NULL;
    int yes = sqlite3_prepare_v2(st->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = 'scan_origin'", -1, &s, NULL) == SQLITE_OK &&
              sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return yes;
}

sqlite3_stmt *as_origin_prepare(as_store *st, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return NULL;
    }
    return s;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *t)
{
    if (t)
        sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

int as_origin_record(as_store *st, int64_t scan_id, const as_origin *o, char *err, size_t errlen)
{
    if (as_origin_ensure(st, err, errlen) != 0)
        return -1;
    sqlite3_stmt *s = as_origin_prepare(st,
        "INSERT OR REPLACE INTO scan_origin(scan_id, gateway, job, shard_k, shard_n, seed, "
        "source_ip, origin_scan, origin_started, origin_db, recorded, origin_status) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "coalesce(?9, (SELECT started FROM scan WHERE id = ?1)), ?10, ?11, ?12)", err, errlen);
    if (s == NULL)
        return -1;
    char ip[INET_ADDRSTRLEN] = "";
    struct in_addr a = {htonl(o->source_ip)};
    inet_ntop(AF_INET, &a, ip, sizeof ip);
    sqlite3_bind_int64(s, 1, scan_id);
    sqlite3_bind_text(s, 2, o->gateway, -1, SQLITE_TRANSIENT);
    bind_text_or_null(s, 3, o->job);
    sqlite3_bind_int(s, 4, (int)o->shard_k);
    sqlite3_bind_int(s, 5, (int)o->shard_n);
    sqlite3_bind_int64(s, 6, (int64_t)o->seed);
    bind_text_or_null(s, 7, o->source_ip ? ip : NULL);
    sqlite3_bind_int64(s, 8, o->origin_scan);
    if (o->origin_started > 0)
        sqlite3_bind_double(s, 9, o->origin_started);
    else
        sqlite3_bind_null(s, 9);
    bind_text_or_null(s, 10, o->origin_db);
    sqlite3_bind_double(s, 11, (double)time(NULL));
    bind_text_or_null(s, 12, o->origin_status);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

int64_t as_origin_previous(as_store *st, const char *job, int64_t before, char *err, size_t errlen)
{
    if (!as_origin_exists(st))
        return 0;
    sqlite3_stmt *s = as_origin_prepare(st,
        "SELECT max(s.id) FROM scan s JOIN scan_origin o ON o.scan_id = s.id "
        "WHERE o.job = ?1 AND s.status = 'complete' AND s.id < ?2", err, errlen);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, job, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, before);
    int64_t id = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    else
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return id;
}

int as_origin_close_stale(as_store *st, const char *job, double now, char *err, size_t errlen)
{
    /* The scan row of a sweep carries "sweep JOB:" at the start of its options, written
     * before the first packet; provenance is only recorded after the scan. */
    char prefix[96];
    snprintf(prefix, sizeof prefix, "sweep %s:", job);
    sqlite3_stmt *s = as_origin_prepare(st, "SELECT id FROM scan WHERE status = 'running' AND "
                                        "substr(options, 1, length(?1)) = ?1", err, errlen);
    if (s == NULL)
        return -1;
    sqlite3_bind_text(s, 1, prefix, -1, SQLITE_TRANSIENT);
    int64_t ids[64];
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < 64)
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    for (int i = 0; i < n; i++)
        if (as_store_end_scan(st, ids[i], AS_SCAN_INTERRUPTED, now, NULL, err, errlen) != 0)
            return -1;
    return n;
}

static int source_from_options(const char *opts, uint32_t *ip)
{
    const char *p = opts ? strstr(opts, "-S ") : NULL;
    char buf[INET_ADDRSTRLEN];
    struct in_addr a;
    if (p == NULL || sscanf(p + 3, "%15s", buf) != 1 || inet_pton(AF_INET, buf, &a) != 1)
        return 0;
    *ip = ntohl(a.s_addr);
    return 1;
}

int as_origin_source(as_store *st, int64_t scan_id, uint32_t *ip, char *err, size_t errlen)
{
    *ip = 0;
    const char *sql = as_origin_exists(st)
        ? "SELECT (SELECT source_ip FROM scan_origin WHERE scan_id = ?1 AND source_ip IS NOT "
          "NULL LIMIT 1), options FROM scan WHERE id = ?1"
        : "SELECT NULL, options FROM scan WHERE id = ?1";
    sqlite3_stmt *s = as_origin_prepare(st, sql, err, errlen);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, scan_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *src = (const char *)sqlite3_column_text(s, 0);
        struct in_addr a;
        if (src && inet_pton(AF_INET, src, &a) == 1)
            *ip = ntohl(a.s_addr);
        else
            source_from_options((const char *)sqlite3_column_text(s, 1), ip);
    }
    sqlite3_finalize(s);
    return 0;
}

int as_scan_text(as_store *st, int64_t scan_id, int64_t *id, char **targets, char **options,
                 char *err, size_t errlen)
{
    *targets = *options = NULL;
    sqlite3_stmt *s = as_origin_prepare(st, scan_id > 0
        ? "SELECT id, targets, options FROM scan WHERE id = ?1"
        : "SELECT id, targets, options FROM scan ORDER BY id DESC LIMIT 1", err, errlen);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, scan_id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        const char *t = (const char *)sqlite3_column_text(s, 1), *o = (const char *)sqlite3_column_text(s, 2);
        *targets = strdup(t ? t : "");
        *options = strdup(o ? o : "");
    } else if (rc == SQLITE_DONE) {
        as_db_errf(st, err, errlen, scan_id > 0 ? "no scan %lld" : "no scans yet%.0lld",
                   (long long)scan_id);
    } else {
        as_db_fail(st, err, errlen);
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_ROW && *targets && *options)
        return 0;
    free(*targets);
    free(*options);
    *targets = *options = NULL;
    if (rc == SQLITE_ROW)
        snprintf(err, errlen, "out of memory");
    return -1;
}
