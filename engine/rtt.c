/* rtt.c — RFC 6298 smoothing: alpha 1/8, beta 1/4, timeout srtt + 4·rttvar. */
#include "engine/rtt.h"

void as_rtt_init(as_rtt *r, uint64_t initial_us, uint64_t min_us, uint64_t max_us)
{
    r->srtt_us = 0;
    r->rttvar_us = 0;
    r->samples = 0;
    r->initial_us = initial_us;
    r->min_us = min_us;
    r->max_us = max_us;
}

void as_rtt_sample(as_rtt *r, uint64_t rtt_us)
{
    int64_t m = (int64_t)rtt_us;
    if (r->samples++ == 0) {
        r->srtt_us = m;
        r->rttvar_us = m / 2;
        return;
    }
    int64_t delta = r->srtt_us > m ? r->srtt_us - m : m - r->srtt_us;
    r->rttvar_us += (delta - r->rttvar_us) / 4;
    r->srtt_us += (m - r->srtt_us) / 8;
}

uint64_t as_rtt_timeout(const as_rtt *r)
{
    uint64_t t = r->samples == 0 ? r->initial_us : (uint64_t)(r->srtt_us + 4 * r->rttvar_us);
    if (t < r->min_us)
        t = r->min_us;
    if (t > r->max_us)
        t = r->max_us;
    return t;
}
