/* winbuild.c — loading windows-builds.tab (sources first, then one row a build, line-
 * numbered errors) and looking a version up, exactly or by the nearest lower build. */
#include "fingerprints/winbuild.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef AS_DATADIR
#define AS_DATADIR "/usr/local/share/agentscan"
#endif
#ifndef AS_SOURCE_DIR
#define AS_SOURCE_DIR "."
#endif

#define WB_LINE_MAX 1024
#define WB_FILE_MAX (1 << 20)
#define WB_NAME_MAX 64
#define WB_KEYS_MAX 64

typedef struct wb_row {
    uint32_t key;               /* major << 24 | minor << 16 | build (build < 65536) */
    unsigned line;
    char client[WB_NAME_MAX], server[WB_NAME_MAX];
} wb_row;

struct as_winbuilds {
    wb_row *r;
    size_t n, cap;
};

typedef struct wb_ctx {
    const char *name;
    unsigned line;
    char keys[WB_KEYS_MAX][32];
    size_t nkeys;
    char *err;
    size_t errlen;
} wb_ctx;

static int fail(wb_ctx *c, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s:%u: %s", c->name, c->line, what);
    return -1;
}

/* Trims [*s, *e) of blanks. */
static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t' || **s == '\r'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r'))
        (*e)--;
}

/* "MAJOR.MINOR.BUILD": major, minor < 256, build < 65536 (NTLMSSP's VERSION widths). */
static int parse_version(const char *s, const char *e, uint32_t *key)
{
    unsigned long part[3] = {0};
    int k = 0, digits = 0;
    for (; s < e; s++) {
        if (*s == '.' && digits && k < 2) {
            k++;
            digits = 0;
        } else if (*s >= '0' && *s <= '9' && digits < 6) {
            part[k] = part[k] * 10 + (unsigned long)(*s - '0');
            digits++;
        } else {
            return -1;
        }
    }
    if (k != 2 || !digits || part[0] > 255 || part[1] > 255 || part[2] > 65535)
        return -1;
    *key = (uint32_t)(part[0] << 24 | part[1] << 16 | part[2]);
    return 0;
}

static int name_field(wb_ctx *c, const char *s, const char *e, char *dst, const char *what)
{
    trim(&s, &e);
    if (s == e)
        return fail(c, "missing %s name ('-' for none)", what);
    if (e - s >= WB_NAME_MAX)
        return fail(c, "%s name longer than %d characters", what, WB_NAME_MAX - 1);
    if (e - s == 1 && *s == '-')
        s = e;
    memcpy(dst, s, (size_t)(e - s));
    dst[e - s] = '\0';
    return 0;
}

static int source_line(wb_ctx *c, const char *p, const char *end)
{
    p += 7;
    trim(&p, &end);
    const char *k = p;
    while (p < end && *p != ' ' && *p != '\t')
        p++;
    size_t kl = (size_t)(p - k);
    trim(&p, &end);
    if (kl == 0 || kl >= sizeof c->keys[0] || p == end)
        return fail(c, "expected '@source KEY URL'");
    if (c->nkeys == WB_KEYS_MAX)
        return fail(c, "more than %d sources", WB_KEYS_MAX);
    memcpy(c->keys[c->nkeys], k, kl);
    c->keys[c->nkeys++][kl] = '\0';
    return 0;
}

static int known_key(const wb_ctx *c, const char *s, const char *e)
{
    for (size_t i = 0; i < c->nkeys; i++)
        if (strlen(c->keys[i]) == (size_t)(e - s) && !memcmp(c->keys[i], s, (size_t)(e - s)))
            return 1;
    return 0;
}

static int row_line(as_winbuilds *t, wb_ctx *c, const char *p, const char *end)
{
    const char *f[5];
    int nf = 0;
    f[nf++] = p;
    for (const char *q = p; q < end && nf < 5; q++)
        if (*q == '|')
            f[nf++] = q + 1;
    if (nf != 4)
        return fail(c, "expected 'VERSION | CLIENT | SERVER | SOURCE' (%d fields)", nf);
    wb_row r = {0};
    r.line = c->line;
    const char *vs = f[0], *ve = f[1] - 1, *ks = f[3], *ke = end;
    trim(&vs, &ve);
    trim(&ks, &ke);
    if (parse_version(vs, ve, &r.key))
        return fail(c, "bad version '%.*s' (MAJOR.MINOR.BUILD)", (int)(ve - vs > 32 ? 32 : ve - vs), vs);
    if (name_field(c, f[1], f[2] - 1, r.client, "client") ||
        name_field(c, f[2], f[3] - 1, r.server, "server"))
        return -1;
    if (!r.client[0] && !r.server[0])
        return fail(c, "a build needs a client or a server name");
    if (ks == ke)
        return fail(c, "missing source key");
    if (!known_key(c, ks, ke))
        return fail(c, "unknown source '%.*s' (define it with @source first)",
                    (int)(ke - ks > 32 ? 32 : ke - ks), ks);
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        wb_row *nr = realloc(t->r, cap * sizeof *nr);
        if (!nr)
            return fail(c, "out of memory");
        t->r = nr;
        t->cap = cap;
    }
    t->r[t->n++] = r;
    return 0;
}

static int parse_line(as_winbuilds *t, wb_ctx *c, const char *p, const char *end)
{
    const char *hash = memchr(p, '#', (size_t)(end - p));
    if (hash)
        end = hash;
    trim(&p, &end);
    if (p == end)
        return 0;
    for (const char *q = p; q < end; q++)
        if ((unsigned char)*q < 0x20 && *q != '\t')
            return fail(c, "control character 0x%02x", (unsigned char)*q);
    if (end - p > 7 && !memcmp(p, "@source", 7) && (p[7] == ' ' || p[7] == '\t'))
        return source_line(c, p, end);
    return row_line(t, c, p, end);
}

static int row_cmp(const void *a, const void *b)
{
    const wb_row *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int sort_and_check(as_winbuilds *t, wb_ctx *c)
{
    if (t->n > 1)
        qsort(t->r, t->n, sizeof *t->r, row_cmp);
    const wb_row *dup = NULL;
    for (size_t i = 1; i < t->n; i++)
        if (t->r[i].key == t->r[i - 1].key && (!dup || t->r[i].line < dup->line))
            dup = &t->r[i];
    if (!dup)
        return 0;
    c->line = dup->line;
    return fail(c, "build %u.%u.%u listed twice", dup->key >> 24, dup->key >> 16 & 0xFF,
                dup->key & 0xFFFF);
}

int as_winbuild_parse(as_winbuilds **out, const char *text, size_t len, const char *name,
                      char *err, size_t errlen)
{
    wb_ctx c = {.name = name, .line = 1, .err = err, .errlen = errlen};
    as_winbuilds *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        return fail(&c, "out of memory");
    int rc = 0;
    for (const char *p = text, *end = text + len; p < end && rc == 0; c.line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(eol - p)))
            rc = fail(&c, "NUL byte in table");
        else if (eol - p > WB_LINE_MAX)
            rc = fail(&c, "line longer than %d characters", WB_LINE_MAX);
        else
            rc = parse_line(t, &c, p, eol);
        p = eol + 1;
    }
    if (rc == 0)
        rc = sort_and_check(t, &c);
    if (rc != 0) {
        as_winbuild_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

int as_winbuild_load(as_winbuilds **out, const char *path, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open Windows build table '%s': %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(WB_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, WB_FILE_MAX + 1, f) : 0;
    int bad = ferror(f), rc = -1;
    fclose(f);
    if (!buf)
        snprintf(err, errlen, "%s: out of memory", path);
    else if (bad)
        snprintf(err, errlen, "%s: read error", path);
    else if (n > WB_FILE_MAX)
        snprintf(err, errlen, "%s: larger than %d bytes", path, WB_FILE_MAX);
    else
        rc = as_winbuild_parse(out, buf, n, path, err, errlen);
    free(buf);
    return rc;
}

void as_winbuild_free(as_winbuilds *t)
{
    if (t) {
        free(t->r);
        free(t);
    }
}

size_t as_winbuild_size(const as_winbuilds *t)
{
    return t ? t->n : 0;
}

static void names(const wb_row *r, const char *tail, char *text, size_t len)
{
    const char *sep = r->server[0] && r->client[0] ? " / " : "";
    snprintf(text, len, "%s%s%s%s", r->server, sep, r->client, tail);
}

int as_winbuild_lookup(const as_winbuilds *t, unsigned major, unsigned minor, unsigned build,
                       char *text, size_t len)
{
    if (len)
        text[0] = '\0';
    if (!t || t->n == 0 || major > 255 || minor > 255 || build > 65535)
        return -ENOENT;
    uint32_t key = (uint32_t)(major << 24 | minor << 16 | build);
    size_t lo = 0, hi = t->n;
    while (lo < hi) {               /* first row above key */
        size_t mid = lo + (hi - lo) / 2;
        if (t->r[mid].key <= key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || (t->r[lo - 1].key >> 16) != (key >> 16))
        return -ENOENT;
    const wb_row *r = &t->r[lo - 1];
    names(r, r->key == key ? "" : " or later", text, len);
    return r->key == key ? 0 : 1;
}

int as_winbuild_hint(const as_winbuilds *t, unsigned major, unsigned minor, unsigned build,
                     as_os_hint *hint)
{
    memset(hint, 0, sizeof *hint);
    int rc = as_winbuild_lookup(t, major, minor, build, hint->version, sizeof hint->version);
    if (rc < 0)
        return rc;
    hint->family = AS_OSFAM_WINDOWS;
    snprintf(hint->name, sizeof hint->name, "Windows");
    hint->confidence = rc == 0 ? 95 : 70;
    return rc;
}

const char *as_default_winbuild_path(void)
{
    static const char installed[] = AS_DATADIR "/windows-builds.tab";
    return access(installed, R_OK) == 0 ? installed
                                        : AS_SOURCE_DIR "/fingerprints/windows-builds.tab";
}
