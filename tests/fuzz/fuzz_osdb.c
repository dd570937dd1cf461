/* fuzz_osdb.c — libFuzzer harness for the OS database reader (fingerprints/osdb.c) and the
 * expression checker: a database that loads must be internally consistent, and a subject
 * built from any entry must score 100% against it and be a perfect top guess. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osfp.h"

/* Builds a subject from entry e; 0 when every expression produced a value. */
static int subject_from(const as_osdb *db, const as_osentry *e, as_osfp *s)
{
    int complete = 1;
    as_osfp_init(s);
    for (int t = 0; t < AS_OST_COUNT; t++) {
        if (!(e->tests >> t & 1))
            continue;
        as_osfp_add_test(s, t);
        for (int a = 0; a < as_osattr_count(t); a++) {
            const char *x = as_osdb_expr(db, e, t, a);
            char v[AS_OSFP_VALUE_MAX];
            if (!x)
                continue;
            char why[128];
            if (as_osexpr_check(x, why, sizeof why) != 0)
                abort();        /* the loader let a bad expression through */
            if (as_osexpr_example(x, v, sizeof v) != 0 || as_osfp_set(s, t, a, v) != 0) {
                complete = 0;
                continue;
            }
            if (!as_osexpr_match(x, v))
                abort();
        }
    }
    return complete ? 0 : -1;
}

static void check_db(const as_osdb *db)
{
    static as_osfp s;
    as_osmatch m[4];
    size_t n = as_osdb_count(db);
    for (size_t i = 0; i < n && i < 64; i++) {
        const as_osentry *e = as_osdb_entry(db, i);
        if (!e || !e->name[0] || e->tests == 0 || e->line == 0)
            abort();
        for (size_t k = 0; k < e->nclasses; k++)
            if (!e->classes[k].vendor[0] || !e->classes[k].family[0] || !e->classes[k].type[0])
                abort();
        for (size_t k = 0; k < e->ncpes; k++)
            if (strncmp(e->cpes[k].cpe, "cpe:/", 5) != 0)
                abort();
        if (subject_from(db, e, &s) != 0)
            continue;
        double acc = as_osdb_score(db, &s, i);
        if (acc != 1.0 && acc != 0.0)   /* 0.0: every attribute it has weighs 0 */
            abort();
        int k = as_osdb_match(db, &s, m, 4, 0.0);
        if (k < 0 || (acc == 1.0 && (k < 1 || m[0].accuracy != 1.0 || m[0].index > i)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512];
    as_osdb *db = (as_osdb *)&err;
    err[0] = '\0';
    if (as_osdb_parse(&db, (const char *)data, size, "fuzz", err, sizeof err) != 0) {
        if (db != NULL || strncmp(err, "fuzz:", 5) != 0)
            abort();
    } else {
        check_db(db);
        as_osdb_free(db);
    }
    /* The first line as a lone expression: well-formed ones must match their example. */
    char expr[256], v[AS_OSFP_VALUE_MAX];
    size_t n = 0;
    while (n < size && n + 1 < sizeof expr && data[n] != '\n' && data[n] != '\0') {
        expr[n] = (char)data[n];
        n++;
    }
    expr[n] = '\0';
    if (as_osexpr_check(expr, err, sizeof err) == 0 && as_osexpr_example(expr, v, sizeof v) == 0
        && !as_osexpr_match(expr, v))
        abort();
    return 0;
}
