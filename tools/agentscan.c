/* agentscan.c — the command: dispatches to subcommands, prints help and version. Thin on
 * purpose: every behaviour a test needs lives in the library. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "engine/targets.h"
#include "probes/errors.h"
#include "tools/cli.h"

void cli_usage(void)
{
    printf("agentscan %s - agentless discovery for agent deployment\n"
           "\n"
           "Usage:\n"
           "  agentscan scan [options] TARGET...   sweep, SYN-scan, store in the inventory\n"
           "  agentscan hosts [--scan ID] [--format table|json] [--all]\n"
           "  agentscan export [--format csv|json|ndjson|nmap-xml|cmdb] [-o FILE] [--scan ID]\n"
           "        [--since DATE|AGE|SCAN] [--managed|--unmanaged] [--deployable] [--up]\n"
           "  agentscan diff [SCAN_A] [SCAN_B] [--format table|json]  (exit 0 same, 1 changed)\n"
           "  agentscan prune --keep N | --older-than DATE|AGE [--dry-run]\n"
           "  agentscan sweep JOB [--wait S]  one job of --config FILE (exit 0 same, 1 changed, 2 error)\n"
           "  agentscan config check [FILE] | show [JOB] | keys    agentscan install-timer JOB\n"
           "  agentscan deploy-report [--scan ID] [--format text|json]   why hosts are not deployable\n"
           "  agentscan ports [--job JOB|--scan ID]   agentscan merge A.db B.db... --into C.db\n"
           "  agentscan report [--scan ID|--job JOB] [-o FILE]   one HTML page for people\n"
           "  agentscan push [--spool FILE] --db postgresql://HOST/DB   forward spooled scans\n"
           "\n"
           "Targets: 198.18.1.5  198.18.0.0/16  198.18.1-3.1-254  host.example  -iL FILE\n"
           "  --exclude SPEC[,SPEC]  --excludefile FILE\n"
           "Scan options are nmap's where they mean the same (-p, -PE, -PA, -Pn, -n, -O, -T4,\n"
           "--max-rate, --max-retries, -oX, ...): 'agentscan scan --help' lists every one.\n"
           "Common: --db PATH (default $AGENTSCAN_DB or ./agentscan.db), or a shared PostgreSQL\n"
           "  inventory --db postgresql://HOST/DB (read commands: --gateway NAME)  --help\n"
           "\n"
           "Each command: agentscan COMMAND --help\n"
           "Exit codes: 0 ok, 1 other failure, 2 bad usage, 3 bad target, 4 no permission\n"
           "(root or CAP_NET_RAW needed), 5 interface, 6 no route, 7 database, 8 data file,\n"
           "9 nothing to read (no scan yet, no such scan), 130 interrupted (results so far\n"
           "are stored). diff: 0 same or nothing to compare yet, 1 changes, 2 error.\n",
           AS_VERSION);
}

int cli_fail(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("agentscan: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

const char *cli_db_path(const char *given)
{
    if (given != NULL)
        return given;
    const char *env = getenv("AGENTSCAN_DB");
    return env != NULL && *env != '\0' ? env : "agentscan.db";
}

int cli_open_read(const char *db, as_store **st)
{
    char err[1024];
    int rc = as_store_open_read(st, cli_db_path(db), err, sizeof err);
    if (rc == 0)
        return 0;
    return cli_fail(rc == -AS_ERR_NOSCAN ? AS_ERR_NOSCAN : AS_ERR_DB, "%s", err);
}

void cli_remove_new_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        char buf[4096];
        if ((size_t)snprintf(buf, sizeof buf, "%s%s", path, suffix[i]) < sizeof buf)
            unlink(buf);
    }
}

int cli_read_error(const char *err)
{
    return strstr(err, "no scan") ? AS_ERR_NOSCAN : AS_ERR_DB;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

int cli_scan_id(const char *cmd, const char *s, int64_t *id)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v <= 0)
        return cli_fail(AS_ERR_USAGE, "%s: a scan is given by its number (>= 1), not '%s'", cmd, s);
    *id = v;
    return 0;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '\0') {
        if (*i + 1 >= argc)
            return -1;
        *value = argv[++*i];
        return 1;
    }
    if (name[1] == '-' && a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (name[1] != '-' && strlen(name) == 2) {
        *value = a + n;     /* -p22,80 / -eeth0 */
        return 1;
    }
    return 0;
}

/* The read commands' --gateway NAME: one compartment of a shared PostgreSQL inventory.
 * Taken out of argv before the command parses the rest; 0, or an exit code. */
static int take_gateway(const char *cmd, int *argc, char **argv)
{
    static const char *const readers[] = {"hosts", "export", "diff", "deploy-report", "ports",
                                          "report"};
    int reader = 0;
    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++)
        reader |= strcmp(cmd, readers[i]) == 0;
    int out = 2;
    for (int i = 2; i < *argc; i++) {
        const char *v = NULL;
        int r = cli_opt_value(*argc, argv, &i, "--gateway", &v);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "--gateway needs a gateway name");
        if (r > 0 && !reader)
            return cli_fail(AS_ERR_USAGE, "%s: --gateway is for the read commands of a shared "
                            "inventory (hosts, export, diff, deploy-report, ports, report)", cmd);
        if (r > 0)
            as_store_set_gateway(v);
        else
            argv[out++] = argv[i];
    }
    argv[out] = NULL;
    *argc = out;
    return 0;
}

int main(int argc, char **argv)
{
    as_store_set_target_parser(as_targets_text_intervals);
    if (argc < 2) {
        cli_usage();
        return AS_ERR_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        cli_usage();
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("agentscan %s\n", AS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "sweep") != 0 && strcmp(cmd, "scan") != 0 && strcmp(cmd, "config") != 0) {
        int grc = take_gateway(cmd, &argc, argv);
        if (grc != 0)
            return grc;
    }
    if (strcmp(cmd, "scan") == 0)
        return cli_scan(argc - 1, argv + 1);
    if (strcmp(cmd, "hosts") == 0)
        return cli_hosts(argc - 1, argv + 1);
    if (strcmp(cmd, "export") == 0)
        return cli_export(argc - 1, argv + 1);
    if (strcmp(cmd, "diff") == 0)
        return cli_diff(argc - 1, argv + 1);
    if (strcmp(cmd, "prune") == 0)
        return cli_prune(argc - 1, argv + 1);
    if (strcmp(cmd, "config") == 0)
        return cli_config(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return cli_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "install-timer") == 0)
        return cli_install_timer(argc - 1, argv + 1);
    if (strcmp(cmd, "deploy-report") == 0)
        return cli_deploy(argc - 1, argv + 1);
    if (strcmp(cmd, "ports") == 0)
        return cli_ports(argc - 1, argv + 1);
    if (strcmp(cmd, "merge") == 0)
        return cli_merge(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cli_report(argc - 1, argv + 1);
    if (strcmp(cmd, "push") == 0)
        return cli_push(argc - 1, argv + 1);
    return cli_fail(AS_ERR_USAGE, "unknown command '%s' (try 'agentscan --help')", cmd);
}
