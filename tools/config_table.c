/* config_table.c — the configuration options, one row each (name, type, range, default,
 * the scan flag it mirrors), and the checker that turns a value into its canonical text. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/config.h"
#include "db/pg.h"
#include "engine/portspec.h"
#include "engine/targets.h"

#define DAY 86400.0

#define CFG AS_SCOPE_CONFIG
#define SCAN AS_SCOPE_SCAN
#define SENDS AS_SCOPE_SENDS

static const as_opt_info opts[AS_OPT_COUNT] = {
    [AS_OPT_TARGETS] = {"targets", NULL, AS_T_TARGETS, 0, 0, NULL, NULL,
        "addresses, CIDRs, octet ranges, names; repeat or continue on indented lines",
        AS_CLI_POSITIONAL, NULL, "TARGET...", CFG | SCAN | SENDS},
    [AS_OPT_TARGETS_FILE] = {"targets-file", "iL", AS_T_FILES, 0, 0, NULL, "-iL",
        "files of targets", AS_CLI_VALUE, NULL, "FILE", CFG | SCAN | SENDS},
    [AS_OPT_EXCLUDE] = {"exclude", NULL, AS_T_TARGETS, 0, 0, NULL, "--exclude",
        "targets never probed", AS_CLI_VALUE, NULL, "TARGETS", CFG | SCAN | SENDS},
    [AS_OPT_EXCLUDE_FILE] = {"exclude-file", "excludefile", AS_T_FILES, 0, 0, NULL,
        "--excludefile", "files of excluded targets", AS_CLI_VALUE, NULL, "FILE",
        CFG | SCAN | SENDS},
    [AS_OPT_PORTS] = {"ports", NULL, AS_T_PORTS, 0, 0, NULL, "-p",
        "ports: 22,80-90, T:/U: for TCP/UDP, odad (default: every agent/deploy table port, "
        "UDP 137,161)", AS_CLI_VALUE, NULL, "PORTS", CFG | SCAN | SENDS},
    [AS_OPT_PING] = {"ping", NULL, AS_T_PING, 0, 0, "echo,ack:80", "-P",
        "liveness probes: echo (-PE), ack[:PORTS] (-PA[PORTS]), or none (-Pn)", AS_CLI_PING,
        NULL, NULL, CFG | SCAN | SENDS},
    [AS_OPT_MAX_RATE] = {"max-rate", NULL, AS_T_NUM, 1, 1e8, "5000", "--max-rate",
        "packets per second", AS_CLI_VALUE, NULL, "PPS", CFG | SCAN | SENDS},
    [AS_OPT_MIN_RATE] = {"min-rate", NULL, AS_T_NUM, 0, 1e8, "0", "--min-rate",
        "congestion control never goes below", AS_CLI_VALUE, NULL, "PPS", CFG | SCAN | SENDS},
    [AS_OPT_MAX_RETRIES] = {"max-retries", NULL, AS_T_INT, 0, 10, "2", "--max-retries",
        "retransmissions of an unanswered probe", AS_CLI_VALUE, NULL, "N", CFG | SCAN | SENDS},
    [AS_OPT_OS] = {"os", NULL, AS_T_BOOL, 0, 0, "no", "-O", "OS detection", AS_CLI_SWITCH,
        "yes", NULL, CFG | SCAN | SENDS},
    [AS_OPT_RESOLVE] = {"resolve", NULL, AS_T_BOOL, 0, 0, "yes", "-n",
        "reverse DNS of live hosts", AS_CLI_SWITCH, "no", NULL, CFG | SCAN | SENDS},
    [AS_OPT_DNS_SERVERS] = {"dns-servers", NULL, AS_T_IPLIST, 0, 0, NULL, "--dns-servers",
        "DNS servers (default: the system's)", AS_CLI_VALUE, NULL, "IP,...", CFG | SCAN | SENDS},
    [AS_OPT_INTERFACE] = {"interface", NULL, AS_T_IFNAME, 0, 0, NULL, "-e",
        "interface (default: from the routing table)", AS_CLI_VALUE, NULL, "IFACE",
        CFG | SCAN | SENDS},
    [AS_OPT_SOURCE] = {"source", NULL, AS_T_IPV4, 0, 0, NULL, "-S",
        "source address (default: the interface's)", AS_CLI_VALUE, NULL, "ADDR",
        CFG | SCAN | SENDS},
    [AS_OPT_SEED] = {"seed", NULL, AS_T_INT, 0, 9e15, "0", "--seed",
        "probe order and cookie key; 0 = random; the same on every shard", AS_CLI_VALUE, NULL,
        "N", CFG | SCAN | SENDS},
    [AS_OPT_SHARD] = {"shard", NULL, AS_T_SHARD, 0, 0, NULL, "--shard",
        "K/N: this gateway's share of the job (needs seed)", AS_CLI_VALUE, NULL, "K/N",
        CFG | SCAN | SENDS},
    [AS_OPT_AGENTS] = {"agents", NULL, AS_T_PATH, 0, 0, NULL, "--agents",
        "agent port table (default: the installed one)", AS_CLI_VALUE, NULL, "FILE", CFG | SCAN},
    [AS_OPT_DEPLOY_TABLE] = {"deploy-table", NULL, AS_T_PATH, 0, 0, NULL, "--deploy-table",
        "deploy channel table (default: the installed one)", AS_CLI_VALUE, NULL, "FILE",
        CFG | SCAN},
    [AS_OPT_DB] = {"db", NULL, AS_T_DATABASE, 0, 0, "/var/lib/agentscan/%j.db", "--db",
        "inventory: an SQLite file (the lock is DB.JOB.lock beside it), or a PostgreSQL "
        "database string postgresql://HOST/DB shared by many gateways (scans go to --spool "
        "first) (scan: $AGENTSCAN_DB, else ./agentscan.db)", AS_CLI_VALUE, NULL, "DB", CFG | SCAN},
    [AS_OPT_GATEWAY] = {"gateway", NULL, AS_T_NAME, 0, 0, "%h", NULL,
        "this gateway's name in merged inventories", AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_KEEP_SCANS] = {"keep-scans", NULL, AS_T_INT, 0, 1e6, "0", NULL,
        "retention: keep the newest N scans (0 = all; prune --keep)", AS_CLI_NONE, NULL, NULL,
        CFG},
    [AS_OPT_KEEP_DAYS] = {"keep-days", NULL, AS_T_NUM, 0, 36500, "0", NULL,
        "retention: drop scans older than D days (0 = never; prune --older-than)", AS_CLI_NONE,
        NULL, NULL, CFG},
    [AS_OPT_ON_CHANGE_COMMAND] = {"on-change-command", NULL, AS_T_COMMAND, 0, 0, NULL, NULL,
        "/bin/sh -c COMMAND with the diff as JSON on stdin", AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_ON_CHANGE_FILE] = {"on-change-file", NULL, AS_T_PATH, 0, 0, NULL, NULL,
        "write the diff as JSON to this file", AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_ON_CHANGE_TIMEOUT] = {"on-change-timeout", NULL, AS_T_SPAN, 1, DAY, "1min", NULL,
        "the command is killed after this long", AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_REPORT] = {"report", NULL, AS_T_PATH, 0, 0, NULL, NULL,
        "write the HTML report here after each sweep (replaced atomically; report -o)",
        AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_LOCK_WAIT] = {"lock-wait", NULL, AS_T_SPAN, 0, DAY, "0", NULL,
        "how long a sweep waits for a running one (0 = exit at once; sweep --wait)",
        AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_SCHEDULE] = {"schedule", NULL, AS_T_CALENDAR, 0, 0, "daily", NULL,
        "systemd OnCalendar= of the job's timer", AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_RANDOMIZED_DELAY] = {"randomized-delay", NULL, AS_T_SPAN, 0, DAY, "5min", NULL,
        "systemd RandomizedDelaySec= of the job's timer", AS_CLI_NONE, NULL, NULL, CFG},
    [AS_OPT_TIMING] = {"timing", NULL, AS_T_INT, 0, 5, NULL, "-T",
        "nmap's timing template 0-5 (rate, RTT timeouts, retries); explicit options win",
        AS_CLI_ATTACHED, NULL, "0-5", CFG | SCAN | SENDS},
    [AS_OPT_OSDB] = {"osdb", NULL, AS_T_PATH, 0, 0, NULL, "--osdb",
        "OS fingerprint database for -O (default: agentscan's own; nmap's only when named)",
        AS_CLI_VALUE, NULL, "FILE", CFG | SCAN},
    [AS_OPT_SPOOL] = {"spool", NULL, AS_T_PATH, 0, 0, NULL, "--spool",
        "with a PostgreSQL --db: the local SQLite file scans are written to and forwarded from "
        "(kept while the server is unreachable; default $STATE_DIRECTORY/spool.db, as root "
        "/var/lib/agentscan/spool.db, else ~/.local/state/agentscan/spool.db)", AS_CLI_VALUE,
        NULL, "FILE", CFG | SCAN},
    [AS_OPT_IDENTIFY] = {"identify", NULL, AS_T_BOOL, 0, 0, "yes", "--no-identify",
        "ask open ports who they are (SSH, SMB, RDP, HTTP/TLS, WinRM, NBSTAT, SNMP) after the "
        "sweep; no login is tried", AS_CLI_SWITCH, "no", NULL, CFG | SCAN | SENDS},
    [AS_OPT_MAX_CONNECTIONS] = {"max-connections", NULL, AS_T_INT, 1, 16384, "256",
        "--max-connections", "identity phase: connections at once", AS_CLI_VALUE, NULL, "N",
        CFG | SCAN},
    [AS_OPT_IDENTIFY_TIMEOUT] = {"identify-timeout", NULL, AS_T_NUM, 0.1, 60, "2",
        "--identify-timeout", "identity phase: seconds one connection may take", AS_CLI_VALUE,
        NULL, "SECONDS", CFG | SCAN},
    [AS_OPT_SNMP_COMMUNITY] = {"snmp-community", NULL, AS_T_WORDS, 0, 0, "public",
        "--snmp-community", "SNMP v2c communities the identity phase tries (comma list)",
        AS_CLI_VALUE, NULL, "WORD,...", CFG | SCAN},
    [AS_OPT_XML] = {"xml-output", NULL, AS_T_OUTPUT, 0, 0, NULL, "-oX",
        "also write the scan as nmap XML to FILE", AS_CLI_VALUE, NULL, "FILE", SCAN},
    [AS_OPT_VERBOSE] = {"verbose", NULL, AS_T_INT, 0, 10, "0", "-v",
        "diagnostics on stderr (-vv: more)", AS_CLI_COUNT, NULL, NULL, SCAN},
    [AS_OPT_PROGRESS] = {"progress", NULL, AS_T_BOOL, 0, 0, "yes", "--no-progress",
        "the progress line (drawn only on a terminal)", AS_CLI_SWITCH, "no", NULL,
        SCAN},
    [AS_OPT_OFFLINE] = {"offline", NULL, AS_T_BOOL, 0, 0, "no", "--offline",
        "build and pace every probe but send none (a transmit-path benchmark)", AS_CLI_SWITCH,
        "yes", NULL, SCAN},
    [AS_OPT_SCAN_TYPE] = {"scan-type", NULL, AS_T_BOOL, 0, 0, NULL, "-sS",
        "SYN scan: -p ports without T:/U: are TCP (alone: only the TCP default ports)",
        AS_CLI_SWITCH, "yes", NULL, SCAN | SENDS},
    [AS_OPT_UDP_SCAN] = {"udp-scan", NULL, AS_T_BOOL, 0, 0, NULL, "-sU",
        "UDP scan: -p ports without T:/U: are UDP (with -sS: both; alone: only UDP defaults)",
        AS_CLI_SWITCH, "yes", NULL, SCAN | SENDS},
    [AS_OPT_DRY_RUN] = {"dry-run", NULL, AS_T_BOOL, 0, 0, "no", "--dry-run",
        "print the frames the scan would send, send none, store nothing (no privileges needed)",
        AS_CLI_SWITCH, "yes", NULL, SCAN},
    [AS_OPT_DRY_RUN_PCAP] = {"dry-run-pcap", NULL, AS_T_OUTPUT, 0, 0, NULL, "-w",
        "with --dry-run: write the frames to FILE as pcap instead", AS_CLI_VALUE, NULL, "FILE",
        SCAN},
    [AS_OPT_USER] = {"user", NULL, AS_T_NAME, 0, 0, NULL, "--user",
        "run as root: become this user once the sockets are open (default: agentscan when it "
        "exists, else nobody)", AS_CLI_VALUE, NULL, "NAME", SCAN},
    [AS_OPT_SELFTEST_SANDBOX] = {"selftest-sandbox", NULL, AS_T_BOOL, 0, 0, "no",
        "--selftest-sandbox", NULL, AS_CLI_SWITCH, "yes", NULL, SCAN},
};

const as_opt_info *as_opt_get(enum as_opt id)
{
    return (unsigned)id < AS_OPT_COUNT ? &opts[id] : NULL;
}

int as_opt_find(const char *name)
{
    for (int i = 0; i < AS_OPT_FIRST_CLI_ONLY; i++)
        if (strcmp(opts[i].name, name) == 0 || (opts[i].alias && strcmp(opts[i].alias, name) == 0))
            return i;
    return -1;
}

static int fail(char *err, size_t errlen, const char *fmt, const char *value)
{
    /* Values are echoed back, so keep control bytes off the user's terminal. */
    char v[80];
    size_t i = 0;
    for (; value[i] && i + 1 < sizeof v; i++)
        v[i] = (unsigned char)value[i] < 0x20 || value[i] == 0x7f ? '?' : value[i];
    v[i] = '\0';
    snprintf(err, errlen, fmt, v);
    return -1;
}

static int put(char *out, size_t outlen, const char *s, char *err, size_t errlen)
{
    if (strlen(s) >= outlen)
        return fail(err, errlen, "value too long: '%s'", s);
    memcpy(out, s, strlen(s) + 1);
    return 0;
}

static int parse_number(const as_opt_info *o, const char *v, double *d, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    *d = strtod(v, &end);
    if (errno != 0 || end == v || *end != '\0' || !isfinite(*d) || *d < o->min || *d > o->max ||
        (o->type == AS_T_INT && *d != floor(*d))) {
        char fmt[128];
        snprintf(fmt, sizeof fmt, "must be %s from %.15g to %.15g, not '%%s'",
                 o->type == AS_T_INT ? "a whole number" : "a number", o->min, o->max);
        return fail(err, errlen, fmt, v);
    }
    return 0;
}

static int parse_bool(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    static const char *const yes[] = {"yes", "true", "on", "1"}, *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return put(out, outlen, "yes", err, errlen);
        if (strcasecmp(v, no[i]) == 0)
            return put(out, outlen, "no", err, errlen);
    }
    return fail(err, errlen, "must be yes or no, not '%s'", v);
}

/* Seconds, or a sum of systemd-style spans: "90", "90s", "15min", "1h 30min", "2d". */
static int parse_span(const as_opt_info *o, const char *v, char *out, size_t outlen,
                      char *err, size_t errlen)
{
    static const struct { const char *u; double s; } units[] = {
        {"", 1}, {"s", 1}, {"sec", 1}, {"second", 1}, {"seconds", 1}, {"m", 60}, {"min", 60},
        {"minute", 60}, {"minutes", 60}, {"h", 3600}, {"hr", 3600}, {"hour", 3600},
        {"hours", 3600}, {"d", DAY}, {"day", DAY}, {"days", DAY},
    };
    double total = 0;
    const char *p = v;
    int parts = 0;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!isdigit((unsigned char)*p))
            break;
        char *end;
        double n = (double)strtoul(p, &end, 10);
        const char *u = end;
        while (isalpha((unsigned char)*end))
            end++;
        size_t ul = (size_t)(end - u), i;
        for (i = 0; i < sizeof units / sizeof units[0]; i++)
            if (strlen(units[i].u) == ul && strncmp(units[i].u, u, ul) == 0)
                break;
        if (i == sizeof units / sizeof units[0] || n > 1e9)
            return fail(err, errlen, "must be a time span such as 90s, 15min, 2h, 1d, not '%s'", v);
        total += n * units[i].s;
        parts++;
        p = end;
    }
    if (*p != '\0' || parts == 0)
        return fail(err, errlen, "must be a time span such as 90s, 15min, 2h, 1d, not '%s'", v);
    if (total < o->min || total > o->max) {
        char fmt[128];
        snprintf(fmt, sizeof fmt, "must be a time span from %gs to %gs (e.g. 90s, 15min, 2h), "
                 "not '%%s'", o->min, o->max);
        return fail(err, errlen, fmt, v);
    }
    char buf[32];
    long long t = (long long)total;
    if (t != 0 && t % 86400 == 0)
        snprintf(buf, sizeof buf, "%lldd", t / 86400);
    else if (t != 0 && t % 3600 == 0)
        snprintf(buf, sizeof buf, "%lldh", t / 3600);
    else if (t != 0 && t % 60 == 0)
        snprintf(buf, sizeof buf, "%lldmin", t / 60);
    else
        snprintf(buf, sizeof buf, t ? "%llds" : "%lld", t);
    return put(out, outlen, buf, err, errlen);
}

/* "echo", "ack", "ack:80,443", "none"; a bare number after ack:... is one more ACK port. */
static int parse_ping(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    char buf[256], canon[256] = "";
    int echo = 0, none = 0, in_ack = 0, nack = 0;
    char acks[160] = "";
    if (strlen(v) >= sizeof buf)
        return fail(err, errlen, "value too long: '%s'", v);
    strcpy(buf, v);
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        const char *ports = NULL;
        if (strcmp(t, "echo") == 0)
            echo = 1, in_ack = 0;
        else if (strcmp(t, "none") == 0)
            none = 1, in_ack = 0;
        else if (strcmp(t, "ack") == 0)
            ports = "80";
        else if (strncmp(t, "ack:", 4) == 0)
            ports = t + 4;
        else if (in_ack && isdigit((unsigned char)*t))
            ports = t;
        else
            return fail(err, errlen, "unknown liveness probe '%s' (use echo, ack[:PORTS] or none)", t);
        if (ports == NULL)
            continue;
        uint16_t *list;
        size_t n;
        char e[256];
        if (as_portspec_parse(ports, &list, &n, e, sizeof e) != 0) {
            snprintf(err, errlen, "ACK ports: %s", e);
            return -1;
        }
        free(list);
        nack += (int)n;
        size_t used = strlen(acks);
        snprintf(acks + used, sizeof acks - used, "%s%s", used ? "," : "", ports);
        in_ack = 1;
    }
    if (none && (echo || nack))
        return fail(err, errlen, "'none' cannot be combined with other probes: '%s'", v);
    if (!none && !echo && nack == 0)
        return fail(err, errlen, "no liveness probe given: '%s'", v);
    if (nack > 16)
        return fail(err, errlen, "at most 16 ACK ports: '%s'", v);
    snprintf(canon, sizeof canon, "%s%s%s%s%s", none ? "none" : "", echo ? "echo" : "",
             echo && nack ? "," : "", nack ? "ack:" : "", acks);
    return put(out, outlen, canon, err, errlen);
}

static int parse_iplist(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    char buf[512], canon[512] = "";
    if (strlen(v) >= sizeof buf)
        return fail(err, errlen, "value too long: '%s'", v);
    strcpy(buf, v);
    int n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        struct in_addr a;
        if (inet_pton(AF_INET, t, &a) != 1)
            return fail(err, errlen, "not an IPv4 address: '%s'", t);
        size_t used = strlen(canon);
        snprintf(canon + used, sizeof canon - used, "%s%s", n++ ? "," : "", t);
    }
    if (n == 0)
        return fail(err, errlen, "no address given%s", "");
    return put(out, outlen, canon, err, errlen);
}

/* %j (job), %h (host name) and %% are the only escapes in paths and names. */
static int check_escapes(const char *v, char *err, size_t errlen)
{
    for (const char *p = v; *p; p++) {
        if (*p != '%')
            continue;
        if (p[1] != 'j' && p[1] != 'h' && p[1] != '%')
            return fail(err, errlen, "unknown escape in '%s' (use %%j for the job, %%h for the host "
                        "name, %%%% for %%)", v);
        p++;
    }
    return 0;
}

static int printable(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
            return 0;
    return 1;
}

static int parse_name(const as_opt_info *o, const char *v, char *out, size_t outlen,
                      char *err, size_t errlen)
{
    size_t n = strlen(v);
    int ifname = o->type == AS_T_IFNAME;
    if (n == 0 || n > (ifname ? 15u : 63u))
        return fail(err, errlen, ifname ? "must be an interface name of 1 to 15 characters, not '%s'"
                                         : "must be a name of 1 to 63 characters, not '%s'", v);
    for (const char *p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr(ifname ? "._-:@" : "._-%", *p))
            return fail(err, errlen, "has a character that names cannot hold: '%s'", v);
    if (!ifname && check_escapes(v, err, errlen) != 0)
        return -1;
    return put(out, outlen, v, err, errlen);
}

static int parse_path(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    if (v[0] != '/')
        return fail(err, errlen, "must be an absolute path (sweeps run from /), not '%s'", v);
    if (!printable(v))
        return fail(err, errlen, "has control characters: '%s'", v);
    if (check_escapes(v, err, errlen) != 0)
        return -1;
    return put(out, outlen, v, err, errlen);
}

static int parse_shard(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    unsigned k, n;
    char extra, buf[32];
    if (sscanf(v, "%u/%u%c", &k, &n, &extra) != 2 || k == 0 || n == 0 || k > n || n > 65536)
        return fail(err, errlen, "must be K/N with 1 <= K <= N <= 65536, not '%s'", v);
    snprintf(buf, sizeof buf, "%u/%u", k, n);
    return put(out, outlen, buf, err, errlen);
}

/* A light check only: systemd is the judge (`install-timer` runs systemd-analyze). */
static int parse_calendar(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    static const char *const words[] = {"minutely", "hourly", "daily", "weekly", "monthly",
        "yearly", "annually", "quarterly", "semiannually"};
    if (*v == '\0' || strlen(v) > 128 || !printable(v) || strpbrk(v, "\"'`$\\;"))
        return fail(err, errlen, "must be a systemd OnCalendar= expression, not '%s'", v);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(v, words[i]) == 0)
            return put(out, outlen, v, err, errlen);
    if (!strpbrk(v, "0123456789*"))
        return fail(err, errlen, "must be a systemd OnCalendar= expression (e.g. daily, "
                    "'Mon..Fri 02:00', '*-*-* 00/4:00:00'), not '%s'", v);
    return put(out, outlen, v, err, errlen);
}

static int parse_targets(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    if (*v == '\0')
        return put(out, outlen, "", err, errlen);
    /* Syntax only: names are resolved when the job runs, not when its file is checked. */
    as_targets *t = as_targets_new();
    if (t == NULL)
        return fail(err, errlen, "out of memory%s", "");
    as_targets_set_resolve(t, 0);
    char e[512];
    int rc = as_targets_add_list(t, v, 0, e, sizeof e);
    as_targets_free(t);
    if (rc != 0 && strstr(e, "hostname lookups disabled") == NULL) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    return put(out, outlen, v, err, errlen);
}

static int parse_ports(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    as_portspec ps;
    if (as_portspec_parse_proto(v, AS_PORTSPEC_TCP, &ps, err, errlen) != 0)
        return -1;
    as_portspec_free(&ps);
    return put(out, outlen, v, err, errlen);
}

/* SNMP communities: up to 8 words of printable bytes, no space or comma inside. */
static int parse_words(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    char buf[512], canon[512] = "";
    if (strlen(v) >= sizeof buf)
        return fail(err, errlen, "value too long: '%s'", v);
    strcpy(buf, v);
    int n = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        for (const char *p = t; *p; p++)
            if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
                return fail(err, errlen, "words are printable ASCII without spaces: '%s'", t);
        if (strlen(t) > 64 || n == 8)
            return fail(err, errlen, "at most 8 words of 64 characters: '%s'", t);
        size_t used = strlen(canon);
        snprintf(canon + used, sizeof canon - used, "%s%s", n++ ? "," : "", t);
    }
    if (n == 0)
        return fail(err, errlen, "no word given%s", "");
    return put(out, outlen, canon, err, errlen);
}

static int parse_ipv4(const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    struct in_addr a;
    if (inet_pton(AF_INET, v, &a) != 1)
        return fail(err, errlen, "must be an IPv4 address, not '%s'", v);
    return put(out, outlen, v, err, errlen);
}

int as_opt_parse(enum as_opt id, const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
    const as_opt_info *o = as_opt_get(id);
    double d;
    if (o == NULL)
        return fail(err, errlen, "unknown option%s", "");
    /* "key =;x" reads as ";x", but printed back as "key = ;x" it is a comment. */
    if (v[0] == ';')
        return fail(err, errlen, "a value cannot start with ';' (it reads as a comment): '%s'", v);
    if (strlen(v) > AS_CFG_MAX_VALUE)
        return fail(err, errlen, "value longer than 176 characters: '%s...'", v);
    switch (o->type) {
    case AS_T_TARGETS:
        return parse_targets(v, out, outlen, err, errlen);
    case AS_T_FILES:
        return *v ? parse_path(v, out, outlen, err, errlen) : put(out, outlen, "", err, errlen);
    case AS_T_PORTS:
        return parse_ports(v, out, outlen, err, errlen);
    case AS_T_PING:
        return parse_ping(v, out, outlen, err, errlen);
    case AS_T_NUM:
    case AS_T_INT:
        if (parse_number(o, v, &d, err, errlen) != 0)
            return -1;
        char buf[32];
        snprintf(buf, sizeof buf, o->type == AS_T_INT ? "%.0f" : "%.15g", d);
        return put(out, outlen, buf, err, errlen);
    case AS_T_BOOL:
        return parse_bool(v, out, outlen, err, errlen);
    case AS_T_IPLIST:
        return parse_iplist(v, out, outlen, err, errlen);
    case AS_T_IPV4:
        return parse_ipv4(v, out, outlen, err, errlen);
    case AS_T_WORDS:
        return parse_words(v, out, outlen, err, errlen);
    case AS_T_IFNAME:
    case AS_T_NAME:
        return parse_name(o, v, out, outlen, err, errlen);
    case AS_T_OUTPUT:
        if (strcmp(v, "-") == 0)
            return put(out, outlen, v, err, errlen);
        return parse_path(v, out, outlen, err, errlen);
    case AS_T_PATH:
        return parse_path(v, out, outlen, err, errlen);
    case AS_T_DATABASE:
        if (!as_db_is_pg(v))
            return parse_path(v, out, outlen, err, errlen);
        if (!printable(v))
            return fail(err, errlen, "has control characters: '%s'", v);
        if (as_pg_check(v, err, errlen) != 0 || check_escapes(v, err, errlen) != 0)
            return -1;
        return put(out, outlen, v, err, errlen);
    case AS_T_COMMAND:
        if (*v == '\0' || !printable(v))
            return fail(err, errlen, "must be a non-empty command line without control "
                        "characters, not '%s'", v);
        return put(out, outlen, v, err, errlen);
    case AS_T_SHARD:
        return parse_shard(v, out, outlen, err, errlen);
    case AS_T_SPAN:
        return parse_span(o, v, out, outlen, err, errlen);
    case AS_T_CALENDAR:
        return parse_calendar(v, out, outlen, err, errlen);
    }
    return fail(err, errlen, "unknown option type%s", "");
}
