/* sends.c — the scan settings that decide what goes on the wire (liveness probes, SYN
 * ports, OS detection, reverse DNS), read from scan flags, stored options or a job. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/portspec.h"
#include "engine/scan.h"
#include "tools/sends.h"

/* "22,80,1000-2000" from a sorted list. */
static void compress(const uint16_t *p, size_t n, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < len;) {
        size_t j = i;
        while (j + 1 < n && p[j + 1] == p[j] + 1)
            j++;
        if (j > i)
            used += (size_t)snprintf(out + used, len - used, "%s%u-%u", used ? "," : "", p[i], p[j]);
        else
            used += (size_t)snprintf(out + used, len - used, "%s%u", used ? "," : "", p[i]);
        i = j + 1;
    }
}

static int set_ports(as_sends *s, const char *spec, char *err, size_t errlen)
{
    uint16_t *list;
    size_t n;
    if (as_portspec_parse(spec, &list, &n, err, errlen) != 0)
        return -1;
    compress(list, n, s->ports, sizeof s->ports);
    s->nports = n;
    free(list);
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
    compress(as_default_ports, as_default_nports, s->ports, sizeof s->ports);
    s->nports = as_default_nports;
}

static int set_acks(as_sends *s, const char *spec, char *err, size_t errlen)
{
    uint16_t *list;
    size_t n;
    if (*spec == '\0') {
        if (s->nack < 16)
            s->ack[s->nack++] = 80;
        return 0;
    }
    if (as_portspec_parse(spec, &list, &n, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < n && s->nack < 16; i++)
        s->ack[s->nack++] = list[i];
    free(list);
    return 0;
}

/* A flag's value: "-p 22" / "-p22" / "--dns-servers=x". NULL if arg is not that flag. */
static const char *value(int argc, char *const argv[], int *i, const char *flag)
{
    size_t n = strlen(flag);
    if (strncmp(argv[*i], flag, n) != 0)
        return NULL;
    if (argv[*i][n] == '\0')
        return *i + 1 < argc ? argv[++*i] : NULL;
    if (argv[*i][n] == '=' || (flag[1] != '-' && n == 2))
        return argv[*i] + n + (argv[*i][n] == '=');
    return NULL;
}

int as_sends_args(as_sends *s, int argc, char *const argv[], char *err, size_t errlen)
{
    int ping_given = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v;
        if (strncmp(a, "-P", 2) == 0 && (a[2] == 'E' || a[2] == 'A' || a[2] == 'n')) {
            if (!ping_given++)
                s->echo = 0, s->nack = 0, s->no_ping = 0;
            if (a[2] == 'n')
                s->no_ping = 1;
            else if (a[2] == 'E')
                s->echo = 1;
            else if (set_acks(s, a + 3, err, errlen) != 0)
                return -1;
        } else if (strcmp(a, "-O") == 0)
            s->os = 1;
        else if (strcmp(a, "-n") == 0)
            s->resolve = 0;
        else if ((v = value(argc, argv, &i, "-p")) != NULL) {
            if (set_ports(s, v, err, errlen) != 0)
                return -1;
        } else if ((v = value(argc, argv, &i, "--dns-servers")) != NULL)
            snprintf(s->dns, sizeof s->dns, "%s", v);
        else if ((v = value(argc, argv, &i, "-S")) != NULL) {
            struct in_addr in;
            if (inet_pton(AF_INET, v, &in) != 1) {
                snprintf(err, errlen, "-S takes an IPv4 address, not '%s'", v);
                return -1;
            }
            s->source = ntohl(in.s_addr);
        }
    }
    return 0;
}

int as_sends_text(as_sends *s, const char *options, char *err, size_t errlen)
{
    char *copy = strdup(options ? options : ""), *argv[256];
    int argc = 0;
    if (copy == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (char *save = NULL, *t = strtok_r(copy, " ", &save); t && argc < 256; t = strtok_r(NULL, " ", &save))
        argv[argc++] = t;
    int rc = as_sends_args(s, argc, argv, err, errlen);
    free(copy);
    return rc;
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
    if (set_ports(s, as_job_get(j, AS_OPT_PORTS), err, errlen) != 0)
        return -1;
    const char *ping = as_job_get(j, AS_OPT_PING), *ack = strstr(ping, "ack:");
    s->no_ping = strcmp(ping, "none") == 0;
    s->echo = strstr(ping, "echo") != NULL;
    s->nack = 0;
    if (ack && set_acks(s, ack + 4, err, errlen) != 0)
        return -1;
    s->os = as_job_num(j, AS_OPT_OS) != 0;
    s->resolve = as_job_num(j, AS_OPT_RESOLVE) != 0;
    const char *dns = as_job_get(j, AS_OPT_DNS_SERVERS), *src = as_job_get(j, AS_OPT_SOURCE);
    snprintf(s->dns, sizeof s->dns, "%s", dns ? dns : "");
    struct in_addr in;
    if (src && inet_pton(AF_INET, src, &in) == 1)
        s->source = ntohl(in.s_addr);
    return 0;
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
