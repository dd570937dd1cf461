/* diff_print.c — `agentscan diff`: which two scans to compare by default, and the changes
 * as a table for people (terminal-safe) or JSON for scripts (jansson). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/diff_internal.h"
#include "db/export.h"
#include "db/when.h"

/* Scans to compare overlap when their covered spaces share an address; when either cannot
 * be known, when they were given the same targets. */
static int overlaps(as_store *st, int64_t x, int64_t y, int *yes, char *err, size_t errlen)
{
    as_coverage cx, cy;
    if (as_coverage_load(st, x, &cx, err, errlen) < 0)
        return -1;
    if (as_coverage_load(st, y, &cy, err, errlen) < 0) {
        as_coverage_free(&cx);
        return -1;
    }
    if (cx.known && cy.known)
        *yes = as_coverage_overlap(&cx, &cy);
    else {
        sqlite3_stmt *s = NULL;
        *yes = sqlite3_prepare_v2(st->db, "SELECT (SELECT targets FROM scan WHERE id = ?1) = "
                                  "(SELECT targets FROM scan WHERE id = ?2)", -1, &s, NULL)
               == SQLITE_OK && sqlite3_bind_int64(s, 1, x) == SQLITE_OK &&
               sqlite3_bind_int64(s, 2, y) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
               sqlite3_column_int(s, 0) == 1;
        sqlite3_finalize(s);
    }
    as_coverage_free(&cx);
    as_coverage_free(&cy);
    return 0;
}

/* The newest complete scan in (lo, hi) that overlaps `with` (0: any); 0 if none. */
static int64_t newest(as_store *st, int64_t lo, int64_t hi, int64_t with, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT id FROM scan WHERE status = 'complete' AND id > ?1 "
                           "AND id < ?2 ORDER BY id DESC", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, lo) != SQLITE_OK || sqlite3_bind_int64(s, 2, hi) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return -1;
    }
    int64_t found = 0;
    int rc, yes = 1;
    while (found == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (with && overlaps(st, id, with, &yes, err, errlen) < 0) {
            found = -1;
            break;
        }
        if (yes)
            found = id;
    }
    if (found == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        as_db_fail(st, err, errlen);
        found = -1;
    }
    sqlite3_finalize(s);
    return found;
}

/* With neither given: the newest b that has an overlapping a before it, looking back over
 * at most PICK_LOOKBACK complete scans (a scan of a new range has no partner). */
#define PICK_LOOKBACK 64

static int64_t pick_pair(as_store *st, int64_t *a, char *err, size_t errlen)
{
    int64_t b = INT64_MAX;
    for (int i = 0; i < PICK_LOOKBACK; i++) {
        b = newest(st, 0, b, 0, err, errlen);
        if (b <= 0)
            return b;
        *a = newest(st, 0, b, b, err, errlen);
        if (*a != 0)
            return *a < 0 ? -1 : b;
    }
    return 0;
}

int as_store_diff_pick(as_store *st, int64_t *a, int64_t *b, char *err, size_t errlen)
{
    int own;
    if (as_read_begin(st, &own, err, errlen) < 0)
        return -1;
    if (*a == 0 && *b == 0)
        *b = pick_pair(st, a, err, errlen);
    else if (*b == 0)
        *b = newest(st, *a, INT64_MAX, *a, err, errlen);
    else if (*a == 0)
        *a = newest(st, 0, *b, *b, err, errlen);
    as_read_end(st, own);
    if (*a < 0 || *b < 0)
        return -1;
    if (*a == 0 && *b == 0) {
        as_db_errf(st, err, errlen, "nothing to compare yet: no two complete scans of "
                   "overlapping targets (the next one will have a partner)");
        return 1;
    }
    if (*a == 0 || *b == 0) {
        as_db_errf(st, err, errlen, "no two complete scans of overlapping targets to compare "
                   "(give two scan numbers: agentscan diff A B)");
        return -1;
    }
    return 0;
}

void as_change_detail(const as_change *c, char *buf, size_t len)
{
    char when[32];
    switch (c->kind) {
    case AS_CH_NEW:
        as_when_iso(c->h->first_seen, when, sizeof when);
        snprintf(buf, len, "first seen %s", when);
        break;
    case AS_CH_GONE:
        as_when_iso(c->h->last_seen, when, sizeof when);
        snprintf(buf, len, "last seen %s", when);
        break;
    case AS_CH_MOVED:
        snprintf(buf, len, "was %s", c->from);
        break;
    case AS_CH_PORT:
        snprintf(buf, len, "%d/%s %s -> %s", c->port, c->proto, c->from, c->to);
        break;
    case AS_CH_OS:
    case AS_CH_NAME:
        snprintf(buf, len, "%s -> %s", c->from, c->to);
        break;
    case AS_CH_DEPLOY_OFF:
        snprintf(buf, len, "%s%s", c->from ? c->from : "",
                 as_change_still_open(c) ? " (port open, protocol not confirmed)" : "");
        break;
    default:
        snprintf(buf, len, "%s", c->to ? c->to : c->from ? c->from : "");
    }
}

int as_change_still_open(const as_change *c)
{
    return c->kind == AS_CH_DEPLOY_OFF && c->from && c->h->deploy_open &&
           as_list_has(c->h->deploy_open, c->from);
}

static void header(const as_scan_view *v, FILE *out)
{
    char when[32];
    as_when_iso(v->started, when, sizeof when);
    char *t = as_text_clean(v->targets, 2), *s = as_text_clean(v->status, 2);
    fprintf(out, "scan %lld (%s, %s, %s)", (long long)v->id, when, s ? s : "?", t ? t : "?");
    free(t);
    free(s);
}

static int print_table(const as_diff *d, FILE *out)
{
    header(&d->a, out);
    fputs(" -> ", out);
    header(&d->b, out);
    fprintf(out, ": %zu change%s\n", d->n, d->n == 1 ? "" : "s");
    if (!d->gone_reported)
        fprintf(out, "note: scan %lld is not complete or its covered addresses are unknown: "
                "no host is reported gone\n", (long long)d->b.id);
    size_t wn = 4;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->c[i].h->name) > wn)
            wn = strlen(d->c[i].h->name);
    if (d->n)
        fprintf(out, "%-17s  %-15s  %-*s  %s\n", "CHANGE", "ADDRESS", (int)wn, "NAME", "DETAIL");
    for (size_t i = 0; i < d->n; i++) {
        const as_change *c = &d->c[i];
        char buf[1024];
        as_change_detail(c, buf, sizeof buf);
        char *name = as_text_clean(*c->h->name ? c->h->name : "-", 2);
        char *det = as_text_clean(buf, 2);
        if (!name || !det) {
            free(name);
            free(det);
            return -1;
        }
        fprintf(out, "%-17s  %-15s  %-*s  %s\n", as_change_name(c->kind), c->h->address,
                (int)wn, name, det);
        free(name);
        free(det);
    }
    return 0;
}

static json_t *jstr(const char *s)
{
    char *c = as_text_clean(s, 0);
    json_t *j = c ? json_string(c) : (s ? NULL : json_null());
    free(c);
    return j;
}

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static json_t *json_scan(const as_scan_view *v)
{
    char when[32];
    as_when_iso(v->started, when, sizeof when);
    json_t *o = json_object();
    if (!o || put(o, "scan_id", json_integer(v->id)) < 0 || put(o, "started", jstr(when)) < 0 ||
        put(o, "status", jstr(v->status)) < 0 || put(o, "targets", jstr(v->targets)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *json_change(const as_change *c)
{
    json_t *o = json_object();
    int rc = o ? 0 : -1;
    char when[32];
    if (rc == 0) rc = put(o, "change", jstr(as_change_name(c->kind)));
    if (rc == 0) rc = put(o, "host_id", json_integer(c->h->host_id));
    if (rc == 0) rc = put(o, "address", jstr(c->h->address));
    if (rc == 0) rc = put(o, "name", *c->h->name ? jstr(c->h->name) : json_null());
    if (rc == 0 && c->kind == AS_CH_PORT)
        rc = put(o, "port", json_integer(c->port)) || put(o, "proto", jstr(c->proto));
    if (rc == 0 && (c->kind == AS_CH_NEW || c->kind == AS_CH_GONE)) {
        as_when_iso(c->kind == AS_CH_NEW ? c->h->first_seen : c->h->last_seen, when, sizeof when);
        rc = put(o, c->kind == AS_CH_NEW ? "first_seen" : "last_seen", jstr(when));
    }
    const char *item = c->kind == AS_CH_AGENT_ON || c->kind == AS_CH_AGENT_OFF ? "agent"
                     : c->kind == AS_CH_DEPLOY_ON || c->kind == AS_CH_DEPLOY_OFF ? "channel" : NULL;
    if (rc == 0 && item)
        rc = put(o, item, jstr(c->to ? c->to : c->from));
    else if (rc == 0 && (c->from || c->to))
        rc = put(o, "from", jstr(c->from)) || put(o, "to", jstr(c->to));
    if (rc == 0 && as_change_still_open(c))
        rc = put(o, "open_unconfirmed", json_true());
    if (rc != 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int print_json(const as_diff *d, FILE *out)
{
    json_t *root = json_object(), *arr = json_array();
    int rc = root && arr ? 0 : -1;
    if (rc == 0) rc = put(root, "a", json_scan(&d->a));
    if (rc == 0) rc = put(root, "b", json_scan(&d->b));
    if (rc == 0) rc = put(root, "gone_reported", json_boolean(d->gone_reported));
    if (rc == 0) {
        rc = put(root, "changes", arr);
        arr = NULL;
    }
    json_t *changes = root ? json_object_get(root, "changes") : NULL;
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        rc = json_array_append_new(changes, json_change(&d->c[i]));
    if (rc == 0)
        rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII);
    if (rc == 0)
        fputc('\n', out);
    json_decref(arr);
    json_decref(root);
    return rc == 0 ? 0 : -1;
}

int as_store_diff(as_store *st, int64_t a, int64_t b, const char *format, FILE *out,
                  size_t *changes, char *err, size_t errlen)
{
    int json = format && strcmp(format, "json") == 0;
    if (!json && (!format || strcmp(format, "table") != 0)) {
        char *f = as_text_clean(format ? format : "", 2);
        snprintf(err, errlen, "unknown output format '%s' (use table or json)", f ? f : "?");
        free(f);
        return -1;
    }
    as_diff d;
    if (as_diff_compute(st, a, b, &d, err, errlen) < 0)
        return -1;
    *changes = d.n;
    errno = 0;
    int rc = json ? print_json(&d, out) : print_table(&d, out);
    as_diff_free(&d);
    if (rc == 0 && fflush(out) == 0 && !ferror(out))
        return 0;
    snprintf(err, errlen, "writing the changes: %s", errno ? strerror(errno) : "out of memory");
    return -1;
}
