/* osmatch.c — scoring a subject fingerprint against the database with MatchPoints weights.
 * Each distinct (test, attribute, expression) of the database is evaluated once per subject;
 * an entry's score is then two table lookups per attribute, so a 5,000-entry database costs
 * a few thousand expression evaluations, not half a million. */
#include "fingerprints/osfp_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct cand {
    size_t idx;
    double acc;
    int perfect;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->acc != y->acc)
        return x->acc > y->acc ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;     /* equal accuracy: database order */
}

/* pos[i]: points expression i can give (its weight when the subject has that attribute);
 * got[i]: the points it does give. */
static int evaluate(const as_osdb *db, const as_osfp *s, uint32_t **pos, uint32_t **got)
{
    size_t n = db->nex ? db->nex : 1;
    *pos = malloc(n * sizeof **pos);
    *got = malloc(n * sizeof **got);
    if (!*pos || !*got)
        return -1;
    for (size_t i = 0; i < db->nex; i++) {
        const os_exprrec *r = &db->ex[i];
        const char *v = as_osfp_get(s, r->test, r->attr);
        unsigned w = v ? as_osdb_weight(db, r->test, r->attr) : 0;
        (*pos)[i] = w;
        (*got)[i] = w && as_osexpr_match(r->text, v) ? w : 0;
    }
    return 0;
}

static size_t collect(const as_osdb *db, const uint32_t *pos, const uint32_t *got,
                      double threshold, cand *c)
{
    size_t nc = 0;
    int any_perfect = 0;
    for (size_t i = 0; i < db->n; i++) {
        const as_osentry *e = &db->e[i];
        uint64_t p = 0, m = 0;
        for (size_t k = 0; k < e->nexprs; k++) {
            p += pos[e->exprs[k]];
            m += got[e->exprs[k]];
        }
        if (p == 0)
            continue;
        double acc = (double)m / (double)p;
        if (acc < threshold)
            continue;
        c[nc++] = (cand){i, acc, m == p};
        any_perfect |= m == p;
    }
    if (!any_perfect)
        return nc;
    size_t k = 0;           /* nmap reports only the perfect matches when there are any */
    for (size_t i = 0; i < nc; i++)
        if (c[i].perfect)
            c[k++] = c[i];
    return k;
}

/* nmap names each OS once: a database can hold several entries of one name (two
 * "Linux 2.6.32" fingerprints from different submissions); the list is sorted best first,
 * so the first of a name carries its best accuracy and the later ones are dropped. */
static int named_already(const as_osmatch *out, size_t k, const char *name)
{
    for (size_t i = 0; i < k; i++)
        if (strcmp(out[i].entry->name, name) == 0)
            return 1;
    return 0;
}

int as_osdb_match(const as_osdb *db, const as_osfp *subject, as_osmatch *out, size_t max,
                  double threshold)
{
    if (!db || !subject || (max && !out))
        return -1;
    uint32_t *pos = NULL, *got = NULL;
    cand *c = malloc((db->n ? db->n : 1) * sizeof *c);
    int rc = -1;
    if (c && evaluate(db, subject, &pos, &got) == 0) {
        size_t nc = collect(db, pos, got, threshold, c);
        qsort(c, nc, sizeof *c, cand_cmp);
        size_t k = 0;
        for (size_t i = 0; i < nc && k < max; i++)
            if (!named_already(out, k, db->e[c[i].idx].name))
                out[k++] = (as_osmatch){&db->e[c[i].idx], c[i].idx, c[i].acc};
        rc = k > (size_t)2147483647 ? 2147483647 : (int)k;
    }
    free(pos);
    free(got);
    free(c);
    return rc;
}

double as_osdb_score(const as_osdb *db, const as_osfp *subject, size_t index)
{
    const as_osentry *e = as_osdb_entry(db, index);
    if (!e || !subject)
        return 0.0;
    uint64_t p = 0, m = 0;
    for (size_t k = 0; k < e->nexprs; k++) {
        const os_exprrec *r = &db->ex[e->exprs[k]];
        const char *v = as_osfp_get(subject, r->test, r->attr);
        unsigned w = v ? as_osdb_weight(db, r->test, r->attr) : 0;
        p += w;
        if (w && as_osexpr_match(r->text, v))
            m += w;
    }
    return p ? (double)m / (double)p : 0.0;
}
