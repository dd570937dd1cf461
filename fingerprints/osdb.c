/* osdb.c — the OS database reader: Fingerprint / Class / CPE / MatchPoints / test lines, each
 * checked at load time with "FILE:LINE: what" errors; nothing is skipped silently. */
#include "fingerprints/osfp_internal.h"
#include "probes/vec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OSDB_FILE_MAX (64u << 20)
#define WEIGHT_MAX 1000000u

enum { BLOCK_NONE, BLOCK_MP, BLOCK_ENTRY };

typedef struct pctx {
    const char *name;
    unsigned line;
    char *err;
    size_t errlen;
    as_osdb *db;
    int block;
    unsigned mp_line;
    uint16_t mp_tests;
} pctx;

static int fail(pctx *c, const char *fmt, ...)
{
    char what[OS_WHAT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s:%u: %s", c->name, c->line, what);
    return -1;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

static void trim(const char **p, const char **e)
{
    while (*p < *e && is_blank(**p))
        (*p)++;
    while (*e > *p && is_blank((*e)[-1]))
        (*e)--;
}

static as_osentry *cur(pctx *c)
{
    return &c->db->e[c->db->n - 1];
}

/* The entry being read is complete: it must have test lines. */
static int finish_entry(pctx *c)
{
    if (c->block != BLOCK_ENTRY || cur(c)->tests)
        return 0;
    unsigned line = c->line;
    c->line = cur(c)->line;
    fail(c, "fingerprint '%.*s' has no test lines", os_snip_len(strlen(cur(c)->name)),
         cur(c)->name);
    c->line = line;
    return -1;
}

static int begin_entry(pctx *c, const char *p, const char *e)
{
    trim(&p, &e);
    if (p == e)
        return fail(c, "Fingerprint without a name");
    if (finish_entry(c) != 0)
        return -1;
    as_osdb *db = c->db;
    if (AS_VEC_RESERVE(db->e, db->cap, db->n + 1) != 0)
        return fail(c, "out of memory");
    as_osentry *en = &db->e[db->n];
    memset(en, 0, sizeof *en);
    en->name = os_arena_dup(db, p, (size_t)(e - p));
    en->line = c->line;
    if (!en->name)
        return fail(c, "out of memory");
    db->n++;
    c->block = BLOCK_ENTRY;
    return 0;
}

static int add_class(pctx *c, const char *p, const char *e)
{
    if (c->block != BLOCK_ENTRY)
        return fail(c, "Class without Fingerprint");
    const char *bar[3];
    int nb = 0;
    for (const char *s = p; s < e && nb <= 3; s++)
        if (*s == '|' && nb++ < 3)
            bar[nb - 1] = s;
    const char *f[4] = {0}, *fe[4] = {0};
    if (nb == 3) {
        for (int i = 0; i < 4; i++) {
            f[i] = i == 0 ? p : bar[i - 1] + 1;
            fe[i] = i == 3 ? e : bar[i];
            trim(&f[i], &fe[i]);
        }
    }
    if (nb != 3 || f[0] == fe[0] || f[1] == fe[1] || f[3] == fe[3])
        return fail(c, "malformed Class (expected VENDOR | FAMILY | GENERATION | TYPE)");
    as_osdb *db = c->db;
    if (AS_VEC_RESERVE(db->cls, db->capcls, db->ncls + 1) != 0)
        return fail(c, "out of memory");
    const char *s[4];
    for (int i = 0; i < 4; i++)
        if (!(s[i] = os_arena_dup(db, f[i], (size_t)(fe[i] - f[i]))))
            return fail(c, "out of memory");
    db->cls[db->ncls++] = (as_osclass){s[0], s[1], s[2], s[3]};
    cur(c)->nclasses++;
    return 0;
}

static int add_cpe(pctx *c, const char *p, const char *e)
{
    if (c->block != BLOCK_ENTRY)
        return fail(c, "CPE without Fingerprint");
    trim(&p, &e);
    const char *sp = p;
    while (sp < e && !is_blank(*sp))
        sp++;
    const char *rest = sp, *rend = e;
    trim(&rest, &rend);
    int is_auto = rend - rest == 4 && memcmp(rest, "auto", 4) == 0;
    if (sp - p <= 5 || memcmp(p, "cpe:/", 5) != 0 || (rest < rend && !is_auto))
        return fail(c, "malformed CPE (expected cpe:/PART:VENDOR:PRODUCT... [auto])");
    as_osdb *db = c->db;
    if (AS_VEC_RESERVE(db->cpe, db->capcpe, db->ncpe + 1) != 0)
        return fail(c, "out of memory");
    const char *s = os_arena_dup(db, p, (size_t)(sp - p));
    if (!s)
        return fail(c, "out of memory");
    db->cpe[db->ncpe++] = (as_oscpe){s, is_auto};
    cur(c)->ncpes++;
    return 0;
}

static int begin_matchpoints(pctx *c, const char *p, const char *e)
{
    trim(&p, &e);
    if (p != e)
        return fail(c, "unexpected text after MatchPoints");
    if (c->mp_line)
        return fail(c, "duplicate MatchPoints (first at line %u)", c->mp_line);
    if (finish_entry(c) != 0)
        return -1;
    c->mp_line = c->line;
    c->block = BLOCK_MP;
    c->db->has_mp = 1;
    return 0;
}

static int mp_test(pctx *c, const os_testline *tl)
{
    const char *tname = as_ostest_name(tl->test);
    if (c->mp_tests >> tl->test & 1)
        return fail(c, "duplicate test line %s in MatchPoints", tname);
    c->mp_tests |= (uint16_t)(1u << tl->test);
    for (size_t i = 0; i < tl->nav; i++) {
        const os_av *av = &tl->av[i];
        unsigned long w = 0;
        int ok = av->vlen > 0 && av->vlen <= 7;
        for (size_t k = 0; ok && k < av->vlen; k++) {
            ok = av->v[k] >= '0' && av->v[k] <= '9';
            w = w * 10 + (unsigned long)(av->v[k] - '0');
        }
        if (!ok || w > WEIGHT_MAX)
            return fail(c, "bad weight '%.*s' for %s.%s (0-%u)", os_snip_len(av->vlen), av->v,
                        tname, as_osattr_name(tl->test, av->attr), WEIGHT_MAX);
        c->db->weight[tl->test][av->attr] = (unsigned)w;
    }
    return 0;
}

static int entry_test(pctx *c, const os_testline *tl)
{
    as_osdb *db = c->db;
    as_osentry *en = cur(c);
    const char *tname = as_ostest_name(tl->test);
    if (en->tests >> tl->test & 1)
        return fail(c, "duplicate test line %s", tname);
    en->tests |= (uint16_t)(1u << tl->test);
    for (size_t i = 0; i < tl->nav; i++) {
        const os_av *av = &tl->av[i];
        char expr[OS_LINE_MAX + 1], why[128];
        memcpy(expr, av->v, av->vlen);
        expr[av->vlen] = '\0';
        if (as_osexpr_check(expr, why, sizeof why) != 0)
            return fail(c, "bad expression for %s.%s: %s", tname,
                        as_osattr_name(tl->test, av->attr), why);
        uint32_t id;
        if (os_intern(db, tl->test, av->attr, av->v, av->vlen, &id) != 0 ||
            AS_VEC_RESERVE(db->ids, db->capids, db->nids + 1) != 0)
            return fail(c, "out of memory");
        db->ids[db->nids++] = id;
        en->nexprs++;
    }
    return 0;
}

static int test_line(pctx *c, const char *p, const char *e)
{
    if (c->block == BLOCK_NONE)
        return fail(c, "test line without Fingerprint");
    os_testline tl;
    char what[OS_WHAT_MAX];
    const char *at;
    const char *after = os_parse_testline(p, e, 0, &tl, what, sizeof what, &at);
    if (!after)
        return fail(c, "%s", what);
    if (after != e)
        return fail(c, "unexpected text after ')': '%.*s'", os_snip_len((size_t)(e - after)),
                    after);
    return c->block == BLOCK_MP ? mp_test(c, &tl) : entry_test(c, &tl);
}

static int keyword_is(const char *p, const char *q, const char *kw)
{
    return (size_t)(q - p) == strlen(kw) && memcmp(p, kw, (size_t)(q - p)) == 0;
}

static int parse_line(pctx *c, const char *p, const char *e)
{
    trim(&p, &e);
    if (p == e || *p == '#')
        return 0;
    for (const char *q = p; q < e; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t')
            return fail(c, "control character 0x%02x", (unsigned char)*q);
    const char *q = p;
    while (q < e && ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') ||
                     (*q >= '0' && *q <= '9')))
        q++;
    if (q < e && *q == '(')
        return test_line(c, p, e);
    if (q < e && !is_blank(*q))
        q = p;  /* "Class|x": not a keyword */
    if (keyword_is(p, q, "Fingerprint"))
        return begin_entry(c, q, e);
    if (keyword_is(p, q, "Class"))
        return add_class(c, q, e);
    if (keyword_is(p, q, "CPE"))
        return add_cpe(c, q, e);
    if (keyword_is(p, q, "MatchPoints"))
        return begin_matchpoints(c, q, e);
    const char *w = p;
    while (w < e && !is_blank(*w) && *w != '(')
        w++;
    return fail(c, "unknown line starting '%.*s'", os_snip_len((size_t)(w - p)), p);
}

int as_osdb_parse(as_osdb **out, const char *text, size_t len, const char *name, char *err,
                  size_t errlen)
{
    pctx c = {name ? name : "osdb", 1, err, errlen, NULL, BLOCK_NONE, 0, 0};
    if (!out)
        return fail(&c, "no output pointer");
    *out = NULL;
    if (!(c.db = calloc(1, sizeof *c.db)))
        return fail(&c, "out of memory");
    const char *p = text ? text : "", *end = p + (text ? len : 0);
    int rc = 0;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(eol - p)))
            rc = fail(&c, "NUL byte");
        else if (eol - p > OS_LINE_MAX)
            rc = fail(&c, "line too long (more than %d bytes)", OS_LINE_MAX);
        else
            rc = parse_line(&c, p, eol);
        p = eol + 1;
        if (rc == 0)
            c.line++;
    }
    if (rc == 0)
        rc = finish_entry(&c);
    if (rc != 0) {
        as_osdb_free(c.db);
        return -1;
    }
    os_finalize(c.db);
    *out = c.db;
    return 0;
}

/* The whole file, read in growing chunks so a small file costs a small buffer. */
static char *slurp(FILE *f, size_t *n, const char *path, char *err, size_t errlen)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = NULL;
    for (;;) {
        char *b = realloc(buf, cap);
        if (!b) {
            snprintf(err, errlen, "%s: out of memory", path);
            break;
        }
        buf = b;
        len += fread(buf + len, 1, cap - len, f);
        if (ferror(f)) {
            snprintf(err, errlen, "%s: read error", path);
            break;
        }
        if (len < cap) {
            *n = len;
            return buf;
        }
        if (cap > OSDB_FILE_MAX) {
            snprintf(err, errlen, "%s: larger than %u bytes", path, OSDB_FILE_MAX);
            break;
        }
        cap *= 2;
    }
    free(buf);
    return NULL;
}

int as_osdb_load(as_osdb **out, const char *path, char *err, size_t errlen)
{
    if (out)
        *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open OS database '%s': %s", path, strerror(errno));
        return -1;
    }
    size_t n = 0;
    char *buf = slurp(f, &n, path, err, errlen);
    fclose(f);
    int rc = buf ? as_osdb_parse(out, buf, n, path, err, errlen) : -1;
    free(buf);
    return rc;
}
