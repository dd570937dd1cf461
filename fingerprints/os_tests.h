/* os_tests.h — from the replies to the sixteen OS probes to nmap's test lines (SEQ, OPS,
 * WIN, ECN, T1-T7, U1, IE), printed in nmap's fingerprint syntax. Pure computation: the
 * engine collects the replies, the matcher (osfp.h) scores the text. */
#ifndef AS_OS_TESTS_H
#define AS_OS_TESTS_H

#include <stddef.h>
#include <stdint.h>

#include "probes/osprobe.h"

typedef struct as_os_observation {
    as_osreply r[AS_OS_NPROBES];
    uint64_t sent_us[AS_OS_NPROBES];    /* last send time of each probe, 0 = never sent */
    uint32_t probe_seq[AS_OS_NPROBES];
    uint32_t probe_ack[AS_OS_NPROBES];
    uint8_t sent_ttl;
    uint16_t u1_udp_csum;
    /* 1: print per-connection random timestamps as nmap does (a rate from unsigned TSval
     * differences), for matching against a database that has no RND class (nmap's). */
    int nmap_ts;
} as_os_observation;

/* The code agentscan prints for SEQ.TS when the timestamp clock is not one clock but
 * random per connection (Linux since 4.10 offsets TSval per connection). */
#define AS_OS_TS_RANDOM "RND"

/* Writes the test lines ("SEQ(SP=...)\nOPS(...)\n...") into out. Returns the length, or -1
 * if out is too small. */
int as_os_fingerprint(const as_os_observation *o, char *out, size_t outlen);

/* The pieces, for unit tests. */
void as_os_options_string(const uint8_t *opts, size_t len, char *out, size_t outlen);
const char *as_os_ipid_class(const uint16_t *ids, size_t n, int allow_rd, char *buf, size_t buflen);

#endif
