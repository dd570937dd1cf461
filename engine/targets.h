/* targets.h — the set of addresses to scan: specs, files, exclusions, and index → address.
 * Memory is proportional to the number of specs, never to the number of addresses. */
#ifndef AS_TARGETS_H
#define AS_TARGETS_H

#include <stdint.h>
#include <stddef.h>

typedef struct as_targets as_targets;

as_targets *as_targets_new(void);
void as_targets_free(as_targets *t);

/* One spec: "198.18.0.5", "198.18.0.0/16", nmap octet ranges "198.18.1-3.1-254",
 * "198.18.1,3,5.*" (octet lists, '*' = 0-255), or a hostname (forward-resolved, IPv4).
 * exclude=1 adds it to the exclusion set instead. Returns 0, or -1 with a message naming the
 * spec and the 1-based character position of the problem, e.g.
 *   "bad target '198.18.1.300': octet 300 out of range at position 10". */
int as_targets_add(as_targets *t, const char *spec, int exclude, char *err, size_t errlen);

/* A file of specs separated by whitespace, commas or newlines; '#' starts a comment.
 * "-" reads stdin. Errors carry "FILE:LINE:" in front of the spec error. */
int as_targets_add_file(as_targets *t, const char *path, int exclude, char *err, size_t errlen);

/* Call once after all adds: merges, removes exclusions. Returns 0 or -1 (e.g. empty set). */
int as_targets_finish(as_targets *t, char *err, size_t errlen);

/* Number of addresses after exclusions (exact). */
uint64_t as_targets_count(const as_targets *t);

/* The index-th address (0 <= index < count), host byte order. O(log specs). */
uint32_t as_targets_get(const as_targets *t, uint64_t index);

/* 1 if ip (host byte order) is in the final set. */
int as_targets_contains(const as_targets *t, uint32_t ip);

/* The specs as given (space-separated includes, then "--exclude ..."), for the scan row. */
const char *as_targets_describe(const as_targets *t);

#endif
