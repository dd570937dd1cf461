/* export.c — `agentscan export`: loads one scan, applies the filters (--managed, --since…),
 * derives the per-host facts every format shares, and hands the hosts to one writer. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/diff_internal.h"
#include "db/export_internal.h"
#include "db/os_class.h"

int as_export_format_parse(const char *name, enum as_export_format *out)
{
    static const struct { const char *name; enum as_export_format f; } t[] = {
        {"csv", AS_EXPORT_CSV}, {"json", AS_EXPORT_JSON}, {"ndjson", AS_EXPORT_NDJSON},
        {"nmap-xml", AS_EXPORT_XML}, {"xml", AS_EXPORT_XML}, {"cmdb", AS_EXPORT_CMDB},
    };
    for (size_t i = 0; name && i < sizeof t / sizeof t[0]; i++)
        if (strcmp(name, t[i].name) == 0) {
            *out = t[i].f;
            return 0;
        }
    return -1;
}

const char *as_x_vendor(const as_export_ctx *x, const as_host_view *h)
{
    return h->mac ? as_oui_lookup_text(x->o->oui, h->mac) : NULL;
}

const as_os_view *as_x_best_os(const as_host_view *h)
{
    return h->nos ? &h->os[0] : NULL;
}

char *as_x_os_name(const as_host_view *h, int *accuracy, int *oom)
{
    const as_os_view *os = as_x_best_os(h);
    *accuracy = -1;
    if (os) {
        *accuracy = os->accuracy;
        char *d = strdup(os->name);
        *oom |= !d;
        return d;
    }
    if (!h->os_passive || !*h->os_passive)
        return NULL;
    char *family = as_passive_family(h->os_passive);
    size_t n = family ? strlen(family) + sizeof " (passive)" : 0;
    char *d = family ? malloc(n) : NULL;
    if (d)
        snprintf(d, n, "%s (passive)", family);
    free(family);
    *oom |= !d;
    if (d && h->has_passive_accuracy)
        *accuracy = h->os_passive_accuracy;
    return d;
}

const char *as_x_firewall_note(const as_host_view *h)
{
    return h->firewall_suspect && h->firewall_note && *h->firewall_note ? h->firewall_note
                                                                          : NULL;
}

static uint8_t proto_num(const char *proto)
{
    return strcmp(proto, "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
}

int as_x_is_login(const as_export_ctx *x, const as_port_view *p)
{
    return x->o->deploy && p->port > 0 && p->port < 65536 &&
           as_port_table_product(x->o->deploy, (uint16_t)p->port, proto_num(p->proto)) != NULL;
}

int as_x_port_in(const as_export_ctx *x, const as_port_view *p, int which)
{
    if (which == 0)
        return strcmp(p->state, "open") == 0;
    return strcmp(p->state, "filtered") == 0 && as_x_is_login(x, p);
}

char *as_x_ports(const as_export_ctx *x, const as_host_view *h, int which)
{
    char *buf = malloc(h->nports * 12 + 1), *w = buf;     /* "65535/sctp," */
    if (!buf)
        return NULL;
    *w = '\0';
    for (size_t i = 0; i < h->nports; i++) {
        const as_port_view *p = &h->ports[i];
        if (!as_x_port_in(x, p, which))
            continue;
        int tcp = strcmp(p->proto, "tcp") == 0;
        w += sprintf(w, "%s%d%s%.4s", w == buf ? "" : ",", p->port, tcp ? "" : "/",
                     tcp ? "" : p->proto);
    }
    return buf;
}

const char *as_x_family(const as_export_ctx *x, const as_host_view *h)
{
    as_os_class c;
    as_os_classify(h, x->o->deploy, &c);
    return c.family;
}

const char *as_x_device(const as_export_ctx *x, const as_host_view *h)
{
    as_os_class c;
    as_os_classify(h, x->o->deploy, &c);
    return c.device;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* changed: sorted ids of the hosts --since selects, NULL when there is no --since. */
static int keep(const as_export_opts *o, const as_host_view *h, const int64_t *changed, size_t n)
{
    if ((o->up_only && !h->up) || (o->managed && !h->managed) ||
        (o->unmanaged && h->managed) || (o->deployable && !*h->deploy))
        return 0;
    return !changed || bsearch(&h->host_id, changed, n, sizeof *changed, cmp_id) != NULL;
}

static int64_t *changed_ids(const as_diff *d)
{
    int64_t *ids = malloc((d->n ? d->n : 1) * sizeof *ids);
    for (size_t i = 0; ids && i < d->n; i++)
        ids[i] = d->c[i].h->host_id;
    if (ids)
        qsort(ids, d->n, sizeof *ids, cmp_id);
    return ids;
}

/* The scan --since DATE compares with: the last complete scan started by then. */
static int64_t since_scan(as_store *st, const as_when *w, char *err, size_t errlen)
{
    if (w->is_scan)
        return w->scan_id;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id), 0) FROM scan WHERE status = "
                           "'complete' AND started <= ?1", -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_double(s, 1, w->time) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return -1;
    }
    int64_t id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return id;
}

static int write_format(const as_export_ctx *x)
{
    switch (x->o->format) {
    case AS_EXPORT_CSV: return as_export_csv(x);
    case AS_EXPORT_JSON: return as_export_json(x, 0);
    case AS_EXPORT_NDJSON: return as_export_json(x, 1);
    case AS_EXPORT_XML: return as_export_xml(x);
    case AS_EXPORT_CMDB: return as_export_cmdb(x);
    }
    errno = EINVAL;
    return -1;
}

/* Loads, filters and writes, inside the caller's read transaction. */
static int run(as_store *st, const as_export_opts *o, FILE *out, as_scan_view *v, as_diff *d,
               int *have_diff, char *err, size_t errlen)
{
    if (as_scan_view_load(st, o->scan_id, 1, v, err, errlen) < 0)
        return -1;
    if (o->has_since) {
        int64_t base = since_scan(st, &o->since, err, errlen);
        if (base < 0)
            return -1;
        /* No scan that early: every host is new since then. */
        if (base > 0) {
            if (as_diff_compute(st, base, v->id, d, err, errlen) < 0)
                return -1;
            *have_diff = 1;
        }
    }
    as_export_ctx x = {o, v, NULL, 0, out};
    int64_t *changed = *have_diff ? changed_ids(d) : NULL;
    x.hosts = malloc((v->nhosts ? v->nhosts : 1) * sizeof *x.hosts);
    if (!x.hosts || (*have_diff && !changed)) {
        free(x.hosts);
        free(changed);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < v->nhosts; i++)
        if (keep(o, &v->hosts[i], changed, *have_diff ? d->n : 0))
            x.hosts[x.n++] = &v->hosts[i];
    free(changed);
    errno = 0;
    int rc = write_format(&x);
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        rc = -1;
    if (rc < 0)
        snprintf(err, errlen, "writing the export: %s", errno ? strerror(errno) : "out of memory");
    free(x.hosts);
    return rc;
}

int as_store_export(as_store *st, const as_export_opts *o, FILE *out, char *err, size_t errlen)
{
    as_scan_view v;
    as_diff d;
    memset(&v, 0, sizeof v);
    memset(&d, 0, sizeof d);
    int own, have_diff = 0;
    if (as_read_begin(st, &own, err, errlen) < 0)
        return -1;
    int rc = o->gone ? as_store_export_gone(st, o, out, err, errlen)
                     : run(st, o, out, &v, &d, &have_diff, err, errlen);
    as_read_end(st, own);
    if (have_diff)
        as_diff_free(&d);
    as_scan_view_free(&v);
    return rc;
}
