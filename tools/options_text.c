/* options_text.c — the option table written out: a job's wire-relevant options as `scan`
 * flags (the text stored with each scan), and `--help` for a command's flags. */
#include "tools/options.h"

#include <stdio.h>
#include <string.h>

static void add(char *out, size_t len, const char *a, const char *b)
{
    size_t used = strlen(out);
    if (used < len)
        snprintf(out + used, len - used, "%s%s%s", used ? " " : "", a, b);
}

/* "echo,ack:80,443" → "-PE -PA80,443"; "none" → "-Pn". */
static void write_ping(const char *ping, char *out, size_t len)
{
    if (strcmp(ping, "none") == 0) {
        add(out, len, "-Pn", "");
        return;
    }
    if (strstr(ping, "echo") != NULL)
        add(out, len, "-PE", "");
    const char *ack = strstr(ping, "ack:");
    if (ack != NULL)
        add(out, len, "-PA", ack + 4);
}

/* Written whatever their value: they make the record of a scan complete on their own. */
static int always(enum as_opt id)
{
    return id == AS_OPT_PORTS || id == AS_OPT_PING || id == AS_OPT_MAX_RATE ||
           id == AS_OPT_MAX_RETRIES;
}

void as_cli_write(const as_job *job, char *out, size_t len)
{
    out[0] = '\0';
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        const char *v = as_job_get(job, i);
        if (!(o->scope & AS_SCOPE_SENDS) || v == NULL || o->type == AS_T_TARGETS ||
            o->type == AS_T_FILES)
            continue;
        if (!always(i) && !job->given[i] && (o->def == NULL || strcmp(v, o->def) == 0))
            continue;
        switch (o->cli) {
        case AS_CLI_PING:
            write_ping(v, out, len);
            break;
        case AS_CLI_SWITCH:
            if (strcmp(v, o->cli_value) == 0)
                add(out, len, o->flag, "");
            break;
        case AS_CLI_ATTACHED:
            add(out, len, o->flag, v);
            break;
        case AS_CLI_VALUE: {
            char word[512];
            snprintf(word, sizeof word, "%s %s", o->flag, v);
            add(out, len, word, "");
            break;
        }
        default:
            break;
        }
    }
}

static void help_line(FILE *out, const char *flag, const char *help, const char *def)
{
    if (strlen(flag) > 22)
        fprintf(out, "  %s\n  %-22s %s", flag, "", help);
    else
        fprintf(out, "  %-22s %s", flag, help);
    if (def != NULL && *def)
        fprintf(out, " (default: %s)", def);
    fputc('\n', out);
}

void as_cli_help(FILE *out, const char *usage, unsigned scope)
{
    fprintf(out, "%s\n\n", usage);
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        char flag[64];
        if (!(o->scope & scope) || o->cli == AS_CLI_NONE || o->cli == AS_CLI_POSITIONAL ||
            o->help == NULL)
            continue;
        switch (o->cli) {
        case AS_CLI_PING:
            help_line(out, "-PE", "ICMP echo ping", NULL);
            help_line(out, "-PA[PORTS]", "TCP ACK ping (to port 80 when no ports are given)", NULL);
            help_line(out, "-Pn", "no liveness probes: probe every address on every port", NULL);
            fprintf(out, "  %-22s (default: -PE -PA80; the first -P flag replaces it)\n", "");
            continue;
        case AS_CLI_COUNT:
            snprintf(flag, sizeof flag, "%s, %s%s", o->flag, o->flag, o->flag + 1);
            break;
        case AS_CLI_ATTACHED:
            snprintf(flag, sizeof flag, "%s<%s>", o->flag, o->metavar);
            break;
        case AS_CLI_VALUE:
            snprintf(flag, sizeof flag, "%s %s", o->flag, o->metavar);
            break;
        case AS_CLI_SWITCH:
            snprintf(flag, sizeof flag, "%s", o->flag);
            if (strcmp(o->cli_value, "no") == 0) {
                char off[256];
                snprintf(off, sizeof off, "turns off: %s", o->help);
                help_line(out, flag, off, NULL);
                continue;
            }
            break;
        default:
            snprintf(flag, sizeof flag, "%s", o->flag);
            break;
        }
        int shown_default = o->cli == AS_CLI_VALUE && o->def && i != AS_OPT_DB && i != AS_OPT_SEED;
        help_line(out, flag, o->help, shown_default ? o->def : NULL);
    }
}

/* scdoc markup: *bold* flags, _underlined_ values; '*' and '_' in help text escaped. */
static void scdoc_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '*' || *s == '_' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void scdoc_item(FILE *out, const char *flag, const char *value, const char *help,
                       const char *def)
{
    fputc('*', out);
    scdoc_text(out, flag);
    fputc('*', out);
    if (value != NULL) {
        fputs(" _", out);
        scdoc_text(out, value);
        fputc('_', out);
    }
    fputs("\n\t", out);
    scdoc_text(out, help);
    if (def != NULL && *def) {
        fputs(" (default: ", out);
        scdoc_text(out, def);
        fputc(')', out);
    }
    fputs(".\n\n", out);
}

void as_cli_help_scdoc(FILE *out, unsigned scope)
{
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        if (!(o->scope & scope) || o->cli == AS_CLI_NONE || o->cli == AS_CLI_POSITIONAL ||
            o->help == NULL)
            continue;
        char flag[64], off[256];
        switch (o->cli) {
        case AS_CLI_PING:
            scdoc_item(out, "-PE", NULL, "ICMP echo ping", NULL);
            scdoc_item(out, "-PA", "PORTS", "TCP ACK ping, to port 80 when no ports are given "
                       "(written -PA80,443)", NULL);
            scdoc_item(out, "-Pn", NULL, "no liveness probes: probe every address on every port; "
                       "the first -P flag replaces the default -PE -PA80", NULL);
            break;
        case AS_CLI_COUNT:
            snprintf(flag, sizeof flag, "%s, %s%s", o->flag, o->flag, o->flag + 1);
            scdoc_item(out, flag, NULL, o->help, NULL);
            break;
        case AS_CLI_ATTACHED:
            snprintf(flag, sizeof flag, "%s%s", o->flag, o->metavar);
            scdoc_item(out, flag, NULL, o->help, NULL);
            break;
        case AS_CLI_SWITCH:
            snprintf(off, sizeof off, "%s%s", strcmp(o->cli_value, "no") == 0 ? "turns off: " : "",
                     o->help);
            scdoc_item(out, o->flag, NULL, off, NULL);
            break;
        default:
            scdoc_item(out, o->flag, o->metavar, o->help,
                       o->def && i != AS_OPT_DB && i != AS_OPT_SEED ? o->def : NULL);
            break;
        }
    }
}
