/* hosts_load.c — reads one scan's observations, ports and OS guesses (and, through
 * identity_load.c, what the services told) into memory for the printers and exports, hosts
 * ordered by address as a number ("10" < "9" as text). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "db/store_internal.h"
#include "probes/vec.h"

char *as_col_dup(sqlite3_stmt *s, int col, int null_ok, int *oom)
{
    int type = sqlite3_column_type(s, col);
    if (type == SQLITE_NULL && null_ok)
        return NULL;
    const unsigned char *t = sqlite3_column_text(s, col);
    char *d = strdup(t ? (const char *)t : "");
    if (!d || (!t && type != SQLITE_NULL))
        *oom = 1;
    return d;
}

static void free_os(as_os_view *o)
{
    free(o->name);
    free(o->vendor);
    free(o->family);
    free(o->generation);
    free(o->type);
    free(o->cpe);
}

static void free_host(as_host_view *h)
{
    for (size_t i = 0; i < h->nos; i++)
        free_os(&h->os[i]);
    free(h->os);
    free(h->address);
    free(h->name);
    free(h->mac);
    free(h->up_reason);
    free(h->agent);
    free(h->deploy);
    free(h->os_fingerprint);
    free(h->os_passive);
    free(h->firewall_note);
    free(h->deploy_open);
    as_identity_view_free(h);
    for (size_t i = 0; i < h->nports; i++) {
        free(h->ports[i].proto);
        free(h->ports[i].state);
        free(h->ports[i].reason);
        free(h->ports[i].service);
        free(h->ports[i].product);
        free(h->ports[i].version);
    }
    free(h->ports);
}

void as_scan_view_free(as_scan_view *v)
{
    for (size_t i = 0; i < v->nhosts; i++)
        free_host(&v->hosts[i]);
    free(v->hosts);
    free(v->status);
    free(v->targets);
    free(v->options);
    free(v->version);
    memset(v, 0, sizeof *v);
}

static int load_scan_row(as_store *st, as_scan_view *v, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT id, started, status, finished, targets, options,"
                           " version, addresses FROM scan WHERE id = ?1 OR "
                           "(?1 = 0 AND id = (SELECT max(id) FROM scan))", -1, &s, NULL)
        != SQLITE_OK || sqlite3_bind_int64(s, 1, v->id) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return -1;
    }
    int rc = sqlite3_step(s), oom = 0, ret = -1;
    if (rc == SQLITE_ROW) {
        v->id = sqlite3_column_int64(s, 0);
        v->started = sqlite3_column_double(s, 1);
        v->status = as_col_dup(s, 2, 0, &oom);
        v->has_finished = sqlite3_column_type(s, 3) != SQLITE_NULL;
        v->finished = sqlite3_column_double(s, 3);
        v->targets = as_col_dup(s, 4, 0, &oom);
        v->options = as_col_dup(s, 5, 0, &oom);
        v->version = as_col_dup(s, 6, 0, &oom);
        v->addresses = sqlite3_column_type(s, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 7);
        if (oom)
            as_db_errf(st, err, errlen, "out of memory");
        else
            ret = 0;
    } else if (rc != SQLITE_DONE)
        as_db_fail(st, err, errlen);
    else if (v->id == 0)
        as_db_errf(st, err, errlen, "no scans yet (`agentscan scan TARGETS --db %s` adds one)",
                   st->path);
    else
        as_db_errf(st, err, errlen, "no scan %lld in DB", (long long)v->id);
    sqlite3_finalize(s);
    return ret;
}

static int read_host(sqlite3_stmt *s, as_host_view *h)
{
    int oom = 0;
    memset(h, 0, sizeof *h);
    h->host_id = sqlite3_column_int64(s, 0);
    h->address = as_col_dup(s, 1, 0, &oom);
    h->name = as_col_dup(s, 2, 0, &oom);
    h->mac = as_col_dup(s, 3, 1, &oom);
    h->up = sqlite3_column_int(s, 4);
    h->up_reason = as_col_dup(s, 5, 0, &oom);
    h->has_rtt = sqlite3_column_type(s, 6) != SQLITE_NULL;
    h->rtt_us = sqlite3_column_int64(s, 6);
    h->managed = sqlite3_column_int(s, 7);
    h->agent = as_col_dup(s, 8, 1, &oom);
    h->deploy = as_col_dup(s, 9, 0, &oom);
    h->reply_ttl = sqlite3_column_int(s, 10);
    h->first_seen = sqlite3_column_double(s, 11);
    h->last_seen = sqlite3_column_double(s, 12);
    h->seen_count = sqlite3_column_int64(s, 13);
    h->os_passive = as_col_dup(s, 14, 1, &oom);
    h->has_passive_accuracy = sqlite3_column_type(s, 15) != SQLITE_NULL;
    h->os_passive_accuracy = sqlite3_column_int(s, 15);
    h->os_fingerprint = as_col_dup(s, 16, 1, &oom);
    h->firewall_suspect = sqlite3_column_int(s, 17) != 0;
    h->firewall_note = as_col_dup(s, 18, 1, &oom);
    h->deploy_open = as_col_dup(s, 19, 1, &oom);
    struct in_addr a;
    /* Other tools may write this table; a malformed address sorts first, not crashes. */
    h->ip = h->address && inet_pton(AF_INET, h->address, &a) == 1 ? ntohl(a.s_addr) : 0;
    return oom ? -1 : 0;
}

static int load_hosts(as_store *st, as_scan_view *v, int all_hosts, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT h.id, coalesce(o.ip, h.ip), o.name, o.mac, o.up, o.reason, o.rtt_us, o.managed,"
        "  o.agent, o.deploy, o.reply_ttl, h.first_seen, h.last_seen, h.seen_count,"
        "  o.os_passive, o.os_passive_accuracy, o.os_fingerprint, o.firewall_suspect,"
        "  o.firewall_note, o.deploy_open "
        "FROM observation o JOIN host h ON h.id = o.host_id "
        "WHERE o.scan_id = ?1 AND (?2 OR o.up) ORDER BY h.id";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, v->id) != SQLITE_OK ||
        sqlite3_bind_int(s, 2, all_hosts != 0) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return -1;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (AS_VEC_RESERVE(v->hosts, cap, v->nhosts + 1) != 0)
            break;
        as_host_view *h = &v->hosts[v->nhosts++];
        if (read_host(s, h) < 0)
            break;
        v->nup += h->up != 0;
    }
    if (rc == SQLITE_ROW)
        as_db_errf(st, err, errlen, "out of memory reading scan %lld", (long long)v->id);
    else if (rc != SQLITE_DONE)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int cmp_host_id(const void *key, const void *elem)
{
    int64_t k = *(const int64_t *)key, e = ((const as_host_view *)elem)->host_id;
    return (k > e) - (k < e);
}

static int read_port(sqlite3_stmt *s, as_host_view *h, size_t *cap)
{
    if (AS_VEC_RESERVE_FROM(h->ports, *cap, h->nports + 1, 8) != 0)
        return -1;
    int oom = 0;
    as_port_view *p = &h->ports[h->nports++];
    memset(p, 0, sizeof *p);
    p->proto = as_col_dup(s, 1, 0, &oom);
    p->port = sqlite3_column_int(s, 2);
    p->state = as_col_dup(s, 3, 0, &oom);
    p->reason = as_col_dup(s, 4, 0, &oom);
    p->service = as_col_dup(s, 5, 1, &oom);
    p->reason_ttl = sqlite3_column_int(s, 6);
    p->product = as_col_dup(s, 7, 1, &oom);
    p->version = as_col_dup(s, 8, 1, &oom);
    p->confirmed = sqlite3_column_type(s, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 9) != 0;
    return oom ? -1 : 0;
}

static int read_os(sqlite3_stmt *s, as_host_view *h, size_t *cap)
{
    if (AS_VEC_RESERVE_FROM(h->os, *cap, h->nos + 1, 4) != 0)
        return -1;
    int oom = 0;
    as_os_view *o = &h->os[h->nos++];
    memset(o, 0, sizeof *o);
    o->name = as_col_dup(s, 1, 0, &oom);
    o->accuracy = sqlite3_column_int(s, 2);
    o->vendor = as_col_dup(s, 3, 1, &oom);
    o->family = as_col_dup(s, 4, 1, &oom);
    o->generation = as_col_dup(s, 5, 1, &oom);
    o->type = as_col_dup(s, 6, 1, &oom);
    o->cpe = as_col_dup(s, 7, 1, &oom);
    return oom ? -1 : 0;
}

int as_attach_rows(as_store *st, as_scan_view *v, const char *sql, as_row_fn fn,
                   as_row_count_fn count, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, v->id) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        return -1;
    }
    as_host_view *cur = NULL;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (!cur || cur->host_id != id) {
            cur = v->nhosts ? bsearch(&id, v->hosts, v->nhosts, sizeof *v->hosts, cmp_host_id)
                            : NULL;
            cap = cur && count ? count(cur) : 0;
        }
        if (cur && fn(s, cur, &cap) < 0)
            break;      /* cur is NULL for hosts filtered out as down */
    }
    if (rc == SQLITE_ROW)
        as_db_errf(st, err, errlen, "out of memory reading scan %lld", (long long)v->id);
    else if (rc != SQLITE_DONE)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

static size_t count_ports(const as_host_view *h) { return h->nports; }
static size_t count_os(const as_host_view *h) { return h->nos; }

static int load_ports(as_store *st, as_scan_view *v, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT host_id, proto, port, state, reason, service, reason_ttl, product, version,"
        "  confirmed FROM port "
        "WHERE scan_id = ?1 ORDER BY host_id, proto, port";
    return as_attach_rows(st, v, sql, read_port, count_ports, err, errlen);
}

static int load_os(as_store *st, as_scan_view *v, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT host_id, name, accuracy, vendor, family, generation, type, cpe FROM os_match "
        "WHERE scan_id = ?1 ORDER BY host_id, rank";
    return as_attach_rows(st, v, sql, read_os, count_os, err, errlen);
}

static int cmp_ip(const void *a, const void *b)
{
    uint32_t x = ((const as_host_view *)a)->ip, y = ((const as_host_view *)b)->ip;
    return (x > y) - (x < y);
}

int as_read_begin(as_store *st, int *own, char *err, size_t errlen)
{
    *own = sqlite3_get_autocommit(st->db);
    if (*own && sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        *own = 0;
        return -1;
    }
    return 0;
}

void as_read_end(as_store *st, int own)
{
    if (own)
        sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}

int as_scan_view_load(as_store *st, int64_t scan_id, int all_hosts, as_scan_view *v,
                      char *err, size_t errlen)
{
    memset(v, 0, sizeof *v);
    v->id = scan_id;
    /* One read transaction, so a scan writing meanwhile cannot show hosts without ports;
     * inside the caller's own transaction we already have one. */
    int own;
    if (as_read_begin(st, &own, err, errlen) < 0)
        return -1;
    int ret = -1;
    if (load_scan_row(st, v, err, errlen) == 0 && load_hosts(st, v, all_hosts, err, errlen) == 0
        && load_ports(st, v, err, errlen) == 0 && load_os(st, v, err, errlen) == 0 &&
        as_identity_load(st, v, err, errlen) == 0)
        ret = 0;
    as_read_end(st, own);
    if (ret < 0) {
        as_scan_view_free(v);
        return -1;
    }
    if (v->nhosts > 1)
        qsort(v->hosts, v->nhosts, sizeof *v->hosts, cmp_ip);
    return 0;
}

