/* rtt.h — round-trip estimator and retransmission timeout (RFC 6298; nmap's
 * srtt + 4·rttvar), clamped to [min, max] as nmap's --min/--max-rtt-timeout. */
#ifndef AS_RTT_H
#define AS_RTT_H

#include <stdint.h>

typedef struct as_rtt {
    int64_t srtt_us, rttvar_us;
    uint64_t samples;
    uint64_t initial_us, min_us, max_us;
} as_rtt;

void as_rtt_init(as_rtt *r, uint64_t initial_us, uint64_t min_us, uint64_t max_us);
void as_rtt_sample(as_rtt *r, uint64_t rtt_us);
uint64_t as_rtt_timeout(const as_rtt *r);

#endif
