/* cli_ports.c — `agentscan ports`: what agentscan sends and needs, for the firewall team,
 * from a job (--job), a stored scan (--scan/--db) or scan flags; nothing is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/reports.h"
#include "tools/config.h"
#include "probes/errors.h"
#include "engine/targets.h"
#include "tools/options.h"
#include "tools/sends.h"
#include "tools/sweep.h"
#include "tools/cli.h"

#define USAGE "usage: agentscan ports [--job JOB [--config FILE] | --scan ID [--db PATH]\n" \
    "        [--gateway NAME]]\n" \
    "        [--format text|json] [-p PORTS] [-PE] [-PA[PORTS]] [-Pn] [-O] [-n]\n" \
    "        [--dns-servers IP,...] [-S ADDR] [TARGET...]"

static void set_destination(as_sends *s, const as_targets *t)
{
    uint32_t *lo = NULL, *hi = NULL;
    size_t n = 0;
    if (as_targets_intervals(t, 1u << 20, &lo, &hi, &n) == 0 && n > 0)
        as_sends_destination(s, lo, hi, n);
    free(lo);
    free(hi);
}

/* A stored target text, as addresses when it parses without DNS (else as written). */
static void set_destination_text(as_sends *s, const char *targets)
{
    uint32_t *lo = NULL, *hi = NULL;
    size_t n = 0;
    if (as_targets_text_intervals(targets, 1u << 20, &lo, &hi, &n) == 0 && n > 0)
        as_sends_destination(s, lo, hi, n);
    free(lo);
    free(hi);
}

/* From a stored scan: its options are scan flags (a sweep writes them that way too). */
static int from_scan(as_sends *s, const char *db, int64_t scan)
{
    as_store *st = NULL;
    char err[1024], *targets, *options;
    int64_t id;
    uint32_t src = 0;
    int rc = cli_open_read(db, &st);
    if (rc != 0)
        return rc;
    rc = as_scan_text(st, scan, &id, &targets, &options, err, sizeof err);
    if (rc == 0)
        rc = as_origin_source(st, id, &src, err, sizeof err);
    as_store_close(st);
    if (rc != 0)
        return cli_fail(AS_ERR_DB, "%s", err);
    snprintf(s->label, sizeof s->label, "scan %lld", (long long)id);
    snprintf(s->targets, sizeof s->targets, "%s", targets);
    set_destination_text(s, targets);
    s->source = src;
    rc = as_sends_text(s, options, err, sizeof err);
    free(targets);
    free(options);
    return rc ? cli_fail(AS_ERR_DB, "scan %lld options: %s", (long long)id, err) : 0;
}

static int from_job(as_sends *s, const char *config, const char *job)
{
    as_config cfg;
    char err[1024];
    if (cli_load_config(config, &cfg) != 0)
        return AS_ERR_USAGE;
    const as_job *j = as_config_job(&cfg, job);
    as_targets *t = NULL;
    int rc = j == NULL ? cli_fail(AS_ERR_USAGE, "no job '%s' in %s", job, cfg.path)
           : as_sends_job(s, j, err, sizeof err) ? cli_fail(AS_ERR_USAGE, "%s", err) : 0;
    if (rc == 0) {
        int r = as_job_targets(j, 1, &t, err, sizeof err);
        if (r != 0)
            rc = cli_fail(-r, "job '%s': %s", job, err);
        else
            set_destination(s, t);
    }
    as_targets_free(t);
    as_config_free(&cfg);
    return rc;
}

typedef struct ports_args {
    const char *db, *config, *job, *format;
    int64_t scan;
    int from_db, nrest;
    char **rest;                /* scan flags and targets, read as `scan` reads them */
} ports_args;

/* ports' own flags; everything else is left for the scan parser. */
static int parse(ports_args *a, int argc, char **argv)
{
    const char *v;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            a->db = v, a->from_db = 1;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--config", &v)) > 0)
            a->config = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--job", &v)) > 0)
            a->job = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--format", &v)) > 0)
            a->format = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--scan", &v)) > 0) {
            a->from_db = 1;
            if (cli_scan_id("ports", v, &a->scan) != 0)
                return AS_ERR_USAGE;
        } else if (r < 0)
            return cli_fail(AS_ERR_USAGE, "option '%s' needs a value", argv[i]);
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            as_cli_help(stdout, USAGE, AS_SCOPE_SENDS);
            return -1;
        } else
            a->rest[a->nrest++] = argv[i];
    }
    return 0;
}

/* Scan flags on the command line: parsed by the scan's own parser, applied last. */
static int apply_flags(as_sends *s, const ports_args *a)
{
    as_job j;
    as_targets *t = NULL;
    char err[1024];
    int rc = as_cli_read(&j, "ports", a->nrest, a->rest, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err);
    if (rc == 0 && as_sends_flags(s, &j, err, sizeof err) != 0)
        rc = -AS_ERR_USAGE;
    if (rc == 0 && (as_job_get(&j, AS_OPT_TARGETS) || as_job_get(&j, AS_OPT_TARGETS_FILE))) {
        rc = as_job_targets(&j, 1, &t, err, sizeof err);
        if (rc == 0)
            set_destination(s, t);
    }
    as_targets_free(t);
    as_job_release(&j);
    return rc ? cli_fail(-rc, "%s", err) : 0;
}

int cli_ports(int argc, char **argv)
{
    ports_args a = {.format = "text", .rest = calloc((size_t)argc + 1, sizeof(char *))};
    if (a.rest == NULL)
        return cli_fail(AS_ERR_FAIL, "out of memory");
    int rc = parse(&a, argc, argv);
    as_sends s;
    char err[1024];
    as_sends_defaults(&s);
    if (rc == 0 && a.job)
        rc = from_job(&s, a.config, a.job);
    else if (rc == 0 && a.from_db)
        rc = from_scan(&s, a.db, a.scan);
    if (rc == 0)
        rc = apply_flags(&s, &a);
    if (rc == 0 && as_sends_print(&s, "/etc/resolv.conf", a.format, stdout, err, sizeof err) != 0)
        rc = cli_fail(AS_ERR_USAGE, "%s", err);
    free(a.rest);
    return rc < 0 ? 0 : rc;     /* -1: --help was printed */
}
