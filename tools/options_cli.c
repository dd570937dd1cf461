/* options_cli.c — a command line read through the option table: each flag finds its row,
 * and its value is checked by the very function that checks a config file's key. */
#include "tools/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/pg.h"
#include "probes/errors.h"
#include "tools/config_internal.h"

typedef struct reader {
    as_job *job;
    unsigned scope;
    enum as_cli_mode mode;
    char ping[512];             /* -PE/-PA/-Pn as the ping key's value, in order */
    int ping_none, verbose;
    char *err;
    size_t errlen;
} reader;

static int is_list(const as_opt_info *o)
{
    return o->type == AS_T_TARGETS || o->type == AS_T_FILES;
}

/* A path on the command line is relative to where the command runs and holds no escapes:
 * make it absolute and double its '%', so that the config checker takes it as written. */
static char *path_value(const char *v)
{
    char cwd[4096] = "";
    if (v[0] != '/' && getcwd(cwd, sizeof cwd - 1) == NULL)
        cwd[0] = '\0';
    size_t n = strlen(cwd) + 1 + 2 * strlen(v) + 1;
    char *out = malloc(n), *o = out;
    if (out == NULL)
        return NULL;
    if (v[0] != '/' && cwd[0])
        o += sprintf(o, "%s/", strcmp(cwd, "/") == 0 ? "" : cwd);
    for (const char *p = v; *p; p++) {
        if (*p == '%')
            *o++ = '%';
        *o++ = *p;
    }
    *o = '\0';
    return out;
}

static int set(reader *r, enum as_opt id, const char *value)
{
    const as_opt_info *o = as_opt_get(id);
    char canon[2048], e[512];
    char *owned = NULL;
    if ((o->type == AS_T_PATH || o->type == AS_T_FILES || o->type == AS_T_OUTPUT ||
         (o->type == AS_T_DATABASE && !as_db_is_pg(value))) && *value && strcmp(value, "-") != 0)
        value = owned = path_value(value);
    if (value == NULL) {
        snprintf(r->err, r->errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    int rc = as_opt_parse(id, value, canon, sizeof canon, e, sizeof e);
    free(owned);
    if (rc != 0) {
        int target = o->type == AS_T_TARGETS;
        if (o->cli == AS_CLI_POSITIONAL)
            snprintf(r->err, r->errlen, "%s", e);
        else
            snprintf(r->err, r->errlen, "%s: %s", o->flag, e);
        return target ? -AS_ERR_TARGET : -AS_ERR_USAGE;
    }
    as_opt_val *v = &r->job->v[id];
    if (is_list(o) && v->text) {
        size_t old = strlen(v->text), add = strlen(canon);
        char *n = realloc(v->text, old + add + 2);
        if (n == NULL) {
            snprintf(r->err, r->errlen, "out of memory");
            return -AS_ERR_FAIL;
        }
        n[old] = '\n';
        memcpy(n + old + 1, canon, add + 1);
        v->text = n;
    } else {
        /* A flag given twice: the later one wins, as in nmap. */
        free(v->text);
        if ((v->text = strdup(canon)) == NULL) {
            snprintf(r->err, r->errlen, "out of memory");
            return -AS_ERR_FAIL;
        }
    }
    return 0;
}

/* -PE, -PA[PORTS], -Pn: the first one replaces the default probes; -Pn wins over the rest. */
static int ping_flag(reader *r, const char *arg)
{
    size_t used = strlen(r->ping);
    const char *add;
    char buf[300];
    if (strcmp(arg, "-Pn") == 0) {
        r->ping_none = 1;
        return 0;
    } else if (strcmp(arg, "-PE") == 0)
        add = "echo";
    else if (strncmp(arg, "-PA", 3) == 0) {
        snprintf(buf, sizeof buf, "ack%s%s", arg[3] ? ":" : "", arg + 3);
        add = buf;
    } else {
        snprintf(r->err, r->errlen, "unsupported ping option '%s' (use -PE, -PA[PORTS] or -Pn)", arg);
        return -AS_ERR_USAGE;
    }
    if (used + strlen(add) + 2 > sizeof r->ping) {
        snprintf(r->err, r->errlen, "too many -P options");
        return -AS_ERR_USAGE;
    }
    snprintf(r->ping + used, sizeof r->ping - used, "%s%s", used ? "," : "", add);
    return 0;
}

/* The row a flag belongs to, and where its value is: attached (*value set), in the next
 * word (*value NULL, *next 1), or none. -1 when no row knows the flag. */
static int match(const char *arg, const char **value, int *next)
{
    *value = NULL;
    *next = 0;
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        size_t n = o->flag ? strlen(o->flag) : 0;
        if (n == 0 || strncmp(arg, o->flag, n) != 0)
            continue;
        const char *rest = arg + n;
        switch (o->cli) {
        case AS_CLI_SWITCH:
            if (*rest == '\0')
                return i;
            break;
        case AS_CLI_COUNT:
            if (rest[strspn(rest, o->flag + 1)] == '\0')
                return i;
            break;
        case AS_CLI_ATTACHED:
            if (rest[0] != '\0' && rest[1] == '\0') {
                *value = rest;
                return i;
            }
            break;
        case AS_CLI_PING:
            if (*rest != '\0')
                return i;
            break;
        case AS_CLI_VALUE:
            if (*rest == '\0') {
                *next = 1;
                return i;
            }
            /* "--flag=V"; nmap's short flags also take "-pV" / "-iLFILE". */
            if (*rest == '=' || (o->flag[1] != '-')) {
                *value = rest + (*rest == '=');
                return i;
            }
            break;
        default:
            break;
        }
    }
    return -1;
}

static int read_flag(reader *r, int argc, char *const argv[], int *i)
{
    const char *arg = argv[*i], *value;
    int next, id = match(arg, &value, &next);
    if (id < 0 || !(as_opt_get(id)->scope & r->scope)) {
        if (r->mode == AS_CLI_STORED)
            return 0;
        if (id < 0)
            snprintf(r->err, r->errlen, "unknown option '%s' (try 'agentscan %s --help')", arg,
                     r->job->name);
        else
            snprintf(r->err, r->errlen, "option '%s' does not apply to '%s'", arg, r->job->name);
        return -AS_ERR_USAGE;
    }
    const as_opt_info *o = as_opt_get(id);
    if (next) {
        if (*i + 1 >= argc) {
            snprintf(r->err, r->errlen, "option '%s' needs a value", arg);
            return -AS_ERR_USAGE;
        }
        value = argv[++*i];
    }
    switch (o->cli) {
    case AS_CLI_PING:
        return ping_flag(r, arg);
    case AS_CLI_SWITCH:
        return set(r, id, o->cli_value);
    case AS_CLI_COUNT:
        r->verbose += (int)strlen(arg) - 1;
        return 0;
    default:
        return set(r, id, value);
    }
}

static int finish(reader *r)
{
    char num[16];
    int rc = 0;
    if (r->ping_none)
        rc = set(r, AS_OPT_PING, "none");
    else if (r->ping[0])
        rc = set(r, AS_OPT_PING, r->ping);
    if (rc == 0 && r->verbose) {
        snprintf(num, sizeof num, "%d", r->verbose > 10 ? 10 : r->verbose);
        rc = set(r, AS_OPT_VERBOSE, num);
    }
    as_config blank;
    memset(&blank, 0, sizeof blank);
    if (gethostname(blank.hostname, sizeof blank.hostname - 1) != 0 || blank.hostname[0] == '\0')
        snprintf(blank.hostname, sizeof blank.hostname, "localhost");
    if (rc == 0 && as_job_effective(&blank, r->job) != 0) {
        snprintf(r->err, r->errlen, "out of memory");
        rc = -AS_ERR_FAIL;
    }
    return rc;
}

static void first_problem(void *ctx, enum as_opt where, const char *msg)
{
    reader *r = ctx;
    (void)where;
    if (r->err[0] == '\0')
        snprintf(r->err, r->errlen, "%s", msg);
}

int as_cli_read(as_job *job, const char *name, int argc, char *const argv[], unsigned scope,
                enum as_cli_mode mode, char *err, size_t errlen)
{
    memset(job, 0, sizeof *job);
    snprintf(job->name, sizeof job->name, "%s", name);
    reader r = {.job = job, .scope = scope, .mode = mode, .err = err, .errlen = errlen};
    err[0] = '\0';
    int rc = 0, positional = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        const char *arg = argv[i];
        if (positional || arg[0] != '-' || arg[1] == '\0') {
            if (mode == AS_CLI_STRICT)
                rc = set(&r, AS_OPT_TARGETS, arg);
        } else if (strcmp(arg, "--") == 0)
            positional = 1;
        else
            rc = read_flag(&r, argc, argv, &i);
    }
    if (rc == 0)
        rc = finish(&r);
    return rc;
}

int as_cli_check(const as_job *job, char *err, size_t errlen)
{
    reader r = {.err = err, .errlen = errlen};
    err[0] = '\0';
    return as_job_cross_check(job, 1, first_problem, &r) > 0 ? -AS_ERR_USAGE : 0;
}

int as_cli_read_text(as_job *job, const char *name, const char *text, unsigned scope,
                     enum as_cli_mode mode, char *err, size_t errlen)
{
    char *copy = strdup(text ? text : ""), **argv = NULL;
    size_t argc = 0;
    if (copy != NULL)
        argv = calloc(strlen(copy) / 2 + 2, sizeof *argv);
    if (copy == NULL || argv == NULL) {
        free(copy);
        memset(job, 0, sizeof *job);
        snprintf(err, errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    int rc = as_cli_read(job, name, (int)argc, argv, scope, mode, err, errlen);
    free(argv);
    free(copy);
    return rc;
}

void as_job_release(as_job *job)
{
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        free(job->v[i].text);
        free(job->eff[i]);
    }
    memset(job, 0, sizeof *job);
}
