/* oui.c — parses the IEEE MA-L registry text into a sorted prefix table and looks MAC
 * prefixes up in it. The file comes from outside the project: every byte is checked. */
#include "fingerprints/oui.h"
#include "probes/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUI_MAX_FILE (64u << 20)

typedef struct oui_entry {
    uint32_t prefix;        /* 24 bits */
    uint32_t seq;           /* order in the file, so the first of duplicates wins */
    size_t name;            /* offset into pool */
} oui_entry;

struct as_oui {
    oui_entry *e;
    size_t n, cap;
    char *pool;
    size_t used;
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* "XX-XX-XX" at the start of the line; -1 when it is not one. */
static long parse_prefix(const char *s, size_t n)
{
    if (n < 8 || s[2] != '-' || s[5] != '-')
        return -1;
    long v = 0;
    for (int i = 0; i < 8; i += 3) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        v = (v << 8) | (hi << 4) | lo;
    }
    return v;
}

/* The tag follows the prefix closely; looking only there keeps an organization or address
 * that happens to contain "(hex)" from being read as an entry. */
static const char *find_hex_tag(const char *s, size_t n)
{
    static const char tag[] = "(hex)";
    if (n > 24)
        n = 24;
    for (size_t i = 0; i + sizeof tag - 1 <= n; i++)
        if (memcmp(s + i, tag, sizeof tag - 1) == 0)
            return s + i;
    return NULL;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* One "(hex)" line: prefix, then the organization after the tag, trimmed. */
static int add_line(as_oui *t, const char *s, size_t n, const char *tag, const char *name,
                    unsigned line, char *err, size_t errlen)
{
    long prefix = parse_prefix(s, (size_t)(tag - s));
    if (prefix < 0) {
        snprintf(err, errlen, "%s:%u: a \"(hex)\" line must start with a prefix XX-XX-XX",
                 name, line);
        return -1;
    }
    for (const char *p = s + 8; p < tag; p++)
        if (!is_blank(*p)) {
            snprintf(err, errlen, "%s:%u: unexpected text between the prefix and \"(hex)\"",
                     name, line);
            return -1;
        }
    const char *org = tag + 5, *end = s + n;
    while (org < end && is_blank(*org))
        org++;
    while (end > org && is_blank(end[-1]))
        end--;
    if (AS_VEC_RESERVE(t->e, t->cap, t->n + 1) != 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    t->e[t->n] = (oui_entry){(uint32_t)prefix, (uint32_t)t->n, t->used};
    t->n++;
    for (const char *c = org; c < end; c++)
        t->pool[t->used++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
    t->pool[t->used++] = '\0';
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const oui_entry *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static void dedupe(as_oui *t)
{
    if (t->n == 0)
        return;
    qsort(t->e, t->n, sizeof *t->e, cmp_entry);
    size_t w = 0;
    for (size_t i = 0; i < t->n; i++)
        if (w == 0 || t->e[w - 1].prefix != t->e[i].prefix)
            t->e[w++] = t->e[i];
    t->n = w;
}

int as_oui_parse(as_oui **out, const char *text, size_t len, const char *name,
                 char *err, size_t errlen)
{
    *out = NULL;
    as_oui *t = calloc(1, sizeof *t);
    /* Names are copied from the text, so the pool never needs more than the text. */
    if (!t || !(t->pool = malloc(len + 1))) {
        free(t);
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    unsigned line = 0;
    for (size_t pos = 0; pos < len;) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        line++;
        if (memchr(s, '\0', n)) {
            snprintf(err, errlen, "%s:%u: NUL byte (not a text file)", name, line);
            as_oui_free(t);
            return -1;
        }
        const char *tag = find_hex_tag(s, n);
        if (tag && add_line(t, s, n, tag, name, line, err, errlen) < 0) {
            as_oui_free(t);
            return -1;
        }
    }
    dedupe(t);
    *out = t;
    return 0;
}

static int read_all(FILE *f, const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            if (cap >= OUI_MAX_FILE) {
                snprintf(err, errlen, "%s: larger than %u MiB (not an OUI registry?)", path,
                         OUI_MAX_FILE >> 20);
                free(b);
                return -1;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb)
                break;
            b = nb;
            cap *= 2;
        }
    }
    if (!b || ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, b ? strerror(errno) : "out of memory");
        free(b);
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

int as_oui_load(as_oui **out, const char *path, int *missing, char *err, size_t errlen)
{
    *out = NULL;
    *missing = 0;
    FILE *f = fopen(path, "rb");
    if (!f && errno == ENOENT) {
        *missing = 1;
        return as_oui_parse(out, "", 0, path, err, errlen);
    }
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf;
    size_t len;
    int rc = read_all(f, path, &buf, &len, err, errlen);
    fclose(f);
    if (rc < 0)
        return -1;
    rc = as_oui_parse(out, buf, len, path, err, errlen);
    free(buf);
    return rc;
}

void as_oui_free(as_oui *t)
{
    if (!t)
        return;
    free(t->e);
    free(t->pool);
    free(t);
}

size_t as_oui_size(const as_oui *t)
{
    return t ? t->n : 0;
}

const char *as_oui_lookup(const as_oui *t, const uint8_t mac[6])
{
    if (!t || t->n == 0 || (mac[0] & 0x02))
        return NULL;
    uint32_t key = (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2];
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->e[mid].prefix < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->e[lo].prefix == key ? t->pool + t->e[lo].name : NULL;
}

const char *as_oui_lookup_text(const as_oui *t, const char *mac)
{
    uint8_t b[6];
    if (!mac || strlen(mac) != 17)
        return NULL;
    for (int i = 0; i < 6; i++) {
        int hi = hexval(mac[i * 3]), lo = hexval(mac[i * 3 + 1]);
        char sep = mac[i * 3 + 2];
        if (hi < 0 || lo < 0 || (i < 5 && sep != ':' && sep != '-'))
            return NULL;
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    return as_oui_lookup(t, b);
}

const char *as_default_oui_path(void)
{
    const char *env = getenv("AGENTSCAN_OUI");
    return env && *env ? env : "/usr/share/ieee-data/oui.txt";
}
