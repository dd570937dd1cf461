/* job_scan.c — a configured job as scan options: the same fields `agentscan scan` fills
 * from its flags, and the options text written in the flags' own spelling. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/errors.h"
#include "engine/portspec.h"
#include "tools/sweep.h"

static void opt_text(as_job_scan *js, const char *fmt, const char *v)
{
    size_t used = strlen(js->options);
    snprintf(js->options + used, sizeof js->options - used, fmt, v);
}

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

static int prepare_targets(const as_job *j, as_job_scan *js, char *err, size_t errlen)
{
    as_targets *t = js->o.targets = as_targets_new();
    if (t == NULL) {
        snprintf(err, errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    if (add_items(t, as_job_get(j, AS_OPT_TARGETS), 0, 0, err, errlen) != 0 ||
        add_items(t, as_job_get(j, AS_OPT_TARGETS_FILE), 1, 0, err, errlen) != 0 ||
        add_items(t, as_job_get(j, AS_OPT_EXCLUDE), 0, 1, err, errlen) != 0 ||
        add_items(t, as_job_get(j, AS_OPT_EXCLUDE_FILE), 1, 1, err, errlen) != 0 ||
        as_targets_finish(t, err, errlen) != 0)
        return -AS_ERR_TARGET;
    return 0;
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

static void describe(const as_job *j, as_job_scan *js)
{
    const as_scan_opts *o = &js->o;
    snprintf(js->options, sizeof js->options, "sweep %s:", j->name);
    opt_text(js, " -p %s", as_job_get(j, AS_OPT_PORTS));
    if (o->no_ping)
        opt_text(js, "%s", " -Pn");
    if (o->ping_echo)
        opt_text(js, "%s", " -PE");
    const char *ack = strstr(as_job_get(j, AS_OPT_PING), "ack:");
    if (ack && !o->no_ping)
        opt_text(js, " -PA%s", ack + 4);
    opt_text(js, " --max-rate %s", as_job_get(j, AS_OPT_MAX_RATE));
    opt_text(js, " --max-retries %s", as_job_get(j, AS_OPT_MAX_RETRIES));
    if (o->min_rate > 0)
        opt_text(js, " --min-rate %s", as_job_get(j, AS_OPT_MIN_RATE));
    if (o->os_detect)
        opt_text(js, "%s", " -O");
    if (!o->resolve)
        opt_text(js, "%s", " -n");
    static const struct { enum as_opt id; const char *flag; } str[] = {
        {AS_OPT_DNS_SERVERS, " --dns-servers %s"}, {AS_OPT_INTERFACE, " -e %s"},
        {AS_OPT_SOURCE, " -S %s"}, {AS_OPT_SHARD, " --shard %s"},
    };
    for (size_t i = 0; i < sizeof str / sizeof str[0]; i++)
        if (as_job_get(j, str[i].id))
            opt_text(js, str[i].flag, as_job_get(j, str[i].id));
    if (o->seed)
        opt_text(js, " --seed %s", as_job_get(j, AS_OPT_SEED));
}

int as_job_scan_prepare(const as_job *j, as_job_scan *js, char *err, size_t errlen)
{
    memset(js, 0, sizeof *js);
    as_scan_opts *o = &js->o;
    as_scan_opts_defaults(o);
    int rc = prepare_targets(j, js, err, errlen);
    if (rc != 0)
        return rc;
    size_t n;
    if (as_portspec_parse(as_job_get(j, AS_OPT_PORTS), &js->ports, &n, err, errlen) != 0)
        return -AS_ERR_USAGE;
    o->ports = js->ports;
    o->nports = n;
    prepare_ping(as_job_get(j, AS_OPT_PING), o);
    o->max_rate = as_job_num(j, AS_OPT_MAX_RATE);
    o->min_rate = as_job_num(j, AS_OPT_MIN_RATE);
    o->max_retries = (int)as_job_num(j, AS_OPT_MAX_RETRIES);
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
    if ((rc = prepare_tables(j, js, err, errlen)) != 0)
        return rc;
    describe(j, js);
    o->options_text = js->options;
    return 0;
}

void as_job_scan_free(as_job_scan *js)
{
    as_targets_free(js->o.targets);
    free(js->ports);
    as_port_table_free(js->agents);
    as_port_table_free(js->deploy);
    memset(js, 0, sizeof *js);
}
