/* gone.c — the machines seen up before a scan that are not up in it, for `hosts --gone` and
 * `export --gone`: one query, and diff's rule that "gone" means something only inside the
 * address space the scan covered (an unknown coverage reports nobody gone). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "db/store_internal.h"
#include "probes/vec.h"

void as_gone_free(as_gone_host *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].address);
        free(g[i].name);
    }
    free(g);
}

static int covered(const as_coverage *c, const char *address)
{
    struct in_addr a;
    return address && inet_pton(AF_INET, address, &a) == 1 &&
           as_coverage_contains(c, ntohl(a.s_addr));
}

int as_gone_load(as_store *st, int64_t scan_id, as_gone_host **out, size_t *nout, char *err,
                 size_t errlen)
{
    static const char sql[] =
        "SELECT h.id, h.ip, coalesce(h.name, ''), h.last_seen, h.seen_count FROM host h, scan s"
        " WHERE s.id = ?1 AND h.seen_count > 0 AND h.last_seen < s.started"
        "   AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.scan_id = s.id"
        "                   AND o.host_id = h.id AND o.up)"
        " ORDER BY h.last_seen DESC, h.id";
    *out = NULL;
    *nout = 0;
    as_coverage cov = {0};
    if (as_coverage_load(st, scan_id, &cov, err, errlen) != 0)
        return -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK ||
        sqlite3_bind_int64(s, 1, scan_id) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        sqlite3_finalize(s);
        as_coverage_free(&cov);
        return -1;
    }
    as_gone_host *g = NULL;
    size_t n = 0, cap = 0;
    int rc, oom = 0;
    while (cov.known && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *ip = (const char *)sqlite3_column_text(s, 1);
        if (!covered(&cov, ip))
            continue;           /* outside what this scan looked at: not known to be gone */
        if (AS_VEC_RESERVE(g, cap, n + 1) != 0) {
            oom = 1;
            break;
        }
        g[n] = (as_gone_host){sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 4),
                              strdup(ip), strdup((const char *)sqlite3_column_text(s, 2)),
                              sqlite3_column_double(s, 3)};
        if (!g[n++].address || !g[n - 1].name)
            oom = 1;
    }
    if (!cov.known)
        rc = SQLITE_DONE;
    sqlite3_finalize(s);
    as_coverage_free(&cov);
    if (oom || rc != SQLITE_DONE) {
        if (oom)
            as_db_errf(st, err, errlen, "out of memory");
        else
            as_db_fail(st, err, errlen);
        as_gone_free(g, n);
        return -1;
    }
    *out = g;
    *nout = n;
    return 0;
}
