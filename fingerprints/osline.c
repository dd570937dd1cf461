/* osline.c — the names of nmap's OS-detection test lines and their attributes, and the
 * tokenizer for one test line "NAME(A=V%B=W)" shared by the database and subject parsers. */
#include "fingerprints/osfp_internal.h"

#include <stdio.h>
#include <string.h>

static const char *const test_names[AS_OST_COUNT] = {
    "SEQ", "OPS", "WIN", "ECN", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "U1", "IE",
};

/* Attribute lists in nmap's print order (https://nmap.org/book/osdetect-methods.html).
 * SEQ, OPS and WIN have no R in a subject, but database entries write "SEQ(R=N)" for a host
 * that never answered those probes, so R is accepted everywhere. */
static const char *const seq_attrs[] = {"R", "SP", "GCD", "ISR", "TI", "CI", "II", "SS", "TS"};
static const char *const ops_attrs[] = {"R", "O1", "O2", "O3", "O4", "O5", "O6"};
static const char *const win_attrs[] = {"R", "W1", "W2", "W3", "W4", "W5", "W6"};
static const char *const ecn_attrs[] = {"R", "DF", "T", "TG", "W", "O", "CC", "Q"};
static const char *const t1_attrs[] = {"R", "DF", "T", "TG", "S", "A", "F", "RD", "Q"};
static const char *const tn_attrs[] = {"R", "DF", "T", "TG", "W", "S", "A", "F", "O", "RD", "Q"};
static const char *const u1_attrs[] = {"R", "DF", "T", "TG", "IPL", "UN", "RIPL", "RID",
                                       "RIPCK", "RUCK", "RUD"};
static const char *const ie_attrs[] = {"R", "DFI", "T", "TG", "CD"};

#define LIST(a) {a, sizeof a / sizeof a[0]}
static const struct {
    const char *const *names;
    int n;
} attr_lists[AS_OST_COUNT] = {
    LIST(seq_attrs), LIST(ops_attrs), LIST(win_attrs), LIST(ecn_attrs), LIST(t1_attrs),
    LIST(tn_attrs), LIST(tn_attrs), LIST(tn_attrs), LIST(tn_attrs), LIST(tn_attrs),
    LIST(tn_attrs), LIST(u1_attrs), LIST(ie_attrs),
};

const char *as_ostest_name(int test)
{
    return test >= 0 && test < AS_OST_COUNT ? test_names[test] : NULL;
}

int as_ostest_lookup(const char *name, size_t len)
{
    for (int t = 0; t < AS_OST_COUNT; t++)
        if (strlen(test_names[t]) == len && memcmp(test_names[t], name, len) == 0)
            return t;
    return -1;
}

int as_osattr_count(int test)
{
    return test >= 0 && test < AS_OST_COUNT ? attr_lists[test].n : 0;
}

const char *as_osattr_name(int test, int attr)
{
    if (attr < 0 || attr >= as_osattr_count(test))
        return NULL;
    return attr_lists[test].names[attr];
}

int as_osattr_lookup(int test, const char *name, size_t len)
{
    for (int a = 0; a < as_osattr_count(test); a++) {
        const char *s = attr_lists[test].names[a];
        if (strlen(s) == len && memcmp(s, name, len) == 0)
            return a;
    }
    return -1;
}

int os_value_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           c == '+';
}

int os_snip_len(size_t n)
{
    return n > 40 ? 40 : (int)n;
}

static int name_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* One "NAME=VALUE" segment [s, e) of test tn. */
static int parse_av(const char *s, const char *e, int tn, os_testline *tl, char *what,
                    size_t wlen)
{
    const char *eq = s;
    while (eq < e && name_char(*eq))
        eq++;
    const char *tname = as_ostest_name(tn);
    if (eq == s || eq == e || *eq != '=') {
        snprintf(what, wlen, "malformed attribute '%.*s' in %s (expected NAME=VALUE)",
                 os_snip_len((size_t)(e - s)), s, tname);
        return -1;
    }
    int a = as_osattr_lookup(tn, s, (size_t)(eq - s));
    if (a < 0) {
        snprintf(what, wlen, "unknown attribute '%.*s' in %s", os_snip_len((size_t)(eq - s)),
                 s, tname);
        return -1;
    }
    for (size_t i = 0; i < tl->nav; i++) {
        if (tl->av[i].attr == a) {
            snprintf(what, wlen, "duplicate attribute '%s' in %s", as_osattr_name(tn, a), tname);
            return -1;
        }
    }
    tl->av[tl->nav].attr = a;   /* at most one per known attribute: never overflows */
    tl->av[tl->nav].v = eq + 1;
    tl->av[tl->nav].vlen = (size_t)(e - eq - 1);
    tl->nav++;
    return 0;
}

const char *os_parse_testline(const char *p, const char *end, int allow_scan, os_testline *tl,
                              char *what, size_t wlen, const char **at)
{
    *at = p;
    const char *n = p;
    while (n < end && name_char(*n))
        n++;
    memset(tl, 0, sizeof *tl);
    tl->test = as_ostest_lookup(p, (size_t)(n - p));
    if (tl->test < 0 && allow_scan && n - p == 4 && memcmp(p, "SCAN", 4) == 0)
        tl->test = OS_TEST_SCAN;
    if (tl->test < 0) {
        snprintf(what, wlen, "unknown test '%.*s'", os_snip_len((size_t)(n - p)), p);
        return NULL;
    }
    const char *tname = tl->test == OS_TEST_SCAN ? "SCAN" : as_ostest_name(tl->test);
    if (n == end || *n != '(') {
        snprintf(what, wlen, "expected '(' after %s", tname);
        return NULL;
    }
    const char *body = n + 1, *close = memchr(body, ')', (size_t)(end - body));
    if (!close) {
        snprintf(what, wlen, "unterminated parenthesis in %s(", tname);
        return NULL;
    }
    tl->body = body;
    tl->bodylen = (size_t)(close - body);
    if (tl->test == OS_TEST_SCAN || close == body)
        return close + 1;
    for (const char *s = body; s <= close;) {
        const char *pct = memchr(s, '%', (size_t)(close - s));
        const char *e = pct ? pct : close;
        if (parse_av(s, e, tl->test, tl, what, wlen) != 0) {
            *at = s;
            return NULL;
        }
        s = e + 1;
    }
    return close + 1;
}
