/* job_scan.c — a job as scan options, whether it came from a config file's section or from
 * `scan`'s flags, and the options text written in the flags' own spelling. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/errors.h"
#include "engine/portspec.h"
#include "fingerprints/osfp.h"
#include "tools/options.h"
#include "tools/sweep.h"

/* Adds each '\n'-separated item of a list value. */
static int add_items(as_targets *t, const char *list, int files, int exclude, char *err, size_t errlen)
{
    for (const char *p = list; p && *p;) {
        size_t n = strcspn(p, "\n");
        char *item = strndup(p, n);
        if (item == NULL) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        int rc = files ? as_targets_add_file(t, item, exclude, err, errlen)
                       : as_targets_add_list(t, item, exclude, err, errlen);
        free(item);
        if (rc != 0)
            return -1;
        p += n + (p[n] == '\n');
    }
    return 0;
}

int as_job_targets(const as_job *j, int resolve, as_targets **out, char *err, size_t errlen)
{
    as_targets *t = *out = as_targets_new();
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    as_targets_set_resolve(t, resolve);
    if (add_items(t, as_job_get(j, AS_OPT_TARGETS), 0, 0, err, errlen) != 0 ||
        add_items(t, as_job_get(j, AS_OPT_TARGETS_FILE), 1, 0, err, errlen) != 0 ||
        add_items(t, as_job_get(j, AS_OPT_EXCLUDE), 0, 1, err, errlen) != 0 ||
        add_items(t, as_job_get(j, AS_OPT_EXCLUDE_FILE), 1, 1, err, errlen) != 0 ||
        as_targets_finish(t, err, errlen) != 0)
        return -AS_ERR_TARGET;
    return 0;
}

static int prepare_targets(const as_job *j, as_job_scan *js, char *err, size_t errlen)
{
    return as_job_targets(j, 1, &js->o.targets, err, errlen);
}

/* "echo,ack:80,443" / "none" (checked when the file was read). */
static void prepare_ping(const char *ping, as_scan_opts *o)
{
    o->no_ping = strcmp(ping, "none") == 0;
    o->ping_echo = strstr(ping, "echo") != NULL;
    o->nack = 0;
    const char *ack = strstr(ping, "ack:");
    if (ack == NULL || o->no_ping)
        return;
    uint16_t *list;
    size_t n;
    char e[128];
    if (as_portspec_parse(ack + 4, &list, &n, e, sizeof e) != 0)
        return;
    for (size_t i = 0; i < n && o->nack < AS_MAX_ACK_PORTS; i++)
        o->ack_ports[o->nack++] = list[i];
    free(list);
}

static int prepare_tables(const as_job *j, as_job_scan *js, char *err, size_t errlen)
{
    const char *ap = as_job_get(j, AS_OPT_AGENTS), *dp = as_job_get(j, AS_OPT_DEPLOY_TABLE);
    char e[512];
    if (as_port_table_load(&js->agents, ap ? ap : as_default_agents_path(), 0, e, sizeof e) != 0) {
        snprintf(err, errlen, "agent table: %s", e);
        return -AS_ERR_DATA;
    }
    if (as_port_table_load(&js->deploy, dp ? dp : as_default_deploy_path(), 1, e, sizeof e) != 0) {
        snprintf(err, errlen, "deploy table: %s", e);
        return -AS_ERR_DATA;
    }
    js->o.agents = js->agents;
    js->o.deploy = js->deploy;
    return 0;
}

/* Rate and retries: nmap's -T template first, then what was given explicitly. */
static void prepare_timing(const as_job *j, as_scan_opts *o)
{
    int timed = as_job_get(j, AS_OPT_TIMING) != NULL &&
                as_scan_opts_timing(o, (int)as_job_num(j, AS_OPT_TIMING)) == 0;
    if (!timed || j->given[AS_OPT_MAX_RATE])
        o->max_rate = as_job_num(j, AS_OPT_MAX_RATE);
    if (!timed || j->given[AS_OPT_MAX_RETRIES])
        o->max_retries = (int)as_job_num(j, AS_OPT_MAX_RETRIES);
    o->min_rate = as_job_num(j, AS_OPT_MIN_RATE);
}

/* The identity phase: on/off, connections, time cap, the SNMP communities (split into the
 * job's own copy: the scan keeps pointers into it). */
static void prepare_identify(const as_job *j, as_job_scan *js)
{
    as_scan_opts *o = &js->o;
    o->identify = (int)as_job_num(j, AS_OPT_IDENTIFY);
    o->max_connections = (unsigned)as_job_num(j, AS_OPT_MAX_CONNECTIONS);
    o->identify_timeout_ms = (unsigned)(as_job_num(j, AS_OPT_IDENTIFY_TIMEOUT) * 1000.0 + 0.5);
    const char *c = as_job_get(j, AS_OPT_SNMP_COMMUNITY);
    snprintf(js->communities, sizeof js->communities, "%s", c ? c : "public");
    o->ncommunities = 0;
    for (char *save = NULL, *t = strtok_r(js->communities, ",", &save);
         t && o->ncommunities < sizeof o->communities / sizeof o->communities[0];
         t = strtok_r(NULL, ",", &save))
        o->communities[o->ncommunities++] = t;
}

/* nmap's database only when the user names it (osdb): its licence is theirs to take. */
static int prepare_osdb(const as_job *j, as_job_scan *js, char *err, size_t errlen)
{
    if (!js->o.os_detect)
        return 0;
    const char *path = as_job_get(j, AS_OPT_OSDB);
    char e[512];
    if (as_osdb_load(&js->osdb, path ? path : as_default_osdb_path(), e, sizeof e) != 0) {
        snprintf(err, errlen, "OS database: %s", e);
        return -AS_ERR_DATA;
    }
    js->o.osdb = js->osdb;
    return 0;
}

/* The scan row's options: the label, the flags that decide what goes on the wire and, for a
 * command line (no label), its targets as typed, so that it reads as a command again (a
 * reader of the text skips them: the row has its own targets). */
static void describe(const as_job *j, const char *label, as_job_scan *js)
{
    snprintf(js->options, sizeof js->options, "%s%s", label ? label : "", label ? " " : "");
    size_t used = strlen(js->options);
    as_cli_write(j, js->options + used, sizeof js->options - used);
    const char *t = label == NULL ? as_job_get(j, AS_OPT_TARGETS) : NULL;
    for (const char *p = t; p && *p;) {
        size_t n = strcspn(p, "\n"), used = strlen(js->options);
        snprintf(js->options + used, sizeof js->options - used, " %.*s", (int)n, p);
        p += n + (p[n] == '\n');
    }
}

int as_job_scan_prepare(const as_job *j, const char *label, as_job_scan *js, char *err,
                        size_t errlen)
{
    memset(js, 0, sizeof *js);
    as_scan_opts *o = &js->o;
    as_scan_opts_defaults(o);
    int rc = prepare_targets(j, js, err, errlen);
    if (rc != 0)
        return rc;
    if (as_portspec_parse_proto(as_job_get(j, AS_OPT_PORTS), as_job_port_plain(j), &js->ports, err, errlen) != 0)
        return -AS_ERR_USAGE;
    /* A host's ports are counted in 16 bits (engine/hosttab.h). */
    if (js->ports.n >= AS_MAX_PORTS) {
        snprintf(err, errlen, "%zu ports: at most %d TCP and UDP ports together (scan '-' for one protocol at a time)",
                 js->ports.n, AS_MAX_PORTS - 1);
        return -AS_ERR_USAGE;
    }
    o->ports = js->ports.ports;
    o->port_proto = js->ports.proto;
    o->nports = js->ports.n;
    prepare_ping(as_job_get(j, AS_OPT_PING), o);
    prepare_timing(j, o);
    o->os_detect = (int)as_job_num(j, AS_OPT_OS);
    o->resolve = (int)as_job_num(j, AS_OPT_RESOLVE);
    o->dns_servers = as_job_get(j, AS_OPT_DNS_SERVERS);
    o->iface = as_job_get(j, AS_OPT_INTERFACE);
    struct in_addr a;
    if (as_job_get(j, AS_OPT_SOURCE) && inet_pton(AF_INET, as_job_get(j, AS_OPT_SOURCE), &a) == 1)
        o->src_ip = ntohl(a.s_addr);
    o->seed = (uint64_t)as_job_num(j, AS_OPT_SEED);
    unsigned k, sn;
    if (as_job_get(j, AS_OPT_SHARD) && sscanf(as_job_get(j, AS_OPT_SHARD), "%u/%u", &k, &sn) == 2) {
        o->shard_k = k - 1;
        o->shard_n = sn;
    }
    o->verbose = (int)as_job_num(j, AS_OPT_VERBOSE);
    o->offline = (int)as_job_num(j, AS_OPT_OFFLINE);
    o->progress = (int)as_job_num(j, AS_OPT_PROGRESS);
    o->dry_run = (int)as_job_num(j, AS_OPT_DRY_RUN);
    o->dry_run_pcap = as_job_get(j, AS_OPT_DRY_RUN_PCAP);
    prepare_identify(j, js);
    if ((rc = prepare_tables(j, js, err, errlen)) != 0 ||
        (rc = prepare_osdb(j, js, err, errlen)) != 0)
        return rc;
    describe(j, label, js);
    o->options_text = js->options;
    return 0;
}

void as_job_scan_free(as_job_scan *js)
{
    as_targets_free(js->o.targets);
    as_portspec_free(&js->ports);
    as_port_table_free(js->agents);
    as_port_table_free(js->deploy);
    as_osdb_free(js->osdb);
    memset(js, 0, sizeof *js);
}
