/* config_show.c — prints the effective configuration in the file's own format (reading it
 * back gives the same output), and the option table for `config keys`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/config.h"

static void show_value(FILE *out, const char *name, const char *text)
{
    if (text == NULL) {
        fprintf(out, "# %s =\n", name);
        return;
    }
    if (*text == '\0') {
        fprintf(out, "%s =\n", name);
        return;
    }
    /* List items go one a line, the later ones indented: inih's continuation lines. */
    size_t n = strcspn(text, "\n");
    fprintf(out, "%s = %.*s\n", name, (int)n, text);
    for (const char *p = text + n; *p == '\n';) {
        p++;
        n = strcspn(p, "\n");
        fprintf(out, "    %.*s\n", (int)n, p);
        p += n;
    }
}

/* Effective paths and names are expanded; a '%' left in them is written back as "%%". */
static char *escape_percent(const char *s)
{
    size_t n = strlen(s) + 1;
    for (const char *p = s; *p; p++)
        n += *p == '%';
    char *out = malloc(n), *o = out;
    for (const char *p = s; out && *p; p++) {
        if (*p == '%')
            *o++ = '%';
        *o++ = *p;
    }
    if (out)
        *o = '\0';
    return out;
}

static void show_job(FILE *out, const as_job *j)
{
    fprintf(out, "\n[job %s]\n", j->name);
    for (int i = 0; i < AS_OPT_FIRST_CLI_ONLY; i++) {
        enum as_opt_type t = as_opt_get(i)->type;
        const char *v = as_job_get(j, i);
        char *esc = v && (t == AS_T_PATH || t == AS_T_DATABASE || t == AS_T_NAME) ? escape_percent(v) : NULL;
        show_value(out, as_opt_get(i)->name, esc ? esc : v);
        free(esc);
    }
}

int as_config_show(const as_config *cfg, const char *job, FILE *out, char *err, size_t errlen)
{
    const as_job *only = NULL;
    if (job != NULL && (only = as_config_job(cfg, job)) == NULL) {
        int n = snprintf(err, errlen, "no job '%s' in %s (jobs:", job, cfg->path);
        for (size_t i = 0; i < cfg->njobs && n > 0 && (size_t)n < errlen; i++)
            n += snprintf(err + n, errlen - (size_t)n, " %s", cfg->jobs[i].name);
        if (n > 0 && (size_t)n < errlen)
            snprintf(err + n, errlen - (size_t)n, "%s)", cfg->njobs ? "" : " none");
        return -1;
    }
    fprintf(out, "# agentscan: effective configuration of %s\n"
            "# (built-in defaults filled in; unset options commented out)\n", cfg->path);
    for (size_t i = 0; i < cfg->njobs; i++)
        if (only == NULL || only == &cfg->jobs[i])
            show_job(out, &cfg->jobs[i]);
    return ferror(out) ? -1 : 0;
}

static const char *type_name(enum as_opt_type t)
{
    static const char *const names[] = {
        [AS_T_TARGETS] = "targets...", [AS_T_FILES] = "file...", [AS_T_PORTS] = "ports",
        [AS_T_PING] = "probes", [AS_T_NUM] = "number", [AS_T_INT] = "integer",
        [AS_T_BOOL] = "yes/no", [AS_T_IPLIST] = "IPv4,...", [AS_T_IPV4] = "IPv4",
        [AS_T_IFNAME] = "interface", [AS_T_NAME] = "name", [AS_T_PATH] = "path", [AS_T_DATABASE] = "database",
        [AS_T_COMMAND] = "command", [AS_T_SHARD] = "K/N", [AS_T_SPAN] = "time span",
        [AS_T_CALENDAR] = "OnCalendar", [AS_T_OUTPUT] = "path or -",
        [AS_T_WORDS] = "word,...",
    };
    return names[t];
}

void as_config_print_keys(FILE *out)
{
    fprintf(out, "%-18s %-11s %-15s %-26s %s\n", "key", "type", "range", "default", "scan flag: meaning");
    for (int i = 0; i < AS_OPT_FIRST_CLI_ONLY; i++) {
        const as_opt_info *o = as_opt_get(i);
        char range[32] = "", flag[32] = "";
        if (o->type == AS_T_NUM || o->type == AS_T_INT || o->type == AS_T_SPAN)
            snprintf(range, sizeof range, "%g-%g%s", o->min, o->max, o->type == AS_T_SPAN ? "s" : "");
        char def[64];
        snprintf(def, sizeof def, "%s", o->def ? o->def : i == AS_OPT_PORTS ? "(16 ports)" : "-");
        if (o->cli == AS_CLI_PING)
            snprintf(flag, sizeof flag, "-PE -PA -Pn: ");
        else if (o->cli == AS_CLI_SWITCH)
            snprintf(flag, sizeof flag, "%s (= %s): ", o->flag, o->cli_value);
        else if (o->cli == AS_CLI_ATTACHED)
            snprintf(flag, sizeof flag, "%sN: ", o->flag);
        else if (o->cli == AS_CLI_POSITIONAL)
            snprintf(flag, sizeof flag, "TARGET...: ");
        else if (o->flag)
            snprintf(flag, sizeof flag, "%s: ", o->flag);
        fprintf(out, "%-18s %-11s %-15s %-26s %s%s\n", o->name, type_name(o->type), range, def,
                flag, o->help);
    }
    fprintf(out, "Sections: [defaults] for every job, [job NAME] per job. Paths take %%j (job) "
            "and %%h (host name).\n");
}
