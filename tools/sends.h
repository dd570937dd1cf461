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
    int os;
    int resolve;
    char dns[256];              /* resolvers, ","-separated; "" = the system's */
} as_sends;

/* A default `agentscan scan`: echo + ACK/80, the 16 default ports, reverse DNS. */
void as_sends_defaults(as_sends *s);

/* Applies scan flags (-p, -PE, -PA[PORTS], -Pn, -O, -n, --dns-servers, -S); other words
 * (targets, unrelated flags) are ignored, so a stored scan's options text can be fed in
 * whole. Returns 0, or -1 with err for a malformed value. */
int as_sends_args(as_sends *s, int argc, char *const argv[], char *err, size_t errlen);
/* Same, from one string split at spaces (a scan row's options). */
int as_sends_text(as_sends *s, const char *options, char *err, size_t errlen);
/* From a job's effective values. */
int as_sends_job(as_sends *s, const as_job *job, char *err, size_t errlen);

/* The resolvers reverse DNS will ask: s->dns, else the nameserver lines of resolv_conf. */
void as_sends_resolvers(const as_sends *s, const char *resolv_conf, char *out, size_t len);

/* The request as "text" (for the firewall team) or "json". */
int as_sends_print(const as_sends *s, const char *resolv_conf, const char *format, FILE *out,
                   char *err, size_t errlen);

#endif
