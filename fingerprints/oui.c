/* oui.c — parses the IEEE MA-L, MA-M and MA-S registry texts into one sorted prefix table
 * (24, 28 and 36-bit prefixes) and looks MACs up by longest prefix. The files come from
 * outside the project: every byte is checked. */
#include "fingerprints/oui.h"
#include "probes/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct oui_entry {
    uint64_t prefix;        /* the top `bits` bits of the MAC */
    uint8_t bits;           /* 24 (MA-L), 28 (MA-M) or 36 (MA-S) */
    uint32_t seq;           /* order in the files, so the first of duplicates wins */
    size_t name;            /* offset into pool */
} oui_entry;

struct as_oui {
    oui_entry *e;
    size_t n, cap;
    char *pool;
    size_t used, pool_cap;
    uint32_t seq;
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

/* "XXXXXX" (six hex digits); -1 when it is not one. */
static long parse_hex6(const char *s)
{
    long v = 0;
    for (int i = 0; i < 6; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return -1;
        v = v << 4 | h;
    }
    return v;
}

/* The tags follow the prefix closely; looking only there keeps an organization or address
 * that happens to contain "(hex)" from being read as an entry. */
static const char *find_tag(const char *s, size_t n, const char *tag, size_t within)
{
    size_t tl = strlen(tag);
    if (n > within)
        n = within;
    for (size_t i = 0; i + tl <= n; i++)
        if (memcmp(s + i, tag, tl) == 0)
            return s + i;
    return NULL;
}

static const char *find_hex_tag(const char *s, size_t n)
{
    return find_tag(s, n, "(hex)", 24);
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
    t->e[t->n] = (oui_entry){(uint64_t)prefix, 24, t->seq++, t->used};
    t->n++;
    for (const char *c = org; c < end; c++)
        t->pool[t->used++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
    t->pool[t->used++] = '\0';
    return 0;
}

/* The "(base 16)" twin of an MA-M or MA-S entry carries its range within the 24-bit block:
 * "900000-9FFFFF" is a 28-bit prefix, "F2F000-F2FFFF" a 36-bit one; MA-L's twin is just
 * "002272". Returns 0 (entry refined or left at 24 bits) or -1 for a malformed range. */
static int refine(oui_entry *e, const char *s, size_t n)
{
    long lo = n >= 6 ? parse_hex6(s) : -1;
    if (lo < 0)
        return -1;
    if (n < 13 || s[6] != '-' || parse_hex6(s + 7) < 0)
        return is_blank(s[6]) ? 0 : -1;     /* MA-L: "002272     (base 16)" */
    long hi = parse_hex6(s + 7);
    if (lo == 0 && hi == 0xFFFFFF)
        return 0;
    if ((lo & 0xFFFFF) == 0 && hi == (lo | 0xFFFFF)) {
        e->prefix = e->prefix << 4 | (uint64_t)lo >> 20;
        e->bits = 28;
    } else if ((lo & 0xFFF) == 0 && hi == (lo | 0xFFF)) {
        e->prefix = e->prefix << 12 | (uint64_t)lo >> 12;
        e->bits = 36;
    } else {
        return -1;
    }
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const oui_entry *x = a, *y = b;
    if (x->bits != y->bits)
        return x->bits < y->bits ? -1 : 1;
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
        if (w == 0 || t->e[w - 1].prefix != t->e[i].prefix || t->e[w - 1].bits != t->e[i].bits)
            t->e[w++] = t->e[i];
    t->n = w;
}

/* One line: a "(hex)" entry, or the "(base 16)" twin right after one. */
static int parse_line(as_oui *t, const char *s, size_t n, int *open, const char *name,
                      unsigned line, char *err, size_t errlen)
{
    const char *tag = find_hex_tag(s, n);
    if (tag) {
        *open = add_line(t, s, n, tag, name, line, err, errlen) == 0;
        return *open ? 0 : -1;
    }
    if (*open && find_tag(s, n, "(base 16)", 32)) {
        *open = 0;
        if (refine(&t->e[t->n - 1], s, n) == 0)
            return 0;
        snprintf(err, errlen, "%s:%u: a \"(base 16)\" range must be XXXXXX-XXXXXX covering a "
                 "28 or 36-bit block", name, line);
        return -1;
    }
    *open = 0;
    return 0;
}

/* Adds one registry text to t. */
static int parse_into(as_oui *t, const char *text, size_t len, const char *name, char *err,
                      size_t errlen)
{
    /* Names are copied from the text, so the pool never needs more than the texts. */
    if (t->pool_cap - t->used < len + 1) {
        char *np = realloc(t->pool, t->used + len + 1);
        if (!np) {
            snprintf(err, errlen, "%s: out of memory", name);
            return -1;
        }
        t->pool = np;
        t->pool_cap = t->used + len + 1;
    }
    unsigned line = 0;
    int open = 0;
    for (size_t pos = 0; pos < len;) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        line++;
        if (memchr(s, '\0', n)) {
            snprintf(err, errlen, "%s:%u: NUL byte (not a text file)", name, line);
            return -1;
        }
        if (parse_line(t, s, n, &open, name, line, err, errlen) < 0)
            return -1;
    }
    return 0;
}

as_oui *as_oui_new(void)
{
    return calloc(1, sizeof(as_oui));
}

int as_oui_add(as_oui *t, const char *text, size_t len, const char *name, char *err,
               size_t errlen)
{
    size_t n0 = t->n, used0 = t->used;
    if (parse_into(t, text, len, name, err, errlen) < 0) {
        t->n = n0;                  /* a bad file adds nothing */
        t->used = used0;
        return -1;
    }
    dedupe(t);
    return 0;
}

int as_oui_parse(as_oui **out, const char *text, size_t len, const char *name,
                 char *err, size_t errlen)
{
    *out = NULL;
    as_oui *t = as_oui_new();
    if (!t) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    if (as_oui_add(t, text, len, name, err, errlen) < 0) {
        as_oui_free(t);
        return -1;
    }
    *out = t;
    return 0;
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

static const oui_entry *find(const as_oui *t, uint8_t bits, uint64_t key)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const oui_entry *e = &t->e[mid];
        if (e->bits < bits || (e->bits == bits && e->prefix < key))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->e[lo].bits == bits && t->e[lo].prefix == key ? &t->e[lo] : NULL;
}

const char *as_oui_lookup(const as_oui *t, const uint8_t mac[6])
{
    if (!t || t->n == 0 || (mac[0] & 0x02))
        return NULL;
    uint64_t m = 0;
    for (int i = 0; i < 6; i++)
        m = m << 8 | mac[i];
    static const uint8_t widths[] = {36, 28, 24};     /* longest prefix first */
    for (size_t i = 0; i < sizeof widths; i++) {
        const oui_entry *e = find(t, widths[i], m >> (48 - widths[i]));
        if (e)
            return t->pool + e->name;
    }
    return NULL;
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

