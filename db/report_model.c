/* report_model.c — what the HTML report shows, gathered from the store in one read
 * transaction: counts, one grid per /24 that held a live host, the deploy analysis (from
 * deploy_report.c), the changes since the previous sweep (diff.c) and the job's trend. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/export.h"
#include "db/origin_internal.h"
#include "db/report_internal.h"

const char *rp_state_name(enum rp_state s)
{
    static const char *const n[RP_STATE_COUNT] = {"managed", "deployable", "blocked",
        "no-channel", "firewall", "silent", "not-swept"};
    return s < RP_STATE_COUNT ? n[s] : "?";
}

const char *rp_state_label(enum rp_state s)
{
    static const char *const n[RP_STATE_COUNT] = {"managed", "deployable",
        "blocked (a firewall rule would open a channel)", "up, no login channel",
        "firewall suspect", "no answer", "not swept"};
    return s < RP_STATE_COUNT ? n[s] : "?";
}

/* A host whose replies may be a firewall's is shown as that first: its ports, and so its
 * status, are doubtful. */
enum rp_state rp_host_state(const dr_host *d)
{
    if (d->h->firewall_suspect)
        return RP_FIREWALL;
    if (d->status == DR_MANAGED)
        return RP_MANAGED;
    if (d->status == DR_DEPLOYABLE)
        return RP_DEPLOYABLE;
    return d->rule[0] ? RP_BLOCKED : RP_NOCHANNEL;
}

static int count_add(rp_counts *c, const char *label)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->c[i].label, label) == 0) {
            c->c[i].n++;
            return 0;
        }
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 8;
        rp_count *nc = realloc(c->c, ncap * sizeof *nc);
        if (!nc)
            return -1;
        c->c = nc;
        c->cap = ncap;
    }
    if (!(c->c[c->n].label = strdup(label)))
        return -1;
    c->c[c->n++].n = 1;
    return 0;
}

static int count_item(void *ctx, const char *item)
{
    return count_add(ctx, item);
}

static int cmp_count(const void *a, const void *b)
{
    const rp_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->label, y->label);
}

static void counts_free(rp_counts *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->c[i].label);
    free(c->c);
    memset(c, 0, sizeof *c);
}

static int tally(rp_model *m)
{
    for (size_t i = 0; i < m->dr.n; i++) {
        const dr_host *d = &m->dr.hosts[i];
        const as_host_view *h = d->h;
        enum rp_state s = rp_host_state(d);
        m->count[s]++;
        m->suspects += (size_t)(h->firewall_suspect != 0);
        m->unknown_os += (size_t)(h->nos == 0 && (!h->os_passive || !*h->os_passive) &&
                                  !(h->identity && h->identity->os));
        int rc = 0;
        if (d->status == DR_MANAGED) {
            m->managed++;
            rc = as_list_each(h->agent && *h->agent ? h->agent : "agent", count_item, &m->agents);
        } else if (d->status == DR_DEPLOYABLE) {
            m->deployable++;
            rc = as_list_each(h->deploy, count_item, &m->channels);
        } else if (d->rule[0]) {
            char label[160];
            m->blocked++;
            snprintf(label, sizeof label, "%s (%s)", d->rule_ports, d->rule_channel);
            rc = count_add(&m->missing, label);
        } else
            m->nochannel++;
        if (rc != 0)
            return -1;
    }
    m->up = m->dr.n;
    rp_counts *all[] = {&m->agents, &m->channels, &m->missing};
    for (size_t i = 0; i < 3; i++)
        if (all[i]->n > 1)
            qsort(all[i]->c, all[i]->n, sizeof *all[i]->c, cmp_count);
    return 0;
}

/* Hosts come sorted by address: one pass cuts them into /24s. */
static int build_nets(rp_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->dr.n; i++)
        n += i == 0 || (m->dr.hosts[i].h->ip ^ m->dr.hosts[i - 1].h->ip) > 0xff;
    m->nets = calloc(n ? n : 1, sizeof *m->nets);
    if (!m->nets)
        return -1;
    rp_net *cur = NULL;
    for (size_t i = 0; i < m->dr.n; i++) {
        const dr_host *d = &m->dr.hosts[i];
        uint32_t base = d->h->ip & 0xffffff00u;
        if (!cur || cur->base != base) {
            cur = &m->nets[m->nnets++];
            cur->base = base;
            cur->first = i;
            for (unsigned a = 0; a < 256; a++)
                cur->cell[a] = (uint8_t)(!m->cov.known || as_coverage_contains(&m->cov, base | a)
                                         ? RP_SILENT : RP_OUTSIDE);
        }
        cur->cell[d->h->ip & 0xff] = (uint8_t)rp_host_state(d);
        cur->n++;
    }
    for (size_t k = 0; k < m->nnets; k++)
        for (unsigned a = 0; a < 256; a++)
            m->nets[k].count[m->nets[k].cell[a]]++;
    return 0;
}

static char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

/* The job and gateway recorded for the scan (a plain scan has neither). */
static int load_origin(as_store *st, rp_model *m, char *err, size_t errlen)
{
    if (!as_origin_exists(st))
        return 0;
    sqlite3_stmt *s = as_origin_prepare(st, "SELECT job, gateway FROM scan_origin WHERE "
                                        "scan_id = ?1 ORDER BY job IS NULL LIMIT 1", err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_int64(s, 1, m->v->id);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        m->job = col_text(s, 0);
        m->gateway = col_text(s, 1);
    } else if (rc != SQLITE_DONE)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* --job NAME: the job's newest complete sweep. */
static int64_t job_scan(as_store *st, const char *job, char *err, size_t errlen)
{
    if (!as_origin_exists(st)) {
        as_db_errf(st, err, errlen, "no sweeps recorded (job '%s' never ran here; give a scan "
                   "with --scan ID)", job);
        return -1;
    }
    sqlite3_stmt *s = as_origin_prepare(st, "SELECT coalesce(max(s.id), 0) FROM scan s JOIN "
        "scan_origin o ON o.scan_id = s.id WHERE o.job = ?1 AND s.status = 'complete'", err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, job, -1, SQLITE_TRANSIENT);
    int64_t id = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    else
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    if (id == 0) {
        as_db_errf(st, err, errlen, "job '%s' has no complete sweep (run `agentscan sweep %s`, "
                   "or give a scan with --scan ID)", job, job);
        return -1;
    }
    return id;
}

static int load_trend(as_store *st, rp_model *m, size_t max, char *err, size_t errlen)
{
    sqlite3_stmt *s = as_origin_prepare(st,
        "SELECT s.id, s.started,"
        " (SELECT count(*) FROM observation WHERE scan_id = s.id AND up),"
        " (SELECT count(*) FROM observation WHERE scan_id = s.id AND up AND managed),"
        " (SELECT count(*) FROM observation WHERE scan_id = s.id AND up AND NOT managed"
        "    AND coalesce(deploy, '') != '') "
        "FROM scan s WHERE s.id = ?2 OR (s.id < ?2 AND s.status = 'complete' AND s.id IN "
        " (SELECT scan_id FROM scan_origin WHERE job = ?1)) ORDER BY s.id DESC LIMIT ?3",
        err, errlen);
    if (!s)
        return -1;
    sqlite3_bind_text(s, 1, m->job, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, m->v->id);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)max);
    if (!(m->points = calloc(max, sizeof *m->points))) {
        sqlite3_finalize(s);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && m->npoints < max)
        m->points[m->npoints++] = (rp_point){sqlite3_column_int64(s, 0),
            sqlite3_column_double(s, 1), (size_t)sqlite3_column_int64(s, 2),
            (size_t)sqlite3_column_int64(s, 3), (size_t)sqlite3_column_int64(s, 4)};
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    for (size_t i = 0; i < m->npoints / 2; i++) {
        rp_point t = m->points[i];
        m->points[i] = m->points[m->npoints - 1 - i];
        m->points[m->npoints - 1 - i] = t;
    }
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The previous sweep of the job, else the newest complete scan before this one whose
 * targets overlap; none is no error (a first sweep has nothing to compare). */
static int load_diff(as_store *st, rp_model *m, char *err, size_t errlen)
{
    int64_t a = 0, b = m->v->id;
    char scratch[512];
    if (m->job) {
        if ((a = as_origin_previous(st, m->job, b, err, errlen)) < 0)
            return -1;
    } else if (as_store_diff_pick(st, &a, &b, scratch, sizeof scratch) != 0)
        a = 0;
    if (a <= 0)
        return 0;
    if (as_diff_compute(st, a, m->v->id, &m->diff, err, errlen) != 0)
        return -1;
    m->have_diff = 1;
    return 0;
}

static int64_t covered_size(const as_coverage *c)
{
    if (!c->known)
        return -1;
    int64_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        n += (int64_t)c->hi[i] - c->lo[i] + 1;
    return n;
}

static int load(as_store *st, const as_report_opts *o, rp_model *m, char *err, size_t errlen)
{
    int64_t id = o->scan_id;
    if (o->job && id == 0 && (id = job_scan(st, o->job, err, errlen)) < 0)
        return -1;
    if (dr_compute(st, id, o->deploy, o->source, &m->dr, err, errlen) != 0)
        return -1;
    m->v = &m->dr.v;
    if (load_origin(st, m, err, errlen) != 0 ||
        as_coverage_load(st, m->v->id, &m->cov, err, errlen) != 0)
        return -1;
    m->addresses = m->v->addresses >= 0 ? m->v->addresses : covered_size(&m->cov);
    if (tally(m) != 0 || build_nets(m) != 0 || rp_rules_group(m) != 0) {
        as_db_errf(st, err, errlen, "out of memory building the report of scan %lld",
                   (long long)m->v->id);
        return -1;
    }
    if (load_diff(st, m, err, errlen) != 0)
        return -1;
    return m->job ? load_trend(st, m, o->trend_max ? o->trend_max : 30, err, errlen) : 0;
}

int rp_model_load(as_store *st, const as_report_opts *o, rp_model *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    m->generated = o->now > 0 ? o->now : (double)time(NULL);
    int own;
    if (as_read_begin(st, &own, err, errlen) < 0)
        return -1;
    int rc = load(st, o, m, err, errlen);
    as_read_end(st, own);
    if (rc != 0)
        rp_model_free(m);
    return rc;
}

void rp_model_free(rp_model *m)
{
    for (size_t i = 0; i < m->nrules; i++)
        free(m->rules[i].hosts);
    free(m->rules);
    free(m->nets);
    free(m->points);
    counts_free(&m->agents);
    counts_free(&m->channels);
    counts_free(&m->missing);
    if (m->have_diff)
        as_diff_free(&m->diff);
    as_coverage_free(&m->cov);
    free(m->job);
    free(m->gateway);
    dr_free(&m->dr);
    memset(m, 0, sizeof *m);
}
