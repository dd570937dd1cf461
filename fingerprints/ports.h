/* ports.h — which ports a scan asks by default: every port the agent and deploy tables know
 * plus the classic ODAD sixteen, and named presets. Lists only; the engine applies them. */
#ifndef AS_PORTS_H
#define AS_PORTS_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprints/agents.h"

typedef struct as_port_list {
    uint16_t *ports;        /* ascending, no duplicates; owned, free with as_port_list_free */
    size_t n;
} as_port_list;

/* TCP: the ODAD preset, every TCP port of agents and deploy (either may be NULL);
 * UDP: 137 (NBSTAT), 161 (SNMP) and every UDP port of both tables (52311 BigFix, ...).
 * Returns 0, or -ENOMEM (both lists then empty). */
int as_ports_from_tables(const as_port_table *agents, const as_port_table *deploy,
                     as_port_list *tcp, as_port_list *udp);
void as_port_list_free(as_port_list *l);

/* A named preset: "odad" is the sixteen ports of the original ODAD scan. Returns 0 with the
 * (static, ascending) list, or -ENOENT for an unknown name. */
int as_port_preset(const char *name, const uint16_t **ports, size_t *n);
/* Preset i's name (NULL past the last), for --help and error messages. */
const char *as_port_preset_name(size_t i);

/* "22-23,25,80" for a sorted list: runs of consecutive ports as ranges. Like snprintf:
 * returns the length the text needs, writes a terminated prefix when buf is too small. */
size_t as_port_list_format(const uint16_t *ports, size_t n, char *buf, size_t len);

#endif
