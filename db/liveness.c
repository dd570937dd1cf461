/* liveness.c — table scan_liveness: per scan and live host, whether the ICMP echo and the
 * TCP ACK liveness probes were answered (up_reason keeps only the first answer). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/liveness.h"
#include "db/origin_internal.h"
#include "probes/vec.h"

/* Created on first use like scan_origin; rows go with their scan. */
static const char live_sql[] =
    "CREATE TABLE IF NOT EXISTS scan_liveness ("
    "  scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
    "  ip TEXT NOT NULL,"
    "  echo INTEGER,"               /* NULL not sent, 0 unanswered, 1 answered */
    "  ack INTEGER,"
    "  ack_ports TEXT,"
    "  PRIMARY KEY(scan_id, ip)) WITHOUT ROWID;";

static void bind_state(sqlite3_stmt *s, int i, int v)
{
    if (v < 0)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int(s, i, v);
}

static int insert_rows(as_store *st, sqlite3_stmt *s, int64_t scan_id, const as_live *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ip[INET_ADDRSTRLEN];
        struct in_addr a = {htonl(rows[i].ip)};
        inet_ntop(AF_INET, &a, ip, sizeof ip);
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, scan_id);
        sqlite3_bind_text(s, 2, ip, -1, SQLITE_TRANSIENT);
        bind_state(s, 3, rows[i].echo);
        bind_state(s, 4, rows[i].ack);
        sqlite3_bind_text(s, 5, rows[i].ack_ports, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_DONE)
            return -1;
    }
    (void)st;
    return 0;
}

int as_store_liveness(as_store *st, int64_t scan_id, const as_live *rows, size_t n,
                      char *err, size_t errlen)
{
    if (sqlite3_exec(st->db, "SAVEPOINT as_live", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(st->db, live_sql, NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    sqlite3_stmt *s = as_origin_prepare(st, "INSERT OR REPLACE INTO scan_liveness(scan_id, ip, "
                                        "echo, ack, ack_ports) VALUES(?1, ?2, ?3, ?4, ?5)", err, errlen);
    int rc = s ? insert_rows(st, s, scan_id, rows, n) : -1;
    if (rc != 0 && s)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    if (rc == 0 && sqlite3_exec(st->db, "RELEASE as_live", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    if (rc == 0)
        as_db_fail(st, err, errlen);
    sqlite3_exec(st->db, "ROLLBACK TO as_live; RELEASE as_live", NULL, NULL, NULL);
    return -1;
}

static int cmp_live(const void *a, const void *b)
{
    uint32_t x = ((const as_live *)a)->ip, y = ((const as_live *)b)->ip;
    return (x > y) - (x < y);
}

static int col_state(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? -1 : sqlite3_column_int(s, i) != 0;
}

int as_live_load(as_store *st, int64_t scan_id, as_live_map *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT ip, echo, ack, ack_ports FROM scan_liveness WHERE "
                           "scan_id = ?1", -1, &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return 0;       /* no table: nothing was recorded */
    }
    sqlite3_bind_int64(s, 1, scan_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (AS_VEC_RESERVE(m->rows, cap, m->n + 1) != 0)
            break;
        as_live *l = &m->rows[m->n];
        struct in_addr a;
        const char *ip = (const char *)sqlite3_column_text(s, 0);
        if (ip == NULL || inet_pton(AF_INET, ip, &a) != 1)
            continue;
        l->ip = ntohl(a.s_addr);
        l->echo = col_state(s, 1);
        l->ack = col_state(s, 2);
        const char *ports = (const char *)sqlite3_column_text(s, 3);
        snprintf(l->ack_ports, sizeof l->ack_ports, "%s", ports ? ports : "");
        m->n++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        as_live_free(m);
        as_db_fail(st, err, errlen);
        return -1;
    }
    qsort(m->rows, m->n, sizeof *m->rows, cmp_live);
    return 0;
}

void as_live_get(const as_live_map *m, uint32_t ip, as_live *out)
{
    as_live key = {.ip = ip};
    const as_live *f = m->n ? bsearch(&key, m->rows, m->n, sizeof key, cmp_live) : NULL;
    if (f)
        *out = *f;
    else
        *out = (as_live){.ip = ip, .echo = -1, .ack = -1};
}

void as_live_free(as_live_map *m)
{
    free(m->rows);
    memset(m, 0, sizeof *m);
}
