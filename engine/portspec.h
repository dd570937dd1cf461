/* portspec.h — port lists as users type them: "22,80,1000-1010", "-" (1-65535), "T:22"
 * (nmap's TCP prefix is accepted). */
#ifndef AS_PORTSPEC_H
#define AS_PORTSPEC_H

#include <stddef.h>
#include <stdint.h>

/* Parses spec into a sorted list without duplicates (malloc'd, caller frees). Returns 0, or
 * -1 with a message naming the spec and the 1-based position of the problem. */
int as_portspec_parse(const char *spec, uint16_t **out, size_t *count, char *err, size_t errlen);

#endif
