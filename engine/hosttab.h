/* hosttab.h — the hosts that answered, and nothing else: memory grows with live hosts,
 * never with the size of the target range. Hosts live in one array (indexes are stable
 * handles); an open-addressing index maps address → host. A host's port state (a bit per
 * port and the answers, hostports.h) exists only while its ports are being probed:
 * allocated when the first goes out, released (with name and OS results) once the host
 * is in the store; what the end of the scan still
 * needs (liveness, firewall summary) stays in a few bytes. */
#ifndef AS_HOSTTAB_H
#define AS_HOSTTAB_H

#include <stddef.h>
#include <stdint.h>

#include "engine/hostports.h"

enum as_host_flags {
    AS_HOST_UP = 1,         /* answered a liveness probe (or a port, with -Pn) */
    AS_HOST_DNS_PENDING = 2,
    AS_HOST_WRITTEN = 4,
    AS_HOST_HAS_MAC = 8,
    AS_HOST_ANSWERED_PORT = 16, /* some port was open or closed */
    AS_HOST_TIMING = 32,        /* a timing probe is out (see scan_reply.c) */
    AS_HOST_OS_PENDING = 64,    /* OS detection running (scan_os.c) */
    AS_HOST_OS_DONE = 128,      /* OS detection finished or not possible */
    AS_HOST_PORTS_FINAL = 256,  /* its last probe pass timed out (or the scan ended):
                                 * the ports that never answered are filtered */
};

typedef struct as_host {
    uint32_t ip;
    uint32_t flags;
    uint8_t mac[6];
    uint8_t reply_ttl;
    uint8_t live_seen;      /* liveness probes answered: 1 echo, 2 ACK (scan_live.c) */
    const char *up_reason;
    int64_t rtt_us;
    uint64_t timing_sent_us;    /* when the timing probe left */
    uint32_t timing_port;       /* its port index */
    uint8_t pass;           /* its port probe pass: 0, then one per retry (scan_send.c) */
    uint32_t unknown;       /* ports neither answered nor given up yet */
    char *name;             /* reverse DNS, NULL until answered */
    as_hostports *ports;    /* which ports answered, and how; NULL before its probes
                             * start and after it is stored */
    uint32_t next_port;     /* position of the current pass in its port order */
    uint64_t pass_sent_us;  /* when the current pass sent its last probe */
    uint32_t fw_closed;     /* once stored: closed ports, and the open ones as text, */
    char *fw_ports;         /* for the scan-wide firewall rule */
    struct as_osjob *os;    /* OS detection state, while it runs */
    char *os_fp;            /* the observed fingerprint, nmap syntax */
    char *os_passive;       /* the guess from the SYN/ACK alone */
    struct as_osmatch *os_guesses;  /* matcher output, best first */
    uint8_t nguesses;
    uint8_t passive_conf;
} as_host;

typedef struct as_hosttab {
    as_host *hosts;
    size_t count, cap;
    uint32_t *index;        /* host number + 1, 0 = empty */
    size_t index_cap;       /* power of two */
    size_t nports;
    size_t with_slots, with_slots_peak;    /* hosts holding port state, now and at most */
} as_hosttab;

int as_hosttab_init(as_hosttab *t, size_t nports);
void as_hosttab_free(as_hosttab *t);
/* Host number of ip, or -1. */
long as_hosttab_find(const as_hosttab *t, uint32_t ip);
/* Host number of ip, added (all ports unknown, no slots yet) if new; *created says which.
 * -1 on ENOMEM. */
long as_hosttab_add(as_hosttab *t, uint32_t ip, int *created);
/* The host's port state, nothing answered: 0, or -1 on ENOMEM. */
int as_host_ports_alloc(as_hosttab *t, as_host *h);
/* Frees what the store now holds (port state, name, OS results); keeps ip, flags, liveness,
 * passive signature and the firewall summary. */
void as_host_release(as_hosttab *t, as_host *h);

#endif
