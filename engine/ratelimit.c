/* ratelimit.c — token bucket arithmetic (see ratelimit.h). */
#include "engine/ratelimit.h"

static double burst_for(double rate)
{
    double b = rate / 100.0;
    return b < 1.0 ? 1.0 : b;
}

void as_ratelimit_init(as_ratelimit *rl, double rate, uint64_t now_us)
{
    rl->rate = rate;
    rl->burst = burst_for(rate);
    rl->tokens = 1.0;
    rl->last_us = now_us;
}

void as_ratelimit_set_rate(as_ratelimit *rl, double rate)
{
    rl->rate = rate;
    rl->burst = burst_for(rate);
    if (rl->tokens > rl->burst)
        rl->tokens = rl->burst;
}

unsigned as_ratelimit_take(as_ratelimit *rl, uint64_t now_us, unsigned max)
{
    if (rl->rate <= 0)
        return max;
    if (now_us > rl->last_us) {
        rl->tokens += (double)(now_us - rl->last_us) * rl->rate / 1e6;
        if (rl->tokens > rl->burst)
            rl->tokens = rl->burst;
        rl->last_us = now_us;
    }
    unsigned n = rl->tokens >= (double)max ? max : (unsigned)rl->tokens;
    rl->tokens -= n;
    return n;
}

void as_ratelimit_refund(as_ratelimit *rl, unsigned n)
{
    if (rl->rate > 0)
        rl->tokens += n;
}

uint64_t as_ratelimit_wait_us(const as_ratelimit *rl)
{
    if (rl->rate <= 0 || rl->tokens >= 1.0)
        return 0;
    return (uint64_t)((1.0 - rl->tokens) * 1e6 / rl->rate) + 1;
}
