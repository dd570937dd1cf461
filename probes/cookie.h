/* cookie.h — the keyed hash that lets a reply prove it answers one of our probes.
 * SipHash-2-4 over the probe's 4-tuple and kind, with a per-scan secret: no probe table. */
#ifndef AS_COOKIE_H
#define AS_COOKIE_H

#include <stdint.h>
#include <stddef.h>

typedef struct as_cookie_key {
    uint64_t k0, k1;
} as_cookie_key;

uint64_t as_siphash24(const as_cookie_key *key, const uint8_t *msg, size_t len);

/* The 32-bit cookie of a probe: kind (probe id), addresses and ports in host byte order. */
uint32_t as_cookie(const as_cookie_key *key, uint8_t kind, uint32_t src_ip, uint32_t dst_ip,
                   uint16_t src_port, uint16_t dst_port);

/* Fills the key from getrandom(); falls back to a seed-derived key when seed != 0 so that
 * --seed makes a scan repeatable. */
void as_cookie_key_init(as_cookie_key *key, uint64_t seed);

#endif
