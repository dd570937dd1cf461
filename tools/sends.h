/* sends.h — what agentscan itself sends and must get back, as a firewall request: from a
 * job's configuration, from scan flags, or from a stored scan's options. No packets. */
#ifndef AS_SENDS_H
#define AS_SENDS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/config.h"

typedef struct as_sends {
    char label[128];            /* "job lab", "scan 12", "default scan" */
    char targets[512];          /* the destination, as written */
    uint32_t source;            /* the scanner's address, 0: unknown */
    int no_ping, echo;
    uint16_t ack[16];
    size_t nack;
    char ports[1024];           /* SYN ports, canonical list */
    size_t nports;
    char udp_ports[512];        /* UDP ports, canonical list */
    size_t nudp;
    int os;
    int identify;               /* the identity phase: connections to open ports, NBSTAT, SNMP */
    int resolve;
    char dns[256];              /* resolvers, ","-separated; "" = the system's */
} as_sends;

/* A default `agentscan scan`: echo + ACK/80, the default ports (the installed tables'), reverse DNS. */
void as_sends_defaults(as_sends *s);

/* Applies scan flags read through the option table (as_cli_read): every option that
 * changes what goes on the wire; the source address only when a flag gave it. Returns 0,
 * or -1 with err. */
int as_sends_flags(as_sends *s, const as_job *flags, char *err, size_t errlen);
/* The same from a scan row's options text (read as stored: targets and other words are
 * skipped). */
int as_sends_text(as_sends *s, const char *options, char *err, size_t errlen);
/* The destination as the final address set's CIDR blocks (targets less exclusions). */
void as_sends_destination(as_sends *s, const uint32_t *lo, const uint32_t *hi, size_t n);
/* From a job's effective values. */
int as_sends_job(as_sends *s, const as_job *job, char *err, size_t errlen);

/* The resolvers reverse DNS will ask: s->dns, else the nameserver lines of resolv_conf. */
void as_sends_resolvers(const as_sends *s, const char *resolv_conf, char *out, size_t len);

/* The request as "text" (for the firewall team) or "json". */
int as_sends_print(const as_sends *s, const char *resolv_conf, const char *format, FILE *out,
                   char *err, size_t errlen);

#endif
