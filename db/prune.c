/* prune.c — retention: old scans go with everything recorded under them, the host rows stay
 * (their first seen, last seen and seen count are facts about the host, not about a scan). */
#include <string.h>

#include "db/export.h"
#include "db/store_internal.h"

/* The scans to delete; ?1 keep (0: no limit), ?2 has_before, ?3 before. A running scan is
 * someone's open batch: never touched, and not counted among the kept ones either. */
#define VICTIMS \
    "SELECT id FROM scan WHERE status <> 'running'" \
    " AND (?1 <= 0 OR id NOT IN (SELECT id FROM scan WHERE status <> 'running'" \
    "   ORDER BY id DESC LIMIT ?1))" \
    " AND (NOT ?2 OR started < ?3) AND (?1 > 0 OR ?2)"

static int bind_rule(sqlite3_stmt *s, int keep, int has_before, double before)
{
    int rc = sqlite3_bind_int(s, 1, keep);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 2, has_before != 0);
    if (rc == SQLITE_OK) rc = sqlite3_bind_double(s, 3, before);
    return rc;
}

/* Runs one statement over the victims; the first row's columns go to out[0..ncol-1]. */
static int query(as_store *st, const char *sql, int keep, int has_before, double before,
                 int64_t *out, int ncol)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK ||
        bind_rule(s, keep, has_before, before) != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1;
    }
    int rc = sqlite3_step(s);
    for (int i = 0; rc == SQLITE_ROW && i < ncol; i++)
        out[i] = sqlite3_column_int64(s, i);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int count(as_store *st, int keep, int has_before, double before, as_prune_result *r)
{
    int64_t v[3] = {0, 0, 0};
    if (query(st, "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0) FROM scan "
              "WHERE id IN (" VICTIMS ")", keep, has_before, before, v, 3) < 0)
        return -1;
    r->scans = v[0];
    r->first_id = v[1];
    r->last_id = v[2];
    if (query(st, "SELECT count(*) FROM observation WHERE scan_id IN (" VICTIMS ")", keep,
              has_before, before, &r->observations, 1) < 0 ||
        query(st, "SELECT count(*) FROM port WHERE scan_id IN (" VICTIMS ")", keep,
              has_before, before, &r->ports, 1) < 0)
        return -1;
    return 0;
}

int as_store_prune(as_store *st, int keep, int has_before, double before, int dry_run,
                   as_prune_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (keep <= 0 && !has_before) {
        as_db_errf(st, err, errlen, "prune needs a rule (--keep N or --older-than AGE)");
        return -1;
    }
    /* IMMEDIATE: counting and deleting see the same scans, and a scan starting meanwhile
     * waits for us (busy timeout) rather than failing. A dry run only reads: a plain BEGIN
     * gives it one snapshot and works on a store opened read-only. */
    if (sqlite3_exec(st->db, dry_run ? "BEGIN" : "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int64_t dummy;
    int rc = count(st, keep, has_before, before, r);
    /* Foreign keys cascade to observations, ports, OS guesses and coverage. */
    if (rc == 0 && !dry_run && r->scans > 0)
        rc = query(st, "DELETE FROM scan WHERE id IN (" VICTIMS ")", keep, has_before, before,
                   &dummy, 0);
    if (rc < 0) {
        as_db_fail(st, err, errlen);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (sqlite3_exec(st->db, dry_run ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}
