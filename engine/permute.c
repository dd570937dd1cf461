/* permute.c — Feistel permutation with cycle walking; see permute.h. The round function
 * only needs to scatter, not to be secret: order hides no information a target could use. */
#include "engine/permute.h"

#include "probes/splitmix.h"

void as_permute_init(as_permute *p, uint64_t n, uint64_t seed)
{
    unsigned bits = 2;
    while (bits < 64 && (1ULL << bits) < n)
        bits += 2;
    p->n = n;
    p->half_bits = bits / 2;
    p->half_mask = (1ULL << p->half_bits) - 1;
    uint64_t s = seed ^ 0x6a09e667f3bcc908ULL;
    for (int i = 0; i < 4; i++)
        p->keys[i] = as_splitmix64(&s);
}

static uint64_t feistel(const as_permute *p, uint64_t x)
{
    uint64_t l = x >> p->half_bits, r = x & p->half_mask;
    for (int i = 0; i < 4; i++) {
        uint64_t f = as_mix64(r ^ p->keys[i]) & p->half_mask;
        uint64_t nl = r;
        r = l ^ f;
        l = nl;
    }
    return (l << p->half_bits) | r;
}

uint64_t as_permute_at(const as_permute *p, uint64_t i)
{
    if (p->n <= 1)
        return 0;
    /* The Feistel domain is at most 4n, so the walk takes under four steps on average. */
    uint64_t x = feistel(p, i);
    while (x >= p->n)
        x = feistel(p, x);
    return x;
}
