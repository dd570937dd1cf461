/* splitmix.h — SplitMix64 (Steele, Lea, Flood 2014), the one small generator and mixer of
 * the tree: key derivation, per-host shuffles, the permutation's round keys, the
 * simulated network's loss draws. Not for secrets (the cookie key comes from getrandom). */
#ifndef AS_SPLITMIX_H
#define AS_SPLITMIX_H

#include <stdint.h>

/* The finaliser alone: a bijective mix of 64 bits. */
static inline uint64_t as_mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* The next output of the generator whose state is *state. */
static inline uint64_t as_splitmix64(uint64_t *state)
{
    return as_mix64(*state += 0x9e3779b97f4a7c15ULL);
}

#endif
