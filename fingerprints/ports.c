/* ports.c — the default port lists built from the tables (ODAD's sixteen, every agent and
 * deploy port; NBSTAT, SNMP and the UDP agent ports), the presets and a list formatter. */
#include "fingerprints/ports.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ODAD (agentless discovery) default: login channels, SMB/NetBIOS, web, and the agent
 * ports of Opsware (1002), BMC (1610) and Altiris (52028). */
static const uint16_t odad[] = {22, 23, 25, 80, 135, 137, 138, 139, 443, 445, 513, 514,
                                1002, 1610, 3389, 52028};
static const uint16_t udp_base[] = {137, 161};     /* NBSTAT, SNMP */

static const struct { const char *name; const uint16_t *ports; size_t n; } presets[] = {
    {"odad", odad, sizeof odad / sizeof odad[0]},
};

int as_port_preset(const char *name, const uint16_t **ports, size_t *n)
{
    for (size_t i = 0; name && i < sizeof presets / sizeof presets[0]; i++)
        if (!strcmp(name, presets[i].name)) {
            *ports = presets[i].ports;
            *n = presets[i].n;
            return 0;
        }
    return -ENOENT;
}

const char *as_port_preset_name(size_t i)
{
    return i < sizeof presets / sizeof presets[0] ? presets[i].name : NULL;
}

/* A 65536-bit set; lists come out sorted and unique. */
typedef struct portset {
    uint8_t bit[8192];
    size_t n;
} portset;

static void set_add(portset *s, uint16_t p)
{
    if (!(s->bit[p >> 3] & (1u << (p & 7)))) {
        s->bit[p >> 3] |= (uint8_t)(1u << (p & 7));
        s->n++;
    }
}

static void add_table(portset *s, const as_port_table *t, uint8_t proto)
{
    uint16_t port;
    uint8_t pr;
    for (size_t i = 0; as_port_table_entry(t, i, &port, &pr) == 0; i++)
        if (pr == proto)
            set_add(s, port);
}

static int to_list(const portset *s, as_port_list *l)
{
    l->n = 0;
    l->ports = malloc((s->n ? s->n : 1) * sizeof *l->ports);
    if (!l->ports)
        return -ENOMEM;
    for (uint32_t p = 0; p < 65536; p++)
        if (s->bit[p >> 3] & (1u << (p & 7)))
            l->ports[l->n++] = (uint16_t)p;
    return 0;
}

int as_ports_from_tables(const as_port_table *agents, const as_port_table *deploy,
                     as_port_list *tcp, as_port_list *udp)
{
    portset *t = calloc(2, sizeof *t), *u = t ? t + 1 : NULL;
    int rc = -ENOMEM;
    memset(tcp, 0, sizeof *tcp);
    memset(udp, 0, sizeof *udp);
    if (t) {
        for (size_t i = 0; i < sizeof odad / sizeof odad[0]; i++)
            set_add(t, odad[i]);
        for (size_t i = 0; i < sizeof udp_base / sizeof udp_base[0]; i++)
            set_add(u, udp_base[i]);
        add_table(t, agents, IPPROTO_TCP);
        add_table(t, deploy, IPPROTO_TCP);
        add_table(u, agents, IPPROTO_UDP);
        add_table(u, deploy, IPPROTO_UDP);
        rc = to_list(t, tcp) == 0 && to_list(u, udp) == 0 ? 0 : -ENOMEM;
    }
    free(t);
    if (rc) {
        as_port_list_free(tcp);
        as_port_list_free(udp);
    }
    return rc;
}

void as_port_list_free(as_port_list *l)
{
    free(l->ports);
    l->ports = NULL;
    l->n = 0;
}

size_t as_port_list_format(const uint16_t *ports, size_t n, char *buf, size_t len)
{
    size_t need = 0;
    if (len)
        buf[0] = '\0';
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && ports[j + 1] == ports[j] + 1)
            j++;
        char item[16];
        int k = j > i ? snprintf(item, sizeof item, "%s%u-%u", i ? "," : "", ports[i], ports[j])
                      : snprintf(item, sizeof item, "%s%u", i ? "," : "", ports[i]);
        if (len && need + (size_t)k < len)
            memcpy(buf + need, item, (size_t)k + 1);
        need += (size_t)k;
        i = j + 1;
    }
    return need;
}
