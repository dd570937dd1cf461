/* hosts_print.c — as_store_print_hosts: one scan's inventory as an aligned text table for
 * people or a JSON array for programs. Names come off the network, so nothing is printed raw. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "db/hosts_table.h"
#include "db/identity_out.h"
#include "db/store_internal.h"
#include "fingerprints/oui.h"

#define FW_MARK "!"         /* after the address of a host a firewall may answer for */

/* A copy safe for a terminal: an escape sequence in a PTR record must not reach the tty,
 * and a newline must not forge a row; valid UTF-8 prints as itself. Empty becomes dash so
 * columns never collapse. */
static char *term_safe(const char *s)
{
    return as_hosts_cell_safe(s);
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

/* name, then suffix (the table cuts to the terminal, never the data). */
static char *labelled(const char *name, const char *suffix)
{
    char *safe = term_safe(name);
    if (!safe)
        return NULL;
    size_t n = strlen(safe) + strlen(suffix) + 1;
    char *d = malloc(n);
    if (d)
        snprintf(d, n, "%s%s", safe, suffix);
    free(safe);
    return d;
}

/* The identity phase's fused verdict with its source and confidence, else the best guess
 * and its accuracy, else the passive guess's family, else "-". */
static char *os_cell(const as_host_view *h)
{
    const char *verdict = as_host_verdict(h);
    if (verdict) {
        const as_identity_view *d = h->identity;
        char why[48];
        if (d->os_confidence >= 0)
            snprintf(why, sizeof why, " (%.16s%s%d%%)", d->os_source ? d->os_source : "",
                     d->os_source ? ", " : "", d->os_confidence);
        else
            snprintf(why, sizeof why, "%s%.16s%s", d->os_source ? " (" : "",
                     d->os_source ? d->os_source : "", d->os_source ? ")" : "");
        return labelled(verdict, why);
    }
    if (h->nos > 0) {
        char acc[24];
        snprintf(acc, sizeof acc, " (%d%%)", h->os[0].accuracy);
        return labelled(h->os[0].name, acc);
    }
    if (!h->os_passive || !*h->os_passive)
        return strdup("-");
    char *family = as_passive_family(h->os_passive);
    char *cell = family ? labelled(family, " (passive)") : NULL;
    free(family);
    return cell;
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

/* Firewall suspects, grouped by note: the hosts that share one note and the first of them. */
typedef struct fw_group {
    const char *note;       /* "" when none */
    size_t first, count;
} fw_group;

static int cmp_note(const void *a, const void *b)
{
    const fw_group *x = a, *y = b;
    int c = strcmp(x->note, y->note);
    return c ? c : (x->first > y->first) - (x->first < y->first);
}

static int cmp_first(const void *a, const void *b)
{
    const fw_group *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* One sorted pass, so a /16 of suspects costs n log n, not n^2. Returns the group count. */
static size_t fw_groups(const as_scan_view *v, fw_group *g)
{
    size_t n = 0, w = 0;
    for (size_t i = 0; i < v->nhosts; i++)
        if (v->hosts[i].firewall_suspect) {
            const char *note = v->hosts[i].firewall_note;
            g[n++] = (fw_group){note ? note : "", i, 1};
        }
    qsort(g, n, sizeof *g, cmp_note);
    for (size_t i = 0; i < n; i++) {
        if (w > 0 && strcmp(g[w - 1].note, g[i].note) == 0)
            g[w - 1].count++;
        else
            g[w++] = g[i];
    }
    qsort(g, w, sizeof *g, cmp_first);
    return w;
}

/* "! replies may come from a firewall, not the hosts: NOTE" under the table; when the
 * suspects disagree, each line names the hosts it is about. */
static int write_footnotes(const as_scan_view *v, FILE *out)
{
    fw_group *g = malloc((v->nhosts ? v->nhosts : 1) * sizeof *g);
    if (!g)
        return -1;
    size_t n = fw_groups(v, g);
    int ret = 0;
    for (size_t i = 0; i < n && ret == 0; i++) {
        const fw_group *x = &g[i];
        char *note = *x->note ? term_safe(x->note) : NULL;
        char *addr = term_safe(v->hosts[x->first].address);
        if (!addr || (*x->note && !note))
            ret = -1;
        else {
            fputs(FW_MARK " ", out);
            if (n > 1 && x->count > 1)
                fprintf(out, "%s and %zu more: ", addr, x->count - 1);
            else if (n > 1)
                fprintf(out, "%s: ", addr);
            fprintf(out, "replies may come from a firewall, not the hosts%s%s\n",
                    note ? ": " : "", note ? note : "");
        }
        free(note);
        free(addr);
    }
    free(g);
    return ret;
}

static int print_table(const as_scan_view *v, const as_hosts_opts *o, FILE *out)
{
    write_header(out, v);
    if (as_hosts_table(v, o, os_cell, open_ports, out) != 0)
        return -1;
    int unconfirmed = 0;
    for (size_t i = 0; i < v->nhosts && !unconfirmed; i++)
        unconfirmed = as_hosts_keep(o, &v->hosts[i]) && as_hosts_has_unconfirmed(&v->hosts[i]);
    if (unconfirmed)
        fputs(AS_HOSTS_UNCONFIRMED " after a channel or agent: its port answered a SYN, but the "
              "protocol did not answer as itself (not deployable, not managed)\n", out);
    return write_footnotes(v, out);
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
            put(o, "product", jstr(p->product)) < 0 || put(o, "version", jstr(p->version)) < 0 ||
            put(o, "confirmed", p->confirmed < 0 ? json_null() : json_boolean(p->confirmed)) < 0 ||
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

static json_t *jstr_or_null(const char *s)
{
    return s && *s ? jstr(s) : json_null();
}

/* The guesses best first, each with nmap's classification fields. */
static json_t *json_os(const as_host_view *h)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h->nos; i++) {
        const as_os_view *g = &h->os[i];
        json_t *o = json_object();
        if (!o || put(o, "name", jstr(g->name)) < 0 ||
            put(o, "accuracy", json_integer(g->accuracy)) < 0 ||
            put(o, "vendor", jstr_or_null(g->vendor)) < 0 ||
            put(o, "family", jstr_or_null(g->family)) < 0 ||
            put(o, "generation", jstr_or_null(g->generation)) < 0 ||
            put(o, "type", jstr_or_null(g->type)) < 0 || put(o, "cpe", jstr_or_null(g->cpe)) < 0 ||
            json_array_append_new(arr, o) < 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static int json_os_fields(json_t *o, const as_host_view *h)
{
    int passive = h->os_passive && *h->os_passive;
    if (put(o, "os", json_os(h)) < 0 ||
        put(o, "os_fingerprint", jstr_or_null(h->os_fingerprint)) < 0 ||
        put(o, "os_passive", jstr_or_null(h->os_passive)) < 0 ||
        put(o, "os_passive_accuracy", passive && h->has_passive_accuracy ?
            json_integer(h->os_passive_accuracy) : json_null()) < 0 ||
        put(o, "firewall_suspect", json_boolean(h->firewall_suspect)) < 0 ||
        put(o, "firewall_note", jstr_or_null(h->firewall_suspect ? h->firewall_note : NULL)) < 0)
        return -1;
    return 0;
}

/* What the identity phase added (schema 4): the channels only open, the MAC's vendor, the
 * identity object and its evidence. */
static int json_identity_fields(json_t *o, const as_host_view *h, const as_hosts_opts *opts)
{
    const char *vendor = opts->oui && h->mac ? as_oui_lookup_text(opts->oui, h->mac) : NULL;
    if (put(o, "deploy_open", json_deploy(h->deploy_open)) < 0 ||
        put(o, "mac_vendor", jstr_or_null(vendor)) < 0 ||
        put(o, "identity", as_identity_json(h)) < 0 ||
        put(o, "evidence", as_evidence_json(h)) < 0)
        return -1;
    return 0;
}

static json_t *json_host(const as_host_view *h, int64_t scan_id, const as_hosts_opts *opts)
{
    json_t *o = json_object();
    if (!o || put(o, "address", jstr(h->address)) < 0 || put(o, "name", jstr(h->name)) < 0 ||
        put(o, "mac", jstr(h->mac)) < 0 || put(o, "up", json_boolean(h->up)) < 0 ||
        put(o, "up_reason", jstr(h->up_reason)) < 0 ||
        put(o, "rtt_ms", h->has_rtt ? json_real((double)h->rtt_us / 1000.0) : json_null()) < 0 ||
        put(o, "ports", json_ports(h)) < 0 || put(o, "managed", json_boolean(h->managed)) < 0 ||
        put(o, "agent", jstr(h->agent && *h->agent ? h->agent : NULL)) < 0 ||
        put(o, "deploy", json_deploy(h->deploy)) < 0 || json_os_fields(o, h) < 0 ||
        put(o, "scan_id", json_integer(scan_id)) < 0 ||
        put(o, "host_id", json_integer(h->host_id)) < 0 ||
        json_identity_fields(o, h, opts) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int print_json(const as_scan_view *v, const as_hosts_opts *o, FILE *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < v->nhosts; i++) {
        if (!as_hosts_keep(o, &v->hosts[i]))
            continue;
        if (json_array_append_new(arr, json_host(&v->hosts[i], v->id, o)) < 0) {
            json_decref(arr);
            return -1;
        }
    }
    if (!arr || json_dumpf(arr, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII) < 0) {
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
    as_hosts_opts o;
    memset(&o, 0, sizeof o);
    o.scan_id = scan_id;
    o.format = format;
    o.all_hosts = all_hosts;
    return as_store_print_hosts_opts(st, &o, out, err, errlen);
}

int as_store_print_hosts_opts(as_store *st, const as_hosts_opts *o, FILE *out, char *err,
                              size_t errlen)
{
    const char *format = o->format;
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
    if (as_scan_view_load(st, o->scan_id, o->all_hosts, &v, err, errlen) < 0)
        return -1;
    errno = 0;
    int rc = o->gone ? as_hosts_gone(st, &v, json, out, err, errlen)
             : json ? print_json(&v, o, out) : print_table(&v, o, out);
    as_scan_view_free(&v);
    if (rc == 0 && fflush(out) == 0 && !ferror(out))
        return 0;
    if (rc == -2)
        return -1;      /* a database error, err says which */
    if (err && errlen)
        snprintf(err, errlen, "writing the host list: %s",
                 errno ? strerror(errno) : "out of memory");
    return -1;
}
