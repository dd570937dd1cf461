/* cookie.c — SipHash-2-4 (Aumasson & Bernstein, 2012) and the probe cookie built on it.
 * Written from the paper's description; verified against its published test vector. */
#include "probes/cookie.h"

#include "probes/splitmix.h"

#include <string.h>
#include <sys/random.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

#define SIPROUND()                                                      \
    do {                                                                \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);       \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                          \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                          \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);       \
    } while (0)

uint64_t as_siphash24(const as_cookie_key *key, const uint8_t *msg, size_t len)
{
    uint64_t v0 = 0x736f6d6570736575ULL ^ key->k0;
    uint64_t v1 = 0x646f72616e646f6dULL ^ key->k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ key->k0;
    uint64_t v3 = 0x7465646279746573ULL ^ key->k1;
    size_t full = len & ~(size_t)7;

    for (size_t i = 0; i < full; i += 8) {
        uint64_t m = load_le64(msg + i);
        v3 ^= m;
        SIPROUND();
        SIPROUND();
        v0 ^= m;
    }
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < (len & 7); i++)
        last |= (uint64_t)msg[full + i] << (8 * i);
    v3 ^= last;
    SIPROUND();
    SIPROUND();
    v0 ^= last;
    v2 ^= 0xff;
    SIPROUND();
    SIPROUND();
    SIPROUND();
    SIPROUND();
    return v0 ^ v1 ^ v2 ^ v3;
}

uint32_t as_cookie(const as_cookie_key *key, uint8_t kind, uint32_t src_ip, uint32_t dst_ip,
                   uint16_t src_port, uint16_t dst_port)
{
    uint8_t m[13];
    m[0] = kind;
    for (int i = 0; i < 4; i++) {
        m[1 + i] = (uint8_t)(src_ip >> (24 - 8 * i));
        m[5 + i] = (uint8_t)(dst_ip >> (24 - 8 * i));
    }
    m[9] = (uint8_t)(src_port >> 8);
    m[10] = (uint8_t)src_port;
    m[11] = (uint8_t)(dst_port >> 8);
    m[12] = (uint8_t)dst_port;
    return (uint32_t)as_siphash24(key, m, sizeof m);
}

void as_cookie_key_init(as_cookie_key *key, uint64_t seed)
{
    if (seed != 0) {
        uint64_t s = seed;
        key->k0 = as_splitmix64(&s);
        key->k1 = as_splitmix64(&s);
        return;
    }
    uint64_t buf[2] = {0, 0};
    if (getrandom(buf, sizeof buf, 0) != (ssize_t)sizeof buf) {
        /* getrandom cannot fail for 16 bytes once the pool is initialised; if it ever
         * does, a time-derived key still rejects stale and forged replies of other scans. */
        uint64_t s = (uint64_t)(uintptr_t)key ^ 0x5eedULL;
        buf[0] = as_splitmix64(&s);
        buf[1] = as_splitmix64(&s);
    }
    key->k0 = buf[0];
    key->k1 = buf[1];
}
