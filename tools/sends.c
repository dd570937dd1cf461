/* sends.c — the scan settings that decide what goes on the wire (liveness probes, SYN
 * ports, OS detection, reverse DNS), read from scan flags, stored options or a job. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/portspec.h"
#include "engine/scan.h"
#include "fingerprints/ports.h"
#include "tools/options.h"
#include "tools/sends.h"

/* The TCP and UDP parts of a port list, each as "22,80,1000-2000". */
static int set_ports(as_sends *s, const char *spec, int plain, char *err, size_t errlen)
{
    as_portspec ps;
    if (as_portspec_parse_proto(spec, plain, &ps, err, errlen) != 0)
        return -1;
    as_port_list_format(ps.ports, ps.ntcp, s->ports, sizeof s->ports);
    as_port_list_format(ps.ports + ps.ntcp, ps.n - ps.ntcp, s->udp_ports, sizeof s->udp_ports);
    s->nports = ps.ntcp;
    s->nudp = ps.n - ps.ntcp;
    as_portspec_free(&ps);
    return 0;
}

void as_sends_defaults(as_sends *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "a default scan");
    s->echo = 1;
    s->ack[0] = 80;
    s->nack = 1;
    s->resolve = 1;
    s->identify = 1;
    /* The default list of the installed tables, as a scan without -p, -sS or -sU asks. */
    as_job none;
    memset(&none, 0, sizeof none);
    char *def = as_job_default_ports(&none), err[256];
    if (def == NULL || set_ports(s, def, AS_PORTSPEC_TCP, err, sizeof err) != 0)
        s->nports = s->nudp = 0;
    free(def);
}

static int set_acks(as_sends *s, const char *spec, char *err, size_t errlen)
{
    uint16_t *list;
    size_t n;
    if (as_portspec_parse(spec, &list, &n, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < n && s->nack < 16; i++)
        s->ack[s->nack++] = list[i];
    free(list);
    return 0;
}

/* What goes on the wire, from a job's effective values (a config section or flags); with
 * given_only, only what was given, on top of what s holds. */
static int from_job(as_sends *s, const as_job *j, int given_only, char *err, size_t errlen)
{
#define USE(id) (!given_only || j->given[id])
    /* -sS/-sU change the default list and what unprefixed ports are. */
    int port_flags = USE(AS_OPT_PORTS) || (given_only && (j->given[AS_OPT_SCAN_TYPE] || j->given[AS_OPT_UDP_SCAN]));
    if (port_flags && as_job_get(j, AS_OPT_PORTS) &&
        set_ports(s, as_job_get(j, AS_OPT_PORTS), as_job_port_plain(j), err, errlen) != 0)
        return -1;
    if (USE(AS_OPT_PING)) {
        const char *ping = as_job_get(j, AS_OPT_PING), *ack = strstr(ping, "ack:");
        s->no_ping = strcmp(ping, "none") == 0;
        s->echo = strstr(ping, "echo") != NULL;
        s->nack = 0;
        if (ack && set_acks(s, ack + 4, err, errlen) != 0)
            return -1;
    }
    if (USE(AS_OPT_OS))
        s->os = as_job_num(j, AS_OPT_OS) != 0;
    if (USE(AS_OPT_IDENTIFY))
        s->identify = as_job_num(j, AS_OPT_IDENTIFY) != 0;
    if (USE(AS_OPT_RESOLVE))
        s->resolve = as_job_num(j, AS_OPT_RESOLVE) != 0;
    const char *dns = as_job_get(j, AS_OPT_DNS_SERVERS), *src = as_job_get(j, AS_OPT_SOURCE);
    if (USE(AS_OPT_DNS_SERVERS))
        snprintf(s->dns, sizeof s->dns, "%s", dns ? dns : "");
    struct in_addr in;
    if (USE(AS_OPT_SOURCE))
        s->source = src && inet_pton(AF_INET, src, &in) == 1 ? ntohl(in.s_addr) : 0;
#undef USE
    return 0;
}

int as_sends_flags(as_sends *s, const as_job *flags, char *err, size_t errlen)
{
    return from_job(s, flags, 1, err, errlen);
}

/* "198.18.0.0/24" for an interval that is one CIDR block; else its blocks. */
static size_t put_interval(char *out, size_t len, uint32_t lo, uint32_t hi)
{
    size_t used = 0;
    for (uint64_t a = lo; a <= hi && used < len;) {
        int bits = 32;
        while (bits > 0) {
            uint64_t size = 1ull << (33 - bits);
            if ((a & (size - 1)) != 0 || a + size - 1 > hi)
                break;
            bits--;
        }
        uint64_t size = 1ull << (32 - bits);
        used += (size_t)snprintf(out + used, len - used, "%s%u.%u.%u.%u/%d", "",
                                 (unsigned)(a >> 24), (unsigned)(a >> 16) & 255,
                                 (unsigned)(a >> 8) & 255, (unsigned)a & 255, bits);
        a += size;
        if (a <= hi && used < len)
            used += (size_t)snprintf(out + used, len - used, ",");
    }
    return used;
}

void as_sends_destination(as_sends *s, const uint32_t *lo, const uint32_t *hi, size_t n)
{
    char buf[sizeof s->targets];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof buf; i++) {
        if (i)
            used += (size_t)snprintf(buf + used, sizeof buf - used, ",");
        if (used < sizeof buf)
            used += put_interval(buf + used, sizeof buf - used, lo[i], hi[i]);
    }
    if (used >= sizeof buf - 1)     /* too many blocks to list: the span is still exact */
        snprintf(buf, sizeof buf, "%zu address ranges from %u.%u.%u.%u to %u.%u.%u.%u", n,
                 lo[0] >> 24, (lo[0] >> 16) & 255, (lo[0] >> 8) & 255, lo[0] & 255,
                 hi[n - 1] >> 24, (hi[n - 1] >> 16) & 255, (hi[n - 1] >> 8) & 255, hi[n - 1] & 255);
    snprintf(s->targets, sizeof s->targets, "%s", buf);
}

int as_sends_text(as_sends *s, const char *options, char *err, size_t errlen)
{
    as_job j;
    int rc = as_cli_read_text(&j, "ports", options, AS_SCOPE_SENDS, AS_CLI_STORED, err, errlen);
    if (rc == 0)
        rc = from_job(s, &j, 1, err, errlen);
    as_job_release(&j);
    return rc ? -1 : 0;
}

int as_sends_job(as_sends *s, const as_job *j, char *err, size_t errlen)
{
    as_sends_defaults(s);
    snprintf(s->label, sizeof s->label, "job %s", j->name);
    const char *t = as_job_get(j, AS_OPT_TARGETS), *tf = as_job_get(j, AS_OPT_TARGETS_FILE);
    snprintf(s->targets, sizeof s->targets, "%s%s%s", t ? t : "", t && *t && tf && *tf ? ", " : "",
             tf && *tf ? "targets in files" : "");
    for (char *p = s->targets; *p; p++)
        if (*p == '\n')
            *p = ',';
    return from_job(s, j, 0, err, errlen);
}

void as_sends_resolvers(const as_sends *s, const char *resolv_conf, char *out, size_t len)
{
    snprintf(out, len, "%s", s->dns);
    if (*s->dns || resolv_conf == NULL)
        return;
    FILE *f = fopen(resolv_conf, "r");
    char line[256], ip[64];
    size_t used = 0;
    while (f && fgets(line, sizeof line, f) && used < len)
        if (sscanf(line, " nameserver %63s", ip) == 1)
            used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", ip);
    if (f)
        fclose(f);
}
