/* pg_push.c — store-and-forward: copies each finished scan of a local SQLite spool to the
 * PostgreSQL inventory in one transaction. The scan's provenance (scan_origin: gateway,
 * scan number and start there) is its key on the server, so a scan is written once however
 * often it is pushed; the spool remembers what went where (scan_pushed). Host identity is
 * reconciled with the store's own rule (MAC, then name, then address) while the push holds
 * the inventory's advisory lock, so two gateways seeing one new host create one host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/origin_internal.h"
#include "db/pg_internal.h"
#include "probes/vec.h"

#define MAX_COLS 40

static const char pushed_sql[] =
    "CREATE TABLE IF NOT EXISTS scan_pushed ("
    "  scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
    "  server TEXT NOT NULL,"
    "  server_scan INTEGER,"            /* its id there; NULL: it was there already */
    "  pushed REAL NOT NULL,"
    "  PRIMARY KEY(scan_id, server)) WITHOUT ROWID;";

typedef struct host_map {
    int64_t from, to;
} host_map;

/* Rows of one table waiting to go as one multi-row INSERT: their values, copied. */
typedef struct batch {
    char **v;
    size_t n, cap;          /* values held */
} batch;

typedef struct push_ctx {
    as_store *sp;
    PGconn *c;
    const char *ci;
    char server[256];
    int64_t scan, pg_scan;
    double seen;            /* the scan's end: when a host's own time is not known */
    double started;         /* the scan's start */
    sqlite3_stmt *host_times;   /* the spool's first and last seen of a host */
    host_map *map;
    size_t nmap, mapcap;
    char *claimed;          /* "{id,...}": hosts this scan's observations took */
    size_t claimedcap;
    batch b;
    char *err;
    size_t errlen;
} push_ctx;

/* One column's value as text for libpq: NULL stays NULL, a double keeps every digit. */
static const char *col_text(sqlite3_stmt *s, int i, char *buf, size_t len)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_NULL: return NULL;
    case SQLITE_FLOAT: snprintf(buf, len, "%.17g", sqlite3_column_double(s, i)); return buf;
    default: return (const char *)sqlite3_column_text(s, i);
    }
}

int as_pg_columns(as_store *st, const char *table, char *buf, size_t len, int *ncols)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    size_t used = 0;
    *ncols = 0;
    buf[0] = '\0';
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 1);
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name ? name : "");
        if (n < 0 || (size_t)n >= len - used || ++*ncols > MAX_COLS) {
            sqlite3_finalize(s);
            return -1;
        }
        used += (size_t)n;
    }
    sqlite3_finalize(s);
    return 0;
}

static int sp_fail(push_ctx *p)
{
    as_db_fail(p->sp, p->err, p->errlen);
    return -1;
}

/* "$1, $2, ..., $n" */
static void placeholders(int n, char *buf, size_t len)
{
    size_t used = 0;
    for (int i = 1; i <= n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s$%d", i > 1 ? ", " : "", i);
}

/* Runs a query that returns at most one bigint; *out 0 when no row. */
static int pg_one(push_ctx *p, const char *sql, int n, const char *const *v, int64_t *out)
{
    PGresult *r = PQexecParams(p->c, sql, n, NULL, v, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    *out = st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)
               ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return 0;
    as_pg_fail(p->c, p->ci, p->err, p->errlen, "push failed");
    return -1;
}

/* The server's host for this observation (the store's matching rule: MAC 4, name 2,
 * address 1, a MAC never contradicted, not a host this scan already claimed), created or
 * updated as add_host does (address, last seen and count move only when it was up): one
 * statement, one round trip. */
/* When the scan saw the spool's host: its last or first seen there when that falls within
 * the scan (the time add_host recorded), else the scan's end. */
static double seen_at(push_ctx *p, int64_t spool_host)
{
    double t = p->seen;
    sqlite3_stmt *s = p->host_times;
    if (s == NULL && sqlite3_prepare_v2(p->sp->db, "SELECT first_seen, last_seen FROM host "
                                        "WHERE id = ?1", -1, &p->host_times, NULL) != SQLITE_OK)
        return t;
    s = p->host_times;
    sqlite3_bind_int64(s, 1, spool_host);
    if (sqlite3_step(s) == SQLITE_ROW) {
        double first = sqlite3_column_double(s, 0), last = sqlite3_column_double(s, 1);
        if (last >= p->started && last <= p->seen)
            t = last;
        else if (first >= p->started && first <= p->seen)
            t = first;
    }
    sqlite3_reset(s);
    return t;
}

static int reconcile(push_ctx *p, const char *ip, const char *mac, const char *name, int up,
                     double when, int64_t *host)
{
    char seen[40], upc[4];
    snprintf(seen, sizeof seen, "%.17g", when);
    snprintf(upc, sizeof upc, "%d", up != 0);
    const char *v[] = {mac, name, ip, p->claimed && *p->claimed ? p->claimed : "{}", seen, upc};
    return pg_one(p,
        "WITH m AS (SELECT id FROM host h WHERE (h.mac = $1 OR h.name = $2 OR h.ip = $3)"
        "    AND ($1::text IS NULL OR h.mac IS NULL OR h.mac = $1)"
        "    AND h.id <> ALL($4::bigint[])"
        "  ORDER BY 4 * coalesce((h.mac = $1)::int, 0) + 2 * coalesce((h.name = $2)::int, 0)"
        "    + (h.ip = $3)::int DESC, h.last_seen DESC, h.id DESC LIMIT 1),"
        " u AS (UPDATE host SET ip = CASE WHEN $6::int <> 0 THEN $3 ELSE ip END,"
        "    mac = coalesce($1, mac), name = coalesce($2, name),"
        "    first_seen = least(first_seen, $5::float8),"
        "    last_seen = CASE WHEN $6::int <> 0 THEN greatest(last_seen, $5::float8)"
        "      ELSE last_seen END,"
        "    seen_count = greatest(seen_count + $6::bigint, 0)"
        "  WHERE id = (SELECT id FROM m) RETURNING id),"
        " i AS (INSERT INTO host(ip, mac, name, first_seen, last_seen, seen_count)"
        "  SELECT $3, $1, $2, $5::float8, $5::float8, $6::bigint"
        "  WHERE NOT EXISTS (SELECT 1 FROM m) RETURNING id)"
        " SELECT id FROM u UNION ALL SELECT id FROM i", 6, v, host);
}

/* Remembers a claimed host in the "{1,2,...}" array the next reconcile excludes. */
static int claim(push_ctx *p, int64_t host)
{
    size_t used = p->claimed ? strlen(p->claimed) : 0;
    if (AS_VEC_RESERVE(p->claimed, p->claimedcap, used + 24) != 0)
        return -1;
    if (used == 0)
        snprintf(p->claimed, p->claimedcap, "{%lld}", (long long)host);
    else
        snprintf(p->claimed + used - 1, p->claimedcap - used + 1, ",%lld}", (long long)host);
    return 0;
}

static int col_index(sqlite3_stmt *s, const char *name)
{
    for (int i = 0; i < sqlite3_column_count(s); i++)
        if (strcmp(sqlite3_column_name(s, i), name) == 0)
            return i;
    return -1;
}

/* Values per multi-row INSERT: well under PostgreSQL's 65,535 parameters. */
#define BATCH_VALUES 20000

static void batch_clear(batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->v[i]);
    b->n = 0;
}

static int batch_add(push_ctx *p, const char *value)
{
    if (AS_VEC_RESERVE(p->b.v, p->b.cap, p->b.n + 1) != 0 ||
        (value && (value = strdup(value)) == NULL)) {
        snprintf(p->err, p->errlen, "out of memory");
        return -1;
    }
    p->b.v[p->b.n++] = (char *)value;
    return 0;
}

/* Sends the batch as INSERT INTO table(cols) VALUES ($1..$n), ($n+1..), ... */
static int batch_flush(push_ctx *p, const char *table, const char *cols, int n)
{
    if (p->b.n == 0)
        return 0;
    size_t rows = p->b.n / (size_t)n, len = strlen(table) + strlen(cols) + 64 + p->b.n * 9 + rows * 4;
    char *sql = malloc(len);
    if (sql == NULL) {
        snprintf(p->err, p->errlen, "out of memory");
        return -1;
    }
    size_t used = (size_t)snprintf(sql, len, "INSERT INTO %s(%s) VALUES ", table, cols);
    for (size_t r = 0, k = 1; r < rows; r++) {
        used += (size_t)snprintf(sql + used, len - used, "%s(", r ? ", " : "");
        for (int i = 0; i < n; i++, k++)
            used += (size_t)snprintf(sql + used, len - used, "%s$%zu", i ? ", " : "", k);
        used += (size_t)snprintf(sql + used, len - used, ")");
    }
    PGresult *r = PQexecParams(p->c, sql, (int)p->b.n, NULL, (const char *const *)p->b.v, NULL,
                               NULL, 0);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    if (rc != 0)
        as_pg_fail(p->c, p->ci, p->err, p->errlen, "push failed");
    PQclear(r);
    free(sql);
    batch_clear(&p->b);
    return rc;
}

static int cmp_map(const void *a, const void *b)
{
    int64_t x = ((const host_map *)a)->from, y = ((const host_map *)b)->from;
    return (x > y) - (x < y);
}

/* Copies the scan's rows of one table, with scan_id (and host_id) as the server numbers
 * them, many rows to a statement; for observation, reconciles each host first. */
static int copy_table(push_ctx *p, const char *table, int per_host)
{
    char cols[2048], sql[4096];
    int n;
    if (as_pg_columns(p->sp, table, cols, sizeof cols, &n) < 0) {
        snprintf(p->err, p->errlen, "database %s: cannot read the columns of %s",
                 p->sp->path, table);
        return -1;
    }
    if (n == 0)
        return 0;   /* scan_liveness and scan_origin exist only once used */
    int observation = strcmp(table, "observation") == 0;
    snprintf(sql, sizeof sql, "SELECT %s FROM %s WHERE scan_id = ?1", cols, table);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(p->sp->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sp_fail(p);
    sqlite3_bind_int64(s, 1, p->scan);
    int ci_scan = col_index(s, "scan_id"), ci_host = per_host ? col_index(s, "host_id") : -1;
    int ci_up = col_index(s, "up"), ci_ip = col_index(s, "ip"), ci_mac = col_index(s, "mac"),
        ci_name = col_index(s, "name");
    char scan[24], host[24], num[MAX_COLS][40];
    snprintf(scan, sizeof scan, "%lld", (long long)p->pg_scan);
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v[MAX_COLS];
        for (int i = 0; i < n; i++)
            v[i] = col_text(s, i, num[i], sizeof num[i]);
        v[ci_scan] = scan;
        if (ci_host >= 0) {
            int64_t from = sqlite3_column_int64(s, ci_host), to = 0;
            if (observation) {
                if (reconcile(p, v[ci_ip], v[ci_mac], v[ci_name], sqlite3_column_int(s, ci_up),
                              seen_at(p, from), &to) < 0 || to == 0 || claim(p, to) < 0 ||
                    AS_VEC_RESERVE(p->map, p->mapcap, p->nmap + 1) != 0) {
                    if (to == 0 && !*p->err)
                        snprintf(p->err, p->errlen, "push failed: no host for %s", v[ci_ip]);
                    rc = -1;
                    break;
                }
                p->map[p->nmap++] = (host_map){from, to};
            } else {
                host_map key = {from, 0}, *m = bsearch(&key, p->map, p->nmap, sizeof *m, cmp_map);
                if (m == NULL)
                    continue;   /* a row of a host without an observation: cannot be */
                to = m->to;
            }
            snprintf(host, sizeof host, "%lld", (long long)to);
            v[ci_host] = host;
        }
        for (int i = 0; rc == 0 && i < n; i++)
            rc = batch_add(p, v[i]);
        if (rc == 0 && p->b.n + (size_t)n > BATCH_VALUES)
            rc = batch_flush(p, table, cols, n);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sp_fail(p);
    if (rc == 0)
        rc = batch_flush(p, table, cols, n);
    batch_clear(&p->b);
    sqlite3_finalize(s);
    if (observation && rc == 0)
        qsort(p->map, p->nmap, sizeof *p->map, cmp_map);
    return rc;
}

/* The scan row itself, without its id; *pg_scan is the server's id. */
static int copy_scan(push_ctx *p)
{
    char cols[2048], sql[4096], ph[256], num[MAX_COLS][40];
    int n;
    if (as_pg_columns(p->sp, "scan", cols, sizeof cols, &n) < 0 || strncmp(cols, "id, ", 4) != 0) {
        snprintf(p->err, p->errlen, "database %s: unexpected scan table", p->sp->path);
        return -1;
    }
    snprintf(sql, sizeof sql, "SELECT %s FROM scan WHERE id = ?1", cols);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(p->sp->db, sql, -1, &s, NULL) != SQLITE_OK)
        return sp_fail(p);
    sqlite3_bind_int64(s, 1, p->scan);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return sp_fail(p);
    }
    const char *v[MAX_COLS];
    for (int i = 1; i < n; i++)
        v[i - 1] = col_text(s, i, num[i], sizeof num[i]);
    int fin = col_index(s, "finished"), sta = col_index(s, "started");
    p->started = sqlite3_column_double(s, sta);
    p->seen = sqlite3_column_type(s, fin) != SQLITE_NULL ? sqlite3_column_double(s, fin)
                                                         : p->started;
    placeholders(n - 1, ph, sizeof ph);
    snprintf(sql, sizeof sql, "INSERT INTO scan(%s) VALUES(%s) RETURNING id", cols + 4, ph);
    int rc = pg_one(p, sql, n - 1, v, &p->pg_scan);
    sqlite3_finalize(s);
    return rc;
}

/* The scan's provenance in the spool: its scan_origin rows, or one made up like merge does
 * for a scan without (the gateway is this machine). */
static int origin_keys(push_ctx *p, char (*gw)[256], double *started, int64_t *oscan, int *n)
{
    *n = 0;
    sqlite3_stmt *s = NULL;
    if (as_origin_exists(p->sp) &&
        sqlite3_prepare_v2(p->sp->db, "SELECT gateway, origin_scan, origin_started FROM "
                           "scan_origin WHERE scan_id = ?1 LIMIT 16", -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, p->scan);
        while (sqlite3_step(s) == SQLITE_ROW && *n < 16) {
            snprintf(gw[*n], sizeof gw[*n], "%s", (const char *)sqlite3_column_text(s, 0));
            oscan[*n] = sqlite3_column_int64(s, 1);
            started[*n] = sqlite3_column_double(s, 2);
            ++*n;
        }
        sqlite3_finalize(s);
    }
    return 0;
}

/* 1 when the server holds this scan already (any of its origins). */
static int on_server(push_ctx *p, char (*gw)[256], const double *started, const int64_t *oscan,
                     int n, int64_t *there)
{
    *there = 0;
    for (int i = 0; i < n && *there == 0; i++) {
        char os[24], st[40];
        snprintf(os, sizeof os, "%lld", (long long)oscan[i]);
        snprintf(st, sizeof st, "%.17g", started[i]);
        const char *v[] = {gw[i], os, st};
        if (pg_one(p, "SELECT coalesce(scan_id, 0) + 1 FROM scan_origin WHERE gateway = $1 "
                   "AND origin_scan = $2::bigint AND origin_started = $3::float8", 3, v, there) < 0)
            return -1;
    }
    return *there != 0;
}

/* The made-up origin of a scan recorded without one. */
static int synth_origin(push_ctx *p)
{
    char host[256] = "localhost", scan[24], oscan[24], now[40];
    gethostname(host, sizeof host - 1);
    snprintf(scan, sizeof scan, "%lld", (long long)p->pg_scan);
    snprintf(oscan, sizeof oscan, "%lld", (long long)p->scan);
    snprintf(now, sizeof now, "%.17g", (double)time(NULL));
    const char *v[] = {scan, host, oscan, p->sp->path, now};
    int64_t ignored;
    return pg_one(p, "INSERT INTO scan_origin(scan_id, gateway, origin_scan, origin_started, "
                  "origin_db, recorded) SELECT $1::bigint, $2, $3::bigint, started, $4, "
                  "$5::float8 FROM scan WHERE id = $1::bigint ON CONFLICT DO NOTHING", 5, v,
                  &ignored);
}

static int mark_pushed(push_ctx *p, int64_t server_scan)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_exec(p->sp->db, pushed_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(p->sp->db, "INSERT OR REPLACE INTO scan_pushed(scan_id, server, "
                           "server_scan, pushed) VALUES(?1, ?2, ?3, ?4)", -1, &s, NULL) != SQLITE_OK)
        return sp_fail(p);
    sqlite3_bind_int64(s, 1, p->scan);
    sqlite3_bind_text(s, 2, p->server, -1, SQLITE_STATIC);
    if (server_scan > 0)
        sqlite3_bind_int64(s, 3, server_scan);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_double(s, 4, (double)time(NULL));
    int rc = sqlite3_step(s) == SQLITE_DONE ? 0 : sp_fail(p);
    sqlite3_finalize(s);
    return rc;
}

/* One scan, one transaction. 1 pushed, 0 already there, -1 error. */
static int push_scan(push_ctx *p, as_push_result *res)
{
    char gw[16][256];
    double started[16];
    int64_t oscan[16], there;
    int n;
    p->nmap = 0;
    if (p->claimed)
        p->claimed[0] = '\0';
    if (origin_keys(p, gw, started, oscan, &n) < 0 ||
        as_pg_exec(p->c, p->ci, "BEGIN", p->err, p->errlen) < 0)
        return -1;
    int rc = as_pg_exec(p->c, p->ci, "SELECT pg_advisory_xact_lock(" AS_PG_LOCK ")", p->err,
                        p->errlen);
    if (rc == 0 && (rc = on_server(p, gw, started, oscan, n, &there)) == 1) {
        PQclear(PQexec(p->c, "ROLLBACK"));
        res->already++;
        return mark_pushed(p, 0) < 0 ? -1 : 0;
    }
    if (rc == 0)
        rc = copy_scan(p);
    for (size_t t = 0; rc == 0 && t < as_pg_ntables; t++)
        rc = copy_table(p, as_pg_tables[t].name, as_pg_tables[t].per_host);
    if (rc == 0 && n == 0)
        rc = synth_origin(p);
    if (rc == 0)
        rc = as_pg_exec(p->c, p->ci, "COMMIT", p->err, p->errlen);
    if (rc != 0) {
        PQclear(PQexec(p->c, "ROLLBACK"));
        return -1;
    }
    res->pushed++;
    res->hosts += (unsigned)p->nmap;
    /* Committed on the server: a failure to note it here only means the next push finds it
     * there (on_server) and notes it then. */
    return mark_pushed(p, p->pg_scan) < 0 ? -1 : 1;
}

/* Scans of the spool to forward: finished (any final status), not yet noted for server. */
static int pending(push_ctx *p, int64_t **ids, size_t *n)
{
    size_t cap = 0;
    *ids = NULL;
    *n = 0;
    if (sqlite3_exec(p->sp->db, pushed_sql, NULL, NULL, NULL) != SQLITE_OK)
        return sp_fail(p);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(p->sp->db, "SELECT id FROM scan WHERE status <> 'running' AND id NOT "
                           "IN (SELECT scan_id FROM scan_pushed WHERE server = ?1) ORDER BY id",
                           -1, &s, NULL) != SQLITE_OK)
        return sp_fail(p);
    sqlite3_bind_text(s, 1, p->server, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (AS_VEC_RESERVE(*ids, cap, *n + 1) != 0) {
            sqlite3_finalize(s);
            snprintf(p->err, p->errlen, "out of memory");
            return -1;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : sp_fail(p);
}

int as_pg_push(as_store *spool, const char *conninfo, as_push_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (errlen)
        err[0] = '\0';
    push_ctx p = {.sp = spool, .ci = conninfo, .err = err, .errlen = errlen};
    as_pg_display(conninfo, p.server, sizeof p.server);
    int64_t *ids = NULL;
    size_t n = 0;
    if (pending(&p, &ids, &n) < 0)
        return -1;
    int rc = 0;
    if (n > 0) {
        p.c = as_pg_connect(conninfo, 1, err, errlen);
        if (p.c == NULL)
            rc = -1;
        for (size_t i = 0; rc == 0 && i < n; i++) {
            p.scan = ids[i];
            if (push_scan(&p, r) < 0)
                rc = -1;
        }
        PQfinish(p.c);
    }
    free(ids);
    free(p.map);
    free(p.claimed);
    free(p.b.v);
    sqlite3_finalize(p.host_times);
    return rc;
}
