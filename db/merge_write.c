/* merge_write.c — one merged scan: the hosts of its source scans combined (a host two shards
 * both saw keeps the most decisive state of each port), its provenance, coverage, status. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/liveness.h"
#include "db/merge_internal.h"

typedef struct hv {
    const as_host_view *h;
} hv;

static int cmp_hv(const void *a, const void *b)
{
    uint32_t x = ((const hv *)a)->h->ip, y = ((const hv *)b)->h->ip;
    return (x > y) - (x < y);
}

/* The most decisive state wins between two shards: open, closed, filtered, then UDP's
 * open|filtered (silence, which any answer settles). */
static int state_rank(const char *s)
{
    return !strcmp(s, "open") ? 4 : !strcmp(s, "closed") ? 3 : !strcmp(s, "filtered") ? 2
         : !strcmp(s, "open|filtered") ? 1 : 0;
}

static uint8_t state_enum(const char *s)
{
    static const uint8_t by_rank[] = {AS_PORT_UNKNOWN, AS_PORT_OPEN_FILTERED, AS_PORT_FILTERED,
                                      AS_PORT_CLOSED, AS_PORT_OPEN};
    return by_rank[state_rank(s)];
}

static void put_port(as_port_record *pr, const as_port_view *p)
{
    memset(pr, 0, sizeof *pr);
    pr->port = (uint16_t)p->port;
    pr->proto = strcmp(p->proto, "udp") == 0 ? 17 : 6;
    pr->state = state_enum(p->state);
    pr->reason_ttl = (uint8_t)p->reason_ttl;
    snprintf(pr->reason, sizeof pr->reason, "%s", p->reason);
    snprintf(pr->service, sizeof pr->service, "%s", p->service ? p->service : "");
    snprintf(pr->product, sizeof pr->product, "%s", p->product ? p->product : "");
    snprintf(pr->version, sizeof pr->version, "%s", p->version ? p->version : "");
    pr->confirmed = (int8_t)p->confirmed;
}

/* Ports of all copies of a host: one entry per (proto, port), the most decisive state. */
static size_t merge_ports(const hv *c, size_t n, as_port_record *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < c[i].h->nports; j++) {
            const as_port_view *p = &c[i].h->ports[j];
            size_t f = 0;
            uint8_t proto = strcmp(p->proto, "udp") == 0 ? 17 : 6;
            while (f < k && !(out[f].port == p->port && out[f].proto == proto))
                f++;
            int have = out[f].state == AS_PORT_OPEN ? 3 : out[f].state == AS_PORT_CLOSED ? 2 : 1;
            if (f == k)
                put_port(&out[k++], p);
            else if (state_rank(p->state) > have ||
                     (state_rank(p->state) == have && p->confirmed > out[f].confirmed))
                put_port(&out[f], p);   /* equally decisive: the copy that confirmed it */
        }
    return k;
}

struct list_ctx {
    char *buf;
    size_t len;
    const char *sep;
};

static int add_item(void *ctx, const char *item)
{
    struct list_ctx *l = ctx;
    if (!as_list_has(l->buf, item)) {
        size_t used = strlen(l->buf);
        snprintf(l->buf + used, l->len - used, "%s%s", used ? l->sep : "", item);
    }
    return 0;
}

static void parse_mac(const char *s, as_host_record *r)
{
    unsigned m[6];
    if (s && sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
        for (int i = 0; i < 6; i++)
            r->mac[i] = (uint8_t)m[i];
        r->has_mac = 1;
    }
}

struct open_ctx {
    struct list_ctx list;
    const char *deploy;
};

/* Adds an only-open channel unless a copy confirmed it (it is in deploy then). */
static int add_open(void *ctx, const char *item)
{
    struct open_ctx *o = ctx;
    return as_list_has(o->deploy, item) ? 0 : add_item(&o->list, item);
}

/* The channels only open in some copy and confirmed in none. */
static void open_channels(const hv *c, size_t n, as_host_record *r)
{
    r->deploy_open[0] = '\0';
    struct open_ctx o = {{r->deploy_open, sizeof r->deploy_open, ","}, r->deploy};
    for (size_t i = 0; i < n; i++)
        as_list_each(c[i].h->deploy_open, add_open, &o);
}

/* One record from the copies of a host (n >= 1): the first that was up leads; its identity,
 * else the first copy's that has one. */
static void build(const hv *c, size_t n, as_host_record *r, as_port_record *ports, as_os_guess *os)
{
    const as_host_view *h = c[0].h;
    for (size_t i = 0; i < n; i++)
        if (c[i].h->up && (!h->up || c[i].h->nos > h->nos))
            h = c[i].h;
    memset(r, 0, sizeof *r);
    r->ip = h->ip;
    r->up = h->up;
    snprintf(r->up_reason, sizeof r->up_reason, "%s", h->up_reason);
    r->reply_ttl = (uint8_t)h->reply_ttl;
    r->rtt_us = h->has_rtt ? h->rtt_us : -1;
    parse_mac(h->mac, r);
    snprintf(r->name, sizeof r->name, "%s", h->name ? h->name : "");
    struct list_ctx agent = {r->agent, sizeof r->agent, ", "}, deploy = {r->deploy, sizeof r->deploy, ","};
    for (size_t i = 0; i < n; i++) {
        r->managed |= c[i].h->managed;
        as_list_each(c[i].h->agent, add_item, &agent);
        as_list_each(c[i].h->deploy, add_item, &deploy);
    }
    r->ports = ports;
    r->nports = merge_ports(c, n, ports);
    r->nos = h->nos > 8 ? 8 : h->nos;
    for (size_t i = 0; i < r->nos; i++)
        os[i] = (as_os_guess){h->os[i].name, h->os[i].accuracy, h->os[i].vendor, h->os[i].family,
                              h->os[i].generation, h->os[i].type, h->os[i].cpe};
    r->os = os;
    r->os_fingerprint = h->os_fingerprint;
    r->os_passive = h->os_passive;
    r->os_passive_accuracy = h->has_passive_accuracy ? h->os_passive_accuracy : 0;
    r->firewall_suspect = h->firewall_suspect;
    r->firewall_note = h->firewall_note;
    open_channels(c, n, r);
}

/* The copy whose identity the merged host keeps: the leading one's, else the first. */
static const as_host_view *identity_of(const hv *c, size_t n)
{
    const as_host_view *h = c[0].h;
    for (size_t i = 0; i < n; i++)
        if (c[i].h->up && (!h->up || c[i].h->nos > h->nos))
            h = c[i].h;
    for (size_t i = 0; !h->identity && i < n; i++)
        if (c[i].h->identity)
            h = c[i].h;
    return h;
}

static int write_hosts(as_store *dst, int64_t id, const as_scan_view *v, size_t nv, double seen,
                       int64_t *nup, char *err, size_t errlen)
{
    size_t total = 0, maxports = 1;
    for (size_t i = 0; i < nv; i++)
        for (size_t j = 0; j < v[i].nhosts; j++, total++)
            maxports += v[i].hosts[j].nports;
    hv *all = calloc(total ? total : 1, sizeof *all);
    as_port_record *ports = calloc(maxports, sizeof *ports);
    int rc = all && ports ? 0 : -1;
    for (size_t i = 0, k = 0; rc == 0 && i < nv; i++)
        for (size_t j = 0; j < v[i].nhosts; j++)
            all[k++].h = &v[i].hosts[j];
    if (rc == 0)
        qsort(all, total, sizeof *all, cmp_hv);
    for (size_t i = 0; rc == 0 && i < total;) {
        size_t j = i;
        while (j < total && all[j].h->ip == all[i].h->ip)
            j++;
        as_host_record rec;
        as_os_guess os[8];
        build(all + i, j - i, &rec, ports, os);
        as_identity_record ident;
        as_evidence_record *ev = NULL;
        int has = mg_identity_record(identity_of(all + i, j - i), &ident, &ev);
        if (has < 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        rec.identity = has ? &ident : NULL;
        *nup += rec.up;
        rc = as_store_add_host(dst, id, &rec, seen, err, errlen);
        free(ev);
        i = j;
    }
    if ((!all || !ports) && rc != 0)
        snprintf(err, errlen, "out of memory");
    free(all);
    free(ports);
    return rc;
}

/* Members' liveness rows, under the merged scan. */
static void copy_liveness(as_store *dst, as_store *const *srcs, const mg_group *g, int64_t id)
{
    for (size_t i = 0; i < g->n; i++) {
        as_live_map m;
        char e[256];
        if (as_live_load(srcs[g->m[i]->src], g->m[i]->id, &m, e, sizeof e) == 0 && m.n > 0)
            as_store_liveness(dst, id, m.rows, m.n, e, sizeof e);
        as_live_free(&m);
    }
}

static int record_origins(as_store *dst, const mg_group *g, int64_t id, char *err, size_t errlen)
{
    for (size_t i = 0; i < g->n; i++)
        for (size_t j = 0; j < g->m[i]->norigin; j++) {
            const mg_origin *o = &g->m[i]->origin[j];
            struct in_addr a;
            as_origin og = {o->gateway, o->job, o->k, o->n, (uint64_t)o->seed,
                            o->source_ip && inet_pton(AF_INET, o->source_ip, &a) == 1 ? ntohl(a.s_addr) : 0,
                            o->origin_scan, o->origin_started, o->origin_db,
                            o->status ? o->status : g->m[i]->status};
            if (as_origin_record(dst, id, &og, err, errlen) != 0)
                return -1;
        }
    return 0;
}

/* A round is complete once all N shards are in and each completed where it ran. */
static int round_complete(as_store *dst, int64_t id, unsigned n)
{
    char e[64];
    sqlite3_stmt *s = as_origin_prepare(dst, "SELECT count(DISTINCT shard_k), "
        "sum(origin_status <> 'complete') FROM scan_origin WHERE scan_id = ?1", e, sizeof e);
    int yes = 0;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        yes = sqlite3_step(s) == SQLITE_ROW && (unsigned)sqlite3_column_int(s, 0) == n &&
              sqlite3_column_int(s, 1) == 0;
    }
    sqlite3_finalize(s);
    return yes;
}

/* What the merged scan covered: a plain scan's own record; a complete round its targets
 * (parsed without DNS); a partial round is unknown, so nothing is reported gone. */
static int coverage(as_store *dst, as_store *const *srcs, const mg_group *g, int64_t id,
                    int complete_round, char *err, size_t errlen)
{
    as_coverage c = {0};
    char e[256];
    if (!g->m[0]->sharded) {
        if (as_coverage_load(srcs[g->m[0]->src], g->m[0]->id, &c, e, sizeof e) != 0)
            c.known = 0;
    } else if (complete_round) {
        as_coverage_from_text(g->m[0]->targets, 65536, &c);
    }
    int rc = as_store_scan_ranges(dst, id, c.known ? c.lo : NULL, c.known ? c.hi : NULL,
                                  c.known ? c.n : 0, err, errlen);
    as_coverage_free(&c);
    return rc;
}

static double group_finished(const mg_group *g)
{
    double f = 0;
    for (size_t i = 0; i < g->n; i++)
        f = g->m[i]->finished > f ? g->m[i]->finished : f;
    return f;
}

static int load_views(as_store *dst, as_store *const *srcs, const mg_group *g, as_scan_view *v,
                      size_t *nv, char *err, size_t errlen)
{
    *nv = 0;
    if (g->dst_id > 0 && as_scan_view_load(dst, g->dst_id, 1, &v[(*nv)++], err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < g->n; i++) {
        if (as_scan_view_load(srcs[g->m[i]->src], g->m[i]->id, 1, &v[*nv], err, errlen) != 0)
            return -1;
        (*nv)++;
    }
    return 0;
}

/* Counts of the round: the members', plus what earlier shards brought in. */
static as_scan_stats round_stats(as_store *dst, const mg_group *g, int64_t id, int64_t nup)
{
    int64_t probes = 0, replies = 0, addresses = 0;
    char e[64];
    sqlite3_stmt *s = g->dst_id > 0 ? as_origin_prepare(dst, "SELECT coalesce(probes_sent, 0), "
        "coalesce(replies, 0), coalesce(addresses, 0) FROM scan WHERE id = ?1", e, sizeof e) : NULL;
    if (s) {
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) == SQLITE_ROW) {
            probes = sqlite3_column_int64(s, 0);
            replies = sqlite3_column_int64(s, 1);
            addresses = sqlite3_column_int64(s, 2);
        }
        sqlite3_finalize(s);
    }
    for (size_t i = 0; i < g->n; i++) {
        probes += g->m[i]->probes;
        replies += g->m[i]->replies;
        addresses = g->m[i]->addresses > addresses ? g->m[i]->addresses : addresses;
    }
    return (as_scan_stats){(uint64_t)addresses, (uint64_t)nup, (uint64_t)probes, (uint64_t)replies};
}

static int write_round(as_store *dst, as_store *const *srcs, mg_group *g, const as_scan_view *v,
                       size_t nv, as_merge_result *r, char *err, size_t errlen)
{
    const mg_scan *first = g->m[0];
    int64_t id = g->dst_id, nup = 0;
    if (as_store_begin_batch(dst, err, errlen) != 0)
        return -1;
    if (id == 0) {
        char opts[4096];
        snprintf(opts, sizeof opts, "%s%s", first->sharded ? "merged shards: " : "", first->options);
        id = as_store_begin_scan(dst, first->targets, opts, first->started, err, errlen);
    }
    /* Provenance goes in with the hosts: a merge that dies halfway leaves a 'running'
     * scan that is never merged twice, rather than a duplicate. */
    int rc = id > 0 ? 0 : -1;
    if (rc == 0)
        rc = write_hosts(dst, id, v, nv, group_finished(g), &nup, err, errlen);
    if (rc == 0)
        rc = record_origins(dst, g, id, err, errlen);
    if (rc == 0)
        copy_liveness(dst, srcs, g, id);
    int complete = first->sharded ? round_complete(dst, id, first->origin[0].n)
                                  : strcmp(first->status, "complete") == 0;
    if (rc == 0)
        rc = coverage(dst, srcs, g, id, complete, err, errlen);
    if (rc != 0) {
        sqlite3_exec(dst->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    as_scan_stats stats = round_stats(dst, g, id, nup);
    rc = as_store_end_scan(dst, id, complete ? AS_SCAN_COMPLETE : AS_SCAN_INTERRUPTED,
                           group_finished(g), &stats, err, errlen);
    r->hosts += nup;
    if (g->dst_id > 0)
        r->scans_extended++;
    else
        r->scans_created++;
    return rc;
}

int mg_write_group(as_store *dst, as_store *const *srcs, mg_group *g, as_merge_result *r,
                   char *err, size_t errlen)
{
    as_scan_view *v = calloc(g->n + 1, sizeof *v);
    size_t nv = 0;
    if (v == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = load_views(dst, srcs, g, v, &nv, err, errlen);
    if (rc == 0)
        rc = write_round(dst, srcs, g, v, nv, r, err, errlen);
    for (size_t i = 0; i < nv; i++)
        as_scan_view_free(&v[i]);
    free(v);
    return rc;
}
