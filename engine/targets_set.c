/* targets_set.c — the target set itself: intervals and octet-product boxes, exclusions,
 * and the exact count / index → address / membership arithmetic over them.
 *
 * Representation. Every spec becomes sorted [lo,hi] intervals, except an octet-range spec
 * that would need more than expand_limit intervals (e.g. "*.*.*.1" = 2^24 of them): that one
 * is kept as a box, the product of four 256-bit octet sets. At most AS_TARGETS_MAX_BOXES
 * boxes (include and exclude together) are allowed, so memory stays proportional to specs.
 *
 * Finishing. With I, E the merged include / exclude intervals and P, Q the include /
 * exclude boxes, the set is (I ∪ ∪P) \ (E ∪ ∪Q). It is cut into disjoint, ascending pieces:
 *   - I \ E, where the set is "not in any Q" (or everything, when there is no Q);
 *   - the gaps outside I ∪ E, where it is "in some P and not in any Q".
 * Each of the two formulas is written by inclusion-exclusion as signed boxes:
 *   notQ = Full - Σ_{∅≠S⊆Q} (-1)^{|S|+1} ∩S
 *   prod = |∪(P∪Q)| - |∪Q| = Σ_{S⊆P∪Q, S∩P≠∅} (-1)^{|S|+1} ∩S   (the Q-only terms cancel)
 * and a box counts its addresses below x in O(1) by mixed-radix arithmetic over the octet
 * sets, so a formula does too (≤ 64 terms). Piece sizes come from those counts; prefix sums
 * over pieces give get() a binary search, then a descent of four octets, each a binary
 * search over 256 values: O(log pieces + 4·8·terms). Pure-interval sets skip the descent. */
#include "engine/targets.h"
#include "engine/targets_internal.h"
#include "probes/vec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- boxes ---- */

static int popcount256(const as_octset *s)
{
    int n = 0;
    for (int w = 0; w < 4; w++)
        n += __builtin_popcountll(s->w[w]);
    return n;
}

static void box_init(as_box *b, const as_octset s[4])
{
    memcpy(b->s, s, sizeof b->s);
    for (int i = 0; i < 4; i++) {
        uint32_t acc = 0;
        for (int w = 0; w < 4; w++) {
            b->pre[i][w] = acc;
            acc += (uint32_t)__builtin_popcountll(s[i].w[w]);
        }
        b->n[i] = acc;
    }
    b->w[3] = 1;
    for (int i = 2; i >= 0; i--)
        b->w[i] = b->w[i + 1] * b->n[i + 1];
}

static uint64_t box_size(const as_box *b)
{
    return b->w[0] * b->n[0];
}

/* Values of octet i's set below v, for v in 0..256. */
static uint32_t oct_rank(const as_box *b, int i, unsigned v)
{
    if (v >= 256)
        return b->n[i];
    uint64_t below = ((uint64_t)1 << (v & 63)) - 1;
    return b->pre[i][v >> 6] + (uint32_t)__builtin_popcountll(b->s[i].w[v >> 6] & below);
}

/* Addresses of the box below x, for x in 0..2^32. */
static uint64_t box_below(const as_box *b, uint64_t x)
{
    if (x >> 32)
        return box_size(b);
    uint64_t r = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = (unsigned)(x >> (24 - 8 * i)) & 255;
        r += oct_rank(b, i, v) * b->w[i];
        if (!as_octset_has(&b->s[i], v))
            break;
    }
    return r;
}

static int box_contains(const as_box *b, uint32_t ip)
{
    for (int i = 0; i < 4; i++)
        if (!as_octset_has(&b->s[i], (ip >> (24 - 8 * i)) & 255))
            return 0;
    return 1;
}

/* ---- formulas: signed sums of boxes ---- */

static int64_t formula_below(const as_term *f, int n, uint64_t x)
{
    int64_t r = 0;
    for (int k = 0; k < n; k++)
        r += f[k].sign * (int64_t)box_below(&f[k].box, x);
    return r;
}

/* Formula addresses whose octet i lies below u, among the terms still matching the prefix. */
static int64_t formula_cum(const as_term *f, int n, uint64_t active, int i, unsigned u)
{
    int64_t r = 0;
    for (int k = 0; k < n; k++)
        if (active >> k & 1)
            r += f[k].sign * (int64_t)(oct_rank(&f[k].box, i, u) * f[k].box.w[i]);
    return r;
}

/* The address with exactly `rank` formula addresses below it. The per-prefix counts are
 * true set sizes, so each octet's cumulative count is monotone and binary-searchable. */
static uint32_t formula_select(const as_term *f, int n, uint64_t rank)
{
    uint64_t active = n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
    int64_t left = (int64_t)rank;
    uint32_t addr = 0;
    for (int i = 0; i < 4; i++) {
        unsigned lo = 0, hi = 255;
        while (lo < hi) {
            unsigned mid = (lo + hi) / 2;
            if (formula_cum(f, n, active, i, mid + 1) > left)
                hi = mid;
            else
                lo = mid + 1;
        }
        left -= formula_cum(f, n, active, i, lo);
        addr = addr << 8 | lo;
        for (int k = 0; k < n; k++)
            if (!as_octset_has(&f[k].box.s[i], lo))
                active &= ~((uint64_t)1 << k);
    }
    return addr;
}

/* Adds the intersection of the boxes in `mask` with `sign`, unless it is empty. */
static void add_term(as_term *f, int *n, const as_targets *t, unsigned mask, int sign)
{
    as_octset s[4];
    memset(s, 0xff, sizeof s);
    for (int k = 0; k < t->nbox; k++)
        if (mask >> k & 1)
            for (int i = 0; i < 4; i++)
                for (int w = 0; w < 4; w++)
                    s[i].w[w] &= t->box[k].s[i].w[w];
    for (int i = 0; i < 4; i++)
        if (popcount256(&s[i]) == 0)
            return;
    box_init(&f[*n].box, s);
    f[*n].sign = sign;
    (*n)++;
}

static void build_formulas(as_targets *t)
{
    unsigned incmask = 0, excmask = 0;
    for (int k = 0; k < t->nbox; k++) {
        if (t->box_exclude[k])
            excmask |= 1u << k;
        else
            incmask |= 1u << k;
    }
    t->nnotq = t->nprod = 0;
    add_term(t->fnotq, &t->nnotq, t, 0, 1);     /* the full box */
    for (unsigned m = 1; m < 1u << t->nbox; m++) {
        int sign = __builtin_popcount(m) % 2 ? 1 : -1;
        if ((m & excmask) == m)
            add_term(t->fnotq, &t->nnotq, t, m, -sign);
        if (m & incmask)
            add_term(t->fprod, &t->nprod, t, m, sign);
    }
}

/* ---- intervals ---- */

static int ivec_push(as_ivec *v, uint32_t lo, uint32_t hi)
{
    return AS_VEC_PUSH(v->v, v->n, v->cap, ((as_iv){.lo = lo, .hi = hi}));
}

static int iv_cmp(const void *a, const void *b)
{
    const as_iv *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sorts and merges overlapping or touching intervals, in place. */
static void ivec_merge(as_ivec *v)
{
    if (v->n == 0)
        return;
    qsort(v->v, v->n, sizeof *v->v, iv_cmp);
    size_t o = 0;
    for (size_t i = 1; i < v->n; i++) {
        if ((uint64_t)v->v[o].hi + 1 >= v->v[i].lo) {
            if (v->v[i].hi > v->v[o].hi)
                v->v[o].hi = v->v[i].hi;
        } else {
            v->v[++o] = v->v[i];
        }
    }
    v->n = o + 1;
}

/* out = a \ b, both merged. */
static int ivec_subtract(const as_ivec *a, const as_ivec *b, as_ivec *out)
{
    size_t j = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t cur = a->v[i].lo, hi = a->v[i].hi;
        while (j < b->n && b->v[j].hi < cur)
            j++;
        for (size_t k = j; k < b->n && b->v[k].lo <= hi && cur <= hi; k++) {
            if (b->v[k].lo > cur && ivec_push(out, (uint32_t)cur, b->v[k].lo - 1) != 0)
                return -1;
            if ((uint64_t)b->v[k].hi + 1 > cur)
                cur = (uint64_t)b->v[k].hi + 1;
        }
        if (cur <= hi && ivec_push(out, (uint32_t)cur, (uint32_t)hi) != 0)
            return -1;
    }
    return 0;
}

/* out = the complement of the union of a and b (both merged). */
static int ivec_gaps(const as_ivec *a, const as_ivec *b, as_ivec *out)
{
    as_ivec u = {0};
    int rc = 0;
    for (size_t i = 0; i < a->n && rc == 0; i++)
        rc = ivec_push(&u, a->v[i].lo, a->v[i].hi);
    for (size_t i = 0; i < b->n && rc == 0; i++)
        rc = ivec_push(&u, b->v[i].lo, b->v[i].hi);
    ivec_merge(&u);
    uint64_t cur = 0;
    for (size_t i = 0; i < u.n && rc == 0; i++) {
        if (u.v[i].lo > cur)
            rc = ivec_push(out, (uint32_t)cur, u.v[i].lo - 1);
        cur = (uint64_t)u.v[i].hi + 1;
    }
    if (rc == 0 && cur <= 0xffffffffu)
        rc = ivec_push(out, (uint32_t)cur, 0xffffffffu);
    free(u.v);
    return rc;
}

/* ---- adding ---- */

int as_targets_add_range(as_targets *t, uint32_t lo, uint32_t hi, int exclude,
                         char *err, size_t errlen)
{
    as_ivec *v = exclude ? &t->exc : &t->inc;
    if (v->n >= AS_TARGETS_MAX_INTERVALS) {
        snprintf(err, errlen, "too many address ranges (more than %u); use CIDR blocks",
                 AS_TARGETS_MAX_INTERVALS);
        return -1;
    }
    if (ivec_push(v, lo, hi) != 0) {
        snprintf(err, errlen, "out of memory adding targets");
        return -1;
    }
    return 0;
}

static int runs(const as_octset *s, unsigned lo[], unsigned hi[])
{
    int n = 0;
    for (unsigned v = 0; v < 256; v++) {
        if (!as_octset_has(s, v))
            continue;
        if (n > 0 && hi[n - 1] + 1 == v) {
            hi[n - 1] = v;
        } else {
            lo[n] = hi[n] = v;
            n++;
        }
    }
    return n;
}

static int add_box(as_targets *t, const as_octset oct[4], int exclude, char *err, size_t errlen)
{
    for (int k = 0; k < t->nbox; k++)
        if (t->box_exclude[k] == exclude && memcmp(t->box[k].s, oct, sizeof t->box[k].s) == 0)
            return 0;
    if (t->nbox == AS_TARGETS_MAX_BOXES) {
        snprintf(err, errlen, "too many large octet-range specs (at most %d); "
                 "split them into CIDR blocks", AS_TARGETS_MAX_BOXES);
        return -1;
    }
    box_init(&t->box[t->nbox], oct);
    t->box_exclude[t->nbox++] = exclude;
    return 0;
}

/* Expands octet sets into intervals: octets after the last non-full one k are free (a
 * block), octet k contributes its runs, octets before it every combination of values. */
static int expand(as_targets *t, const as_octset oct[4], int k, int exclude,
                  char *err, size_t errlen)
{
    unsigned vals[3][256], nv[3] = {0}, rlo[128], rhi[128], idx[3] = {0};
    for (int i = 0; i < k; i++)
        for (unsigned v = 0; v < 256; v++)
            if (as_octset_has(&oct[i], v))
                vals[i][nv[i]++] = v;
    int nr = runs(&oct[k], rlo, rhi);
    int shift = 8 * (3 - k);
    uint32_t low = (uint32_t)(((uint64_t)1 << shift) - 1);
    for (;;) {
        uint32_t base = 0;
        for (int i = 0; i < k; i++)
            base |= (uint32_t)vals[i][idx[i]] << (24 - 8 * i);
        for (int r = 0; r < nr; r++)
            if (as_targets_add_range(t, base | rlo[r] << shift, base | rhi[r] << shift | low,
                                     exclude, err, errlen) != 0)
                return -1;
        int i = k - 1;
        while (i >= 0 && ++idx[i] == nv[i])
            idx[i--] = 0;
        if (i < 0)
            return 0;
    }
}

int as_targets_add_octets(as_targets *t, const as_octset oct[4], int exclude,
                          char *err, size_t errlen)
{
    int k = 3;
    while (k >= 0 && popcount256(&oct[k]) == 256)
        k--;
    if (k < 0)
        return as_targets_add_range(t, 0, 0xffffffffu, exclude, err, errlen);
    unsigned rlo[128], rhi[128];
    uint64_t n = (uint64_t)runs(&oct[k], rlo, rhi);
    for (int i = 0; i < k; i++)
        n *= (uint64_t)popcount256(&oct[i]);
    if (n > t->expand_limit)
        return add_box(t, oct, exclude, err, errlen);
    return expand(t, oct, k, exclude, err, errlen);
}

/* ---- finishing ---- */

static int64_t piece_size(const as_targets *t, const as_piece *p)
{
    if (p->kind == AS_PIECE_FULL)
        return (int64_t)p->hi - p->lo + 1;
    const as_term *f = p->kind == AS_PIECE_NOTQ ? t->fnotq : t->fprod;
    int n = p->kind == AS_PIECE_NOTQ ? t->nnotq : t->nprod;
    return formula_below(f, n, (uint64_t)p->hi + 1) - formula_below(f, n, p->lo);
}

/* Merges the two sorted, disjoint lists into pieces, dropping the empty ones. */
static int build_pieces(as_targets *t, const as_ivec *in, const as_ivec *gaps)
{
    size_t max = in->n + gaps->n, i = 0, j = 0;
    t->piece = malloc((max ? max : 1) * sizeof *t->piece);
    t->start = malloc((max ? max : 1) * sizeof *t->start);
    if (!t->piece || !t->start)
        return -1;
    int inkind = t->nnotq > 1 ? AS_PIECE_NOTQ : AS_PIECE_FULL;
    t->npiece = 0;
    t->count = 0;
    while (i < in->n || j < gaps->n) {
        as_piece p;
        if (j >= gaps->n || (i < in->n && in->v[i].lo < gaps->v[j].lo)) {
            p = (as_piece){in->v[i].lo, in->v[i].hi, inkind};
            i++;
        } else {
            p = (as_piece){gaps->v[j].lo, gaps->v[j].hi, AS_PIECE_PROD};
            j++;
        }
        int64_t n = piece_size(t, &p);
        if (n <= 0)
            continue;
        t->start[t->npiece] = t->count;
        t->piece[t->npiece++] = p;
        t->count += (uint64_t)n;
    }
    return 0;
}

int as_targets_build(as_targets *t, char *err, size_t errlen)
{
    as_ivec in = {0}, gaps = {0};
    int has_prod = 0, rc = 0;
    for (int k = 0; k < t->nbox; k++)
        has_prod |= !t->box_exclude[k];
    ivec_merge(&t->inc);
    ivec_merge(&t->exc);
    build_formulas(t);
    rc = ivec_subtract(&t->inc, &t->exc, &in);
    if (rc == 0 && has_prod)
        rc = ivec_gaps(&t->inc, &t->exc, &gaps);
    if (rc == 0)
        rc = build_pieces(t, &in, &gaps);
    free(in.v);
    free(gaps.v);
    if (rc != 0)
        snprintf(err, errlen, "out of memory building the target set");
    return rc;
}

void as_targets_release_set(as_targets *t)
{
    free(t->inc.v);
    free(t->exc.v);
    free(t->piece);
    free(t->start);
}

/* ---- queries ---- */

uint64_t as_targets_count(const as_targets *t)
{
    return t && t->finished ? t->count : 0;
}

/* The last piece whose first index is at most index. */
static size_t piece_by_index(const as_targets *t, uint64_t index)
{
    size_t lo = 0, hi = t->npiece - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (t->start[mid] <= index)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

uint32_t as_targets_get(const as_targets *t, uint64_t index)
{
    if (!t || !t->finished || index >= t->count)
        return 0;
    const as_piece *p = &t->piece[piece_by_index(t, index)];
    uint64_t k = index - t->start[p - t->piece];
    if (p->kind == AS_PIECE_FULL)
        return p->lo + (uint32_t)k;
    const as_term *f = p->kind == AS_PIECE_NOTQ ? t->fnotq : t->fprod;
    int n = p->kind == AS_PIECE_NOTQ ? t->nnotq : t->nprod;
    return formula_select(f, n, k + (uint64_t)formula_below(f, n, p->lo));
}

int as_targets_contains(const as_targets *t, uint32_t ip)
{
    if (!t || !t->finished || t->npiece == 0 || ip < t->piece[0].lo)
        return 0;
    size_t lo = 0, hi = t->npiece - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (t->piece[mid].lo <= ip)
            lo = mid;
        else
            hi = mid - 1;
    }
    const as_piece *p = &t->piece[lo];
    if (ip > p->hi)
        return 0;
    int in_p = p->kind != AS_PIECE_PROD;
    for (int k = 0; k < t->nbox; k++) {
        if (!box_contains(&t->box[k], ip))
            continue;
        if (t->box_exclude[k])
            return 0;
        in_p = 1;
    }
    return in_p;
}
