/* cli_scan.c — `agentscan scan`: nmap-style options → as_scan_opts, then one scan into the
 * inventory. Every input is checked before the first packet goes out. */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "probes/errors.h"
#include "engine/portspec.h"
#include "db/reports.h"
#include "engine/privdrop.h"
#include "engine/scan.h"
#include "fingerprints/osfp.h"
#include "tools/cli.h"

typedef struct scan_args {
    as_scan_opts o;
    const char *db, *agents_path, *deploy_path, *xml_path, *osdb_path, *user;
    int selftest_sandbox;
    uint16_t *ports;
    int ping_given;
    char options[2048];
} scan_args;

static int parse_number(const char *flag, const char *v, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || d < lo || d > hi)
        return cli_fail(AS_ERR_USAGE, "%s takes a number from %g to %g, not '%s'", flag, lo, hi, v);
    *out = d;
    return 0;
}

static int parse_ping(scan_args *a, const char *arg)
{
    if (strcmp(arg, "-Pn") == 0) {
        a->o.no_ping = 1;
        return 0;
    }
    if (!a->ping_given) {
        a->ping_given = 1;
        a->o.ping_echo = 0;
        a->o.nack = 0;
    }
    if (strcmp(arg, "-PE") == 0) {
        a->o.ping_echo = 1;
        return 0;
    }
    if (strncmp(arg, "-PA", 3) == 0) {
        uint16_t *list;
        size_t n;
        char err[256];
        static uint16_t port80 = 80;
        if (arg[3] == '\0') {
            list = &port80;
            n = 1;
        } else if (as_portspec_parse(arg + 3, &list, &n, err, sizeof err) != 0)
            return cli_fail(AS_ERR_USAGE, "-PA: %s", err);
        /* The bound holds for every spelling: -PA alone, -PA with a list, repeated. */
        int over = a->o.nack + n > AS_MAX_ACK_PORTS;
        for (size_t i = 0; !over && i < n; i++)
            a->o.ack_ports[a->o.nack++] = list[i];
        if (list != &port80)
            free(list);
        if (over)
            return cli_fail(AS_ERR_USAGE, "-PA: at most %d ACK ping ports in all", AS_MAX_ACK_PORTS);
        return 0;
    }
    return cli_fail(AS_ERR_USAGE, "unsupported ping option '%s' (use -PE, -PA[PORTS] or -Pn)", arg);
}

static int parse_value_option(scan_args *a, int argc, char **argv, int *i, int *matched)
{
    const char *v;
    char err[512];
    double d;
    int r;
    *matched = 1;
    if ((r = cli_opt_value(argc, argv, i, "--db", &v)) > 0)
        a->db = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "-iL", &v)) > 0) {
        if (as_targets_add_file(a->o.targets, v, 0, err, sizeof err) != 0)
            return cli_fail(AS_ERR_TARGET, "%s", err);
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--excludefile", &v)) > 0) {
        if (as_targets_add_file(a->o.targets, v, 1, err, sizeof err) != 0)
            return cli_fail(AS_ERR_TARGET, "%s", err);
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--exclude", &v)) > 0) {
        if (as_targets_add_list(a->o.targets, v, 1, err, sizeof err) != 0)
            return cli_fail(AS_ERR_TARGET, "--exclude: %s", err);
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--max-retries", &v)) > 0) {
        if (parse_number("--max-retries", v, 0, 10, &d) != 0)
            return AS_ERR_USAGE;
        a->o.max_retries = (int)d;
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--max-rate", &v)) > 0) {
        if (parse_number("--max-rate", v, 1, 1e8, &d) != 0)
            return AS_ERR_USAGE;
        a->o.max_rate = d;
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--min-rate", &v)) > 0) {
        if (parse_number("--min-rate", v, 0, 1e8, &d) != 0)
            return AS_ERR_USAGE;
        a->o.min_rate = d;
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--shard", &v)) > 0) {
        unsigned k, n;
        char extra;
        if (sscanf(v, "%u/%u%c", &k, &n, &extra) != 2 || n == 0 || k == 0 || k > n || n > 65536)
            return cli_fail(AS_ERR_USAGE, "--shard takes K/N with 1 <= K <= N, not '%s'", v);
        a->o.shard_k = k - 1;
        a->o.shard_n = n;
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--seed", &v)) > 0) {
        if (parse_number("--seed", v, 1, 9e15, &d) != 0)
            return AS_ERR_USAGE;
        a->o.seed = (uint64_t)d;
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--dns-servers", &v)) > 0)
        a->o.dns_servers = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--user", &v)) > 0)
        a->user = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "-oX", &v)) > 0)
        a->xml_path = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--osdb", &v)) > 0)
        a->osdb_path = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--agents", &v)) > 0)
        a->agents_path = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "--deploy-table", &v)) > 0)
        a->deploy_path = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "-e", &v)) > 0)
        a->o.iface = v;
    else if (r == 0 && (r = cli_opt_value(argc, argv, i, "-S", &v)) > 0) {
        struct in_addr in;
        if (inet_pton(AF_INET, v, &in) != 1)
            return cli_fail(AS_ERR_USAGE, "-S takes an IPv4 address, not '%s'", v);
        a->o.src_ip = ntohl(in.s_addr);
    } else if (r == 0 && (r = cli_opt_value(argc, argv, i, "-p", &v)) > 0) {
        size_t n;
        free(a->ports);
        a->ports = NULL;
        if (as_portspec_parse(v, &a->ports, &n, err, sizeof err) != 0)
            return cli_fail(AS_ERR_USAGE, "-p: %s", err);
        a->o.ports = a->ports;
        a->o.nports = n;
    } else if (r == 0)
        *matched = 0;
    if (r < 0)
        return cli_fail(AS_ERR_USAGE, "option '%s' needs a value", argv[*i]);
    return 0;
}

static int is_timing(const char *arg)
{
    return arg[0] == '-' && arg[1] == 'T' && arg[2] >= '0' && arg[2] <= '5' && arg[3] == '\0';
}

static int parse_args(scan_args *a, int argc, char **argv)
{
    char err[512];
    int ntargets = 0;
    /* -T sets a template; explicit --max-rate, --max-retries... override it wherever they
     * stand on the command line, as in nmap. */
    for (int i = 1; i < argc; i++)
        if (is_timing(argv[i]))
            as_scan_opts_timing(&a->o, argv[i][2] - '0');
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int matched, rc;
        size_t used = strlen(a->options);
        snprintf(a->options + used, sizeof a->options - used, "%s%s", used ? " " : "", arg);
        if ((rc = parse_value_option(a, argc, argv, &i, &matched)) != 0)
            return rc;
        if (matched) {
            used = strlen(a->options);
            if (strcmp(argv[i], arg) != 0)
                snprintf(a->options + used, sizeof a->options - used, " %s", argv[i]);
            if (strcmp(arg, "-iL") == 0 || strncmp(arg, "-iL", 3) == 0)
                ntargets++;
            continue;
        }
        if (strncmp(arg, "-P", 2) == 0) {
            if (parse_ping(a, arg) != 0)
                return AS_ERR_USAGE;
        } else if (strcmp(arg, "-n") == 0)
            a->o.resolve = 0;
        else if (strcmp(arg, "-O") == 0)
            a->o.os_detect = 1;
        else if (strcmp(arg, "-v") == 0)
            a->o.verbose++;
        else if (strcmp(arg, "-vv") == 0)
            a->o.verbose += 2;
        else if (strcmp(arg, "--offline") == 0)
            a->o.offline = 1;
        else if (strcmp(arg, "--no-progress") == 0)
            a->o.progress = 0;
        else if (strcmp(arg, "--selftest-sandbox") == 0)
            a->selftest_sandbox = 1;    /* test hook (tests/lab/test_sandbox.sh), not in --help */
        else if (is_timing(arg))
            ;   /* applied before the loop */
        else if (strcmp(arg, "-sS") == 0)
            ;   /* the only scan type: accepted so nmap command lines work */
        else if (strcmp(arg, "--help") == 0) {
            cli_usage();
            exit(0);
        } else if (arg[0] == '-' && arg[1] != '\0')
            return cli_fail(AS_ERR_USAGE, "unknown option '%s' (try 'agentscan --help')", arg);
        else {
            if (as_targets_add(a->o.targets, arg, 0, err, sizeof err) != 0)
                return cli_fail(AS_ERR_TARGET, "%s", err);
            ntargets++;
        }
    }
    if (a->o.shard_n > 1 && a->o.seed == 0)
        return cli_fail(AS_ERR_USAGE, "--shard needs --seed N, the same on every shard, so that all "
                        "shards walk one order and together cover every probe exactly once");
    if (a->o.min_rate > a->o.max_rate)
        return cli_fail(AS_ERR_USAGE, "--min-rate %g is above --max-rate %g", a->o.min_rate, a->o.max_rate);
    if (ntargets == 0)
        return cli_fail(AS_ERR_USAGE, "scan: no targets given (e.g. 'agentscan scan 198.18.0.0/24')");
    if (as_targets_finish(a->o.targets, err, sizeof err) != 0)
        return cli_fail(AS_ERR_TARGET, "%s", err);
    if (!a->o.no_ping && !a->o.ping_echo && a->o.nack == 0)
        return cli_fail(AS_ERR_USAGE, "no liveness probe left: give -PE, -PA or -Pn");
    return 0;
}

static int load_tables(scan_args *a, as_port_table **agents, as_port_table **deploy)
{
    char err[512];
    const char *ap = a->agents_path ? a->agents_path : as_default_agents_path();
    const char *dp = a->deploy_path ? a->deploy_path : as_default_deploy_path();
    if (as_port_table_load(agents, ap, 0, err, sizeof err) != 0)
        return cli_fail(AS_ERR_DATA, "agent table: %s", err);
    if (as_port_table_load(deploy, dp, 1, err, sizeof err) != 0) {
        as_port_table_free(*agents);
        return cli_fail(AS_ERR_DATA, "deploy table: %s", err);
    }
    return 0;
}

static void print_summary(const as_scan_summary *s, const char *db)
{
    fprintf(stderr, "agentscan: scan %lld %s: %llu addresses, %llu hosts up, %llu open ports, "
            "%llu probes, %.2f s; see 'agentscan hosts --db %s'\n",
            (long long)s->scan_id, s->interrupted ? "interrupted" : "done",
            (unsigned long long)s->addresses, (unsigned long long)s->hosts_up,
            (unsigned long long)s->ports_open, (unsigned long long)s->probes_sent, s->seconds, db);
}

/* What the scan covered, for `diff`: a shard covers an unknown part of its targets, and a
 * set too fragmented to list is recorded as unknown too (nothing is then called gone). */
static void record_coverage(const scan_args *a, as_store *st, int64_t scan_id)
{
    uint32_t *lo = NULL, *hi = NULL;
    size_t n = 0;
    char err[512];
    if (a->o.shard_n > 1 || as_targets_intervals(a->o.targets, 65536, &lo, &hi, &n) != 0)
        lo = hi = NULL;
    if (as_store_scan_ranges(st, scan_id, lo, hi, n, err, sizeof err) != 0)
        fprintf(stderr, "agentscan: warning: covered address ranges not recorded: %s\n", err);
    free(lo);
    free(hi);
}

/* -oX: the scan as nmap XML, from what the store holds, so an interrupted scan still
 * gives a complete document of what it found. Returns an exit code (0 ok). */
static int write_xml(const scan_args *a, as_store *st, int64_t scan_id, const as_port_table *deploy)
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
    int rc = cli_write_export(st, &o, a->xml_path);
    as_oui_free(oui);
    return rc;
}

/* Which gateway and source address ran the scan: deploy-report names it in its rules. */
static void record_origin(const scan_args *a, as_store *st, const as_scan_summary *sum)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    as_origin og = {
        .gateway = host, .job = NULL,
        .shard_k = a->o.shard_n > 1 ? a->o.shard_k + 1 : 0, .shard_n = a->o.shard_n > 1 ? a->o.shard_n : 0,
        .seed = a->o.seed, .source_ip = sum->source_ip, .origin_scan = sum->scan_id,
    };
    char err[256];
    if (as_origin_record(st, sum->scan_id, &og, err, sizeof err) != 0)
        fprintf(stderr, "agentscan: warning: cannot record where the scan ran: %s\n", err);
}

/* Once its sockets are open the scan becomes an unprivileged user (root only), writes only
 * beside its database (and the -oX file) and makes only the calls it needs. -oX is written
 * after the scan into a directory the user may not be able to write: with -oX FILE the
 * uid switch happens only when --user asks for it. */
static void configure_privdrop(const scan_args *a, const char *db)
{
    static char dbdir[4096], outdir[4096];
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", db);
    snprintf(dbdir, sizeof dbdir, "%s", dirname(tmp));
    int to_file = a->xml_path && strcmp(a->xml_path, "-") != 0;
    if (to_file) {
        snprintf(tmp, sizeof tmp, "%s", a->xml_path);
        snprintf(outdir, sizeof outdir, "%s", dirname(tmp));
    }
    as_privdrop_opts p = {.user = a->user, .switch_user = !to_file || a->user != NULL,
                          .db_dir = dbdir, .out_dir = to_file ? outdir : NULL, .sandbox = 1,
                          .selftest = a->selftest_sandbox};
    as_privdrop_configure(&p);
}

int cli_scan(int argc, char **argv)
{
    scan_args a;
    memset(&a, 0, sizeof a);
    as_scan_opts_defaults(&a.o);
    a.o.progress = isatty(STDERR_FILENO);
    a.o.targets = as_targets_new();
    int rc = parse_args(&a, argc, argv);
    as_port_table *agents = NULL, *deploy = NULL;
    as_osdb *osdb = NULL;
    char err[512];
    if (rc == 0)
        rc = load_tables(&a, &agents, &deploy);
    /* nmap's database only when the user names it (--osdb): its licence is theirs to take. */
    const char *osdb_path = a.osdb_path ? a.osdb_path : as_default_osdb_path();
    if (rc == 0 && a.o.os_detect && as_osdb_load(&osdb, osdb_path, err, sizeof err) != 0)
        rc = cli_fail(AS_ERR_DATA, "OS database: %s", err);
    a.o.osdb = osdb;
    as_store *st = NULL;
    const char *db = cli_db_path(a.db);
    if (rc == 0 && as_store_open(&st, db, 1, err, sizeof err) != 0)
        rc = cli_fail(AS_ERR_DB, "%s", err);
    if (rc == 0) {
        a.o.agents = agents;
        a.o.deploy = deploy;
        a.o.store = st;
        a.o.options_text = a.options;
        a.o.interrupted = cli_catch_stop_signals(AS_ERR_INTERRUPTED);
        configure_privdrop(&a, db);
        as_scan_summary sum;
        memset(&sum, 0, sizeof sum);
        int r = as_scan_run(&a.o, &sum, err, sizeof err);
        if (sum.scan_id > 0) {
            record_coverage(&a, st, sum.scan_id);
            record_origin(&a, st, &sum);
        }
        if (r < 0)
            rc = cli_fail(-r, "%s", err);
        else {
            print_summary(&sum, db);
            rc = r;
        }
        int xr = a.xml_path && sum.scan_id > 0 ? write_xml(&a, st, sum.scan_id, deploy) : 0;
        if (rc == 0)
            rc = xr;
    }
    as_store_close(st);
    as_port_table_free(agents);
    as_port_table_free(deploy);
    as_osdb_free(osdb);
    as_targets_free(a.o.targets);
    free(a.ports);
    return rc;
}
