/* config_job.c — a job's effective values (its own, else [defaults], else built in), the
 * checks that need several keys or the files they name, and the accessors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pg.h"
#include "tools/config_internal.h"
#include "engine/scan.h"
#include "engine/targets.h"
#include "fingerprints/agents.h"

static void errf(char *err, size_t errlen, int *nerr, const char *file, unsigned line,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void errf(char *err, size_t errlen, int *nerr, const char *file, unsigned line,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    as_cfg_verror(err, errlen, nerr, file, line, fmt, ap);
    va_end(ap);
}

/* %j → job, %h → host name, %% → %. */
static char *expand(const char *s, const char *job, const char *host)
{
    size_t n = strlen(s) + 1;
    for (const char *p = s; *p; p++)
        if (*p == '%' && p[1] == 'j')
            n += strlen(job);
        else if (*p == '%' && p[1] == 'h')
            n += strlen(host);
    char *out = malloc(n), *o = out;
    if (out == NULL)
        return NULL;
    for (const char *p = s; *p; p++) {
        if (*p == '%' && (p[1] == 'j' || p[1] == 'h' || p[1] == '%')) {
            const char *r = p[1] == 'j' ? job : p[1] == 'h' ? host : "%";
            o = stpcpy(o, r);
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

int as_job_effective(const as_config *cfg, as_job *j)
{
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        const char *t = j->v[i].text ? j->v[i].text : cfg->defaults[i].text ? cfg->defaults[i].text : o->def;
        j->given[i] = j->v[i].text != NULL || cfg->defaults[i].text != NULL;
        free(j->eff[i]);
        j->eff[i] = NULL;
        if (t != NULL && (o->type == AS_T_PATH || o->type == AS_T_DATABASE ||
                          o->type == AS_T_OUTPUT || o->type == AS_T_NAME))
            j->eff[i] = expand(t, j->name, cfg->hostname);
        else if (t != NULL)
            j->eff[i] = strdup(t);
        if (t != NULL && j->eff[i] == NULL)
            return -1;
        if (j->eff[i] != NULL && i == AS_OPT_GATEWAY && strlen(j->eff[i]) > 63)
            j->eff[i][63] = '\0';
    }
    /* The default ports follow the tables and -sS/-sU, all known only now. */
    if (j->eff[AS_OPT_PORTS] == NULL && (j->eff[AS_OPT_PORTS] = as_job_default_ports(j)) == NULL)
        return -1;
    return 0;
}

/* Every file a job names must read cleanly now rather than at 3 a.m. under the timer.
 * Names in target files are not resolved here. */
static void check_files(const as_config *cfg, const as_job *j, char *err, size_t errlen, int *nerr)
{
    static const enum as_opt lists[] = {AS_OPT_TARGETS_FILE, AS_OPT_EXCLUDE_FILE};
    char e[512];
    for (size_t k = 0; k < 2; k++) {
        const char *files = as_job_get(j, lists[k]);
        for (const char *p = files; p && *p;) {
            size_t n = strcspn(p, "\n");
            char path[1024];
            snprintf(path, sizeof path, "%.*s", (int)n, p);
            as_targets *t = as_targets_new();
            as_targets_set_resolve(t, 0);
            if (t && as_targets_add_file(t, path, lists[k] == AS_OPT_EXCLUDE_FILE, e, sizeof e) != 0 &&
                strstr(e, "hostname lookups disabled") == NULL)
                errf(err, errlen, nerr, cfg->path, as_job_line(cfg, j, lists[k]), "%s: %s",
                     as_opt_get(lists[k])->name, e);
            as_targets_free(t);
            p += n + (p[n] == '\n');
        }
    }
    static const enum as_opt tables[] = {AS_OPT_AGENTS, AS_OPT_DEPLOY_TABLE};
    for (size_t k = 0; k < 2; k++) {
        const char *path = as_job_get(j, tables[k]);
        as_port_table *t = NULL;
        if (path && as_port_table_load(&t, path, tables[k] == AS_OPT_DEPLOY_TABLE, e, sizeof e) != 0)
            errf(err, errlen, nerr, cfg->path, as_job_line(cfg, j, tables[k]), "%s: %s",
                 as_opt_get(tables[k])->name, e);
        as_port_table_free(t);
    }
}

/* Checks across keys, worded for a config file (job 'x': key) or a command line (--flag). */
int as_job_cross_check(const as_job *j, int cli, as_job_problem_fn fn, void *ctx)
{
    char m[512];
    int n = 0;
    const char *t = as_job_get(j, AS_OPT_TARGETS), *tf = as_job_get(j, AS_OPT_TARGETS_FILE);
    if ((t == NULL || *t == '\0') && (tf == NULL || *tf == '\0')) {
        if (cli)
            snprintf(m, sizeof m, "%s: no targets given (e.g. 'agentscan scan 198.18.0.0/24')", j->name);
        else
            snprintf(m, sizeof m, "job '%s' has no targets (set targets or targets-file)", j->name);
        fn(ctx, AS_OPT_COUNT, m);
        n++;
    }
    if (as_job_get(j, AS_OPT_SHARD) && as_job_num(j, AS_OPT_SEED) == 0) {
        if (cli)
            snprintf(m, sizeof m, "--shard needs --seed N, the same on every shard, so that all "
                     "shards walk one order and together cover every probe exactly once");
        else
            snprintf(m, sizeof m, "job '%s': shard needs a seed, the same on every gateway (e.g. "
                     "seed = 7), so that the shards walk one order and together cover every "
                     "probe once", j->name);
        fn(ctx, AS_OPT_SHARD, m);
        n++;
    }
    if (as_job_get(j, AS_OPT_DRY_RUN_PCAP) && as_job_num(j, AS_OPT_DRY_RUN) == 0) {
        fn(ctx, AS_OPT_DRY_RUN_PCAP, "-w FILE writes what --dry-run would send; give --dry-run too");
        n++;
    }
    if (as_job_num(j, AS_OPT_MIN_RATE) > as_job_num(j, AS_OPT_MAX_RATE)) {
        snprintf(m, sizeof m, cli ? "--min-rate %s is above --max-rate %s"
                                  : "job '%s': min-rate %s is above max-rate %s",
                 cli ? as_job_get(j, AS_OPT_MIN_RATE) : j->name,
                 cli ? as_job_get(j, AS_OPT_MAX_RATE) : as_job_get(j, AS_OPT_MIN_RATE),
                 as_job_get(j, AS_OPT_MAX_RATE));
        fn(ctx, AS_OPT_MIN_RATE, m);
        n++;
    }
    return n;
}

typedef struct check_ctx {
    const as_config *cfg;
    const as_job *j;
    char *err;
    size_t errlen;
    int *nerr;
} check_ctx;

static void config_problem(void *ctx, enum as_opt where, const char *msg)
{
    check_ctx *c = ctx;
    unsigned line = where == AS_OPT_COUNT ? c->j->line : as_job_line(c->cfg, c->j, where);
    errf(c->err, c->errlen, c->nerr, c->cfg->path, line, "%s", msg);
}

static void check_job(const as_config *cfg, const as_job *j, int files, char *err, size_t errlen,
                      int *nerr)
{
    check_ctx c = {cfg, j, err, errlen, nerr};
    as_job_cross_check(j, 0, config_problem, &c);
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const char *v = as_job_get(j, i);
        size_t n = v ? strlen(v) : 0;
        for (const char *p = v; p && *p; p++)
            n += *p == '%';     /* printed back as "%%" */
        if (n > AS_CFG_MAX_VALUE && (as_opt_get(i)->type == AS_T_PATH || as_opt_get(i)->type == AS_T_DATABASE || as_opt_get(i)->type == AS_T_NAME))
            errf(err, errlen, nerr, cfg->path, as_job_line(cfg, j, i), "job '%s': %s is longer "
                 "than %d characters once %%j and %%h are expanded", j->name, as_opt_get(i)->name,
                 AS_CFG_MAX_VALUE);
    }
    if (files)
        check_files(cfg, j, err, errlen, nerr);
}

int as_config_finish(as_config *cfg, int files, char *err, size_t errlen, int *nerr)
{
    for (size_t i = 0; i < cfg->njobs; i++) {
        if (as_job_effective(cfg, &cfg->jobs[i]) != 0) {
            errf(err, errlen, nerr, cfg->path, cfg->jobs[i].line, "out of memory");
            return -1;
        }
        check_job(cfg, &cfg->jobs[i], files, err, errlen, nerr);
    }
    return *nerr ? -1 : 0;
}

void as_config_free(as_config *cfg)
{
    if (cfg == NULL)
        return;
    for (int i = 0; i < AS_OPT_COUNT; i++)
        free(cfg->defaults[i].text);
    for (size_t j = 0; j < cfg->njobs; j++)
        for (int i = 0; i < AS_OPT_COUNT; i++) {
            free(cfg->jobs[j].v[i].text);
            free(cfg->jobs[j].eff[i]);
        }
    free(cfg->jobs);
    free(cfg->path);
    memset(cfg, 0, sizeof *cfg);
}

const as_job *as_config_job(const as_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->njobs; i++)
        if (strcmp(cfg->jobs[i].name, name) == 0)
            return &cfg->jobs[i];
    return NULL;
}

const char *as_job_get(const as_job *job, enum as_opt id)
{
    return (unsigned)id < AS_OPT_COUNT ? job->eff[id] : NULL;
}

const char *as_job_local_db(const as_job *job)
{
    const char *db = as_job_get(job, AS_OPT_DB), *spool = as_job_get(job, AS_OPT_SPOOL);
    if (db == NULL || !as_db_is_pg(db))
        return db;
    if (spool)
        return spool;
    static char buf[4096];
    snprintf(buf, sizeof buf, "/var/lib/agentscan/spool-%s.db", job->name);
    return buf;
}

unsigned as_job_line(const as_config *cfg, const as_job *job, enum as_opt id)
{
    if ((unsigned)id >= AS_OPT_COUNT)
        return job->line;
    if (job->v[id].text)
        return job->v[id].line;
    if (cfg->defaults[id].text)
        return cfg->defaults[id].line;
    return job->line;
}

double as_job_num(const as_job *job, enum as_opt id)
{
    const char *t = as_job_get(job, id);
    if (t == NULL)
        return 0;
    if (strcmp(t, "yes") == 0)
        return 1;
    if (as_opt_get(id)->type == AS_T_SPAN) {
        /* canonical spans: N, Ns, Nmin, Nh, Nd */
        char *end;
        double n = strtod(t, &end);
        return n * (*end == 'd' ? 86400 : *end == 'h' ? 3600 : *end == 'm' ? 60 : 1);
    }
    return strtod(t, NULL);
}
