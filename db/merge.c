/* merge.c — `agentscan merge`: reads the scans of several gateways' databases with their
 * provenance, skips what was merged before, and groups the shards of one round together. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "db/merge_internal.h"
#include "probes/vec.h"

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

static void free_scan(mg_scan *sc)
{
    for (size_t i = 0; i < sc->norigin; i++) {
        free(sc->origin[i].gateway);
        free(sc->origin[i].job);
        free(sc->origin[i].source_ip);
        free(sc->origin[i].origin_db);
        free(sc->origin[i].status);
    }
    free(sc->origin);
    free(sc->status);
    free(sc->targets);
    free(sc->options);
    free(sc);
}

/* A scan without provenance (a plain `agentscan scan`): its gateway is the file's name. */
static int synth_origin(mg_scan *sc, const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".db") == 0)
        n -= 3;
    if ((sc->origin = calloc(1, sizeof *sc->origin)) == NULL)
        return -1;
    sc->norigin = 1;
    sc->origin->gateway = strndup(base, n);
    sc->origin->origin_scan = sc->id;
    sc->origin->origin_started = sc->started;
    sc->origin->origin_db = strdup(path);
    sc->origin->status = strdup(sc->status);
    return sc->origin->gateway && sc->origin->origin_db && sc->origin->status ? 0 : -1;
}

static int read_origins(as_store *src, mg_scan *sc, const char *path, char *err, size_t errlen)
{
    if (!as_origin_exists(src))
        return synth_origin(sc, path);
    sqlite3_stmt *s = as_origin_prepare(src, "SELECT gateway, job, shard_k, shard_n, seed, "
        "source_ip, origin_scan, origin_started, origin_db, coalesce(origin_status, "
        "(SELECT status FROM scan WHERE id = ?1)) FROM scan_origin WHERE scan_id = ?1 ORDER BY shard_k", err, errlen);
    if (s == NULL)
        return -1;
    sqlite3_bind_int64(s, 1, sc->id);
    while (sqlite3_step(s) == SQLITE_ROW) {
        mg_origin *no = realloc(sc->origin, (sc->norigin + 1) * sizeof *no);
        if (no == NULL)
            break;
        sc->origin = no;
        mg_origin *o = &sc->origin[sc->norigin++];
        *o = (mg_origin){dup_col(s, 0), dup_col(s, 1), dup_col(s, 5), dup_col(s, 8),
                         (unsigned)sqlite3_column_int(s, 2), (unsigned)sqlite3_column_int(s, 3),
                         sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 6),
                         sqlite3_column_double(s, 7), dup_col(s, 9)};
        if (o->origin_db == NULL)
            o->origin_db = strdup(path);    /* the gateway's own scan: this file */
    }
    sqlite3_finalize(s);
    if (sc->norigin == 0)
        return synth_origin(sc, path);
    int sharded = 1;
    for (size_t i = 0; i < sc->norigin; i++) {
        const mg_origin *o = &sc->origin[i], *f = &sc->origin[0];
        sharded &= o->n > 1 && o->job && f->job && strcmp(o->job, f->job) == 0 &&
                   o->seed == f->seed && o->n == f->n;
    }
    sc->sharded = sharded;
    return 0;
}

static int add_scan(mg_scan ***arr, size_t *n, size_t *cap, mg_scan *sc)
{
    if (AS_VEC_RESERVE(*arr, *cap, *n + 1) != 0)
        return -1;
    (*arr)[(*n)++] = sc;
    return 0;
}

/* Finished scans only: a 'running' one is still being written (or died; its gateway's
 * next sweep closes it) and is taken by a later merge. */
static int read_scans(as_store *src, size_t si, const char *path, mg_scan ***arr, size_t *n,
                      size_t *cap, char *err, size_t errlen)
{
    sqlite3_stmt *s = as_origin_prepare(src, "SELECT id, started, coalesce(finished, started), "
        "status, targets, options, coalesce(addresses, 0), coalesce(probes_sent, 0), "
        "coalesce(replies, 0) FROM scan WHERE status IN ('complete', 'interrupted') ORDER BY id",
        err, errlen);
    if (s == NULL)
        return -1;
    int rc = 0;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        mg_scan *sc = calloc(1, sizeof *sc);
        if (sc == NULL) {
            rc = -1;
            break;
        }
        *sc = (mg_scan){si, sqlite3_column_int64(s, 0), sqlite3_column_double(s, 1),
                        sqlite3_column_double(s, 2), dup_col(s, 3), dup_col(s, 4), dup_col(s, 5),
                        sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7),
                        sqlite3_column_int64(s, 8), 0, NULL, 0};
        if (!sc->status || !sc->targets || !sc->options || read_origins(src, sc, path, err, errlen) != 0 ||
            add_scan(arr, n, cap, sc) != 0) {
            free_scan(sc);
            rc = -1;
        }
    }
    sqlite3_finalize(s);
    if (rc != 0 && err[0] == '\0')
        snprintf(err, errlen, "%s: out of memory", path);
    return rc;
}

/* 1 if every provenance row of the scan is in dst already. */
static int merged_before(as_store *dst, const mg_scan *sc)
{
    if (!as_origin_exists(dst))
        return 0;
    char e[64];
    sqlite3_stmt *s = as_origin_prepare(dst, "SELECT 1 FROM scan_origin WHERE gateway = ?1 AND "
                                        "origin_scan = ?2 AND origin_started = ?3", e, sizeof e);
    int all = s != NULL;
    for (size_t i = 0; all && i < sc->norigin; i++) {
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, sc->origin[i].gateway, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, sc->origin[i].origin_scan);
        sqlite3_bind_double(s, 3, sc->origin[i].origin_started);
        all = sqlite3_step(s) == SQLITE_ROW;
    }
    sqlite3_finalize(s);
    return all;
}

static int same_origin(const mg_origin *a, const mg_origin *b)
{
    return strcmp(a->gateway, b->gateway) == 0 && a->origin_scan == b->origin_scan &&
           a->origin_started == b->origin_started;
}

/* 1 if every provenance row of sc is also one of an earlier scan of this same merge: two
 * copies of one gateway's file in an inbox are one scan, not two. */
static int read_before(mg_scan *const *kept, size_t n, const mg_scan *sc)
{
    for (size_t i = 0; i < n; i++) {
        const mg_scan *k = kept[i];
        /* A copy under another file name: its synthesized gateway differs, the scan not. */
        if (k->id == sc->id && k->started == sc->started && k->finished == sc->finished &&
            strcmp(k->targets, sc->targets) == 0 && strcmp(k->options, sc->options) == 0)
            return 1;
        size_t found = 0;
        for (size_t j = 0; j < sc->norigin; j++)
            for (size_t k = 0; k < kept[i]->norigin; k++)
                if (same_origin(&sc->origin[j], &kept[i]->origin[k])) {
                    found++;
                    break;
                }
        if (sc->norigin > 0 && found == sc->norigin)
            return 1;
    }
    return 0;
}

static int has_k(const mg_group *g, unsigned k)
{
    for (size_t i = 0; i < g->nks; i++)
        if (g->ks[i] == k)
            return 1;
    return 0;
}

static int fits(const mg_group *g, const mg_scan *sc, double window)
{
    const mg_origin *a = &g->m[0]->origin[0], *b = &sc->origin[0];
    if (!g->m[0]->sharded || !sc->sharded || strcmp(a->job, b->job) != 0 || a->seed != b->seed ||
        a->n != b->n || fabs(g->started - sc->started) > window)
        return 0;
    for (size_t i = 0; i < sc->norigin; i++)
        if (has_k(g, sc->origin[i].k))
            return 0;
    return 1;
}

static int add_member(mg_group *g, mg_scan *sc)
{
    if (AS_VEC_RESERVE(g->m, g->cap, g->n + 1) != 0)
        return -1;
    unsigned *nk = realloc(g->ks, (g->nks + sc->norigin) * sizeof *nk);
    if (nk == NULL)
        return -1;
    g->ks = nk;
    for (size_t i = 0; i < sc->norigin; i++)
        if (sc->sharded)
            g->ks[g->nks++] = sc->origin[i].k;
    g->m[g->n++] = sc;
    return 0;
}

/* A round merged earlier that this shard completes: same job, seed and N, started within
 * the window, and not holding this shard yet. */
static int find_in_dst(as_store *dst, const mg_scan *sc, double window, mg_group *g)
{
    if (!sc->sharded || !as_origin_exists(dst))
        return 0;
    char e[64];
    const mg_origin *o = &sc->origin[0];
    sqlite3_stmt *s = as_origin_prepare(dst, "SELECT DISTINCT o.scan_id, s.started FROM "
        "scan_origin o JOIN scan s ON s.id = o.scan_id WHERE o.job = ?1 AND o.seed = ?2 AND "
        "o.shard_n = ?3 AND abs(s.started - ?4) <= ?5 ORDER BY abs(s.started - ?4)", e, sizeof e);
    sqlite3_stmt *k = as_origin_prepare(dst, "SELECT shard_k FROM scan_origin WHERE scan_id = ?1", e, sizeof e);
    int found = 0;
    if (s && k) {
        sqlite3_bind_text(s, 1, o->job, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 2, o->seed);
        sqlite3_bind_int(s, 3, (int)o->n);
        sqlite3_bind_double(s, 4, sc->started);
        sqlite3_bind_double(s, 5, window);
    }
    while (!found && s && k && sqlite3_step(s) == SQLITE_ROW) {
        g->dst_id = sqlite3_column_int64(s, 0);
        g->started = sqlite3_column_double(s, 1);
        g->nks = 0;
        sqlite3_reset(k);
        sqlite3_bind_int64(k, 1, g->dst_id);
        while (sqlite3_step(k) == SQLITE_ROW) {
            unsigned *nk = realloc(g->ks, (g->nks + 1) * sizeof *nk);
            if (nk == NULL)
                break;
            g->ks = nk;
            g->ks[g->nks++] = (unsigned)sqlite3_column_int(k, 0);
        }
        found = 1;
        for (size_t i = 0; i < sc->norigin; i++)
            found &= !has_k(g, sc->origin[i].k);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(k);
    if (!found)
        g->dst_id = 0, g->nks = 0;
    return found;
}

static int cmp_started(const void *a, const void *b)
{
    const mg_scan *x = *(mg_scan *const *)a, *y = *(mg_scan *const *)b;
    return x->started < y->started ? -1 : x->started > y->started ? 1 : (x->id > y->id) - (x->id < y->id);
}

/* Puts each scan in a group: an earlier group of this run, a round in dst, or its own. */
static int plan(as_store *dst, mg_scan **scans, size_t n, double window, mg_group **groups,
                size_t *ng)
{
    qsort(scans, n, sizeof *scans, cmp_started);
    for (size_t i = 0; i < n; i++) {
        mg_group *g = NULL;
        for (size_t j = 0; j < *ng && g == NULL; j++)
            if (fits(&(*groups)[j], scans[i], window))
                g = &(*groups)[j];
        if (g == NULL) {
            mg_group *ngs = realloc(*groups, (*ng + 1) * sizeof *ngs);
            if (ngs == NULL)
                return -1;
            *groups = ngs;
            g = &(*groups)[(*ng)++];
            memset(g, 0, sizeof *g);
            g->started = scans[i]->started;
            find_in_dst(dst, scans[i], window, g);
        }
        if (add_member(g, scans[i]) != 0)
            return -1;
    }
    return 0;
}

int as_store_merge(as_store *dst, const char *const *sources, size_t nsources, double window,
                   as_merge_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    err[0] = '\0';
    as_store **srcs = calloc(nsources ? nsources : 1, sizeof *srcs);
    mg_scan **scans = NULL;
    mg_group *groups = NULL;
    size_t n = 0, cap = 0, ng = 0;
    int rc = srcs ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < nsources; i++) {
        /* Sources are read only: an inbox file is never migrated or given a -wal. */
        rc = as_store_open_read(&srcs[i], sources[i], err, errlen) == 0 ? 0 : -1;
        if (rc == 0)
            rc = read_scans(srcs[i], i, sources[i], &scans, &n, &cap, err, errlen);
    }
    size_t keep = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        r->scans_read++;
        if (merged_before(dst, scans[i]) || read_before(scans, keep, scans[i])) {
            r->scans_skipped++;
            free_scan(scans[i]);
        } else {
            scans[keep++] = scans[i];
        }
    }
    if (rc == 0)
        n = keep;
    if (rc == 0 && plan(dst, scans, n, window, &groups, &ng) != 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < ng; i++)
        rc = mg_write_group(dst, srcs, &groups[i], r, err, errlen);
    if (rc != 0 && err[0] == '\0')
        snprintf(err, errlen, "out of memory");
    for (size_t i = 0; i < ng; i++) {
        free(groups[i].m);
        free(groups[i].ks);
    }
    free(groups);
    for (size_t i = 0; i < n; i++)
        free_scan(scans[i]);
    free(scans);
    for (size_t i = 0; srcs && i < nsources; i++)
        as_store_close(srcs[i]);
    free(srcs);
    return rc;
}
