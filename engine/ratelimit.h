/* ratelimit.h — token bucket for packets per second. The bucket holds at most 10 ms of
 * tokens so that no one-second window can exceed the rate by more than 1%. */
#ifndef AS_RATELIMIT_H
#define AS_RATELIMIT_H

#include <stdint.h>

typedef struct as_ratelimit {
    double rate;        /* packets per second; <= 0 means unlimited */
    double tokens;
    double burst;
    uint64_t last_us;
} as_ratelimit;

void as_ratelimit_init(as_ratelimit *rl, double rate, uint64_t now_us);
void as_ratelimit_set_rate(as_ratelimit *rl, double rate);
/* How many packets may go now (at most max); they are taken from the bucket. */
unsigned as_ratelimit_take(as_ratelimit *rl, uint64_t now_us, unsigned max);
/* Give back tokens that were taken but not used. */
void as_ratelimit_refund(as_ratelimit *rl, unsigned n);
/* Microseconds until one token is available (0 if now). */
uint64_t as_ratelimit_wait_us(const as_ratelimit *rl);

#endif
