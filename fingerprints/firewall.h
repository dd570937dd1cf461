/* firewall.h — "are these replies from the hosts at all?": a stateful firewall or SYN proxy
 * that answers for the addresses behind it makes many hosts look alike. Two rules, from
 * what the scan already measured; the result is a suspicion to report, never a verdict. */
#ifndef AS_FIREWALL_H
#define AS_FIREWALL_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_fw_host {
    const char *signature;  /* the SYN/ACK signature (the passive guess text), "" if none */
    const char *open_ports; /* "22,80" */
    unsigned closed;        /* ports that answered RST */
    uint8_t synack_ttl;     /* TTL of SYN/ACKs (0: none) */
    uint8_t rst_ttl;        /* TTL of RSTs (0: none) */
} as_fw_host;

#define AS_FW_GROUP_MIN 8

/* Per host: SYN/ACKs and RSTs arriving from different distances mean something in between
 * answers one of them. Writes a note and returns 1, or 0. */
int as_fw_host_rule(const as_fw_host *h, char *note, size_t notelen);

/* Across hosts: at least AS_FW_GROUP_MIN hosts with one SYN/ACK signature, the same open
 * ports and no RST at all look like one device answering for many addresses. Sets
 * flagged[i] = group size for members of such a group (0 otherwise). Returns the number
 * of hosts flagged, or -1 on allocation failure. */
int as_fw_group_rule(const as_fw_host *hosts, size_t n, unsigned *flagged);

#endif
