/* osexpr.c — reference-fingerprint expressions: matching a concrete value, checking an
 * expression at load time, and producing a value that satisfies one (for tests).
 *
 * Semantics follow the published description (nmap book, "Test expressions") and the
 * behaviour table in nmap's tests/expr_match_test.cc: alternatives split on '|' outside
 * brackets; an empty alternative matches only an empty value; hex numbers compare as numbers
 * ("0A" = "A"), of any length; ">N", "<N" and "LO-HI" need a hex value; anything else is an
 * exact string; a bracket group inside a literal ("M[>500]S") matches the longest run of hex
 * digits at that place. */
#include "fingerprints/osfp_internal.h"

#include <stdio.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int all_hex(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (hexval(s[i]) < 0)
            return 0;
    return 1;
}

/* Numeric comparison of two hex strings of any length: <0, 0, >0. */
static int hexcmp(const char *a, size_t an, const char *b, size_t bn)
{
    while (an > 1 && a[0] == '0')
        a++, an--;
    while (bn > 1 && b[0] == '0')
        b++, bn--;
    if (an != bn)
        return an < bn ? -1 : 1;
    for (size_t i = 0; i < an; i++) {
        int x = hexval(a[i]), y = hexval(b[i]);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

/* End of the alternative starting at p: the next '|' outside brackets, or end. */
static const char *alt_end(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']' && depth > 0)
            depth--;
        else if (*p == '|' && depth == 0)
            return p;
    }
    return end;
}

/* A numeric alternative (N, LO-HI, >N, <N) against a hex value; -1 if malformed. */
static int num_alt(const char *a, size_t an, const char *v, size_t vn)
{
    if (an > 0 && (a[0] == '>' || a[0] == '<')) {
        if (!all_hex(a + 1, an - 1))
            return -1;
        int c = hexcmp(v, vn, a + 1, an - 1);
        return a[0] == '>' ? c > 0 : c < 0;
    }
    const char *dash = memchr(a, '-', an);
    if (dash) {
        size_t lo = (size_t)(dash - a), hi = an - lo - 1;
        if (!all_hex(a, lo) || !all_hex(dash + 1, hi))
            return -1;
        return hexcmp(v, vn, a, lo) >= 0 && hexcmp(v, vn, dash + 1, hi) <= 0;
    }
    if (!all_hex(a, an))
        return -1;
    return hexcmp(v, vn, a, an) == 0;
}

/* A bracket group's alternatives "1|5-9|>A" against a run of hex digits. */
static int group_match(const char *g, size_t gn, const char *v, size_t vn)
{
    const char *p = g, *end = g + gn;
    for (;;) {
        const char *q = memchr(p, '|', (size_t)(end - p));
        const char *e = q ? q : end;
        if (num_alt(p, (size_t)(e - p), v, vn) == 1)
            return 1;
        if (!q)
            return 0;
        p = q + 1;
    }
}

static int pattern_match(const char *a, size_t an, const char *v, size_t vn)
{
    size_t i = 0, j = 0;
    while (i < an) {
        if (a[i] != '[') {
            if (j >= vn || a[i] != v[j])
                return 0;
            i++, j++;
            continue;
        }
        const char *close = memchr(a + i, ']', an - i);
        size_t run = 0;
        while (j + run < vn && hexval(v[j + run]) >= 0)
            run++;
        if (!close || run == 0)
            return 0;
        size_t k = (size_t)(close - a);
        if (!group_match(a + i + 1, k - i - 1, v + j, run))
            return 0;
        i = k + 1;
        j += run;
    }
    return j == vn;
}

static int alt_match(const char *a, size_t an, const char *v, size_t vn)
{
    if (an == 0 || vn == 0)
        return an == vn;
    if (memchr(a, '[', an))
        return pattern_match(a, an, v, vn);
    if (a[0] == '>' || a[0] == '<' || memchr(a, '-', an))
        return all_hex(v, vn) && num_alt(a, an, v, vn) == 1;
    if (all_hex(a, an) && all_hex(v, vn))
        return hexcmp(a, an, v, vn) == 0;
    return an == vn && memcmp(a, v, an) == 0;
}

int as_osexpr_match(const char *expr, const char *value)
{
    if (!expr || !value)
        return 0;
    const char *p = expr, *end = expr + strlen(expr);
    size_t vn = strlen(value);
    for (;;) {
        const char *e = alt_end(p, end);
        if (alt_match(p, (size_t)(e - p), value, vn))
            return 1;
        if (e == end)
            return 0;
        p = e + 1;
    }
}

/* ---- load-time checking ---- */

static int bad(char *err, size_t errlen, const char *what, const char *a, size_t an)
{
    snprintf(err, errlen, "%s '%.*s'", what, os_snip_len(an), a);
    return -1;
}

static int check_num(const char *a, size_t an, char *err, size_t errlen)
{
    if (an > 0 && (a[0] == '>' || a[0] == '<'))
        return all_hex(a + 1, an - 1) ? 0 : bad(err, errlen, "comparison needs a hex number:", a, an);
    const char *dash = memchr(a, '-', an);
    if (dash) {
        size_t lo = (size_t)(dash - a), hi = an - lo - 1;
        if (!all_hex(a, lo) || !all_hex(dash + 1, hi))
            return bad(err, errlen, "bad range", a, an);
        if (hexcmp(a, lo, dash + 1, hi) > 0)
            return bad(err, errlen, "backwards range", a, an);
        return 0;
    }
    return all_hex(a, an) ? 0 : bad(err, errlen, "not a hex number:", a, an);
}

static int check_group(const char *g, size_t gn, char *err, size_t errlen)
{
    const char *p = g, *end = g + gn;
    for (;;) {
        const char *q = memchr(p, '|', (size_t)(end - p));
        const char *e = q ? q : end;
        if (e == p)
            return bad(err, errlen, "empty alternative in bracket group", g, gn);
        if (check_num(p, (size_t)(e - p), err, errlen) != 0)
            return -1;
        if (!q)
            return 0;
        p = q + 1;
    }
}

static int check_literal(const char *a, size_t an, char *err, size_t errlen)
{
    for (size_t i = 0; i < an; i++) {
        if (a[i] == '[') {
            const char *close = memchr(a + i, ']', an - i);
            const char *open = memchr(a + i + 1, '[', an - i - 1);
            if (!close || (open && open < close))
                return bad(err, errlen, "unterminated '[' in", a, an);
            size_t k = (size_t)(close - a);
            if (check_group(a + i + 1, k - i - 1, err, errlen) != 0)
                return -1;
            i = k;
        } else if (!os_value_char(a[i])) {
            char what[32];
            snprintf(what, sizeof what, "bad character '%c' in", a[i]);
            if ((unsigned char)a[i] < 0x20 || (unsigned char)a[i] >= 0x7f)
                snprintf(what, sizeof what, "bad character 0x%02x in", (unsigned char)a[i]);
            return bad(err, errlen, what, a, an);
        }
    }
    return 0;
}

int as_osexpr_check(const char *expr, char *err, size_t errlen)
{
    const char *p = expr, *end = expr + strlen(expr);
    for (;;) {
        const char *e = alt_end(p, end);
        size_t an = (size_t)(e - p);
        int rc = 0;
        if (an > 0 && !memchr(p, '[', an) && (p[0] == '>' || p[0] == '<' || memchr(p, '-', an)))
            rc = check_num(p, an, err, errlen);
        else
            rc = check_literal(p, an, err, errlen);
        if (rc != 0)
            return -1;
        if (e == end)
            return 0;
        p = e + 1;
    }
}

/* ---- examples ---- */

/* A hex string plus (+1) or minus (-1) one, without leading zeros; -1 if below zero or too
 * long for out. */
static int hex_step(const char *a, size_t an, int step, char *out, size_t cap)
{
    static const char digits[] = "0123456789ABCDEF";
    char t[130];
    while (an > 1 && a[0] == '0')
        a++, an--;
    if (an + 2 > sizeof t || (step < 0 && an == 1 && a[0] == '0'))
        return -1;
    t[0] = '0';
    for (size_t i = 0; i < an; i++)
        t[i + 1] = digits[hexval(a[i])];
    size_t n = an + 1;
    for (size_t i = n; i-- > 0;) {
        int d = hexval(t[i]) + step;
        int carry = d > 15 || d < 0;
        t[i] = digits[(d + 16) % 16];
        if (!carry)
            break;
    }
    size_t s = 0;
    while (s + 1 < n && t[s] == '0')
        s++;
    if (n - s + 1 > cap)
        return -1;
    memcpy(out, t + s, n - s);
    out[n - s] = '\0';
    return (int)(n - s);
}

/* Writes a number satisfying one numeric alternative; returns its length or -1. */
static int num_example(const char *a, size_t an, char *out, size_t cap)
{
    if (check_num(a, an, NULL, 0) != 0)
        return -1;
    if (a[0] == '>' || a[0] == '<')
        return hex_step(a + 1, an - 1, a[0] == '>' ? 1 : -1, out, cap);
    const char *dash = memchr(a, '-', an);
    size_t n = dash ? (size_t)(dash - a) : an;
    if (n + 1 > cap)
        return -1;
    memcpy(out, a, n);
    out[n] = '\0';
    return (int)n;
}

static int group_example(const char *g, size_t gn, char *out, size_t cap)
{
    const char *p = g, *end = g + gn;
    for (;;) {
        const char *q = memchr(p, '|', (size_t)(end - p));
        const char *e = q ? q : end;
        int n = e > p ? num_example(p, (size_t)(e - p), out, cap) : -1;
        if (n >= 0 || !q)
            return n;
        p = q + 1;
    }
}

static int alt_example(const char *a, size_t an, char *buf, size_t len)
{
    char err[8];
    if (an > 0 && !memchr(a, '[', an) && (a[0] == '>' || a[0] == '<' || memchr(a, '-', an)))
        return num_example(a, an, buf, len) >= 0 ? 0 : -1;
    if (check_literal(a, an, err, sizeof err) != 0)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < an; i++) {
        if (a[i] != '[') {
            if (o + 1 >= len)
                return -1;
            buf[o++] = a[i];
            continue;
        }
        /* check_literal made sure the group is closed */
        size_t k = (size_t)((const char *)memchr(a + i, ']', an - i) - a);
        int n = group_example(a + i + 1, k - i - 1, buf + o, len - o);
        if (n < 0)
            return -1;
        o += (size_t)n;
        i = k;
    }
    if (o >= len)
        return -1;
    buf[o] = '\0';
    return 0;
}

int as_osexpr_example(const char *expr, char *buf, size_t len)
{
    if (!expr || !buf || len == 0)
        return -1;
    const char *p = expr, *end = expr + strlen(expr);
    for (;;) {
        const char *e = alt_end(p, end);
        /* A group followed by a hex literal ("[1-9]A") can produce a value the greedy
         * matcher reads differently: only return what really matches. */
        if (alt_example(p, (size_t)(e - p), buf, len) == 0 &&
            alt_match(p, (size_t)(e - p), buf, strlen(buf)))
            return 0;
        if (e == end)
            return -1;
        p = e + 1;
    }
}
