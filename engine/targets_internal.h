/* targets_internal.h — shared by targets.c (API, files), targets_set.c (the set algebra) and
 * targets_spec.c (parsing one spec): the parsed spec, the set's representation. Not public. */
#ifndef AS_TARGETS_INTERNAL_H
#define AS_TARGETS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/targets.h"

/* A set of octet values 0..255 as four 64-bit words; bit v of word v/64 = value v allowed. */
typedef struct as_octset {
    uint64_t w[4];
} as_octset;

enum as_spec_kind { AS_SPEC_RANGE, AS_SPEC_OCTETS };

typedef struct as_spec {
    enum as_spec_kind kind;
    uint32_t lo, hi;        /* AS_SPEC_RANGE: [lo, hi], host byte order */
    as_octset oct[4];       /* AS_SPEC_OCTETS: allowed values of each octet, most significant first */
} as_spec;

/* Parses one spec. resolve=0 refuses hostnames instead of looking them up.
 * label is "target" or "exclude" and opens the error message ("bad target '...': ..."). */
int as_spec_parse(const char *spec, int resolve, const char *label, as_spec *out,
                  char *err, size_t errlen);

/* Splits a list of specs (whitespace and separating commas, see targets_spec.c) and calls fn
 * on each (not NUL-terminated); stops at the first non-zero return and returns it. */
typedef int (*as_spec_fn)(void *ctx, const char *spec, size_t len);
int as_spec_split(const char *text, size_t len, as_spec_fn fn, void *ctx);

static inline int as_octset_has(const as_octset *s, unsigned v)
{
    return (int)((s->w[v >> 6] >> (v & 63)) & 1);
}

static inline void as_octset_add_range(as_octset *s, unsigned lo, unsigned hi)
{
    for (unsigned v = lo; v <= hi; v++)
        s->w[v >> 6] |= (uint64_t)1 << (v & 63);
}

/* An octet-range spec too large to expand into intervals: the product of four octet sets.
 * n, pre and w are derived from s by as_box_init and make rank/select arithmetic O(1). */
typedef struct as_box {
    as_octset s[4];
    uint32_t n[4];          /* number of values allowed in octet i */
    uint32_t pre[4][4];     /* values allowed in octet i below word w (prefix popcounts) */
    uint64_t w[4];          /* addresses per value of octet i: product of n[j] for j > i */
} as_box;

/* One signed inclusion-exclusion term of a formula over boxes (see targets_set.c). */
typedef struct as_term {
    as_box box;
    int sign;
} as_term;

typedef struct as_iv {
    uint32_t lo, hi;
} as_iv;

typedef struct as_ivec {
    as_iv *v;
    size_t n, cap;
} as_ivec;

/* A stretch of the final set. FULL: every address in [lo,hi]. NOTQ: addresses in [lo,hi]
 * outside all exclusion boxes. PROD: addresses in [lo,hi] in some include box and in no
 * exclusion box (such stretches lie outside every include and exclude interval). */
enum as_piece_kind { AS_PIECE_FULL, AS_PIECE_NOTQ, AS_PIECE_PROD };

typedef struct as_piece {
    uint32_t lo, hi;
    int kind;
} as_piece;

typedef struct as_strbuf {
    char *s;
    size_t n, cap;
} as_strbuf;

#define AS_TARGETS_MAX_BOXES 6          /* so a formula has at most 2^6 terms */
#define AS_TARGETS_MAX_TERMS 64
#define AS_TARGETS_MAX_INTERVALS (1u << 24)
#define AS_TARGETS_EXPAND_LIMIT 65536

struct as_targets {
    int resolve, finished;
    uint64_t expand_limit;
    as_ivec inc, exc;                       /* raw intervals, merged at finish */
    as_box box[AS_TARGETS_MAX_BOXES];
    int box_exclude[AS_TARGETS_MAX_BOXES];
    int nbox;
    as_strbuf d_inc, d_exc, d_excfile;      /* describe() pieces */
    char *desc;
    /* The final set, built by as_targets_build. */
    as_piece *piece;
    uint64_t *start;                        /* index of each piece's first address */
    size_t npiece;
    uint64_t count;
    as_term fnotq[AS_TARGETS_MAX_TERMS];    /* "in no exclusion box" */
    as_term fprod[AS_TARGETS_MAX_TERMS];    /* "in an include box and in no exclusion box" */
    int nnotq, nprod;
};

int as_targets_add_octets(as_targets *t, const as_octset oct[4], int exclude,
                          char *err, size_t errlen);
int as_targets_add_range(as_targets *t, uint32_t lo, uint32_t hi, int exclude,
                         char *err, size_t errlen);
int as_targets_build(as_targets *t, char *err, size_t errlen);
void as_targets_release_set(as_targets *t);

#endif
