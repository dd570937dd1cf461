/* targets_spec.c — one target spec string to an interval or per-octet value sets (dotted
 * quads, CIDR, nmap octet ranges and lists, hostnames), and splitting lists of specs. */
#include "engine/targets_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

typedef struct parser {
    const char *s;      /* the whole spec, for messages */
    size_t i;           /* cursor */
    size_t end;         /* end of the address part: the '/' or the terminating NUL */
    const char *label;  /* "target" or "exclude" */
    char *err;
    size_t errlen;
} parser;

/* Specs come from files and fuzzers: quote them so control bytes cannot reach a terminal. */
static void quote(const char *s, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 5 < outlen; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i >= 200) {
            o += (size_t)snprintf(out + o, outlen - o, "...");
            break;
        }
        if (isprint(c) && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
    }
    out[o < outlen ? o : outlen - 1] = '\0';
}

/* "bad LABEL 'SPEC': WHAT at position POS" — pos is 0-based here, 1-based in the text. */
static int fail_at(parser *p, size_t pos, const char *fmt, ...)
{
    char what[256], q[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    quote(p->s, q, sizeof q);
    snprintf(p->err, p->errlen, "bad %s '%s': %s at position %zu", p->label, q, what, pos + 1);
    return -1;
}

static int fail_char(parser *p, size_t pos)
{
    unsigned char c = (unsigned char)p->s[pos];
    if (isprint(c) && c != '\\' && c != '\'')
        return fail_at(p, pos, "unexpected character '%c'", c);
    return fail_at(p, pos, "unexpected character '\\x%02x'", c);
}

static int at_end(const parser *p)
{
    return p->i >= p->end;
}

static char cur(const parser *p)
{
    return at_end(p) ? '\0' : p->s[p->i];
}

/* Reads decimal digits. Values are checked against 0-255 here so that no digit string,
 * however long, can overflow; the message quotes the digits as written. */
static int read_num(parser *p, unsigned *val)
{
    size_t start = p->i;
    unsigned v = 0;
    while (!at_end(p) && isdigit((unsigned char)p->s[p->i])) {
        if (v <= 255)
            v = v * 10 + (unsigned)(p->s[p->i] - '0');
        p->i++;
    }
    if (v > 255) {
        size_t n = p->i - start;
        return fail_at(p, start, "octet value %.*s%s out of range (0-255)",
                       (int)(n > 12 ? 12 : n), p->s + start, n > 12 ? "..." : "");
    }
    *val = v;
    return 0;
}

static int item_done(const parser *p)
{
    char c = cur(p);
    return c == '\0' || c == ',' || c == '.';
}

/* One list item: '*', N, N-M, -M, N- or '-' (the last three as nmap: open ends are 0 / 255). */
static int parse_item(parser *p, as_octset *set)
{
    size_t start = p->i;
    unsigned lo = 0, hi = 255;
    if (cur(p) == '*') {
        p->i++;
    } else {
        if (isdigit((unsigned char)cur(p))) {
            if (read_num(p, &lo) != 0)
                return -1;
            hi = lo;
        }
        if (cur(p) == '-') {
            p->i++;
            hi = 255;
            if (isdigit((unsigned char)cur(p)) && read_num(p, &hi) != 0)
                return -1;
        } else if (p->i == start) {
            return fail_char(p, p->i);
        }
    }
    if (!item_done(p))
        return fail_char(p, p->i);
    if (lo > hi)
        return fail_at(p, start, "range %u-%u is backwards (start above end)", lo, hi);
    as_octset_add_range(set, lo, hi);
    return 0;
}

static int parse_octet(parser *p, as_octset *set)
{
    memset(set, 0, sizeof *set);
    if (item_done(p))
        return fail_at(p, p->i, "empty octet");
    for (;;) {
        if (parse_item(p, set) != 0)
            return -1;
        if (cur(p) != ',')
            return 0;
        p->i++;
        if (item_done(p))
            return fail_at(p, p->i, "empty list item");
    }
}

static int parse_octets(parser *p, as_octset oct[4])
{
    for (int k = 0; k < 4; k++) {
        if (parse_octet(p, &oct[k]) != 0)
            return -1;
        if (k < 3) {
            if (at_end(p))
                return fail_at(p, p->i, "too few octets (expected 4)");
            p->i++;     /* the '.' — parse_item stops only at '.', ',' or the end */
        } else if (!at_end(p)) {
            return fail_at(p, p->i, "too many octets (expected 4)");
        }
    }
    return 0;
}

static int is_single(const as_octset oct[4], uint32_t *ip)
{
    uint32_t a = 0;
    for (int k = 0; k < 4; k++) {
        int n = 0;
        unsigned val = 0;
        for (int w = 0; w < 4; w++)
            n += __builtin_popcountll(oct[k].w[w]);
        if (n != 1)
            return 0;
        for (unsigned v = 0; v < 256; v++)
            if (as_octset_has(&oct[k], v))
                val = v;
        a = (a << 8) | val;
    }
    *ip = a;
    return 1;
}

/* After '/': 0-32 decimal digits to the end of the spec. */
static int parse_prefix(parser *p, unsigned *bits)
{
    size_t start = p->end + 1, i = start;
    unsigned v = 0;
    if (!isdigit((unsigned char)p->s[i]))
        return fail_at(p, i, "expected a prefix length (0-32)");
    while (isdigit((unsigned char)p->s[i])) {
        if (v <= 32)
            v = v * 10 + (unsigned)(p->s[i] - '0');
        i++;
    }
    if (p->s[i] != '\0')
        return fail_char(p, i);
    if (v > 32)
        return fail_at(p, start, "prefix length %.*s out of range (0-32)",
                       (int)(i - start > 12 ? 12 : i - start), p->s + start);
    *bits = v;
    return 0;
}

static void set_cidr(as_spec *out, uint32_t ip, unsigned bits)
{
    uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
    out->kind = AS_SPEC_RANGE;
    out->lo = ip & mask;
    out->hi = out->lo | ~mask;
}

/* RFC 1123 2.1: a top-level label is never all-numeric, so a spec whose last label starts
 * with a letter is a name; anything else is parsed as numeric and errors point at the fault. */
static int looks_like_name(const parser *p)
{
    size_t e = p->end;
    if (e > 0 && p->s[e - 1] == '.')
        e--;
    size_t b = e;
    while (b > 0 && p->s[b - 1] != '.')
        b--;
    return b < e && (isalpha((unsigned char)p->s[b]) || p->s[b] == '_');
}

static int check_name(parser *p)
{
    size_t label = 0;
    if (p->end > 253)
        return fail_at(p, 253, "hostname longer than 253 characters");
    for (size_t i = 0; i < p->end; i++) {
        unsigned char c = (unsigned char)p->s[i];
        if (c == '.') {
            if (label == 0)
                return fail_at(p, i, "empty label in hostname");
            label = 0;
        } else if (isalnum(c) || c == '-' || c == '_') {
            if (++label > 63)
                return fail_at(p, i, "hostname label longer than 63 characters");
        } else {
            return fail_char(p, i);
        }
    }
    return 0;
}

/* nmap also resolves a name to its first A record only; the remaining addresses of a
 * round-robin name are not scanned. */
static int resolve_name(parser *p, int resolve, uint32_t *ip)
{
    char name[256], q[1024];
    memcpy(name, p->s, p->end);
    name[p->end] = '\0';
    quote(name, q, sizeof q);
    if (!resolve) {
        snprintf(p->err, p->errlen, "cannot resolve '%s': hostname lookups disabled", q);
        return -1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0 || res == NULL) {
        const char *why = rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
        snprintf(p->err, p->errlen, "cannot resolve '%s': %s", q, rc ? why : "no address");
        if (res)
            freeaddrinfo(res);
        return -1;
    }
    const struct sockaddr_in *sin = (const struct sockaddr_in *)res->ai_addr;
    *ip = ntohl(sin->sin_addr.s_addr);
    freeaddrinfo(res);
    return 0;
}

/* Anything with a double colon, several colons or a bracket is an IPv6 literal to us. */
static int looks_like_ipv6(const char *s)
{
    const char *c = strchr(s, ':');
    return s[0] == '[' || (c && strchr(c + 1, ':'));
}

static int parse_address(parser *p, int resolve, as_spec *out)
{
    uint32_t ip;
    if (looks_like_name(p)) {
        if (check_name(p) != 0 || resolve_name(p, resolve, &ip) != 0)
            return -1;
        out->kind = AS_SPEC_RANGE;
        out->lo = out->hi = ip;
        return 0;
    }
    if (parse_octets(p, out->oct) != 0)
        return -1;
    out->kind = AS_SPEC_OCTETS;
    if (is_single(out->oct, &ip)) {
        out->kind = AS_SPEC_RANGE;
        out->lo = out->hi = ip;
    }
    return 0;
}

int as_spec_parse(const char *spec, int resolve, const char *label, as_spec *out,
                  char *err, size_t errlen)
{
    parser p = {spec, 0, strlen(spec), label, err, errlen};
    const char *slash = strchr(spec, '/');
    memset(out, 0, sizeof *out);
    if (strspn(spec, " \t\r\n\v\f") == p.end) {
        char q[1024];
        quote(spec, q, sizeof q);
        snprintf(err, errlen, "bad %s '%s': empty spec", label, q);
        return -1;
    }
    if (looks_like_ipv6(spec))
        return fail_at(&p, 0, "IPv6 not supported yet");
    if (slash)
        p.end = (size_t)(slash - spec);
    if (parse_address(&p, resolve, out) != 0)
        return -1;
    if (!slash)
        return 0;
    unsigned bits = 32;
    if (parse_prefix(&p, &bits) != 0)
        return -1;
    if (out->kind != AS_SPEC_RANGE || out->lo != out->hi)
        return fail_at(&p, p.end, "a prefix length needs a single address, not a range");
    set_cidr(out, out->lo, bits);
    return 0;
}

/* ---- lists of specs ---- */

static int is_sep_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A comma inside "198.18.1.1,5" lists octet values; in "198.18.1.1,198.18.1.2" or
 * "a.example,b.example" it separates specs. It is a list comma only while the spec so far
 * is numeric and the item after the comma is a bare octet value: before the fourth octet
 * (fewer than three dots), or in the fourth when the item is not followed by a dot. */
static int comma_separates(const char *t, size_t start, size_t at, size_t len)
{
    int dots = 0;
    for (size_t i = start; i < at; i++) {
        if (!strchr("0123456789.*-,", t[i]))
            return 1;
        dots += t[i] == '.';
    }
    size_t k = at + 1;
    if (k >= len || is_sep_space(t[k]) || t[k] == ',')
        return 1;
    if (dots < 3)
        return 0;
    for (; k < len && !is_sep_space(t[k]) && t[k] != ',' && t[k] != '.'; k++)
        if (isalpha((unsigned char)t[k]))
            return 1;
    return k < len && t[k] == '.';
}

int as_spec_split(const char *text, size_t len, as_spec_fn fn, void *ctx)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (is_sep_space(text[i]) || text[i] == ','))
            i++;
        if (i >= len)
            break;
        size_t j = i;
        while (j < len && !is_sep_space(text[j]) &&
               !(text[j] == ',' && comma_separates(text, i, j, len)))
            j++;
        int rc = fn(ctx, text + i, j - i);
        if (rc != 0)
            return rc;
        i = j;
    }
    return 0;
}
