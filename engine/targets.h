/* targets.h — the set of addresses to scan: specs, files, exclusions, and index → address.
 * Memory is proportional to the number of specs, never to the number of addresses. */
#ifndef AS_TARGETS_H
#define AS_TARGETS_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

typedef struct as_targets as_targets;

as_targets *as_targets_new(void);
void as_targets_free(as_targets *t);

/* One spec: "198.18.0.5", "198.18.0.0/16", nmap octet ranges "198.18.1-3.1-254",
 * "198.18.1,3,5.*" (octet lists, '*' = 0-255, "-5" = 0-5, "5-" = 5-255), or a hostname
 * (forward-resolved, IPv4, first address only, as nmap). Host bits under a prefix are masked.
 * exclude=1 adds it to the exclusion set instead. Returns 0, or -1 with a message naming the
 * spec and the 1-based character position of the problem, e.g.
 *   "bad target '198.18.1.300': octet value 300 out of range (0-255) at position 10"
 *   "cannot resolve 'foo.invalid': Name or service not known". */
int as_targets_add(as_targets *t, const char *spec, int exclude, char *err, size_t errlen);

/* A file of specs separated by whitespace, commas or newlines; '#' starts a comment.
 * "-" reads stdin. Errors carry "FILE:LINE:" in front of the spec error. A comma is an octet
 * list ("198.18.1.1,5") while the spec so far is numeric and the next item is a bare octet
 * value; otherwise it separates specs ("198.18.1.1,198.18.1.2", "a.example,b.example"). */
int as_targets_add_file(as_targets *t, const char *path, int exclude, char *err, size_t errlen);

/* Same, from an open stream; name is used in messages and in the description. */
int as_targets_add_stream(as_targets *t, FILE *f, const char *name, int exclude,
                          char *err, size_t errlen);

/* Several specs in one string, split as in a file (for "--exclude a,b,c"). */
int as_targets_add_list(as_targets *t, const char *list, int exclude, char *err, size_t errlen);

/* resolve=0 rejects hostnames ("hostname lookups disabled") instead of looking them up:
 * for -n style runs and for fuzzing, which must never do DNS. Default 1. */
void as_targets_set_resolve(as_targets *t, int resolve);

/* An octet-range spec that would expand to more than max_intervals intervals is kept as a
 * product of octet sets instead (default 65536). At most 6 such specs are accepted.
 * Tests and fuzzers lower it to exercise the product arithmetic on small sets. */
void as_targets_set_expand_limit(as_targets *t, uint64_t max_intervals);

/* Call once after all adds: merges, removes exclusions. Returns 0 or -1: "no targets given",
 * "no targets left to scan after exclusions". Queries below are valid only after a 0. */
int as_targets_finish(as_targets *t, char *err, size_t errlen);

/* Number of addresses after exclusions (exact). */
uint64_t as_targets_count(const as_targets *t);

/* The index-th address (0 <= index < count), host byte order, ascending in index: a
 * bijection onto the set. O(log specs); with product specs (see set_expand_limit) add a
 * fixed four-octet descent, under a microsecond. 0 when index is out of range. */
uint32_t as_targets_get(const as_targets *t, uint64_t index);

/* 1 if ip (host byte order) is in the final set. */
int as_targets_contains(const as_targets *t, uint32_t ip);

/* The final set as sorted, disjoint, non-adjacent intervals [lo[i], hi[i]] (host byte
 * order), for recording what a scan covered. Allocates both arrays (free them). Returns 0,
 * or -1 when the set needs more than max intervals (or is a product set too large to walk:
 * more than 4 * max addresses outside plain intervals) or memory runs out. */
int as_targets_intervals(const as_targets *t, size_t max, uint32_t **lo, uint32_t **hi,
                         size_t *n);

/* A target text as as_targets_describe writes it, parsed again without DNS, as intervals
 * (see as_targets_intervals); -1 when it does not parse, names a host, or is too large.
 * The store's coverage parser (as_store_set_target_parser). */
int as_targets_text_intervals(const char *text, size_t max, uint32_t **lo, uint32_t **hi,
                              size_t *n);

/* The specs as given (space-separated includes, then "--exclude ..."), for the scan row. */
const char *as_targets_describe(const as_targets *t);

#endif
