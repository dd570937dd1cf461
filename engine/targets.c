/* targets.c — the target-set API: adding specs, spec lists and -iL / --excludefile files,
 * finishing, and the description for the scan row. The set algebra is in targets_set.c. */
#include "engine/targets.h"
#include "engine/targets_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AS_TARGETS_LINE_MAX 4096

as_targets *as_targets_new(void)
{
    as_targets *t = calloc(1, sizeof *t);
    if (t) {
        t->resolve = 1;
        t->expand_limit = AS_TARGETS_EXPAND_LIMIT;
    }
    return t;
}

void as_targets_free(as_targets *t)
{
    if (!t)
        return;
    as_targets_release_set(t);
    free(t->d_inc.s);
    free(t->d_exc.s);
    free(t->d_excfile.s);
    free(t->desc);
    free(t);
}

void as_targets_set_resolve(as_targets *t, int resolve)
{
    t->resolve = resolve;
}

void as_targets_set_expand_limit(as_targets *t, uint64_t max_intervals)
{
    t->expand_limit = max_intervals;
}

/* ---- description ---- */

static int sb_add(as_strbuf *b, const char *sep, const char *s, size_t len)
{
    size_t seplen = b->n ? strlen(sep) : 0;
    if (b->n + seplen + len + 1 > b->cap) {
        size_t cap = (b->n + seplen + len + 1) * 2;
        char *p = realloc(b->s, cap);
        if (!p)
            return -1;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, sep, seplen);
    memcpy(b->s + b->n + seplen, s, len);
    b->n += seplen + len;
    b->s[b->n] = '\0';
    return 0;
}

static int describe_spec(as_targets *t, const char *spec, size_t len, int exclude)
{
    return exclude ? sb_add(&t->d_exc, ",", spec, len) : sb_add(&t->d_inc, " ", spec, len);
}

static int describe_file(as_targets *t, const char *path, int exclude)
{
    as_strbuf *b = exclude ? &t->d_excfile : &t->d_inc;
    const char *flag = exclude ? "--excludefile " : "-iL ";
    if (sb_add(b, " ", flag, strlen(flag)) != 0)
        return -1;
    return sb_add(b, "", path, strlen(path));
}

static int compose_description(as_targets *t)
{
    as_strbuf d = {0};
    int rc = sb_add(&d, "", "", 0);
    if (rc == 0 && t->d_inc.n)
        rc = sb_add(&d, "", t->d_inc.s, t->d_inc.n);
    if (rc == 0 && t->d_exc.n)
        rc = sb_add(&d, " --exclude ", t->d_exc.s, t->d_exc.n);
    if (rc == 0 && t->d_excfile.n)
        rc = sb_add(&d, " ", t->d_excfile.s, t->d_excfile.n);
    free(t->desc);
    t->desc = d.s;
    return rc;
}

const char *as_targets_describe(const as_targets *t)
{
    return t && t->desc ? t->desc : "";
}

/* ---- adding ---- */

static int add_one(as_targets *t, const char *spec, int exclude, char *err, size_t errlen)
{
    as_spec s;
    if (t->finished) {
        snprintf(err, errlen, "targets already finished; add specs before as_targets_finish");
        return -1;
    }
    if (as_spec_parse(spec, t->resolve, exclude ? "exclude" : "target", &s, err, errlen) != 0)
        return -1;
    if (s.kind == AS_SPEC_RANGE)
        return as_targets_add_range(t, s.lo, s.hi, exclude, err, errlen);
    return as_targets_add_octets(t, s.oct, exclude, err, errlen);
}

int as_targets_add(as_targets *t, const char *spec, int exclude, char *err, size_t errlen)
{
    if (add_one(t, spec, exclude, err, errlen) != 0)
        return -1;
    if (describe_spec(t, spec, strlen(spec), exclude) != 0 || compose_description(t) != 0) {
        snprintf(err, errlen, "out of memory adding targets");
        return -1;
    }
    return 0;
}

typedef struct split_ctx {
    as_targets *t;
    int exclude, describe;
    char *err;
    size_t errlen;
} split_ctx;

static int add_split(void *vctx, const char *spec, size_t len)
{
    split_ctx *c = vctx;
    char buf[AS_TARGETS_LINE_MAX + 1];
    if (len > AS_TARGETS_LINE_MAX) {
        snprintf(c->err, c->errlen, "bad %s: spec longer than %d characters",
                 c->exclude ? "exclude" : "target", AS_TARGETS_LINE_MAX);
        return -1;
    }
    memcpy(buf, spec, len);
    buf[len] = '\0';
    if (add_one(c->t, buf, c->exclude, c->err, c->errlen) != 0)
        return -1;
    if (c->describe && describe_spec(c->t, buf, len, c->exclude) != 0) {
        snprintf(c->err, c->errlen, "out of memory adding targets");
        return -1;
    }
    return 0;
}

int as_targets_add_list(as_targets *t, const char *list, int exclude, char *err, size_t errlen)
{
    split_ctx c = {t, exclude, 1, err, errlen};
    if (as_spec_split(list, strlen(list), add_split, &c) != 0)
        return -1;
    if (compose_description(t) != 0) {
        snprintf(err, errlen, "out of memory adding targets");
        return -1;
    }
    return 0;
}

/* ---- files ---- */

static int add_line(split_ctx *c, char *line, size_t len, const char *name, unsigned lineno)
{
    char *hash = memchr(line, '#', len);
    char spec_err[1024];
    if (hash)
        len = (size_t)(hash - line);
    split_ctx lc = *c;
    lc.err = spec_err;
    lc.errlen = sizeof spec_err;
    if (as_spec_split(line, len, add_split, &lc) == 0)
        return 0;
    snprintf(c->err, c->errlen, "%s:%u: %s", name, lineno, spec_err);
    return -1;
}

/* Reads byte by byte so that NUL bytes and over-long lines are caught, not truncated. */
static int read_stream(as_targets *t, FILE *f, const char *name, int exclude,
                       char *err, size_t errlen)
{
    split_ctx c = {t, exclude, 0, err, errlen};
    char line[AS_TARGETS_LINE_MAX + 1];
    size_t n = 0;
    unsigned lineno = 1;
    int ch;
    while ((ch = getc(f)) != EOF) {
        if (ch == '\n') {
            if (add_line(&c, line, n, name, lineno) != 0)
                return -1;
            n = 0;
            lineno++;
        } else if (ch == '\0') {
            snprintf(err, errlen, "%s:%u: NUL byte in %s file", name, lineno,
                     exclude ? "exclude" : "target");
            return -1;
        } else if (n == AS_TARGETS_LINE_MAX) {
            snprintf(err, errlen, "%s:%u: line longer than %d characters", name, lineno,
                     AS_TARGETS_LINE_MAX);
            return -1;
        } else {
            line[n++] = (char)ch;
        }
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s:%u: read error: %s", name, lineno, strerror(errno));
        return -1;
    }
    return n > 0 ? add_line(&c, line, n, name, lineno) : 0;
}

static int read_and_describe(as_targets *t, FILE *f, const char *name, const char *path,
                             int exclude, char *err, size_t errlen)
{
    if (read_stream(t, f, name, exclude, err, errlen) != 0)
        return -1;
    if (describe_file(t, path, exclude) != 0 || compose_description(t) != 0) {
        snprintf(err, errlen, "out of memory adding targets");
        return -1;
    }
    return 0;
}

int as_targets_add_stream(as_targets *t, FILE *f, const char *name, int exclude,
                          char *err, size_t errlen)
{
    return read_and_describe(t, f, name, name, exclude, err, errlen);
}

int as_targets_add_file(as_targets *t, const char *path, int exclude, char *err, size_t errlen)
{
    if (strcmp(path, "-") == 0)
        return read_and_describe(t, stdin, "<stdin>", "-", exclude, err, errlen);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot open %s file '%s': %s", exclude ? "exclude" : "target",
                 path, strerror(errno));
        return -1;
    }
    int rc = read_and_describe(t, f, path, path, exclude, err, errlen);
    fclose(f);
    return rc;
}

/* ---- finishing ---- */

int as_targets_finish(as_targets *t, char *err, size_t errlen)
{
    int includes = t->inc.n > 0;
    if (t->finished) {
        snprintf(err, errlen, "as_targets_finish called twice");
        return -1;
    }
    for (int k = 0; k < t->nbox; k++)
        includes |= !t->box_exclude[k];
    if (!includes) {
        snprintf(err, errlen, "no targets given");
        return -1;
    }
    if (as_targets_build(t, err, errlen) != 0)
        return -1;
    t->finished = 1;
    if (t->count == 0) {
        snprintf(err, errlen, "no targets left to scan after exclusions");
        return -1;
    }
    return 0;
}

int as_targets_text_intervals(const char *text, size_t max, uint32_t **lo, uint32_t **hi,
                              size_t *n)
{
    as_targets *t = as_targets_new();
    char e[256];
    if (t == NULL)
        return -1;
    as_targets_set_resolve(t, 0);
    int rc = as_targets_add_list(t, text, 0, e, sizeof e) == 0 &&
             as_targets_finish(t, e, sizeof e) == 0 &&
             as_targets_intervals(t, max, lo, hi, n) == 0 ? 0 : -1;
    as_targets_free(t);
    return rc;
}
