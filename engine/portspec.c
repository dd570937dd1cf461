/* portspec.c — port list parser (see portspec.h): one 65536-bit map per protocol, then the
 * sorted list, TCP first. */
#include "engine/portspec.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/ports.h"

typedef struct maps {
    uint8_t bit[2][8192];   /* [0] TCP, [1] UDP */
} maps;

static void mark(maps *m, int which, unsigned lo, unsigned hi)
{
    for (int k = 0; k < 2; k++)
        if (which & (1 << k))
            for (unsigned p = lo; p <= hi; p++)
                m->bit[k][p >> 3] |= (uint8_t)(1u << (p & 7));
}

static int read_port(const char *spec, size_t *i, unsigned *out, char *err, size_t errlen)
{
    size_t start = *i;
    unsigned long v = 0;
    while (spec[*i] >= '0' && spec[*i] <= '9') {
        v = v * 10 + (unsigned long)(spec[*i] - '0');
        if (v > 65535) {
            snprintf(err, errlen, "bad port list '%s': port out of range (1-65535) at position %zu", spec, start + 1);
            return -1;
        }
        (*i)++;
    }
    if (*i == start) {
        snprintf(err, errlen, "bad port list '%s': expected a port number at position %zu", spec, start + 1);
        return -1;
    }
    if (v == 0) {
        snprintf(err, errlen, "bad port list '%s': port 0 cannot be scanned at position %zu", spec, start + 1);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* A preset name at spec + *i (letters up to ',' or the end). */
static int read_preset(const char *spec, size_t *i, maps *m, int which, char *err, size_t errlen)
{
    size_t start = *i, len = 0;
    while ((spec[*i] >= 'a' && spec[*i] <= 'z') || (spec[*i] >= 'A' && spec[*i] <= 'Z'))
        (*i)++, len++;
    char name[32];
    const uint16_t *ports;
    size_t n;
    snprintf(name, sizeof name, "%.*s", (int)(len < 31 ? len : 31), spec + start);
    if (len >= 32 || as_port_preset(name, &ports, &n) != 0) {
        snprintf(err, errlen, "bad port list '%s': unknown preset '%s' at position %zu (known: %s)", spec,
                 name, start + 1, as_port_preset_name(0));
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        mark(m, which, ports[k], ports[k]);
    return 0;
}

static int parse_item(const char *spec, size_t *i, maps *m, int which, char *err, size_t errlen)
{
    size_t start = *i;
    unsigned lo = 1, hi = 65535;
    if ((spec[*i] >= 'a' && spec[*i] <= 'z') || (spec[*i] >= 'A' && spec[*i] <= 'Z'))
        return read_preset(spec, i, m, which, err, errlen);
    if (spec[*i] != '-' && read_port(spec, i, &lo, err, errlen) != 0)
        return -1;
    hi = lo;
    if (spec[*i] == '-') {
        (*i)++;
        hi = 65535;
        if (spec[*i] != ',' && spec[*i] != '\0' && read_port(spec, i, &hi, err, errlen) != 0)
            return -1;
    }
    if (lo > hi) {
        snprintf(err, errlen, "bad port list '%s': range %u-%u runs backwards at position %zu", spec, lo, hi, start + 1);
        return -1;
    }
    mark(m, which, lo, hi);
    return 0;
}

/* "T:" or "U:" at spec + *i: switches *which; nmap's "S:" (SCTP) is named as unsupported. */
static int read_prefix(const char *spec, size_t *i, int *which, char *err, size_t errlen)
{
    if (spec[*i] == '\0' || spec[*i + 1] != ':')
        return 0;
    char c = spec[*i];
    if (c != 'T' && c != 'U') {
        snprintf(err, errlen, "bad port list '%s': unknown protocol prefix '%c:' at position %zu (use T: for "
                 "TCP, U: for UDP)", spec, c, *i + 1);
        return -1;
    }
    *which = c == 'T' ? AS_PORTSPEC_TCP : AS_PORTSPEC_UDP;
    *i += 2;
    return 0;
}

static size_t count(const uint8_t *bit)
{
    size_t n = 0;
    for (unsigned p = 1; p < 65536; p++)
        n += (bit[p >> 3] >> (p & 7)) & 1;
    return n;
}

static int to_list(const maps *m, const char *spec, as_portspec *out, char *err, size_t errlen)
{
    size_t nt = count(m->bit[0]), nu = count(m->bit[1]);
    if (nt + nu == 0) {
        snprintf(err, errlen, "bad port list '%s': no ports", spec);
        return -1;
    }
    uint16_t *ports = malloc((nt + nu) * (sizeof *ports + 1));
    if (ports == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    out->ports = ports;
    out->proto = (uint8_t *)(ports + nt + nu);
    out->ntcp = nt;
    out->n = 0;
    for (int k = 0; k < 2; k++)
        for (unsigned p = 1; p < 65536; p++)
            if ((m->bit[k][p >> 3] >> (p & 7)) & 1) {
                out->proto[out->n] = k ? IPPROTO_UDP : IPPROTO_TCP;
                out->ports[out->n++] = (uint16_t)p;
            }
    return 0;
}

int as_portspec_parse_proto(const char *spec, int plain, as_portspec *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    maps *m = calloc(1, sizeof *m);
    if (m == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t i = 0;
    int which = plain & (AS_PORTSPEC_TCP | AS_PORTSPEC_UDP) ? plain : AS_PORTSPEC_TCP, rc = -1;
    if (spec[0] == '\0') {
        snprintf(err, errlen, "bad port list '%s': empty", spec);
        goto out;
    }
    for (;;) {
        if (read_prefix(spec, &i, &which, err, errlen) != 0 || parse_item(spec, &i, m, which, err, errlen) != 0)
            goto out;
        if (spec[i] == '\0')
            break;
        if (spec[i] != ',' || spec[i + 1] == '\0') {
            snprintf(err, errlen, "bad port list '%s': unexpected '%c' at position %zu", spec,
                     spec[i] == ',' ? ',' : spec[i], i + 1);
            goto out;
        }
        i++;
    }
    rc = to_list(m, spec, out, err, errlen);
out:
    free(m);
    return rc;
}

void as_portspec_free(as_portspec *ps)
{
    free(ps->ports);
    memset(ps, 0, sizeof *ps);
}

int as_portspec_parse(const char *spec, uint16_t **out, size_t *count_out, char *err, size_t errlen)
{
    as_portspec ps;
    *out = NULL;
    *count_out = 0;
    if (as_portspec_parse_proto(spec, AS_PORTSPEC_TCP, &ps, err, errlen) != 0)
        return -1;
    if (ps.ntcp != ps.n) {
        snprintf(err, errlen, "bad port list '%s': only TCP ports belong here, not U:", spec);
        as_portspec_free(&ps);
        return -1;
    }
    /* The list is the head of the block: hand it over as is. */
    *out = ps.ports;
    *count_out = ps.n;
    return 0;
}

size_t as_portspec_format(const as_portspec *ps, char *buf, size_t len)
{
    size_t need = 0;
    if (len)
        buf[0] = '\0';
    int tagged = ps->n > ps->ntcp;
    for (int k = 0; k < 2; k++) {
        const uint16_t *p = k ? ps->ports + ps->ntcp : ps->ports;
        size_t n = k ? ps->n - ps->ntcp : ps->ntcp;
        if (n == 0)
            continue;
        char head[4];
        snprintf(head, sizeof head, "%s%s", need ? "," : "", tagged ? (k ? "U:" : "T:") : "");
        size_t hl = strlen(head);
        if (need + hl < len)
            memcpy(buf + need, head, hl + 1);
        need += hl;
        need += as_port_list_format(p, n, need < len ? buf + need : NULL, need < len ? len - need : 0);
    }
    return need;
}
