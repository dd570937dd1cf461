/* timer.c — the systemd drop-ins `install-timer` writes for one job: its schedule for the
 * timer template, and its binary, configuration and writable directories for the service. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/sweep.h"

/* A path as one unit-file word: '%' would be a specifier, whitespace would split it. */
static int unit_path(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
    size_t o = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'' || *p == '\\' || *p == '\n') {
            snprintf(err, errlen, "path '%s' has a space, quote or backslash, which unit files "
                     "cannot take here; use another path", in);
            return -1;
        }
        if (o + 3 >= outlen) {
            snprintf(err, errlen, "path too long: %s", in);
            return -1;
        }
        if (*p == '%')
            out[o++] = '%';
        out[o++] = *p;
    }
    out[o] = '\0';
    return 0;
}

/* The directory of a file path ("/var/lib/agentscan/x.db" -> "/var/lib/agentscan"). */
static void dir_of(const char *path, char *out, size_t outlen)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 0 : slash == path ? 1 : (size_t)(slash - path);
    snprintf(out, outlen, "%.*s", (int)n, n ? path : ".");
}

static int service_text(const as_job *job, const char *exe, const char *config_path, char **out,
                        char *err, size_t errlen)
{
    char e_exe[2048], e_cfg[2048], d1[2048], d2[2048], d3[2048], e_d1[4096], e_d2[4096] = "",
         e_d3[4096] = "";
    if (unit_path(exe, e_exe, sizeof e_exe, err, errlen) != 0 ||
        unit_path(config_path, e_cfg, sizeof e_cfg, err, errlen) != 0)
        return -1;
    dir_of(as_job_local_db(job), d1, sizeof d1);
    if (unit_path(d1, e_d1, sizeof e_d1, err, errlen) != 0)
        return -1;
    const char *file = as_job_get(job, AS_OPT_ON_CHANGE_FILE);
    if (file) {
        dir_of(file, d2, sizeof d2);
        if (strcmp(d1, d2) != 0 && unit_path(d2, e_d2, sizeof e_d2, err, errlen) != 0)
            return -1;
    }
    /* The report is written beside itself (a temporary file, then a rename). */
    const char *report = as_job_get(job, AS_OPT_REPORT);
    if (report) {
        dir_of(report, d3, sizeof d3);
        if (strcmp(d1, d3) != 0 && (!file || strcmp(d2, d3) != 0) &&
            unit_path(d3, e_d3, sizeof e_d3, err, errlen) != 0)
            return -1;
    }
    size_t len = 1024 + strlen(e_exe) + strlen(e_cfg) + strlen(e_d1) + strlen(e_d2) + strlen(e_d3);
    if ((*out = malloc(len)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* The job name is %i: the instance of the template. */
    snprintf(*out, len,
             "# Written by 'agentscan install-timer %s': this binary and configuration, and\n"
             "# write access to the job's database directory%s%s only.\n"
             "[Service]\n"
             "ExecStart=\n"
             "ExecStart=%s sweep --config %s %%i\n"
             "ReadWritePaths=%s%s%s%s%s\n",
             job->name, *e_d2 ? " and on-change-file directory" : "",
             *e_d3 ? " and report directory" : "", e_exe, e_cfg, e_d1,
             *e_d2 ? " " : "", e_d2, *e_d3 ? " " : "", e_d3);
    return 0;
}

int as_timer_dropins(const as_config *cfg, const as_job *job, const char *exe,
                     const char *config_path, char **timer, char **service,
                     char *err, size_t errlen)
{
    (void)cfg;
    *timer = *service = NULL;
    const char *cal = as_job_get(job, AS_OPT_SCHEDULE);
    size_t len = 512 + strlen(cal);
    if ((*timer = malloc(len)) == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* An empty OnCalendar= first clears the template's default rather than adding to it. */
    snprintf(*timer, len,
             "# Written by 'agentscan install-timer %s' from the job's schedule and\n"
             "# randomized-delay.\n"
             "[Timer]\n"
             "OnCalendar=\n"
             "OnCalendar=%s\n"
             "RandomizedDelaySec=%.0f\n",
             job->name, cal, as_job_num(job, AS_OPT_RANDOMIZED_DELAY));
    if (service_text(job, exe, config_path, service, err, errlen) != 0) {
        free(*timer);
        *timer = NULL;
        return -1;
    }
    return 0;
}
