/* when.h — points in the inventory's history as users write them on the command line
 * (`export --since`, `prune --older-than`): a scan id, a date, or an age. */
#ifndef AS_WHEN_H
#define AS_WHEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_when {
    int is_scan;            /* 1: scan_id is set; 0: time is set */
    int64_t scan_id;
    double time;            /* seconds since the epoch, UTC */
} as_when;

/* Accepts:
 *   "12"                                   scan 12 (only when allow_scan)
 *   "2024-05-01"                           midnight UTC
 *   "2024-05-01T12:30", "2024-05-01 12:30:05", optionally followed by "Z" or "+02:00"/"-0500"
 *   "90s", "30m", "12h", "7d", "2w"        that long before now
 * Dates without a zone are UTC, like every time agentscan prints. Returns 0, or -1 with a
 * message quoting the value (control bytes shown as '?'). */
int as_when_parse(const char *s, double now, int allow_scan, as_when *out,
                  char *err, size_t errlen);

/* ISO 8601 UTC, "2024-05-01T12:00:00Z", into buf (24 bytes suffice); "" when t <= 0. */
void as_when_iso(double t, char *buf, size_t len);

#endif
