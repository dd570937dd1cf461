/* cli_scan.c — `agentscan scan`: nmap-style flags read through the option table into a job,
 * then one scan into the inventory. Every input is checked before the first packet. */
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/pg.h"
#include "db/store.h"
#include "probes/errors.h"
#include "engine/privdrop.h"
#include "engine/scan.h"
#include "tools/cli.h"
#include "tools/forward.h"
#include "tools/options.h"
#include "tools/service_check.h"
#include "tools/scan_record.h"
#include "tools/sweep.h"

#define SCAN_USAGE "usage: agentscan scan [OPTIONS] TARGET...\n" \
    "TARGET: 198.18.0.1, 198.18.0.0/16, 198.18.0-3.1-254, a host name; options as nmap's."

static void print_summary(const as_scan_summary *s, const char *db)
{
    fprintf(stderr, "agentscan: scan %lld %s: %llu addresses, %llu hosts up, %llu open ports, "
            "%llu probes, %.2f s; see 'agentscan hosts --db %s'\n",
            (long long)s->scan_id, s->interrupted ? "interrupted" : "done",
            (unsigned long long)s->addresses, (unsigned long long)s->hosts_up,
            (unsigned long long)s->ports_open, (unsigned long long)s->probes_sent, s->seconds, db);
}

/* -oX: the scan as nmap XML, from what the store holds, so an interrupted scan still
 * gives a complete document of what it found. Returns an exit code (0 ok). */
static int write_xml(const char *path, as_store *st, int64_t scan_id, const as_port_table *deploy)
{
    int missing;
    char err[512];
    as_oui *oui = NULL;
    if (as_oui_load(&oui, as_default_oui_path(), &missing, err, sizeof err) != 0)
        fprintf(stderr, "agentscan: warning: MAC vendors left empty: %s\n", err);
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = AS_EXPORT_XML;
    o.scan_id = scan_id;
    o.deploy = deploy;
    o.oui = oui;
    int rc = cli_write_export(st, &o, path);
    as_oui_free(oui);
    return rc;
}

static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

/* Once its sockets are open the scan becomes an unprivileged user (root only), writes only
 * beside its database (and the -oX file) and makes only the calls it needs. -oX is written
 * after the scan into a directory the user may not be able to write: with -oX FILE the
 * uid switch happens only when --user asks for it. */
static void configure_privdrop(const as_job *job, const char *db)
{
    static char dbdir[4096], outdir[4096];
    char tmp[4096];
    const char *xml = as_job_get(job, AS_OPT_XML), *user = as_job_get(job, AS_OPT_USER);
    snprintf(tmp, sizeof tmp, "%s", db);
    snprintf(dbdir, sizeof dbdir, "%s", dirname(tmp));
    int to_file = xml && strcmp(xml, "-") != 0;
    if (to_file) {
        snprintf(tmp, sizeof tmp, "%s", xml);
        snprintf(outdir, sizeof outdir, "%s", dirname(tmp));
    }
    as_privdrop_opts p = {.user = user, .switch_user = !to_file || user != NULL,
                          .db_dir = dbdir, .out_dir = to_file ? outdir : NULL, .sandbox = 1,
                          .selftest = (int)as_job_num(job, AS_OPT_SELFTEST_SANDBOX)};
    as_privdrop_configure(&p);
}

/* Runs the prepared scan into the store at db; returns the exit code. */
static int run(as_job_scan *js, const as_job *job, const char *db)
{
    char err[1100];
    as_store *st = NULL;
    const char *xml = as_job_get(job, AS_OPT_XML);
    if (xml && as_output_writable(xml, err, sizeof err) != 0)
        return cli_fail(AS_ERR_FAIL, "-oX: %s", err);     /* before any packet, any database */
    int existed = access(db, F_OK) == 0;
    if (!js->o.dry_run && as_store_open(&st, db, 1, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DB, "%s", err);
    js->o.store = st;
    configure_privdrop(job, db);
    js->o.interrupted = cli_catch_stop_signals(AS_ERR_INTERRUPTED);
    as_scan_summary sum;
    memset(&sum, 0, sizeof sum);
    int rc, r = as_scan_run(&js->o, &sum, err, sizeof err);
    char warn[1100];
    if (sum.scan_id > 0 &&
        as_scan_record_context(st, &js->o, &sum, NULL, NULL, warn, sizeof warn) != 0)
        fprintf(stderr, "agentscan: warning: %s\n", warn);
    if (r < 0)
        rc = cli_fail(-r, "%s", err);
    else {
        if (!js->o.dry_run)
            print_summary(&sum, db);
        rc = r;
    }
    int xr = xml && sum.scan_id > 0 ? write_xml(xml, st, sum.scan_id, js->deploy) : 0;
    as_store_close(st);
    if (rc != 0 && sum.scan_id <= 0 && !existed)
        cli_remove_new_db(db);     /* failed before it sent: leave no empty database */
    return rc == 0 ? xr : rc;
}

/* A scan into a PostgreSQL inventory: into the spool, in a child, then forwarded. */
typedef struct spooled {
    as_job_scan *js;
    const as_job *job;
    const char *spool;
} spooled;

static int run_spooled(void *arg)
{
    spooled *s = arg;
    return run(s->js, s->job, s->spool);
}

static int run_into(as_job_scan *js, const as_job *job, const char *db)
{
    if (!as_db_is_pg(db) || js->o.dry_run)
        return run(js, job, db);
    char spool[4096], err[1200];
    if (as_spool_path(as_job_get(job, AS_OPT_SPOOL), NULL, spool, sizeof spool, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DB, "%s", err);
    spooled s = {js, job, spool};
    int rc = as_run_child(run_spooled, &s);
    /* A server that is down is not a failed scan: the scan waits in the spool, and the
     * message says so; the exit status is the scan's. */
    as_forward(spool, db);
    return rc;
}

int cli_scan(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help-scdoc") == 0) {     /* the man page's build */
        as_cli_help_scdoc(stdout, AS_SCOPE_SCAN);
        return 0;
    }
    if (wants_help(argc, argv)) {
        as_cli_help(stdout, SCAN_USAGE, AS_SCOPE_SCAN);
        return 0;
    }
    as_job job;
    as_job_scan js;
    memset(&js, 0, sizeof js);
    char err[1100];
    int rc = as_cli_read(&job, "scan", argc - 1, argv + 1, AS_SCOPE_SCAN, AS_CLI_STRICT, err,
                         sizeof err);
    if (rc == 0)
        rc = as_cli_check(&job, err, sizeof err);
    if (rc == 0)
        rc = as_job_scan_prepare(&job, NULL, &js, err, sizeof err);
    if (rc != 0)
        rc = cli_fail(-rc, "%s", err);
    else {
        js.o.progress = js.o.progress && isatty(STDERR_FILENO);
        rc = run_into(&js, &job, job.given[AS_OPT_DB] ? as_job_get(&job, AS_OPT_DB)
                                                      : cli_db_path(NULL));
    }
    as_job_scan_free(&js);
    as_job_release(&job);
    return rc;
}
