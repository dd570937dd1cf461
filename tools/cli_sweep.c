/* cli_sweep.c — `agentscan sweep JOB`: one run of a configured job (exit 0 no change,
 * 1 changes, 2 error, as `diff`), and `agentscan install-timer JOB` for systemd. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/config.h"
#include "probes/errors.h"
#include "tools/sweep.h"
#include "tools/cli.h"
#include "tools/service_check.h"

static void log_line(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "agentscan: %s\n", msg);
}

static void summary(const char *job, const as_sweep_result *r)
{
    const as_scan_summary *s = &r->scan;
    fprintf(stderr, "agentscan: sweep %s: scan %lld, %llu addresses, %llu hosts up, %llu open "
            "ports, %.2f s", job, (long long)s->scan_id, (unsigned long long)s->addresses,
            (unsigned long long)s->hosts_up, (unsigned long long)s->ports_open, s->seconds);
    if (r->prev_id > 0)
        fprintf(stderr, "; %zu change(s) since scan %lld", r->changes, (long long)r->prev_id);
    fprintf(stderr, "%s; db %s\n", r->action_ran ? "; change action ran" : "", r->db);
}

#define SWEEP_USAGE "usage: agentscan sweep JOB [--config FILE] [--wait SECONDS] [-v] [--no-progress]"

int cli_sweep(int argc, char **argv)
{
    const char *path = NULL, *job = NULL, *v;
    as_sweep_opts so = {.lock_wait = -1, .progress = isatty(STDERR_FILENO), .log = log_line,
                        .diff_out = stdout};
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--config", &v)) > 0)
            path = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--wait", &v)) > 0) {
            char *end;
            so.lock_wait = strtod(v, &end);
            if (*end || so.lock_wait < 0 || so.lock_wait > 86400)
                return cli_fail(2, "--wait takes seconds from 0 to 86400, not '%s'", v);
        } else if (r < 0)
            return cli_fail(2, "option '%s' needs a value", argv[i]);
        else if (strcmp(argv[i], "-v") == 0)
            so.verbose++;
        else if (strcmp(argv[i], "--no-progress") == 0)
            so.progress = 0;
        else if (strcmp(argv[i], "--selftest-sandbox") == 0)
            so.selftest = 1;        /* a test hook (tests/lab/test_sandbox.sh), not in --help */
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("%s\n\n"
                   "  --config FILE          the configuration (default: %s)\n"
                   "  --wait SECONDS         wait this long for a running sweep of the job "
                   "(default: the job's lock-wait)\n"
                   "  -v                     diagnostics on stderr\n"
                   "  --no-progress          no progress line\n"
                   "The job's options are config keys: 'agentscan config keys' lists them.\n"
                   "Exit: 0 nothing changed, 1 changes, 2 trouble (what was found stays stored).\n",
                   SWEEP_USAGE, AS_CONFIG_DEFAULT_PATH);
            return 0;
        } else if (argv[i][0] == '-' || job != NULL)
            return cli_fail(2, "%s", SWEEP_USAGE);
        else
            job = argv[i];
    }
    if (job == NULL)
        return cli_fail(2, "%s", SWEEP_USAGE);
    as_config cfg;
    if (cli_load_config(path, &cfg) != 0)
        return 2;
    so.interrupted = cli_catch_stop_signals(2);
    as_sweep_result r;
    char err[1024];
    int rc = as_sweep_run(&cfg, job, &so, &r, err, sizeof err);
    if (r.scan.scan_id > 0)
        summary(job, &r);
    if (rc != 0)
        cli_fail(2, "%s", err);
    as_config_free(&cfg);
    /* diff's convention: 0 nothing changed, 1 changes, 2 trouble (the data stays stored). */
    return rc != 0 ? 2 : r.changes > 0 ? 1 : 0;
}

/* Runs argv; quiet sends its stdout away (its errors still show). */
static int run(char *const argv[], int quiet)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (quiet && !freopen("/dev/null", "w", stdout))
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        return cli_fail(1, "cannot write %s: %s", path, strerror(errno));
    printf("wrote %s\n", path);
    return 0;
}

/* The template units, copied from where they were installed or from the source tree. */
static int install_templates(const char *unit_dir)
{
    static const char *const names[] = {"agentscan-sweep@.service", "agentscan-sweep@.timer"};
    static const char *const dirs[] = {AS_DATADIR "/systemd", AS_SOURCE_DIR "/tools/systemd"};
    for (size_t n = 0; n < 2; n++) {
        char src[PATH_MAX], dst[PATH_MAX], buf[8192];
        FILE *in = NULL;
        for (size_t d = 0; d < 2 && in == NULL; d++) {
            snprintf(src, sizeof src, "%s/%s", dirs[d], names[n]);
            in = fopen(src, "r");
        }
        if (in == NULL)
            return cli_fail(1, "template unit %s not found in %s or %s", names[n], dirs[0], dirs[1]);
        size_t len = fread(buf, 1, sizeof buf - 1, in);
        fclose(in);
        buf[len] = '\0';
        snprintf(dst, sizeof dst, "%s/%s", unit_dir, names[n]);
        if (write_text(dst, buf) != 0)
            return 1;
    }
    return 0;
}

static int write_dropin(const char *unit_dir, const char *job, const char *kind, const char *text)
{
    char dir[PATH_MAX], file[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/agentscan-sweep@%s.%s.d", unit_dir, job, kind);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        return cli_fail(1, "cannot create %s: %s", dir, strerror(errno));
    snprintf(file, sizeof file, "%s/agentscan.conf", dir);
    return write_text(file, text);
}

static void check_user(const as_job *job)
{
    struct passwd *pw = getpwnam("agentscan");
    if (pw == NULL) {
        printf("note: the units run as user 'agentscan', which does not exist; create it:\n"
               "  useradd --system --home-dir /var/lib/agentscan --shell /usr/sbin/nologin agentscan\n");
        return;
    }
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", as_job_local_db(job));
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = '\0';
    struct stat sb;
    if (stat(dir, &sb) != 0 || sb.st_uid != pw->pw_uid)
        printf("note: %s must exist and be writable by user agentscan:\n"
               "  install -d -o agentscan -g agentscan -m 0750 %s\n", dir, dir);
}

#ifndef AS_BINDIR
#define AS_BINDIR "/usr/local/bin"
#endif
#ifndef AS_BUILD_DIR
#define AS_BUILD_DIR "/nonexistent"
#endif

/* The binary the unit runs: --exec, else the installed one, else this one unless it lives
 * in the build tree (a rebuild or a cleaned tree would break the timer). */
static int unit_binary(const char *given, char *exe, size_t len)
{
    if (given) {
        if (realpath(given, exe) == NULL || access(exe, X_OK) != 0)
            return cli_fail(2, "--exec %s: not an executable file", given);
        return 0;
    }
    if (access(AS_BINDIR "/agentscan", X_OK) == 0) {
        snprintf(exe, len, "%s", AS_BINDIR "/agentscan");
        return 0;
    }
    ssize_t n = readlink("/proc/self/exe", exe, len - 1);
    if (n <= 0)
        return cli_fail(1, "cannot find this program's path; name it with --exec PATH");
    exe[n] = '\0';
    size_t b = strlen(AS_BUILD_DIR);
    if (strncmp(exe, AS_BUILD_DIR, b) == 0 && exe[b] == '/')
        return cli_fail(2, "this agentscan runs from its build tree (%s) and none is installed "
                        "at %s: install it first (cmake --install build), or name the binary "
                        "the unit should run with --exec PATH", exe, AS_BINDIR "/agentscan");
    return 0;
}

/* Everything the unit reads or writes must be visible inside its sandbox. */
static int unit_paths(const as_job *j, const char *exe, const char *conf)
{
    const char *paths[] = {exe, conf, as_job_local_db(j), as_job_get(j, AS_OPT_ON_CHANGE_FILE)};
    const char *what[] = {"the binary", "the configuration", "the database", "on-change-file"};
    char why[1024];
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (paths[i] && as_unit_path_visible(paths[i], why, sizeof why) != 0)
            return cli_fail(2, "job '%s': %s: %s", j->name, what[i], why);
    return 0;
}

/* Writes the units and drop-ins of one job, then enables its timer (unless told not to). */
static int install(const as_config *cfg, const as_job *j, const char *unit_dir, int enable,
                   const char *exec_path)
{
    char exe[PATH_MAX], conf[PATH_MAX], err[1024];
    if (realpath(cfg->path, conf) == NULL)
        return cli_fail(1, "cannot find the configuration's path");
    int brc = unit_binary(exec_path, exe, sizeof exe);
    if (brc == 0)
        brc = unit_paths(j, exe, conf);
    if (brc != 0)
        return brc;
    char *cal[] = {"systemd-analyze", "calendar", (char *)as_job_get(j, AS_OPT_SCHEDULE), NULL};
    if (access("/usr/bin/systemd-analyze", X_OK) == 0 && run(cal, 1) != 0)
        return cli_fail(2, "job '%s': systemd rejects schedule '%s'", j->name, cal[2]);
    char *timer = NULL, *service = NULL;
    int rc = 0;
    if (as_timer_dropins(cfg, j, exe, conf, &timer, &service, err, sizeof err) != 0)
        rc = cli_fail(2, "%s", err);
    if (rc == 0)
        rc = install_templates(unit_dir);
    if (rc == 0)
        rc = write_dropin(unit_dir, j->name, "timer", timer);
    if (rc == 0)
        rc = write_dropin(unit_dir, j->name, "service", service);
    free(timer);
    free(service);
    if (rc != 0)
        return rc;
    check_user(j);
    char unit[128];
    snprintf(unit, sizeof unit, "agentscan-sweep@%s.timer", j->name);
    char *reload[] = {"systemctl", "daemon-reload", NULL};
    char *on[] = {"systemctl", "enable", "--now", unit, NULL};
    if (!enable)
        printf("to enable: systemctl daemon-reload && systemctl enable --now %s\n", unit);
    else if (run(reload, 0) != 0 || run(on, 0) != 0)
        return cli_fail(1, "systemctl failed; the unit files are in place: run "
                        "'systemctl daemon-reload && systemctl enable --now %s'", unit);
    else
        printf("enabled %s (next run: systemctl list-timers %s)\n", unit, unit);
    return 0;
}

#define TIMER_USAGE "usage: agentscan install-timer JOB [--config FILE] [--unit-dir DIR] [--no-enable]\n" \
    "        [--exec PATH]\n" \
    "  writes and enables the systemd timer that runs 'agentscan sweep JOB' on its schedule\n" \
    "  --config FILE    the configuration file the job is in\n" \
    "  --unit-dir DIR   where the units go (default /etc/systemd/system)\n" \
    "  --no-enable      write the units, do not enable the timer\n" \
    "  --exec PATH      the agentscan binary the unit runs (default: the installed one)\n" \
    "  refused, with the reason: a binary in the build tree, and a binary, configuration or\n" \
    "  database under /tmp, /var/tmp (PrivateTmp), /home, /root or /run/user (ProtectHome)\n" \
    "exit: 0 ok, 1 failure, 2 bad usage or configuration"

int cli_install_timer(int argc, char **argv)
{
    const char *path = NULL, *job = NULL, *unit_dir = "/etc/systemd/system", *exec_path = NULL, *v;
    int enable = 1;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--config", &v)) > 0)
            path = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--unit-dir", &v)) > 0)
            unit_dir = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--exec", &v)) > 0)
            exec_path = v;
        else if (r < 0)
            return cli_fail(2, "option '%s' needs a value", argv[i]);
        else if (strcmp(argv[i], "--no-enable") == 0)
            enable = 0;
        else if (cli_is_help(argv[i]))
            return puts(TIMER_USAGE) < 0;
        else if (argv[i][0] == '-' || job != NULL)
            return cli_fail(2, "%s", TIMER_USAGE);
        else
            job = argv[i];
    }
    if (job == NULL)
        return cli_fail(2, "%s", TIMER_USAGE);
    as_config cfg;
    if (cli_load_config(path, &cfg) != 0)
        return 2;
    const as_job *j = as_config_job(&cfg, job);
    int rc = j ? install(&cfg, j, unit_dir, enable, exec_path) : cli_fail(2, "no job '%s' in %s", job, cfg.path);
    as_config_free(&cfg);
    return rc;
}
