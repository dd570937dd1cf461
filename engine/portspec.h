/* portspec.h — port lists as users type them, in nmap's syntax: "22,80,1000-1010", "-"
 * (1-65535), protocol prefixes "T:22,445,U:137,161", and our named presets ("odad"). */
#ifndef AS_PORTSPEC_H
#define AS_PORTSPEC_H

#include <stddef.h>
#include <stdint.h>

/* Which protocols the ports without a T:/U: prefix are (nmap: the scan types asked for). */
#define AS_PORTSPEC_TCP 1
#define AS_PORTSPEC_UDP 2

/* A parsed list: TCP ports ascending, then UDP ports ascending; proto[i] is IPPROTO_TCP or
 * IPPROTO_UDP. One malloc'd block; free with as_portspec_free. */
typedef struct as_portspec {
    uint16_t *ports;
    uint8_t *proto;
    size_t n, ntcp;
} as_portspec;

/* Parses spec. plain (AS_PORTSPEC_TCP and/or _UDP) is what unprefixed items are; a "T:" or
 * "U:" switches the protocol for the items after it, as in nmap. An item may be a preset
 * name ("odad"). Returns 0, or -1 with a message naming the spec and the 1-based position
 * of the problem. */
int as_portspec_parse_proto(const char *spec, int plain, as_portspec *out, char *err, size_t errlen);
void as_portspec_free(as_portspec *ps);

/* TCP-only lists (the ACK ping's ports): a sorted list without duplicates (malloc'd, caller
 * frees); a "U:" part is an error. */
int as_portspec_parse(const char *spec, uint16_t **out, size_t *count, char *err, size_t errlen);

/* The canonical text of a list: "22-23,80" for TCP only, "T:22,U:161" once UDP is in it.
 * Like snprintf: returns the length the text needs. */
size_t as_portspec_format(const as_portspec *ps, char *buf, size_t len);

#endif
