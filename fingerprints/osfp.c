/* osfp.c — subject fingerprints: building one attribute at a time (the prober), parsing the
 * text nmap prints ("OS:" prefixes, wrapped lines), and printing one back in nmap's syntax. */
#include "fingerprints/osfp_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WRAP_WIDTH 72   /* characters after "OS:" on each line, as nmap 7.93 prints them */

void as_osfp_init(as_osfp *fp)
{
    memset(fp, 0, sizeof *fp);
}

int as_osfp_add_test(as_osfp *fp, int test)
{
    if (!fp || test < 0 || test >= AS_OST_COUNT)
        return -1;
    fp->tests |= (uint16_t)(1u << test);
    return 0;
}

static int valid_value(const char *v, size_t n)
{
    if (n >= AS_OSFP_VALUE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!os_value_char(v[i]))
            return 0;
    return 1;
}

int as_osfp_set(as_osfp *fp, int test, int attr, const char *value)
{
    if (!fp || !value || attr < 0 || attr >= as_osattr_count(test) ||
        !valid_value(value, strlen(value)))
        return -1;
    memcpy(fp->val[test][attr], value, strlen(value) + 1);
    fp->attrs[test] |= (uint16_t)(1u << attr);
    fp->tests |= (uint16_t)(1u << test);
    return 0;
}

const char *as_osfp_get(const as_osfp *fp, int test, int attr)
{
    if (!fp || attr < 0 || attr >= as_osattr_count(test) || !(fp->attrs[test] >> attr & 1))
        return NULL;
    return fp->val[test][attr];
}

/* ---- parsing ---- */

/* The subject's lines, "OS:" prefixes removed, joined; map[] remembers which source line
 * each joined piece came from so errors can name it. */
typedef struct joined {
    char *text;
    size_t len;
    size_t *off;        /* start offset in text of piece i */
    unsigned *line;     /* its source line */
    size_t n;
} joined;

typedef struct sctx {
    const char *name;
    char *err;
    size_t errlen;
} sctx;

static int sfail(const sctx *c, unsigned line, const char *fmt, ...)
{
    char what[OS_WHAT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s:%u: %s", c->name, line, what);
    return -1;
}

static unsigned line_at(const joined *j, size_t off)
{
    size_t i = 0;
    while (i + 1 < j->n && j->off[i + 1] <= off)
        i++;
    return j->n ? j->line[i] : 1;
}

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Appends one source line [p, e) unless it is blank, a comment or the header. */
static int join_line(joined *j, const char *p, const char *e, unsigned line, const sctx *c)
{
    while (p < e && is_blank(*p))
        p++;
    while (e > p && is_blank(e[-1]))
        e--;
    if (p == e || *p == '#')
        return 0;
    for (const char *q = p; q < e; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t')
            return sfail(c, line, "control character 0x%02x", (unsigned char)*q);
    if (e - p >= 3 && memcmp(p, "OS:", 3) == 0)
        p += 3;
    else if (!memchr(p, '(', (size_t)(e - p)) && e[-1] == ':')
        return 0;       /* "TCP/IP fingerprint:" and the like */
    j->off[j->n] = j->len;
    j->line[j->n++] = line;
    memcpy(j->text + j->len, p, (size_t)(e - p));
    j->len += (size_t)(e - p);
    return 0;
}

static int join_all(joined *j, const char *text, size_t len, const sctx *c)
{
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    j->text = malloc(len + 1);
    j->off = malloc(lines * sizeof *j->off);
    j->line = malloc(lines * sizeof *j->line);
    if (!j->text || !j->off || !j->line)
        return sfail(c, 1, "out of memory");
    const char *p = text, *end = text + len;
    for (unsigned line = 1; p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(eol - p)))
            return sfail(c, line, "NUL byte");
        if (eol - p > OS_LINE_MAX)
            return sfail(c, line, "line too long (more than %d bytes)", OS_LINE_MAX);
        if (join_line(j, p, eol, line, c) != 0)
            return -1;
        p = eol + 1;
    }
    j->text[j->len] = '\0';
    return 0;
}

static int store_test(as_osfp *fp, const os_testline *tl, const joined *j, size_t at,
                      const sctx *c)
{
    unsigned line = line_at(j, at);
    if (tl->test == OS_TEST_SCAN) {
        if (fp->scan[0] || tl->bodylen == 0)
            return sfail(c, line, fp->scan[0] ? "duplicate test line SCAN" : "empty SCAN()");
        if (tl->bodylen >= AS_OSFP_SCAN_MAX)
            return sfail(c, line, "SCAN line too long");
        for (size_t i = 0; i < tl->bodylen; i++) {
            unsigned char ch = (unsigned char)tl->body[i];
            if (ch <= ' ' || ch >= 0x7f || ch == '(')   /* so it survives wrapping */
                return sfail(c, line_at(j, (size_t)(tl->body + i - j->text)),
                             "bad character 0x%02x in SCAN", ch);
        }
        memcpy(fp->scan, tl->body, tl->bodylen);
        fp->scan[tl->bodylen] = '\0';
        return 0;
    }
    const char *tname = as_ostest_name(tl->test);
    if (fp->tests >> tl->test & 1)
        return sfail(c, line, "duplicate test line %s", tname);
    as_osfp_add_test(fp, tl->test);
    for (size_t i = 0; i < tl->nav; i++) {
        const os_av *av = &tl->av[i];
        const char *aname = as_osattr_name(tl->test, av->attr);
        if (!valid_value(av->v, av->vlen))
            return sfail(c, line_at(j, (size_t)(av->v - j->text)), "bad value '%.*s' for %s.%s",
                         os_snip_len(av->vlen), av->v, tname, aname);
        memcpy(fp->val[tl->test][av->attr], av->v, av->vlen);
        fp->val[tl->test][av->attr][av->vlen] = '\0';
        fp->attrs[tl->test] |= (uint16_t)(1u << av->attr);
    }
    return 0;
}

static int parse_joined(as_osfp *out, const joined *j, const sctx *c)
{
    const char *p = j->text, *end = j->text + j->len;
    char what[OS_WHAT_MAX];
    while (p < end) {
        if (is_blank(*p)) {
            p++;
            continue;
        }
        os_testline tl;
        const char *at;
        const char *next = os_parse_testline(p, end, 1, &tl, what, sizeof what, &at);
        if (!next)
            return sfail(c, line_at(j, (size_t)(at - j->text)), "%s", what);
        if (store_test(out, &tl, j, (size_t)(p - j->text), c) != 0)
            return -1;
        p = next;
    }
    if (out->tests == 0)
        return sfail(c, line_at(j, j->len), "no test lines");
    return 0;
}

int as_osfp_parse_subject(as_osfp *out, const char *text, size_t len, const char *name,
                          char *err, size_t errlen)
{
    sctx c = {name ? name : "subject", err, errlen};
    joined j = {0};
    if (!out)
        return sfail(&c, 1, "no output structure");
    as_osfp_init(out);
    int rc = join_all(&j, text ? text : "", text ? len : 0, &c);
    if (rc == 0)
        rc = parse_joined(out, &j, &c);
    free(j.text);
    free(j.off);
    free(j.line);
    if (rc != 0)
        as_osfp_init(out);
    return rc;
}

/* ---- printing ---- */

/* Counts every byte wanted, stores what fits; in wrap mode each WRAP_WIDTH characters of
 * content become a line "OS:" + content. */
typedef struct sink {
    char *buf;
    size_t cap, n;
    int wrap;
    size_t col;
} sink;

static void raw(sink *s, char ch)
{
    if (s->n + 1 < s->cap)
        s->buf[s->n] = ch;
    s->n++;
}

static void put(sink *s, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s->wrap && s->col == 0) {
            raw(s, 'O');
            raw(s, 'S');
            raw(s, ':');
        }
        raw(s, p[i]);
        if (s->wrap && ++s->col == WRAP_WIDTH) {
            raw(s, '\n');
            s->col = 0;
        }
    }
}

static void puts_(sink *s, const char *p)
{
    put(s, p, strlen(p));
}

/* One test line without a newline, e.g. "T2(R=N)". */
static void put_test(sink *s, const as_osfp *fp, int t)
{
    puts_(s, as_ostest_name(t));
    puts_(s, "(");
    int first = 1;
    for (int a = 0; a < as_osattr_count(t); a++) {
        if (!(fp->attrs[t] >> a & 1))
            continue;
        if (!first)
            puts_(s, "%");
        first = 0;
        puts_(s, as_osattr_name(t, a));
        puts_(s, "=");
        puts_(s, fp->val[t][a]);
    }
    puts_(s, ")");
    if (!s->wrap)
        raw(s, '\n');
}

size_t as_osfp_format(const as_osfp *fp, unsigned flags, char *buf, size_t len)
{
    sink s = {buf, buf ? len : 0, 0, (flags & AS_OSFP_FMT_WRAP) != 0, 0};
    if (fp && fp->scan[0]) {
        puts_(&s, "SCAN(");
        puts_(&s, fp->scan);
        puts_(&s, ")");
        if (!s.wrap)
            raw(&s, '\n');
    }
    for (int t = 0; fp && t < AS_OST_COUNT; t++)
        if (fp->tests >> t & 1)
            put_test(&s, fp, t);
    if (s.wrap && s.col > 0)
        raw(&s, '\n');
    if (s.cap)
        s.buf[s.n < s.cap ? s.n : s.cap - 1] = '\0';
    return s.n;
}
