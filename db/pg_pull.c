/* pg_pull.c — the read commands on PostgreSQL: the server's inventory (or one gateway's part
 * of it) is read into an SQLite database in memory with this build's schema, and the
 * readers run on it as on a file. Only SELECTs reach the server, so a role with SELECT
 * alone can run every read command; nothing is written anywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/liveness.h"
#include "db/origin_internal.h"
#include "db/pg_internal.h"
#include "probes/errors.h"

#define MAX_COLS 40

/* The scans one gateway recorded (scan_origin), as a condition on a scan id column. */
static const char gateway_scans[] =
    "IN (SELECT scan_id FROM scan_origin WHERE gateway = $1 AND scan_id IS NOT NULL)";

static int copy(as_store *st, PGconn *c, const char *ci, const char *table, const char *where,
                const char *gateway, char *err, size_t errlen)
{
    char cols[2048], sql[4096], ph[512];
    int n;
    if (as_pg_columns(st, table, cols, sizeof cols, &n) < 0 || n == 0) {
        snprintf(err, errlen, "database %s: no table %s in memory", st->path, table);
        return -1;
    }
    snprintf(sql, sizeof sql, "SELECT %s FROM %s%s", cols, table, gateway ? where : "");
    const char *v[] = {gateway};
    PGresult *r = PQexecParams(c, sql, gateway ? 1 : 0, NULL, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        as_pg_fail(c, ci, err, errlen, "cannot read the inventory");
        return -1;
    }
    size_t used = 0;
    for (int i = 1; i <= n; i++)
        used += (size_t)snprintf(ph + used, sizeof ph - used, "%s?%d", i > 1 ? ", " : "", i);
    snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(%s)", table, cols, ph);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK ? 0 : -1;
    for (int row = 0; rc == 0 && row < PQntuples(r); row++) {
        for (int i = 0; i < n; i++) {
            if (PQgetisnull(r, row, i))
                sqlite3_bind_null(s, i + 1);
            else
                sqlite3_bind_text(s, i + 1, PQgetvalue(r, row, i), PQgetlength(r, row, i),
                                  SQLITE_STATIC);
        }
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = -1;
        sqlite3_reset(s);
    }
    if (rc != 0)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    PQclear(r);
    return rc;
}

static int fill(as_store *st, PGconn *c, const char *ci, const char *gateway, char *err,
                size_t errlen)
{
    char where[512];
    /* Column affinity turns the server's text back into integers and reals. */
    if (sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return as_db_fail(st, err, errlen), -1;
    snprintf(where, sizeof where, " WHERE id %s", gateway_scans);
    int rc = copy(st, c, ci, "scan", where, gateway, err, errlen);
    snprintf(where, sizeof where, " WHERE id IN (SELECT host_id FROM observation WHERE scan_id "
             "%s)", gateway_scans);
    if (rc == 0)
        rc = copy(st, c, ci, "host", where, gateway, err, errlen);
    snprintf(where, sizeof where, " WHERE scan_id %s", gateway_scans);
    for (size_t t = 0; rc == 0 && t < as_pg_ntables; t++)
        rc = copy(st, c, ci, as_pg_tables[t].name, where, gateway, err, errlen);
    if (sqlite3_exec(st->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK &&
        rc == 0) {
        as_db_fail(st, err, errlen);
        rc = -1;
    }
    return rc;
}

static int count_scans(as_store *st)
{
    sqlite3_stmt *s = NULL;
    int n = -1;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM scan", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return n;
}

int as_pg_pull(as_store **out, const char *conninfo, const char *gateway, char *err,
               size_t errlen)
{
    *out = NULL;
    char shown[256];
    as_pg_display(conninfo, shown, sizeof shown);
    as_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(shown))) {
        free(st);
        snprintf(err, errlen, "database %s: out of memory", shown);
        return -AS_ERR_DB;
    }
    st->fd = -1;
    st->reader = 1;
    PGconn *c = NULL;
    int rc = -AS_ERR_DB;
    if (sqlite3_open_v2(":memory:", &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL)
            != SQLITE_OK)
        as_db_fail(st, err, errlen);
    else if (as_schema_apply(st, err, errlen) == 0 && as_origin_ensure(st, err, errlen) == 0 &&
             as_store_liveness(st, 0, NULL, 0, err, errlen) == 0 &&
             (c = as_pg_connect(conninfo, 0, err, errlen)) != NULL &&
             fill(st, c, conninfo, gateway, err, errlen) == 0 &&
             as_schema_prepare(st, err, errlen) == 0) {
        int n = count_scans(st);
        if (n > 0)
            rc = 0;
        else if (n == 0) {
            rc = -AS_ERR_NOSCAN;
            snprintf(err, errlen, "database %s: holds no scan%s%s yet (a sweep or `agentscan "
                     "push` writes them)", shown, gateway ? " of gateway " : "",
                     gateway ? gateway : "");
        } else
            as_db_fail(st, err, errlen);
    }
    PQfinish(c);
    if (rc != 0) {
        as_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}
