/* diff.c — what changed between two scans, host by host: identity is the host id the store
 * assigned (MAC, then name, then address), and "gone" only counts inside b's covered space.
 * Deploy channels are the confirmed ones where the identity phase ran: a channel whose port
 * stays open but whose protocol no longer answers as itself is lost. */
#include <stdlib.h>
#include <string.h>

#include "db/diff_internal.h"
#include "probes/vec.h"

const char *as_change_name(enum as_change_kind k)
{
    static const char *const names[AS_CH_COUNT] = {
        "new", "gone", "back-online", "moved", "port", "os", "name", "agent-appeared",
        "agent-disappeared", "deploy-gained", "deploy-lost",
    };
    return k < AS_CH_COUNT ? names[k] : "?";
}

typedef struct hidx {
    int64_t id;
    const as_host_view *h;
} hidx;

static int cmp_hidx(const void *a, const void *b)
{
    int64_t x = ((const hidx *)a)->id, y = ((const hidx *)b)->id;
    return (x > y) - (x < y);
}

/* Views are sorted by address; diffing needs them by host id. */
static hidx *index_view(const as_scan_view *v)
{
    hidx *ix = malloc((v->nhosts ? v->nhosts : 1) * sizeof *ix);
    if (!ix)
        return NULL;
    for (size_t i = 0; i < v->nhosts; i++)
        ix[i] = (hidx){v->hosts[i].host_id, &v->hosts[i]};
    qsort(ix, v->nhosts, sizeof *ix, cmp_hidx);
    return ix;
}

static const as_host_view *lookup(const hidx *ix, size_t n, int64_t id)
{
    hidx key = {id, NULL};
    const hidx *f = bsearch(&key, ix, n, sizeof *ix, cmp_hidx);
    return f ? f->h : NULL;
}

static int add(as_diff *d, enum as_change_kind k, const as_host_view *h, const as_port_view *p,
               const char *from, const char *to)
{
    if (AS_VEC_RESERVE(d->c, d->cap, d->n + 1) != 0)
        return -1;
    as_change *c = &d->c[d->n];
    *c = (as_change){k, h, p ? p->port : 0, p ? p->proto : NULL, NULL, NULL};
    c->from = from ? strdup(from) : NULL;
    c->to = to ? strdup(to) : NULL;
    if ((from && !c->from) || (to && !c->to)) {
        free(c->from);
        free(c->to);
        return -1;
    }
    d->n++;
    return 0;
}

/* Ports come sorted by protocol, then number: one merge pass. A port probed in only one of
 * the scans is no change: the other scan did not ask. */
static int diff_ports(as_diff *d, const as_host_view *a, const as_host_view *b)
{
    size_t i = 0, j = 0;
    while (i < a->nports && j < b->nports) {
        const as_port_view *p = &a->ports[i], *q = &b->ports[j];
        int c = strcmp(p->proto, q->proto);
        if (c == 0)
            c = (p->port > q->port) - (p->port < q->port);
        if (c < 0)
            i++;
        else if (c > 0)
            j++;
        else {
            if (strcmp(p->state, q->state) != 0 && add(d, AS_CH_PORT, b, q, p->state, q->state) < 0)
                return -1;
            i++, j++;
        }
    }
    return 0;
}

typedef struct item_ctx {
    as_diff *d;
    const as_host_view *h;
    const char *other;
    enum as_change_kind kind;
} item_ctx;

static int item_missing(void *ctx, const char *item)
{
    item_ctx *c = ctx;
    if (as_list_has(c->other, item))
        return 0;
    int on = c->kind == AS_CH_AGENT_ON || c->kind == AS_CH_DEPLOY_ON;
    return add(c->d, c->kind, c->h, NULL, on ? NULL : item, on ? item : NULL) < 0 ? -1 : 0;
}

/* Items of b's list not in a's (appeared), then a's not in b's (disappeared). */
static int diff_list(as_diff *d, const as_host_view *b, const char *la, const char *lb,
                     enum as_change_kind on, enum as_change_kind off)
{
    item_ctx up = {d, b, la, on}, down = {d, b, lb, off};
    if (as_list_each(lb, item_missing, &up) != 0 || as_list_each(la, item_missing, &down) != 0)
        return -1;
    return 0;
}

/* Up in both: everything that can change on a host that stayed. Unknown values (no name,
 * no OS guess) on either side are not changes: a scan with -n or without -O did not ask. */
static int diff_host(as_diff *d, const as_host_view *a, const as_host_view *b)
{
    if (strcmp(a->address, b->address) != 0 && add(d, AS_CH_MOVED, b, NULL, a->address,
                                                    b->address) < 0)
        return -1;
    if (diff_ports(d, a, b) < 0)
        return -1;
    /* The identity phase's verdicts when both scans have one, else the best guesses. */
    const char *va = a->identity ? a->identity->os : NULL, *vb = b->identity ? b->identity->os : NULL;
    if (va && vb) {
        if (strcmp(va, vb) != 0 && add(d, AS_CH_OS, b, NULL, va, vb) < 0)
            return -1;
    } else if (a->nos && b->nos && strcmp(a->os[0].name, b->os[0].name) != 0 &&
               add(d, AS_CH_OS, b, NULL, a->os[0].name, b->os[0].name) < 0)
        return -1;
    if (*a->name && *b->name && strcmp(a->name, b->name) != 0 &&
        add(d, AS_CH_NAME, b, NULL, a->name, b->name) < 0)
        return -1;
    if (diff_list(d, b, a->agent, b->agent, AS_CH_AGENT_ON, AS_CH_AGENT_OFF) < 0)
        return -1;
    return diff_list(d, b, a->deploy, b->deploy, AS_CH_DEPLOY_ON, AS_CH_DEPLOY_OFF);
}

typedef struct pass {
    as_diff *d;
    const as_coverage *ca, *cb;
    const hidx *ia, *ib;
} pass;

/* Hosts up in b: new, back online, or compared with a. */
static int walk_b(const pass *p)
{
    as_diff *d = p->d;
    for (size_t i = 0; i < d->b.nhosts; i++) {
        const as_host_view *b = &d->b.hosts[i], *a = lookup(p->ia, d->a.nhosts, b->host_id);
        int rc = 0;
        if (!b->up)
            continue;
        if (a && a->up)
            rc = diff_host(d, a, b);
        else if (b->first_seen >= d->a.started)
            rc = add(d, AS_CH_NEW, b, NULL, NULL, NULL);
        else if (a || as_coverage_contains(p->ca, b->ip))
            rc = add(d, AS_CH_BACK, b, NULL, NULL, NULL);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* Hosts up in a and silent in b where b looked (or b recorded them down). */
static int walk_a(const pass *p)
{
    as_diff *d = p->d;
    for (size_t i = 0; i < d->a.nhosts; i++) {
        const as_host_view *a = &d->a.hosts[i], *b = lookup(p->ib, d->b.nhosts, a->host_id);
        if (!a->up || (b && b->up))
            continue;
        if (((b && !b->up) || (d->gone_reported && as_coverage_contains(p->cb, a->ip))) &&
            add(d, AS_CH_GONE, a, NULL, NULL, NULL) < 0)
            return -1;
    }
    return 0;
}

static int cmp_change(const void *x, const void *y)
{
    const as_change *a = x, *b = y;
    if (a->h->ip != b->h->ip)
        return a->h->ip < b->h->ip ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = a->proto && b->proto ? strcmp(a->proto, b->proto) : 0;
    if (c)
        return c;
    if (a->port != b->port)
        return a->port < b->port ? -1 : 1;
    return strcmp(a->to ? a->to : a->from ? a->from : "", b->to ? b->to : b->from ? b->from : "");
}

static int compare(as_diff *d, const as_coverage *ca, const as_coverage *cb)
{
    hidx *ia = index_view(&d->a), *ib = index_view(&d->b);
    pass p = {d, ca, cb, ia, ib};
    int rc = ia && ib && walk_b(&p) == 0 && walk_a(&p) == 0 ? 0 : -1;
    free(ia);
    free(ib);
    if (rc == 0 && d->n > 1)
        qsort(d->c, d->n, sizeof *d->c, cmp_change);
    return rc;
}

int as_diff_compute(as_store *st, int64_t a, int64_t b, as_diff *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    as_coverage ca, cb;
    memset(&ca, 0, sizeof ca);
    memset(&cb, 0, sizeof cb);
    int own, rc = -1;
    if (as_read_begin(st, &own, err, errlen) < 0)
        return -1;
    if (as_scan_view_load(st, a, 1, &d->a, err, errlen) == 0 &&
        as_scan_view_load(st, b, 1, &d->b, err, errlen) == 0 &&
        as_coverage_load(st, d->a.id, &ca, err, errlen) == 0 &&
        as_coverage_load(st, d->b.id, &cb, err, errlen) == 0) {
        d->gone_reported = cb.known && strcmp(d->b.status, "complete") == 0;
        rc = compare(d, &ca, &cb);
        if (rc < 0)
            as_db_errf(st, err, errlen, "out of memory comparing scans %lld and %lld",
                       (long long)d->a.id, (long long)d->b.id);
    }
    as_read_end(st, own);
    as_coverage_free(&ca);
    as_coverage_free(&cb);
    if (rc < 0)
        as_diff_free(d);
    return rc;
}

void as_diff_free(as_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->c[i].from);
        free(d->c[i].to);
    }
    free(d->c);
    as_scan_view_free(&d->a);
    as_scan_view_free(&d->b);
    memset(d, 0, sizeof *d);
}
