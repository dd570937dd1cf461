/* hosts_print.c — as_store_print_hosts: one scan's inventory as an aligned text table for
 * people or a JSON array for programs. Names come off the network, so nothing is printed raw. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "db/store_internal.h"

enum { COL_ADDR, COL_NAME, COL_STATE, COL_REASON, COL_PORTS, COL_MANAGED, COL_DEPLOY, NCOLS };

static const char *const col_title[NCOLS] = {
    "ADDRESS", "NAME", "STATE", "REASON", "OPEN PORTS", "MANAGED", "DEPLOY",
};

/* A copy safe for a terminal: an escape sequence in a PTR record must not reach the tty,
 * and a newline must not forge a row. Empty becomes dash so columns never collapse. */
static char *term_safe(const char *s)
{
    char *d = strdup(s && *s ? s : "-");
    for (char *p = d; p && *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            *p = '?';
    return d;
}

static char *open_ports(const as_host_view *h)
{
    /* "65535/udp," is the longest entry */
    char *buf = malloc(h->nports * 10 + 2), *p = buf;
    if (!buf)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < h->nports; i++) {
        const as_port_view *pv = &h->ports[i];
        if (strcmp(pv->state, "open") != 0)
            continue;
        int udp = strcmp(pv->proto, "tcp") != 0;
        p += sprintf(p, "%s%d%s", p == buf ? "" : ",", pv->port, udp ? "/udp" : "");
    }
    char *safe = term_safe(buf);
    free(buf);
    return safe;
}

static char *managed_cell(const as_host_view *h)
{
    if (!h->managed)
        return strdup("no");
    if (!h->agent || !*h->agent)
        return strdup("yes");
    size_t n = strlen(h->agent) + sizeof "yes ()";
    char *buf = malloc(n);
    if (buf)
        snprintf(buf, n, "yes (%s)", h->agent);
    char *safe = buf ? term_safe(buf) : NULL;
    free(buf);
    return safe;
}

static int fill_row(char **row, const as_host_view *h)
{
    row[COL_ADDR] = term_safe(h->address);
    row[COL_NAME] = term_safe(h->name);
    row[COL_STATE] = strdup(h->up ? "up" : "down");
    row[COL_REASON] = term_safe(h->up_reason);
    row[COL_PORTS] = open_ports(h);
    row[COL_MANAGED] = managed_cell(h);
    row[COL_DEPLOY] = term_safe(h->deploy);
    for (int c = 0; c < NCOLS; c++)
        if (!row[c])
            return -1;
    return 0;
}

static void write_row(FILE *out, char *const *row, const size_t *width)
{
    for (int c = 0; c < NCOLS - 1; c++)
        fprintf(out, "%-*s  ", (int)width[c], row[c]);
    fprintf(out, "%s\n", row[NCOLS - 1]);
}

static void write_header(FILE *out, const as_scan_view *v)
{
    char when[32] = "?";
    struct tm tm;
    time_t t = (time_t)v->started;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *status = term_safe(v->status);
    fprintf(out, "scan %lld (%s, started %s), %zu host%s up\n", (long long)v->id,
            status ? status : "?", when, v->nup, v->nup == 1 ? "" : "s");
    free(status);
}

static int print_table(const as_scan_view *v, FILE *out)
{
    char **cells = calloc((v->nhosts + 1) * NCOLS, sizeof *cells);
    if (!cells)
        return -1;
    int ret = 0;
    size_t width[NCOLS];
    for (int c = 0; c < NCOLS; c++) {
        cells[c] = (char *)col_title[c];
        width[c] = strlen(col_title[c]);
    }
    for (size_t i = 0; i < v->nhosts && ret == 0; i++) {
        char **row = cells + (i + 1) * NCOLS;
        ret = fill_row(row, &v->hosts[i]);
        for (int c = 0; c < NCOLS && ret == 0; c++)
            if (strlen(row[c]) > width[c])
                width[c] = strlen(row[c]);
    }
    if (ret == 0) {
        write_header(out, v);
        for (size_t i = 0; v->nhosts > 0 && i <= v->nhosts; i++)
            write_row(out, cells + i * NCOLS, width);
    }
    for (size_t i = NCOLS; i < (v->nhosts + 1) * NCOLS; i++)
        free(cells[i]);
    free(cells);
    return ret;
}

/* JSON keeps the text as stored (escaped, not replaced) when it is valid UTF-8; bytes that
 * are not cannot be encoded at all, so those strings fall back to the terminal-safe form. */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *safe = term_safe(s);
    j = safe ? json_string(safe) : NULL;
    free(safe);
    return j;
}

/* json_object_set_new consumes val even when it fails, so one check covers both. */
static int put(json_t *obj, const char *key, json_t *val)
{
    return val && json_object_set_new(obj, key, val) == 0 ? 0 : -1;
}

static json_t *json_ports(const as_host_view *h)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h->nports; i++) {
        const as_port_view *p = &h->ports[i];
        json_t *o = json_object();
        if (!o || put(o, "port", json_integer(p->port)) < 0 ||
            put(o, "proto", jstr(p->proto)) < 0 || put(o, "state", jstr(p->state)) < 0 ||
            put(o, "reason", jstr(p->reason)) < 0 || put(o, "service", jstr(p->service)) < 0 ||
            json_array_append_new(arr, o) < 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *json_deploy(const char *deploy)
{
    json_t *arr = json_array();
    char *copy = strdup(deploy ? deploy : ""), *save = NULL;
    if (!arr || !copy) {
        json_decref(arr);
        free(copy);
        return NULL;
    }
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        if (json_array_append_new(arr, jstr(tok)) < 0) {
            json_decref(arr);
            arr = NULL;
            break;
        }
    }
    free(copy);
    return arr;
}

static json_t *json_host(const as_host_view *h, int64_t scan_id)
{
    json_t *o = json_object();
    if (!o || put(o, "address", jstr(h->address)) < 0 || put(o, "name", jstr(h->name)) < 0 ||
        put(o, "mac", jstr(h->mac)) < 0 || put(o, "up", json_boolean(h->up)) < 0 ||
        put(o, "up_reason", jstr(h->up_reason)) < 0 ||
        put(o, "rtt_ms", h->has_rtt ? json_real((double)h->rtt_us / 1000.0) : json_null()) < 0 ||
        put(o, "ports", json_ports(h)) < 0 || put(o, "managed", json_boolean(h->managed)) < 0 ||
        put(o, "agent", jstr(h->agent && *h->agent ? h->agent : NULL)) < 0 ||
        put(o, "deploy", json_deploy(h->deploy)) < 0 ||
        put(o, "scan_id", json_integer(scan_id)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int print_json(const as_scan_view *v, FILE *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < v->nhosts; i++) {
        if (json_array_append_new(arr, json_host(&v->hosts[i], v->id)) < 0) {
            json_decref(arr);
            return -1;
        }
    }
    if (!arr || json_dumpf(arr, out, JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0) {
        json_decref(arr);
        return -1;
    }
    json_decref(arr);
    fputc('\n', out);
    return 0;
}

int as_store_print_hosts(as_store *st, int64_t scan_id, const char *format, int all_hosts,
                         FILE *out, char *err, size_t errlen)
{
    int json = format && strcmp(format, "json") == 0;
    if (!json && (!format || strcmp(format, "table") != 0)) {
        char *safe = term_safe(format ? format : "");
        if (err && errlen)
            snprintf(err, errlen, "unknown output format '%s' (use table or json)",
                     safe ? safe : "?");
        free(safe);
        return -1;
    }
    as_scan_view v;
    if (as_scan_view_load(st, scan_id, all_hosts, &v, err, errlen) < 0)
        return -1;
    errno = 0;
    int rc = json ? print_json(&v, out) : print_table(&v, out);
    as_scan_view_free(&v);
    if (rc == 0 && fflush(out) == 0 && !ferror(out))
        return 0;
    if (err && errlen)
        snprintf(err, errlen, "writing the host list: %s",
                 errno ? strerror(errno) : "out of memory");
    return -1;
}
