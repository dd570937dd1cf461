/* permute.h — a keyed pseudo-random permutation of [0, n): the probe order of a scan.
 * A balanced Feistel network over the smallest even bit width that holds n, with cycle
 * walking to stay inside [0, n) (Black & Rogaway), so it is a bijection for any n. */
#ifndef AS_PERMUTE_H
#define AS_PERMUTE_H

#include <stdint.h>

typedef struct as_permute {
    uint64_t n;
    unsigned half_bits;
    uint64_t half_mask;
    uint64_t keys[4];
} as_permute;

void as_permute_init(as_permute *p, uint64_t n, uint64_t seed);
/* The element at position i (0 <= i < n). */
uint64_t as_permute_at(const as_permute *p, uint64_t i);

#endif
