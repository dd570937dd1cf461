/* os_tests.c — nmap's second-generation test definitions computed from our replies
 * (definitions from nmap's documentation, "TCP/IP Fingerprinting Methods Supported by
 * Nmap"; our own code). Values print as upper-case hex without leading zeros. */
#include "fingerprints/os_tests.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct buf {
    char *p;
    size_t len, cap;
    int overflow;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len)
        b->overflow = 1;
    else
        b->len += (size_t)n;
}

/* One attribute "NAME=VALUE", with '%' between attributes of a line. */
static void attr(buf *b, int *first, const char *name, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void attr(buf *b, int *first, const char *name, const char *fmt, ...)
{
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    put(b, "%s%s=%s", *first ? "" : "%", name, v);
    *first = 0;
}

/* Appends one option's code; 0, or -1 when it does not fit (the string stays whole). */
static int opt_put(char *out, size_t outlen, size_t *n, const char *fmt, unsigned v1, unsigned v2)
{
    int w = snprintf(out + *n, outlen - *n, fmt, v1, v2);
    if (w < 0 || *n + (size_t)w >= outlen) {
        out[*n] = '\0';
        return -1;
    }
    *n += (size_t)w;
    return 0;
}

void as_os_options_string(const uint8_t *o, size_t len, char *out, size_t outlen)
{
    size_t n = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < len;) {
        uint8_t kind = o[i];
        int rc = 0;
        if (kind == 0) {
            opt_put(out, outlen, &n, "L", 0, 0);
            break;
        }
        if (kind == 1) {
            if (opt_put(out, outlen, &n, "N", 0, 0) != 0)
                break;
            i++;
            continue;
        }
        if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
            break;  /* malformed: stop where the layout stops making sense */
        uint8_t olen = o[i + 1];
        if (kind == 2 && olen == 4)
            rc = opt_put(out, outlen, &n, "M%X", (unsigned)((o[i + 2] << 8) | o[i + 3]), 0);
        else if (kind == 3 && olen == 3)
            rc = opt_put(out, outlen, &n, "W%X", o[i + 2], 0);
        else if (kind == 4)
            rc = opt_put(out, outlen, &n, "S", 0, 0);
        else if (kind == 8 && olen == 10)
            rc = opt_put(out, outlen, &n, "T%u%u", as_get32(o + i + 2) != 0, as_get32(o + i + 6) != 0);
        if (rc != 0)
            break;
        i += olen;
    }
}

const char *as_os_ipid_class(const uint16_t *ids, size_t n, int allow_rd, char *b, size_t blen)
{
    int all_zero = 1, all_same = 1, all_256 = 1, all_small = 1, rd = 0, ri = 0;
    for (size_t i = 0; i < n; i++) {
        all_zero &= ids[i] == 0;
        all_same &= ids[i] == ids[0];
    }
    if (all_zero)
        return "Z";
    for (size_t i = 1; i < n; i++) {
        uint32_t d = (uint16_t)(ids[i] - ids[i - 1]);
        if (d >= 20000)
            rd = 1;
        if (d > 1000 && d % 256 != 0)
            ri = 1;
        if (d % 256 != 0 || d > 5120)
            all_256 = 0;
        if (d >= 10)
            all_small = 0;
    }
    if (allow_rd && rd)
        return "RD";
    if (all_same) {
        snprintf(b, blen, "%X", ids[0]);
        return b;
    }
    if (ri)
        return "RI";
    if (all_256)
        return "BI";
    if (all_small)
        return "I";
    return NULL;
}

static uint32_t seq_diff(uint32_t a, uint32_t b)
{
    uint32_t up = b - a, down = a - b;
    return up < down ? up : down;
}

static uint32_t gcd32(uint32_t a, uint32_t b)
{
    while (b != 0) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* SEQ: ISN arithmetic (GCD, ISR, SP), IP ID classes (TI, CI, II, SS), timestamps (TS). */
static void seq_isn(buf *b, int *first, const as_os_observation *o)
{
    const as_osreply *r = o->r;
    uint32_t isn[6];
    uint64_t t[6];
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        if (r[i].present && (r[i].tcp_flags & 0x12) == 0x12) {
            isn[n] = r[i].seq;
            t[n++] = o->sent_us[i];
        }
    if (n < 2)
        return;
    uint32_t g = 0;
    double rates[6], sum = 0;
    for (size_t i = 1; i < n; i++) {
        uint32_t d = seq_diff(isn[i - 1], isn[i]);
        g = gcd32(g, d);
        double secs = (double)(t[i] - t[i - 1]) / 1e6;
        rates[i - 1] = secs > 0 ? d / secs : 0;
        sum += rates[i - 1];
    }
    double avg = sum / (double)(n - 1);
    if (n >= 4) {
        double mean = 0, var = 0;
        for (size_t i = 0; i + 1 < n; i++)
            mean += (g > 9 ? rates[i] / g : rates[i]) / (double)(n - 1);
        for (size_t i = 0; i + 1 < n; i++) {
            double v = (g > 9 ? rates[i] / g : rates[i]) - mean;
            var += v * v / (double)(n - 1);
        }
        double sd = sqrt(var);
        attr(b, first, "SP", "%X", sd <= 1 ? 0u : (unsigned)lround(8 * log2(sd)));
    }
    attr(b, first, "GCD", "%X", g);
    attr(b, first, "ISR", "%X", avg < 1 ? 0u : (unsigned)lround(8 * log2(avg)));
}

static const char *class_of(const as_osreply *r, const int *idx, size_t k, int allow_rd, size_t min, char *bufp,
                            size_t blen, uint16_t *first_id, uint16_t *last_id)
{
    uint16_t ids[8];
    size_t n = 0;
    for (size_t i = 0; i < k; i++)
        if (r[idx[i]].present)
            ids[n++] = r[idx[i]].ip_id;
    if (n < min)
        return NULL;
    if (first_id)
        *first_id = ids[0];
    if (last_id)
        *last_id = ids[n - 1];
    return as_os_ipid_class(ids, n, allow_rd, bufp, blen);
}

static void seq_ipid(buf *b, int *first, const as_os_observation *o)
{
    static const int seq_idx[6] = {0, 1, 2, 3, 4, 5}, ci_idx[3] = {10, 11, 12}, ie_idx[2] = {14, 15};
    char tb[16], cb[16], ib[16];
    uint16_t tfirst = 0, tlast = 0, ifirst = 0;
    const char *ti = class_of(o->r, seq_idx, 6, 1, 3, tb, sizeof tb, &tfirst, &tlast);
    const char *ci = class_of(o->r, ci_idx, 3, 1, 2, cb, sizeof cb, NULL, NULL);
    const char *ii = class_of(o->r, ie_idx, 2, 0, 2, ib, sizeof ib, &ifirst, NULL);
    if (ti)
        attr(b, first, "TI", "%s", ti);
    if (ci)
        attr(b, first, "CI", "%s", ci);
    if (ii)
        attr(b, first, "II", "%s", ii);
    /* SS: do ICMP and TCP share one IP ID counter? Only when both increment. */
    if (ti && ii && strcmp(ti, ii) == 0 && (!strcmp(ti, "RI") || !strcmp(ti, "BI") || !strcmp(ti, "I"))) {
        int k = 0;
        for (int i = 0; i < 6; i++)
            k += o->r[i].present;
        double avg = k > 1 ? (double)(uint16_t)(tlast - tfirst) / (k - 1) : 0;
        attr(b, first, "SS", "%s", (double)(uint16_t)(ifirst - tlast) < 3 * avg ? "S" : "O");
    }
}

static int ts_value(const as_osreply *r, uint32_t *tsval)
{
    for (size_t i = 0; i < r->opts_len;) {
        uint8_t kind = r->opts[i];
        if (kind == 0)
            return 0;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= r->opts_len || r->opts[i + 1] < 2)
            return 0;
        if (kind == 8 && r->opts[i + 1] == 10 && i + 10 <= r->opts_len) {
            *tsval = as_get32(r->opts + i + 2);
            return 1;
        }
        i += r->opts[i + 1];
    }
    return 0;
}

static void seq_ts(buf *b, int *first, const as_os_observation *o)
{
    uint32_t ts[6];
    uint64_t t[6];
    size_t n = 0;
    for (int i = 0; i < 6; i++) {
        if (!o->r[i].present)
            continue;
        if (!ts_value(&o->r[i], &ts[n])) {
            attr(b, first, "TS", "U");
            return;
        }
        t[n++] = o->sent_us[i];
    }
    if (n < 2)
        return;
    double sum = 0;
    int backwards = 0;
    for (size_t i = 0; i < n; i++)
        if (ts[i] == 0) {
            attr(b, first, "TS", "0");
            return;
        }
    for (size_t i = 1; i < n; i++) {
        int32_t d = (int32_t)(ts[i] - ts[i - 1]);
        double secs = (double)(t[i] - t[i - 1]) / 1e6;
        if (d < 0)
            backwards = 1;
        double dv = o->nmap_ts ? (double)(uint32_t)(ts[i] - ts[i - 1]) : (double)d;
        sum += secs > 0 ? dv / secs : 0;
    }
    double avg = sum / (double)(n - 1);
    /* A per-connection random offset makes consecutive TSvals jump both ways by far more
     * than any clock ticks in 100 ms: that is a class of its own, not a clock rate. */
    if (!o->nmap_ts && (backwards || avg > 1e6)) {
        attr(b, first, "TS", "%s", AS_OS_TS_RANDOM);
        return;
    }
    if (avg <= 5.66)
        attr(b, first, "TS", "1");
    else if (avg >= 70 && avg <= 150)
        attr(b, first, "TS", "7");
    else if (avg > 150 && avg <= 350)
        attr(b, first, "TS", "8");
    else
        attr(b, first, "TS", "%X", (unsigned)lround(log2(avg)));
}

/* Hops to the target, from the TTL our U1 had when it arrived (quoted in the ICMP error). */
static int hop_distance(const as_os_observation *o)
{
    const as_osreply *u = &o->r[AS_OS_U1];
    if (!u->present || u->q_ttl == 0 || u->q_ttl > o->sent_ttl)
        return -1;
    return o->sent_ttl - u->q_ttl;
}

static void ttl_attrs(buf *b, int *first, const as_os_observation *o, const as_osreply *r)
{
    int hops = hop_distance(o);
    if (hops >= 0)
        attr(b, first, "T", "%X", r->ttl + hops);
    else
        attr(b, first, "TG", "%X", as_initial_ttl(r->ttl));
}

static void flags_string(uint8_t f, char *out)
{
    static const struct {
        uint8_t bit;
        char c;
    } order[] = {{0x40, 'E'}, {0x20, 'U'}, {0x10, 'A'}, {0x08, 'P'}, {0x04, 'R'}, {0x02, 'S'}, {0x01, 'F'}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (f & order[i].bit)
            out[n++] = order[i].c;
    out[n] = '\0';
}

static void quirks(const as_osreply *r, char *q)
{
    size_t n = 0;
    if (r->tcp_reserved != 0)
        q[n++] = 'R';
    if (r->urp != 0 && !(r->tcp_flags & 0x20))
        q[n++] = 'U';
    q[n] = '\0';
}

/* "NAME(" and, for an answered probe, R=Y, DF and the TTL; an unanswered one is the whole
 * line "NAME(R=N)". Returns 1 when the caller goes on with the line's own attributes. */
static int line_open(buf *b, int *first, const as_os_observation *o, const as_osreply *r, const char *name)
{
    *first = 1;
    put(b, "%s(", name);
    if (!r->present) {
        put(b, "R=N)\n");
        return 0;
    }
    attr(b, first, "R", "Y");
    attr(b, first, "DF", "%s", r->df ? "Y" : "N");
    ttl_attrs(b, first, o, r);
    return 1;
}

/* The O attribute of a TCP reply (its option layout). */
static void options_attr(buf *b, int *first, const as_osreply *r)
{
    char opt[64];
    as_os_options_string(r->opts, r->opts_len, opt, sizeof opt);
    attr(b, first, "O", "%s", opt);
}

/* The Q attribute, which ends every TCP line. */
static void quirks_attr_close(buf *b, int *first, const as_osreply *r)
{
    char q[4];
    quirks(r, q);
    attr(b, first, "Q", "%s", q);
    put(b, ")\n");
}

static void tcp_line(buf *b, const as_os_observation *o, int idx, const char *name, int t1)
{
    const as_osreply *r = &o->r[idx];
    int first;
    if (!line_open(b, &first, o, r, name))
        return;
    if (!t1)
        attr(b, &first, "W", "%X", r->win);
    uint32_t pseq = o->probe_seq[idx], pack = o->probe_ack[idx];
    attr(b, &first, "S", "%s", r->seq == 0 ? "Z" : r->seq == pack ? "A" : r->seq == pack + 1 ? "A+" : "O");
    attr(b, &first, "A", "%s", r->ack == 0 ? "Z" : r->ack == pseq ? "S" : r->ack == pseq + 1 ? "S+" : "O");
    char f[8];
    flags_string(r->tcp_flags, f);
    attr(b, &first, "F", "%s", f);
    if (!t1)
        options_attr(b, &first, r);
    attr(b, &first, "RD", "%X", r->rd_crc);
    quirks_attr_close(b, &first, r);
}

static void ecn_line(buf *b, const as_os_observation *o)
{
    const as_osreply *r = &o->r[AS_OS_ECN];
    int first;
    if (!line_open(b, &first, o, r, "ECN"))
        return;
    attr(b, &first, "W", "%X", r->win);
    options_attr(b, &first, r);
    int ece = (r->tcp_flags & 0x40) != 0, cwr = (r->tcp_flags & 0x80) != 0;
    attr(b, &first, "CC", "%s", ece && cwr ? "S" : ece ? "Y" : cwr ? "O" : "N");
    quirks_attr_close(b, &first, r);
}

static void u1_line(buf *b, const as_os_observation *o)
{
    const as_osreply *r = &o->r[AS_OS_U1];
    int first;
    if (!line_open(b, &first, o, r, "U1"))
        return;
    attr(b, &first, "IPL", "%X", r->ip_len);
    attr(b, &first, "UN", "%X", r->icmp_rest);
    if (r->q_ip_len == AS_OS_U1_IPLEN)
        attr(b, &first, "RIPL", "G");
    else
        attr(b, &first, "RIPL", "%X", r->q_ip_len);
    if (r->q_ip_id == AS_OS_U1_IPID)
        attr(b, &first, "RID", "G");
    else
        attr(b, &first, "RID", "%X", r->q_ip_id);
    attr(b, &first, "RIPCK", "%c", r->q_ipck ? r->q_ipck : 'I');
    if (r->q_udp_csum == o->u1_udp_csum)
        attr(b, &first, "RUCK", "G");
    else
        attr(b, &first, "RUCK", "%X", r->q_udp_csum);
    attr(b, &first, "RUD", "%c", r->q_data ? r->q_data : 'I');
    put(b, ")\n");
}

static void ie_line(buf *b, const as_os_observation *o)
{
    const as_osreply *a = &o->r[AS_OS_IE1], *c = &o->r[AS_OS_IE2];
    int first = 1;
    put(b, "IE(");
    if (!a->present || !c->present) {
        put(b, "R=N)\n");
        return;
    }
    attr(b, &first, "R", "Y");
    /* IE1 was sent with DF, IE2 without. */
    const char *dfi = !a->df && !c->df ? "N" : a->df && !c->df ? "S" : a->df && c->df ? "Y" : "O";
    attr(b, &first, "DFI", "%s", dfi);
    ttl_attrs(b, &first, o, a);
    if (a->icmp_code == 0 && c->icmp_code == 0)
        attr(b, &first, "CD", "Z");
    else if (a->icmp_code == 9 && c->icmp_code == 0)
        attr(b, &first, "CD", "S");
    else if (a->icmp_code == c->icmp_code)
        attr(b, &first, "CD", "%X", a->icmp_code);
    else
        attr(b, &first, "CD", "O");
    put(b, ")\n");
}

static void seq_lines(buf *b, const as_os_observation *o)
{
    int first = 1, any = 0;
    for (int i = 0; i < 6; i++)
        any |= o->r[i].present;
    size_t mark = b->len;
    put(b, "SEQ(");
    seq_isn(b, &first, o);
    seq_ipid(b, &first, o);
    seq_ts(b, &first, o);
    put(b, ")\n");
    if (first) {
        /* No SEQ attribute could be computed: nmap leaves the line out. */
        b->len = mark;
        b->p[mark] = '\0';
    }
    if (!any)
        return;
    char opt[64];
    put(b, "OPS(");
    first = 1;
    for (int i = 0; i < 6; i++) {
        if (!o->r[i].present)
            continue;
        char name[4];
        snprintf(name, sizeof name, "O%d", i + 1);
        as_os_options_string(o->r[i].opts, o->r[i].opts_len, opt, sizeof opt);
        attr(b, &first, name, "%s", opt);
    }
    put(b, ")\nWIN(");
    first = 1;
    for (int i = 0; i < 6; i++) {
        if (!o->r[i].present)
            continue;
        char name[4];
        snprintf(name, sizeof name, "W%d", i + 1);
        attr(b, &first, name, "%X", o->r[i].win);
    }
    put(b, ")\n");
}

int as_os_fingerprint(const as_os_observation *o, char *out, size_t outlen)
{
    buf b = {out, 0, outlen, 0};
    if (outlen == 0)
        return -1;
    out[0] = '\0';
    seq_lines(&b, o);
    ecn_line(&b, o);
    tcp_line(&b, o, AS_OS_SEQ1, "T1", 1);
    static const char *names[6] = {"T2", "T3", "T4", "T5", "T6", "T7"};
    for (int i = 0; i < 6; i++)
        tcp_line(&b, o, AS_OS_T2 + i, names[i], 0);
    u1_line(&b, o);
    ie_line(&b, o);
    return b.overflow ? -1 : (int)b.len;
}
