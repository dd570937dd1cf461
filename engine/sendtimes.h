/* sendtimes.h — when some first port probes left, for round-trip samples without a send
 * time per probe: a small table indexed by a hash of the probe, where a later probe may
 * take an earlier one's place. A probe found there gives an exact sample; one pushed out
 * gives none, which only thins the samples when very many probes are in flight. */
#ifndef AS_SENDTIMES_H
#define AS_SENDTIMES_H

#include <stdint.h>

#define AS_SENDTIMES_BITS 12
#define AS_SENDTIMES_VALID ((uint64_t)1 << 63)

typedef struct as_sendtimes {
    uint64_t probe[1u << AS_SENDTIMES_BITS];    /* its work item | AS_SENDTIMES_VALID, or 0 */
    uint64_t sent_us[1u << AS_SENDTIMES_BITS];
} as_sendtimes;

static inline unsigned as_sendtimes_slot(uint64_t probe)
{
    return (unsigned)((probe * 0x9e3779b97f4a7c15ULL) >> (64 - AS_SENDTIMES_BITS));
}

static inline void as_sendtimes_note(as_sendtimes *t, uint64_t probe, uint64_t now)
{
    unsigned i = as_sendtimes_slot(probe);
    t->probe[i] = probe | AS_SENDTIMES_VALID;
    t->sent_us[i] = now;
}

/* 1 with *sent_us if the probe's send time is held (and forgets it), else 0. */
static inline int as_sendtimes_take(as_sendtimes *t, uint64_t probe, uint64_t *sent_us)
{
    unsigned i = as_sendtimes_slot(probe);
    if (t->probe[i] != (probe | AS_SENDTIMES_VALID))
        return 0;
    t->probe[i] = 0;
    *sent_us = t->sent_us[i];
    return 1;
}

#endif
