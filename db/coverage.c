/* coverage.c — the address space each scan covered: recorded as intervals after the scan,
 * read back for `diff`, whose "gone" only means something inside it. */
#include <stdlib.h>
#include <string.h>

#include "db/store_internal.h"
#include "probes/vec.h"

/* Largest set derived from a v1 scan's target text. */
#define COVERAGE_MAX_INTERVALS 65536

static int exec_bound(as_store *st, const char *sql, int64_t scan_id, const char *text)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK && text) rc = sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : -1;
}

static int insert_ranges(as_store *st, int64_t scan_id, const uint32_t *lo, const uint32_t *hi,
                         size_t n)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "INSERT INTO scan_target(scan_id, lo, hi) VALUES(?1, ?2, ?3) "
                           "ON CONFLICT(scan_id, lo) DO UPDATE SET hi = max(hi, excluded.hi)",
                           -1, &s, NULL) != SQLITE_OK)
        return -1;
    int rc = SQLITE_OK;
    for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
        uint32_t a = lo[i] <= hi[i] ? lo[i] : hi[i], b = lo[i] <= hi[i] ? hi[i] : lo[i];
        rc = sqlite3_bind_int64(s, 1, scan_id);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, a);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 3, b);
        if (rc == SQLITE_OK) rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : -1;
}

int as_store_scan_ranges(as_store *st, int64_t scan_id, const uint32_t *lo, const uint32_t *hi,
                         size_t n, char *err, size_t errlen)
{
    if (lo && !hi) {
        as_db_errf(st, err, errlen, "scan ranges: lo without hi (this is a bug in agentscan)");
        return -1;
    }
    int own = sqlite3_get_autocommit(st->db);
    if (own && sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int rc = exec_bound(st, "DELETE FROM scan_target WHERE scan_id = ?1", scan_id, NULL);
    if (rc == 0)
        rc = exec_bound(st, "UPDATE scan SET coverage = ?2 WHERE id = ?1", scan_id,
                        lo ? "ranges" : "unknown");
    if (rc == 0 && sqlite3_changes(st->db) != 1) {
        as_db_errf(st, err, errlen, "no scan %lld in DB", (long long)scan_id);
        rc = -2;
    }
    if (rc == 0 && lo)
        rc = insert_ranges(st, scan_id, lo, hi, n);
    if (rc == -1)
        as_db_fail(st, err, errlen);
    if (own)
        sqlite3_exec(st->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc == 0 ? 0 : -1;
}

void as_coverage_free(as_coverage *c)
{
    free(c->lo);
    free(c->hi);
    memset(c, 0, sizeof *c);
}

/* The target grammar belongs to the engine; it hands its parser down at start-up. */
static as_target_intervals_fn target_parser;

void as_store_set_target_parser(as_target_intervals_fn fn)
{
    target_parser = fn;
}

int as_coverage_from_text(const char *targets, size_t max, as_coverage *c)
{
    c->known = target_parser != NULL && targets != NULL &&
               target_parser(targets, max, &c->lo, &c->hi, &c->n) == 0;
    return c->known ? 0 : -1;
}

/* A scan from before coverage was recorded: its target text, parsed again without DNS
 * (a name in it makes the coverage unknown rather than a lookup today). */
static void from_targets(as_coverage *c, const char *targets)
{
    as_coverage_from_text(targets, COVERAGE_MAX_INTERVALS, c);
}

static int load_rows(as_store *st, int64_t scan_id, as_coverage *c)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT lo, hi FROM scan_target WHERE scan_id = ?1 "
                           "ORDER BY lo", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, scan_id) != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1;
    }
    size_t lcap = 0, hcap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (AS_VEC_RESERVE(c->lo, lcap, c->n + 1) != 0 || AS_VEC_RESERVE(c->hi, hcap, c->n + 1) != 0)
            break;
        int64_t lo = sqlite3_column_int64(s, 0), hi = sqlite3_column_int64(s, 1);
        /* Rows written by other tools: out-of-range values are clamped, not trusted. */
        c->lo[c->n] = (uint32_t)(lo < 0 ? 0 : lo > UINT32_MAX ? UINT32_MAX : lo);
        c->hi[c->n] = (uint32_t)(hi < lo ? c->lo[c->n] : hi > UINT32_MAX ? UINT32_MAX : hi);
        c->n++;
    }
    sqlite3_finalize(s);
    /* Sorted by lo; merge overlaps so that binary search on hi is valid. */
    size_t w = 0;
    for (size_t i = 0; i < c->n && rc == SQLITE_DONE; i++) {
        if (w > 0 && c->lo[i] <= c->hi[w - 1]) {
            if (c->hi[i] > c->hi[w - 1])
                c->hi[w - 1] = c->hi[i];
            continue;
        }
        c->lo[w] = c->lo[i];
        c->hi[w++] = c->hi[i];
    }
    c->n = w;
    return rc == SQLITE_DONE ? 0 : -1;
}

int as_coverage_load(as_store *st, int64_t scan_id, as_coverage *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT coverage, targets FROM scan WHERE id = ?1", -1, &s,
                           NULL) != SQLITE_OK || sqlite3_bind_int64(s, 1, scan_id) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return -1;
    }
    int rc = sqlite3_step(s), ret = 0;
    if (rc == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 0);
        const char *targets = (const char *)sqlite3_column_text(s, 1);
        if (!kind)
            from_targets(c, targets ? targets : "");
        else if (strcmp(kind, "ranges") == 0) {
            c->known = 1;
            if (load_rows(st, scan_id, c) < 0) {
                as_db_fail(st, err, errlen);
                ret = -1;
            }
        }
    } else if (rc == SQLITE_DONE) {
        as_db_errf(st, err, errlen, "no scan %lld in DB", (long long)scan_id);
        ret = -1;
    } else {
        as_db_fail(st, err, errlen);
        ret = -1;
    }
    sqlite3_finalize(s);
    if (ret < 0)
        as_coverage_free(c);
    return ret;
}

int as_coverage_contains(const as_coverage *c, uint32_t ip)
{
    if (!c->known || c->n == 0)
        return 0;
    size_t lo = 0, hi = c->n;
    while (lo < hi) {       /* the first interval with hi >= ip */
        size_t mid = lo + (hi - lo) / 2;
        if (c->hi[mid] < ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && c->lo[lo] <= ip;
}

int as_coverage_overlap(const as_coverage *a, const as_coverage *b)
{
    size_t i = 0, j = 0;
    while (i < a->n && j < b->n) {
        if (a->hi[i] < b->lo[j])
            i++;
        else if (b->hi[j] < a->lo[i])
            j++;
        else
            return 1;
    }
    return 0;
}
