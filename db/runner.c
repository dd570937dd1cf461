/* runner.c — who runs a scan (pid, the process's start time, boot id, host name), recorded
 * in its row, and at every open the verdict on 'running' scans whose process is gone:
 * marked 'interrupted' when the file is writable, shown as interrupted when it is not. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "db/store_internal.h"

/* Field 22 of /proc/PID/stat, the start time in clock ticks since boot: with the boot id it
 * tells a live runner from a later process that got the same pid. *zombie: state 'Z'.
 * Returns 0, or -1 when there is no such process. */
static int proc_start(long pid, long long *start, int *zombie)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* The command name may hold spaces and ')': the fields start after the last ')'. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -1;
    p++;
    char state = 0;
    for (int field = 3; field <= 22 && *p; field++) {
        while (*p == ' ')
            p++;
        if (field == 3)
            state = *p;
        if (field == 22) {
            *start = strtoll(p, NULL, 10);
            *zombie = state == 'Z';
            return 0;
        }
        while (*p && *p != ' ')
            p++;
    }
    return -1;
}

static void read_line(const char *path, char *out, size_t len)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(out, (int)len, f) == NULL)
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

static long runner_pid;

void as_store_set_runner(long pid)
{
    runner_pid = pid;
}

static int runner_of(long pid, as_runner *r)
{
    memset(r, 0, sizeof *r);
    r->pid = pid;
    int zombie;
    if (proc_start(r->pid, &r->start, &zombie) != 0)
        r->start = -1;
    read_line("/proc/sys/kernel/random/boot_id", r->boot, sizeof r->boot);
    if (gethostname(r->host, sizeof r->host) != 0)
        r->host[0] = '\0';
    r->host[sizeof r->host - 1] = '\0';
    return r->start >= 0 && r->boot[0] ? 0 : -1;
}

int as_runner_self(as_runner *r)
{
    return runner_of((long)getpid(), r);
}

int as_runner_alive(const as_runner *saved, const as_runner *self)
{
    if (saved->pid <= 0 || !saved->boot[0] || !self->boot[0] || saved->start < 0)
        return -1;
    /* Another machine's process (a database on a shared disk): we cannot look. */
    if (strcmp(saved->host, self->host) != 0)
        return -1;
    if (strcmp(saved->boot, self->boot) != 0)
        return 0;           /* the machine rebooted since */
    long long start;
    int zombie;
    if (proc_start(saved->pid, &start, &zombie) != 0)
        return 0;
    return start == saved->start && !zombie;
}

/* Running scans whose runner is known to be gone, into a growing array. */
static int dead_scans(as_store *st, int64_t **ids, size_t *n, char *err, size_t errlen)
{
    static const char sql[] =
        "SELECT id, runner_pid, runner_start, runner_boot, runner_host FROM scan "
        "WHERE status = 'running' AND runner_pid IS NOT NULL";
    as_runner self, saved;
    *ids = NULL;
    *n = 0;
    as_runner_self(&self);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&saved, 0, sizeof saved);
        saved.pid = (long)sqlite3_column_int64(s, 1);
        saved.start = sqlite3_column_int64(s, 2);
        const char *b = (const char *)sqlite3_column_text(s, 3);
        const char *h = (const char *)sqlite3_column_text(s, 4);
        snprintf(saved.boot, sizeof saved.boot, "%s", b ? b : "");
        snprintf(saved.host, sizeof saved.host, "%s", h ? h : "");
        if (as_runner_alive(&saved, &self) != 0)
            continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 8;
            int64_t *g = realloc(*ids, nc * sizeof **ids);
            if (!g) {
                rc = SQLITE_NOMEM;
                break;
            }
            *ids = g;
            cap = nc;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        if (rc == SQLITE_NOMEM)
            as_db_errf(st, err, errlen, "out of memory");
        else
            as_db_fail(st, err, errlen);
        free(*ids);
        *ids = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

static int mark(as_store *st, const int64_t *ids, size_t n)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    int ok = sqlite3_prepare_v2(st->db, "UPDATE scan SET status = 'interrupted', finished = "
                                "coalesce(finished, ?2) WHERE id = ?1 AND status = 'running'",
                                -1, &s, NULL) == SQLITE_OK;
    for (size_t i = 0; ok && i < n; i++) {
        sqlite3_reset(s);
        ok = sqlite3_bind_int64(s, 1, ids[i]) == SQLITE_OK &&
             sqlite3_bind_double(s, 2, (double)time(NULL)) == SQLITE_OK &&
             sqlite3_step(s) == SQLITE_DONE;
    }
    sqlite3_finalize(s);
    if (ok && sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* A file we may not write: a TEMP view named scan shadows main.scan for this connection
 * (SQLite looks in temp first), with the dead scans' status read as 'interrupted'. The
 * file is not touched. */
static int shadow(as_store *st, const int64_t *ids, size_t n, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT name FROM pragma_table_info('scan', 'main') "
                           "ORDER BY cid", -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    size_t cap = 256 + n * 24;
    char *sql = malloc(cap + 4096);
    if (!sql) {
        sqlite3_finalize(s);
        as_db_errf(st, err, errlen, "out of memory");
        return -1;
    }
    size_t len = (size_t)snprintf(sql, cap, "CREATE TEMP VIEW scan AS SELECT ");
    int first = 1;
    while (sqlite3_step(s) == SQLITE_ROW && len < cap + 3000) {
        const char *c = (const char *)sqlite3_column_text(s, 0);
        int plain = 1;
        for (const char *p = c; p && *p; p++)
            plain &= isalnum((unsigned char)*p) || *p == '_';
        if (!c || !plain)
            continue;
        if (strcmp(c, "status") == 0)
            len += (size_t)snprintf(sql + len, cap + 4096 - len, "%sCASE WHEN id IN (-1", first ? "" : ", ");
        else
            len += (size_t)snprintf(sql + len, cap + 4096 - len, "%s%s", first ? "" : ", ", c);
        if (strcmp(c, "status") == 0) {
            for (size_t i = 0; i < n; i++)
                len += (size_t)snprintf(sql + len, cap + 4096 - len, ",%lld", (long long)ids[i]);
            len += (size_t)snprintf(sql + len, cap + 4096 - len,
                                    ") THEN 'interrupted' ELSE status END AS status");
        }
        first = 0;
    }
    sqlite3_finalize(s);
    snprintf(sql + len, cap + 4096 - len, " FROM main.scan");
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

int as_runner_reap(as_store *st, char *err, size_t errlen)
{
    int64_t *ids;
    size_t n;
    if (dead_scans(st, &ids, &n, err, errlen) < 0)
        return -1;
    int ret = 0;
    if (n > 0 && (sqlite3_db_readonly(st->db, "main") == 1 || mark(st, ids, n) != 0)) {
        /* A reader shows the truth even when it cannot write it (read-only file, full
         * disk, a writer holding the lock); a writer leaves it to the next opener. */
        if (sqlite3_db_readonly(st->db, "main") == 1 || st->reader)
            ret = shadow(st, ids, n, err, errlen);
    }
    free(ids);
    return ret;
}

int as_runner_bind(sqlite3_stmt *s, int first)
{
    as_runner r;
    runner_of(runner_pid > 0 ? runner_pid : (long)getpid(), &r);
    int rc = sqlite3_bind_int64(s, first, r.pid);
    if (rc == SQLITE_OK)
        rc = r.start >= 0 ? sqlite3_bind_int64(s, first + 1, r.start) : sqlite3_bind_null(s, first + 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, first + 2, r.boot, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, first + 3, r.host, -1, SQLITE_TRANSIENT);
    return rc;
}
