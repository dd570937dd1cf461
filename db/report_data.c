/* report_data.c — the report's data block: the hosts table's cells and the /24 grids as JSON
 * in <script type="application/json" id="report-data">, from which the page's script draws
 * a page of the table at a time and each grid when it comes into view.
 *
 * The block is raw text to the HTML parser, which ends it at the first "</script" and treats
 * "<!--" specially, and no entity is decoded in it: the writer's escaping does not apply.
 * So every string is escaped here for JSON, and '<', '>' and '&' as \u003c, \u003e and
 * \u0026 besides, so that no markup can appear in the block at all (the line separators
 * U+2028 and U+2029 too, for any reader that takes JSON for JavaScript). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/report_internal.h"
#include "probes/vec.h"

/* The JSON of one host or grid, handed to the writer when complete. */
typedef struct jbuf {
    char *s;
    size_t n, cap;
    int err;
} jbuf;

static void put(jbuf *b, const char *p, size_t len)
{
    if (b->err || AS_VEC_RESERVE(b->s, b->cap, b->n + len + 1) != 0) {
        b->err = 1;
        return;
    }
    memcpy(b->s + b->n, p, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void puts_raw(jbuf *b, const char *p)
{
    put(b, p, strlen(p));
}

static void putf(jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(jbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        b->err = 1;
    else
        put(b, tmp, (size_t)n);
}

/* A JSON string of text cleaned as the writer cleans it (control bytes and invalid UTF-8
 * shown as '?'), then escaped for a data block. */
static void put_str(jbuf *b, const char *text)
{
    char *c = as_text_clean(text ? text : "", 2);
    if (!c) {
        b->err = 1;
        return;
    }
    put(b, "\"", 1);
    const unsigned char *p = (const unsigned char *)c;
    size_t run = 0;     /* bytes copied as they are, pending */
    for (size_t i = 0; p[i]; i++) {
        char esc[8] = "";
        size_t skip = 0;
        if (p[i] == '"' || p[i] == '\\')
            snprintf(esc, sizeof esc, "\\%c", p[i]);
        else if (p[i] < 0x20 || p[i] == '<' || p[i] == '>' || p[i] == '&')
            snprintf(esc, sizeof esc, "\\u%04x", p[i]);
        else if (p[i] == 0xe2 && p[i + 1] == 0x80 && (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
            snprintf(esc, sizeof esc, "\\u%04x", p[i + 2] == 0xa8 ? 0x2028 : 0x2029);
            skip = 2;
        }
        if (!*esc) {
            run++;
            continue;
        }
        put(b, (const char *)p + i - run, run);
        run = 0;
        puts_raw(b, esc);
        i += skip;
    }
    size_t len = strlen(c);
    put(b, c + len - run, run);
    put(b, "\"", 1);
    free(c);
}

static void flush(rp_writer *w, jbuf *b)
{
    if (b->err)
        w->err = 1;
    else if (b->n)
        rp_raw(w, b->s);
    b->n = 0;
    if (b->s)
        b->s[0] = '\0';
}

/* [ip, address, name, state, status, OS, ports, agent, channels, filtered, notes] */
static void host(jbuf *b, const dr_host *d, rp_host_text *t)
{
    rp_host_text_of(d, t);
    if (t->oom)
        b->err = 1;
    putf(b, "[%u,", (unsigned)d->h->ip);
    put_str(b, d->h->address);
    put(b, ",", 1);
    put_str(b, t->name);
    putf(b, ",%d,", (int)t->state);
    const char *cells[] = {t->status, t->os, t->ports, t->agent, t->deploy, t->filtered,
                           t->notes};
    for (size_t i = 0; i < sizeof cells / sizeof cells[0]; i++) {
        put_str(b, cells[i]);
        put(b, i + 1 < sizeof cells / sizeof cells[0] ? "," : "]", 1);
    }
}

/* ["198.18.0", label, cells (a digit per address: its rp_state), first host, hosts] */
static void net(jbuf *b, const rp_net *n)
{
    char label[160], cells[257];
    rp_net_label(n, label, sizeof label);
    for (unsigned a = 0; a < 256; a++)
        cells[a] = (char)('0' + n->cell[a]);
    cells[256] = '\0';
    putf(b, "[\"%u.%u.%u\",", n->base >> 24, n->base >> 16 & 0xff, n->base >> 8 & 0xff);
    put_str(b, label);
    put(b, ",\"", 2);
    put(b, cells, 256);
    putf(b, "\",%zu,%zu]", n->first, n->n);
}

void rp_html_data(rp_writer *w, const rp_model *m)
{
    jbuf b = {0};
    rp_host_text *t = malloc(sizeof *t);
    if (!t)
        b.err = 1;
    puts_raw(&b, "{\"states\":[");
    for (int s = 0; s < RP_STATE_COUNT; s++) {
        put_str(&b, rp_state_name((enum rp_state)s));
        puts_raw(&b, s + 1 < RP_STATE_COUNT ? "," : "],\"labels\":[");
    }
    for (int s = 0; s < RP_STATE_COUNT; s++) {
        put_str(&b, rp_state_label((enum rp_state)s));
        puts_raw(&b, s + 1 < RP_STATE_COUNT ? "," : "],\n\"hosts\":[");
    }
    rp_open(w, "script");
    rp_attr(w, "type", "application/json");
    rp_attr(w, "id", "report-data");
    for (size_t i = 0; i < m->dr.n && !b.err; i++) {
        host(&b, &m->dr.hosts[i], t);
        puts_raw(&b, i + 1 < m->dr.n ? ",\n" : "");
        flush(w, &b);
    }
    puts_raw(&b, "],\n\"nets\":[");
    for (size_t k = 0; k < m->nnets && !b.err; k++) {
        net(&b, &m->nets[k]);
        puts_raw(&b, k + 1 < m->nnets ? ",\n" : "");
        flush(w, &b);
    }
    puts_raw(&b, "]}");
    flush(w, &b);
    rp_close(w);
    rp_raw(w, "\n");
    free(t);
    free(b.s);
}
