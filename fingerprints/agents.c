/* agents.c — the agent-port and deploy-channel tables: loading and validating the text files
 * (line-numbered errors, no silent skips) and looking a port up by binary search. */
#include "fingerprints/agents.h"
#include "probes/vec.h"

#include <errno.h>
#include <netinet/in.h>
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

#define TABLE_LINE_MAX 1024
#define TABLE_FILE_MAX (1 << 20)

typedef struct entry {
    uint16_t port;
    uint8_t proto;
    unsigned line;
    char *product;      /* agent product, or deploy channel */
    char *family;       /* deploy family; NULL in agent tables */
} entry;

struct as_port_table {
    entry *e;
    size_t n, cap;
};

typedef struct parse_ctx {
    const char *name;
    unsigned line;
    int is_deploy;
    char *err;
    size_t errlen;
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(c->err, c->errlen, "%s:%u: %s", c->name, c->line, what);
    return -1;
}

static int is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Next whitespace-delimited field of [*p, end): sets *f and *flen, advances *p. */
static int next_field(const char **p, const char *end, const char **f, size_t *flen)
{
    while (*p < end && is_space(**p))
        (*p)++;
    *f = *p;
    while (*p < end && !is_space(**p))
        (*p)++;
    *flen = (size_t)(*p - *f);
    return *flen > 0;
}

static int parse_port(parse_ctx *c, const char *f, size_t n, uint16_t *port, uint8_t *proto)
{
    const char *slash = memchr(f, '/', n);
    if (!slash)
        return fail(c, "bad port/protocol '%.*s' (expected PORT/tcp or PORT/udp)", (int)n, f);
    size_t pn = (size_t)(slash - f), rn = n - pn - 1;
    unsigned long v = 0;
    int ok = pn > 0 && pn <= 5;
    for (size_t i = 0; i < pn && ok; i++) {
        ok = f[i] >= '0' && f[i] <= '9';
        v = v * 10 + (unsigned long)(f[i] - '0');
    }
    if (!ok || v < 1 || v > 65535)
        return fail(c, "bad port '%.*s' (1-65535)", (int)(pn > 32 ? 32 : pn), f);
    if (rn == 3 && strncasecmp(slash + 1, "tcp", 3) == 0)
        *proto = IPPROTO_TCP;
    else if (rn == 3 && strncasecmp(slash + 1, "udp", 3) == 0)
        *proto = IPPROTO_UDP;
    else
        return fail(c, "unknown protocol '%.*s' (tcp or udp)", (int)(rn > 32 ? 32 : rn),
                    slash + 1);
    *port = (uint16_t)v;
    return 0;
}

static int push(as_port_table *t, const entry *e)
{
    return AS_VEC_PUSH(t->e, t->n, t->cap, *e);
}

/* Agent line: the product is the rest of the line, inner spaces kept. */
static int parse_product(parse_ctx *c, const char *p, const char *end, entry *e)
{
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    if (p == end)
        return fail(c, "missing product");
    e->product = strndup(p, (size_t)(end - p));
    return e->product ? 0 : fail(c, "out of memory");
}

/* Deploy line: exactly CHANNEL and FAMILY. */
static int parse_deploy(parse_ctx *c, const char *p, const char *end, entry *e)
{
    const char *ch, *fam, *extra;
    size_t chn, famn, extran;
    if (!next_field(&p, end, &ch, &chn))
        return fail(c, "missing channel");
    if (!next_field(&p, end, &fam, &famn))
        return fail(c, "missing family");
    if (next_field(&p, end, &extra, &extran))
        return fail(c, "unexpected text '%.*s' after family", (int)(extran > 32 ? 32 : extran),
                    extra);
    e->product = strndup(ch, chn);
    e->family = strndup(fam, famn);
    return e->product && e->family ? 0 : fail(c, "out of memory");
}

/* One line without its newline. A '#' at the start of a field begins a comment. */
static int parse_line(as_port_table *t, parse_ctx *c, const char *p, const char *end)
{
    for (const char *q = p; q < end; q++) {
        if (*q == '#' && (q == p || is_space(q[-1]))) {
            end = q;
            break;
        }
        if ((unsigned char)*q < 0x20 && *q != '\t' && *q != '\r')
            return fail(c, "control character 0x%02x", (unsigned char)*q);
    }
    const char *f;
    size_t fn;
    if (!next_field(&p, end, &f, &fn))
        return 0;
    entry e = {0};
    e.line = c->line;
    if (parse_port(c, f, fn, &e.port, &e.proto) != 0)
        return -1;
    int rc = c->is_deploy ? parse_deploy(c, p, end, &e) : parse_product(c, p, end, &e);
    if (rc == 0 && push(t, &e) != 0)
        rc = fail(c, "out of memory");
    if (rc != 0) {
        free(e.product);
        free(e.family);
    }
    return rc;
}

static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->proto != y->proto)
        return x->proto < y->proto ? -1 : 1;
    if (x->port != y->port)
        return x->port < y->port ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Sorted by (proto, port, line), so a duplicate sits right after its first occurrence;
 * the earliest duplicate line in the file is the one reported. */
static int sort_and_check(as_port_table *t, parse_ctx *c)
{
    if (t->n < 2)
        return 0;
    qsort(t->e, t->n, sizeof *t->e, entry_cmp);
    const entry *dup = NULL, *first = NULL;
    for (size_t i = 1; i < t->n; i++) {
        const entry *a = &t->e[i - 1], *b = &t->e[i];
        if (a->proto == b->proto && a->port == b->port && (!dup || b->line < dup->line)) {
            size_t k = i - 1;
            while (k > 0 && t->e[k - 1].proto == b->proto && t->e[k - 1].port == b->port)
                k--;
            dup = b;
            first = &t->e[k];
        }
    }
    if (!dup)
        return 0;
    c->line = dup->line;
    return fail(c, "duplicate entry for %u/%s (first at line %u)", dup->port,
                dup->proto == IPPROTO_TCP ? "tcp" : "udp", first->line);
}

int as_port_table_parse(as_port_table **out, const char *text, size_t len, const char *name,
                        int is_deploy, char *err, size_t errlen)
{
    parse_ctx c = {name, 1, is_deploy, err, errlen};
    as_port_table *t = calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        return fail(&c, "out of memory");
    const char *p = text, *end = text + len;
    int rc = 0;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        if (memchr(p, '\0', (size_t)(eol - p)))
            rc = fail(&c, "NUL byte in table");
        else if (eol - p > TABLE_LINE_MAX)
            rc = fail(&c, "line longer than %d characters", TABLE_LINE_MAX);
        else
            rc = parse_line(t, &c, p, eol);
        p = eol + 1;
        c.line++;
    }
    if (rc == 0)
        rc = sort_and_check(t, &c);
    if (rc != 0) {
        as_port_table_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

int as_port_table_load(as_port_table **out, const char *path, int is_deploy, char *err,
                       size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open port table '%s': %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc(TABLE_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, TABLE_FILE_MAX + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    int rc = -1;
    if (!buf)
        snprintf(err, errlen, "%s: out of memory", path);
    else if (bad)
        snprintf(err, errlen, "%s: read error", path);
    else if (n > TABLE_FILE_MAX)
        snprintf(err, errlen, "%s: larger than %d bytes", path, TABLE_FILE_MAX);
    else
        rc = as_port_table_parse(out, buf, n, path, is_deploy, err, errlen);
    free(buf);
    return rc;
}

void as_port_table_free(as_port_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->e[i].product);
        free(t->e[i].family);
    }
    free(t->e);
    free(t);
}

static const entry *find(const as_port_table *t, uint16_t port, uint8_t proto)
{
    if (!t || t->n == 0)
        return NULL;
    entry key = {port, proto, 0, NULL, NULL};
    size_t lo = 0, hi = t->n;
    while (lo < hi) {       /* first entry not below (proto, port, line 0) */
        size_t mid = lo + (hi - lo) / 2;
        if (entry_cmp(&t->e[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < t->n && t->e[lo].port == port && t->e[lo].proto == proto)
        return &t->e[lo];
    return NULL;
}

const char *as_port_table_product(const as_port_table *t, uint16_t port, uint8_t proto)
{
    const entry *e = find(t, port, proto);
    return e ? e->product : NULL;
}

const char *as_port_table_family(const as_port_table *t, uint16_t port, uint8_t proto)
{
    const entry *e = find(t, port, proto);
    return e ? e->family : NULL;
}

size_t as_port_table_size(const as_port_table *t)
{
    return t ? t->n : 0;
}

int as_port_table_entry(const as_port_table *t, size_t i, uint16_t *port, uint8_t *proto)
{
    if (!t || i >= t->n)
        return -1;
    *port = t->e[i].port;
    *proto = t->e[i].proto;
    return 0;
}

/* An installed data file wins; a build tree run falls back to the sources. */
static const char *pick(const char *installed, const char *source)
{
    return access(installed, R_OK) == 0 ? installed : source;
}

const char *as_default_agents_path(void)
{
    return pick(AS_DATADIR "/agents.tab", AS_SOURCE_DIR "/fingerprints/agents.tab");
}

const char *as_default_deploy_path(void)
{
    return pick(AS_DATADIR "/deploy.tab", AS_SOURCE_DIR "/fingerprints/deploy.tab");
}
