/* sweep.c — `agentscan sweep JOB`: the job's lock, one scan into the job's database with
 * its provenance, the diff against the job's previous sweep, retention, the change action. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/export.h"
#include "db/pg.h"
#include "db/report.h"
#include "db/reports.h"
#include "probes/errors.h"
#include "engine/netif.h"
#include "engine/privdrop.h"
#include "tools/forward.h"
#include "tools/scan_record.h"
#include "tools/sweep.h"

typedef struct sweep {
    const as_config *cfg;
    const as_job *job;
    const as_sweep_opts *so;
    as_sweep_result *r;
    as_job_scan js;
    as_store *st;
    as_lock *lock;
    char *json;
    size_t json_len;
    const char *pg;         /* the job's PostgreSQL inventory; r->db is then its spool */
    int forward_failed;
} sweep;

static void note(const sweep *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(const sweep *w, const char *fmt, ...)
{
    if (w->so->log == NULL)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->so->log(w->so->log_ctx, msg);
}

/* The scan runs in a process of its own that gives up its rights before it parses a reply
 * (tools/sweep_scan.c); this one, which parses no packet, then reopens the store for the
 * diff, retention, report and change action and drops its capabilities, as sweeps always
 * did once the scan's sockets were open (uid 0 without capabilities, no_new_privs). */
static int run_scan(sweep *w, char *err, size_t errlen)
{
    as_store_close(w->st);
    w->st = NULL;
    as_sweep_scan_args a = {.js = &w->js, .job = w->job, .so = w->so, .db = w->r->db,
                            .lock_fd = w->lock->fd};
    int rc = as_sweep_scan(&a, &w->r->scan, err, errlen);
    /* The store first: a file only root's capabilities open (another user's) opened before. */
    char e[512];
    if (as_store_open(&w->st, w->r->db, 1, e, sizeof e) != 0) {
        if (rc >= 0)
            snprintf(err, errlen, "%s", e);
        return rc < 0 ? rc : -AS_ERR_DB;
    }
    if (as_drop_capabilities(e, sizeof e) != 0) {
        if (rc >= 0)
            snprintf(err, errlen, "%s", e);
        return rc < 0 ? rc : -AS_ERR_PERM;
    }
    /* A scanning process that died alone (a crash) left its scan 'running' under this
     * process's pid: close it, as the next sweep would. */
    if (as_origin_close_stale(w->st, w->job->name, (double)time(NULL), e, sizeof e) < 0)
        note(w, "could not close the scan: %s", e);
    if (rc < 0)
        return rc;
    if (rc == AS_ERR_INTERRUPTED) {
        snprintf(err, errlen, "sweep interrupted: what scan %lld found is stored (marked "
                 "interrupted); no diff, no change action", (long long)w->r->scan.scan_id);
        return -AS_ERR_INTERRUPTED;
    }
    return 0;
}

static int compute_diff(sweep *w, char *err, size_t errlen)
{
    int64_t cur = w->r->scan.scan_id;
    int64_t prev = as_origin_previous(w->st, w->job->name, cur, err, errlen);
    if (prev < 0)
        return -AS_ERR_DB;
    w->r->prev_id = prev;
    if (prev == 0) {
        note(w, "first sweep of job '%s': nothing to compare with", w->job->name);
        return 0;
    }
    FILE *mem = open_memstream(&w->json, &w->json_len);
    if (mem == NULL) {
        snprintf(err, errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    int rc = as_store_diff(w->st, prev, cur, "json", mem, &w->r->changes, err, errlen);
    if (fclose(mem) != 0 && rc == 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (rc != 0)
        return -AS_ERR_DB;
    size_t again;
    char e[512];
    if (w->so->diff_out && w->r->changes > 0 &&
        as_store_diff(w->st, prev, cur, "table", w->so->diff_out, &again, e, sizeof e) != 0)
        note(w, "could not print the diff: %s", e);
    return 0;
}

static int retention(sweep *w, char *err, size_t errlen)
{
    int keep = (int)as_job_num(w->job, AS_OPT_KEEP_SCANS);
    double days = as_job_num(w->job, AS_OPT_KEEP_DAYS);
    if (keep == 0 && days == 0)
        return 0;
    as_prune_result pr;
    if (as_store_prune(w->st, keep, days > 0, (double)time(NULL) - days * 86400, 0, &pr, err, errlen) != 0)
        return -AS_ERR_DB;
    w->r->pruned = pr.scans;
    if (pr.scans > 0)
        note(w, "retention (keep-scans %d, keep-days %g): pruned %lld scan(s)", keep, days,
             (long long)pr.scans);
    return 0;
}

static int change_action(sweep *w, char *err, size_t errlen)
{
    const char *file = as_job_get(w->job, AS_OPT_ON_CHANGE_FILE);
    const char *cmd = as_job_get(w->job, AS_OPT_ON_CHANGE_COMMAND);
    if (w->r->changes == 0 || (file == NULL && cmd == NULL))
        return 0;
    w->r->action_ran = 1;
    int rc = 0;
    if (file && as_change_file(file, w->json, w->json_len, err, errlen) != 0)
        rc = -AS_ERR_FAIL;
    if (cmd == NULL || rc != 0)
        return rc;
    char env[5][600];
    snprintf(env[0], sizeof env[0], "AGENTSCAN_JOB=%s", w->job->name);
    snprintf(env[1], sizeof env[1], "AGENTSCAN_DB=%s", w->r->db);
    snprintf(env[2], sizeof env[2], "AGENTSCAN_SCAN=%lld", (long long)w->r->scan.scan_id);
    snprintf(env[3], sizeof env[3], "AGENTSCAN_PREVIOUS_SCAN=%lld", (long long)w->r->prev_id);
    snprintf(env[4], sizeof env[4], "AGENTSCAN_CHANGES=%zu", w->r->changes);
    char *const extra[] = {env[0], env[1], env[2], env[3], env[4], NULL};
    if (as_change_command(cmd, w->json, w->json_len, as_job_num(w->job, AS_OPT_ON_CHANGE_TIMEOUT),
                          extra, err, errlen) != 0)
        return -AS_ERR_FAIL;
    return 0;
}

/* The HTML report of this sweep, when the job asks for one: before the change action, so
 * that the action can send it. */
static int write_report(sweep *w, char *err, size_t errlen)
{
    const char *path = as_job_get(w->job, AS_OPT_REPORT);
    if (path == NULL)
        return 0;
    as_report_opts o = {.scan_id = w->r->scan.scan_id, .deploy = w->js.deploy};
    if (as_report_save(w->st, &o, path, err, errlen) != 0)
        return -AS_ERR_FAIL;
    note(w, "report written to %s", path);
    return 0;
}

/* A job whose inventory is PostgreSQL: what the spool holds goes to the server now (this
 * sweep's scan and any an outage kept back). A server that does not answer is a note, not a
 * failed sweep: the scans wait in the spool, and retention leaves the spool alone. */
static void forward(sweep *w)
{
    if (w->pg == NULL || w->st == NULL)
        return;
    char e[1200], shown[256];
    as_pg_display(w->pg, shown, sizeof shown);
    as_push_result pr;
    if (as_pg_push(w->st, w->pg, &pr, e, sizeof e) != 0) {
        w->forward_failed = 1;
        note(w, "cannot forward to %s: %s; the scans stay in the spool %s for the next sweep "
             "or `agentscan push`", shown, e, w->r->db);
    }
    if (pr.pushed || pr.already)
        note(w, "forwarded %u scan(s) to %s", pr.pushed, shown);
}

/* Everything after the lock is taken. */
static int locked(sweep *w, char *err, size_t errlen)
{
    if (as_store_open(&w->st, w->r->db, 1, err, errlen) != 0)
        return -AS_ERR_DB;
    char e[512];
    int n = as_origin_close_stale(w->st, w->job->name, (double)time(NULL), e, sizeof e);
    if (n > 0)
        note(w, "marked %d scan(s) left 'running' by a dead sweep of job '%s' as interrupted",
             n, w->job->name);
    else if (n < 0)
        note(w, "could not close stale scans: %s", e);
    int rc = run_scan(w, err, errlen);
    forward(w);
    if (rc == 0)
        rc = compute_diff(w, err, errlen);
    if (rc == 0 && !w->forward_failed)
        rc = retention(w, err, errlen);
    /* A report that cannot be written is an error, but the action still runs. */
    char rerr[512] = "";
    int rr = rc == 0 ? write_report(w, rerr, sizeof rerr) : 0;
    if (rc == 0)
        rc = change_action(w, err, errlen);
    if (rc == 0 && rr != 0) {
        snprintf(err, errlen, "report: %s", rerr);
        rc = rr;
    }
    return rc;
}

int as_sweep_run(const as_config *cfg, const char *name, const as_sweep_opts *so,
                 as_sweep_result *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    sweep w = {.cfg = cfg, .so = so, .r = r, .job = as_config_job(cfg, name)};
    if (w.job == NULL) {
        snprintf(err, errlen, "no job '%s' in %s (see 'agentscan config show')", name, cfg->path);
        return -AS_ERR_USAGE;
    }
    r->db = as_job_get(w.job, AS_OPT_DB);
    if (as_db_is_pg(r->db)) {
        w.pg = r->db;
        if (as_spool_path(as_job_get(w.job, AS_OPT_SPOOL), w.job->name, r->spool,
                          sizeof r->spool, err, errlen) != 0)
            return -AS_ERR_DB;
        r->db = r->spool;
    }
    char label[AS_JOB_NAME_MAX + 16];
    snprintf(label, sizeof label, "sweep %s:", w.job->name);
    int rc = as_job_scan_prepare(w.job, label, &w.js, err, errlen);
    if (rc != 0) {
        as_job_scan_free(&w.js);
        return rc;
    }
    as_lock lock;
    double wait = so->lock_wait >= 0 ? so->lock_wait : as_job_num(w.job, AS_OPT_LOCK_WAIT);
    if (wait > 0)
        note(&w, "waiting up to %gs for the lock of job '%s'", wait, name);
    int lr = as_lock_take(&lock, r->db, name, wait, so->interrupted, &r->holder, &r->stale, err, errlen);
    if (lr == 0) {
        if (r->stale)
            note(&w, "taking over the stale lock %s: sweep pid %ld ended without releasing it "
                 "(crashed or killed)", lock.path, (long)r->stale);
        w.lock = &lock;
        rc = locked(&w, err, errlen);
        as_lock_release(&lock);
    } else if (lr == 1) {
        r->busy = 1;
        snprintf(err, errlen, "job '%s' is already being swept (pid %ld holds %s.%s.lock): this "
                 "sweep exits without scanning (set lock-wait or --wait SECONDS to wait instead)",
                 name, (long)r->holder, r->db, name);
        rc = -AS_ERR_FAIL;
    } else {
        rc = -AS_ERR_DB;
    }
    as_store_close(w.st);
    free(w.json);
    as_job_scan_free(&w.js);
    return rc;
}
