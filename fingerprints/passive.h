/* passive.h — a first OS guess from replies the sweep already got (p0f's idea): the
 * SYN/ACK's TTL, window, DF and TCP option layout. Cheap, always available, low confidence. */
#ifndef AS_PASSIVE_H
#define AS_PASSIVE_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_passive_obs {
    uint8_t ttl;            /* as received */
    uint8_t df;
    uint16_t win;
    char opts[24];          /* nmap option string of the SYN/ACK, e.g. "M5B4ST11NW7" */
} as_passive_obs;

/* Writes e.g. "Linux (passive: TTL 64, 2 hops, window 64240, options M5B4ST11NW7)" and
 * returns the confidence in percent (0 when nothing can be said). */
int as_passive_guess(const as_passive_obs *o, char *out, size_t outlen);

#endif
