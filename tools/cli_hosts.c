/* cli_hosts.c — `agentscan hosts`: the inventory of one scan as a table (fitted to the
 * terminal, whole values when piped) or JSON, with export's filters and a few of its own. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "db/store.h"
#include "fingerprints/oui.h"
#include "probes/errors.h"
#include "tools/cli.h"

static const char USAGE[] =
    "usage: agentscan hosts [--scan ID] [--format table|json] [--json] [--raw] [--all]\n"
    "        [--managed|--unmanaged] [--deployable] [--up] [--port N] [--os WORD] [--gone]\n"
    "        [--oui FILE] [--db PATH]\n"
    "  the hosts of one scan (default: the latest), up ones only unless --all; on a terminal\n"
    "  the table fits its width (COLUMNS), cells cut with an ellipsis; piped, values whole\n"
    "  --scan ID       a scan by its number\n"
    "  --format FMT    table (for people) or json (a stable interface for scripts)\n"
    "  --json          the same as --format json\n"
    "  --raw           the table without alignment, one space between cells, values whole\n"
    "  --all           include hosts that did not answer\n"
    "  --managed       hosts with an agent port open; --unmanaged: without one\n"
    "  --unmanaged     hosts without an agent\n"
    "  --deployable    hosts with a deploy channel reachable\n"
    "  --up            hosts that answered\n"
    "  --port N        hosts with port N open\n"
    "  --os WORD       hosts whose OS verdict, guess or passive guess names WORD, any case\n"
    "  --gone          instead: hosts seen up before this scan that are not up in it\n"
    "  --oui FILE      the IEEE MAC vendor registry (default: ieee-data's)\n"
    "  --db PATH       the inventory (default $AGENTSCAN_DB or ./agentscan.db)\n"
    "  --gateway NAME  a shared PostgreSQL inventory: this gateway's scans only\n"
    "exit: 0 ok, 2 bad usage, 7 database unreadable, 9 no such scan or no scan yet\n";

/* The terminal's width when stdout is one: $COLUMNS, else the tty's, else 80. */
static int term_width(void)
{
    if (!isatty(STDOUT_FILENO))
        return 0;
    const char *c = getenv("COLUMNS");
    int w = c ? atoi(c) : 0;
    struct winsize ws;
    if (w <= 0 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        w = ws.ws_col;
    return w > 20 ? w : 80;
}

static int flag(const char *a, as_hosts_opts *o)
{
    int *f = strcmp(a, "--managed") == 0 ? &o->managed : strcmp(a, "--unmanaged") == 0 ? &o->unmanaged
           : strcmp(a, "--deployable") == 0 ? &o->deployable : strcmp(a, "--up") == 0 ? &o->up_only
           : strcmp(a, "--gone") == 0 ? &o->gone : strcmp(a, "--all") == 0 ? &o->all_hosts
           : strcmp(a, "--raw") == 0 ? &o->raw : NULL;
    if (f)
        *f = 1;
    else if (strcmp(a, "--json") == 0)
        o->format = "json";
    else
        return 0;
    return 1;
}

static int parse(int argc, char **argv, as_hosts_opts *o, const char **db, const char **oui)
{
    const char *v = NULL;
    for (int i = 1; i < argc; i++) {
        int r;
        if ((r = cli_opt_value(argc, argv, &i, "--db", &v)) > 0)
            *db = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--format", &v)) > 0)
            o->format = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--oui", &v)) > 0)
            *oui = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--os", &v)) > 0)
            o->os = v;
        else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--scan", &v)) > 0) {
            if (cli_scan_id("hosts", v, &o->scan_id) != 0)
                return AS_ERR_USAGE;
        } else if (r == 0 && (r = cli_opt_value(argc, argv, &i, "--port", &v)) > 0) {
            char *end;
            long p = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || p < 1 || p > 65535)
                return cli_fail(AS_ERR_USAGE, "hosts: --port takes a port from 1 to 65535, not '%s'", v);
            o->port = (int)p;
        } else if (r == 0 && flag(argv[i], o))
            continue;
        else if (r == 0 && cli_is_help(argv[i])) {
            fputs(USAGE, stdout);
            return -1;
        } else if (r == 0)
            return cli_fail(AS_ERR_USAGE, "hosts: unknown option '%s' (try 'agentscan hosts --help')", argv[i]);
        if (r < 0)
            return cli_fail(AS_ERR_USAGE, "hosts: option '%s' needs a value", argv[i]);
    }
    if (o->managed && o->unmanaged)
        return cli_fail(AS_ERR_USAGE, "hosts: --managed and --unmanaged exclude each other");
    return 0;
}

int cli_hosts(int argc, char **argv)
{
    as_hosts_opts o;
    memset(&o, 0, sizeof o);
    o.format = "table";
    const char *db = NULL, *oui_path = NULL;
    int rc = parse(argc, argv, &o, &db, &oui_path);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    setlocale(LC_CTYPE, "");    /* display widths of UTF-8 names */
    o.width = o.raw ? 0 : term_width();
    char err[512];
    int missing;
    as_oui *oui = NULL;
    /* Vendors are a nicety: without the registry the column is left out. */
    if (as_oui_load(&oui, oui_path ? oui_path : as_default_oui_path(), &missing, err, sizeof err) != 0)
        oui = NULL;
    o.oui = oui;
    as_store *st;
    if ((rc = cli_open_read(db, &st)) != 0) {
        as_oui_free(oui);
        return rc;
    }
    int64_t id = o.scan_id;
    if (id == 0 && (id = as_store_latest_scan(st, err, sizeof err)) <= 0) {
        as_store_close(st);
        as_oui_free(oui);
        if (id < 0)
            return cli_fail(AS_ERR_DB, "%s", err);
        return cli_fail(AS_ERR_NOSCAN, "%s holds no scan yet (run 'agentscan scan TARGET --db %s')",
                        cli_db_path(db), cli_db_path(db));
    }
    o.scan_id = id;
    rc = as_store_print_hosts_opts(st, &o, stdout, err, sizeof err);
    as_store_close(st);
    as_oui_free(oui);
    if (rc != 0)
        return cli_fail(strstr(err, "format") ? AS_ERR_USAGE : cli_read_error(err), "%s", err);
    return 0;
}
