/* pg_prune.c — retention on the PostgreSQL inventory: the rule of db/prune.c (keep the newest
 * N finished scans, and/or delete those started before a time; never a running one), in one
 * transaction; the host rows stay, everything recorded under a deleted scan goes with it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/export.h"
#include "db/pg_internal.h"

#define VICTIMS \
    "SELECT id FROM scan WHERE status <> 'running'" \
    " AND ($1::int <= 0 OR id NOT IN (SELECT id FROM scan WHERE status <> 'running'" \
    "   ORDER BY id DESC LIMIT greatest($1::int, 0)))" \
    " AND (NOT $2::boolean OR started < $3::float8) AND ($1::int > 0 OR $2::boolean)"

static int query(PGconn *c, const char *ci, const char *sql, const char *const *v, int64_t *out,
                 int ncol, char *err, size_t errlen)
{
    PGresult *r = PQexecParams(c, sql, 3, NULL, v, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    for (int i = 0; st == PGRES_TUPLES_OK && PQntuples(r) > 0 && i < ncol; i++)
        out[i] = strtoll(PQgetvalue(r, 0, i), NULL, 10);
    PQclear(r);
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return 0;
    as_pg_fail(c, ci, err, errlen, "prune failed");
    return -1;
}

int as_pg_prune(const char *conninfo, int keep, int has_before, double before, int dry_run,
                as_prune_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (keep <= 0 && !has_before) {
        snprintf(err, errlen, "prune needs a rule (--keep N or --older-than AGE)");
        return -1;
    }
    PGconn *c = as_pg_connect(conninfo, 0, err, errlen);
    if (c == NULL)
        return -1;
    char k[16], b[40];
    snprintf(k, sizeof k, "%d", keep);
    snprintf(b, sizeof b, "%.17g", before);
    const char *v[] = {k, has_before ? "true" : "false", b};
    int64_t s[3] = {0, 0, 0};
    /* The advisory lock keeps a push from adding a scan between counting and deleting. */
    int rc = as_pg_exec(c, conninfo, "BEGIN", err, errlen);
    if (rc == 0)
        rc = as_pg_exec(c, conninfo, "SELECT pg_advisory_xact_lock(" AS_PG_LOCK ")", err, errlen);
    if (rc == 0)
        rc = query(c, conninfo, "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) "
                   "FROM scan WHERE id IN (" VICTIMS ")", v, s, 3, err, errlen);
    if (rc == 0)
        rc = query(c, conninfo, "SELECT count(*) FROM observation WHERE scan_id IN (" VICTIMS ")",
                   v, &r->observations, 1, err, errlen);
    if (rc == 0)
        rc = query(c, conninfo, "SELECT count(*) FROM port WHERE scan_id IN (" VICTIMS ")", v,
                   &r->ports, 1, err, errlen);
    int64_t none;
    if (rc == 0 && !dry_run && s[0] > 0)
        rc = query(c, conninfo, "DELETE FROM scan WHERE id IN (" VICTIMS ")", v, &none, 0, err,
                   errlen);
    if (rc == 0)
        rc = as_pg_exec(c, conninfo, dry_run ? "ROLLBACK" : "COMMIT", err, errlen);
    else
        PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    r->scans = s[0];
    r->first_id = s[1];
    r->last_id = s[2];
    return rc;
}
