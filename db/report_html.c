/* report_html.c — the report page, streamed through libxml2's text writer: the head with
 * its CSP, the summary, the network's picture, the firewall requests, the changes and the
 * hosts table. Markup is never pasted together from strings: the writer escapes. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/export_internal.h"
#include "db/report_internal.h"
#include "db/when.h"

#ifndef AS_VERSION
#define AS_VERSION "unknown"
#endif

void rp_open(rp_writer *w, const char *name)
{
    if (!w->err && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
        w->err = 1;
}

void rp_close(rp_writer *w)
{
    if (!w->err && xmlTextWriterFullEndElement(w->w) < 0)
        w->err = 1;
}

void rp_close_void(rp_writer *w)
{
    if (!w->err && xmlTextWriterEndElement(w->w) < 0)
        w->err = 1;
}

void rp_text(rp_writer *w, const char *text)
{
    if (w->err || !text || !*text)
        return;
    char *c = as_text_clean(text, 2);
    if (!c || xmlTextWriterWriteString(w->w, BAD_CAST c) < 0)
        w->err = 1;
    free(c);
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void rp_textf(rp_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s)
        w->err = 1;
    rp_text(w, s);
    free(s);
}

void rp_attr(rp_writer *w, const char *name, const char *fmt, ...)
{
    if (w->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    char *c = s ? as_text_clean(s, 2) : NULL;
    if (!c || xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST c) < 0)
        w->err = 1;
    free(c);
    free(s);
}

void rp_el(rp_writer *w, const char *name, const char *text)
{
    rp_open(w, name);
    rp_text(w, text);
    rp_close(w);
}

void rp_raw(rp_writer *w, const char *trusted)
{
    if (!w->err && xmlTextWriterWriteRaw(w->w, BAD_CAST trusted) < 0)
        w->err = 1;
}

static void el_num(rp_writer *w, const char *name, long long n)
{
    rp_open(w, name);
    rp_attr(w, "class", "n");
    rp_textf(w, "%lld", n);
    rp_close(w);
}

static void iso(double t, char *buf, size_t len)
{
    if (t > 0)
        as_when_iso(t, buf, len);
    else
        snprintf(buf, len, "-");
}

static void head(rp_writer *w, const rp_model *m)
{
    char csp[512];
    if (rp_csp(csp, sizeof csp) != 0) {
        w->err = 1;
        return;
    }
    rp_open(w, "head");
    rp_open(w, "meta");
    rp_attr(w, "charset", "utf-8");
    rp_close_void(w);
    rp_open(w, "meta");
    rp_attr(w, "http-equiv", "Content-Security-Policy");
    rp_attr(w, "content", "%s", csp);
    rp_close_void(w);
    rp_open(w, "meta");
    rp_attr(w, "name", "viewport");
    rp_attr(w, "content", "width=device-width, initial-scale=1");
    rp_close_void(w);
    rp_open(w, "meta");
    rp_attr(w, "name", "generator");
    rp_attr(w, "content", "agentscan %s", AS_VERSION);
    rp_close_void(w);
    rp_open(w, "title");
    rp_textf(w, "agentscan report: scan %lld%s%s", (long long)m->v->id, m->job ? ", job " : "",
             m->job ? m->job : "");
    rp_close(w);
    rp_open(w, "style");
    rp_raw(w, rp_css);
    rp_close(w);
    rp_close(w);
    rp_raw(w, "\n");
}

static void card(rp_writer *w, const char *id, const char *label, long long n)
{
    rp_open(w, "div");
    rp_attr(w, "class", "card");
    rp_open(w, "b");
    rp_attr(w, "id", "count-%s", id);
    if (n >= 0)
        rp_textf(w, "%lld", n);
    else
        rp_text(w, "?");
    rp_close(w);
    rp_text(w, label);
    rp_close(w);
}

static void count_table(rp_writer *w, const char *id, const char *what, const char *col,
                        const rp_counts *c)
{
    if (c->n == 0)
        return;
    rp_open(w, "table");
    rp_attr(w, "id", "%s", id);
    rp_open(w, "caption");
    rp_text(w, what);
    rp_close(w);
    rp_open(w, "tr");
    rp_el(w, "th", col);
    rp_el(w, "th", "hosts");
    rp_close(w);
    for (size_t i = 0; i < c->n; i++) {
        rp_open(w, "tr");
        rp_el(w, "td", c->c[i].label);
        el_num(w, "td", (long long)c->c[i].n);
        rp_close(w);
    }
    rp_close(w);
}

static void kv(rp_writer *w, const char *k, const char *v)
{
    rp_open(w, "tr");
    rp_el(w, "th", k);
    rp_open(w, "td");
    rp_attr(w, "class", "wrap");
    rp_text(w, v && *v ? v : "-");
    rp_close(w);
    rp_close(w);
}

static void scan_table(rp_writer *w, const rp_model *m)
{
    const as_scan_view *v = m->v;
    char a[40], b[40], buf[64];
    iso(v->started, a, sizeof a);
    iso(v->has_finished ? v->finished : 0, b, sizeof b);
    rp_open(w, "table");
    rp_attr(w, "id", "scan");
    snprintf(buf, sizeof buf, "%lld (%s)", (long long)v->id, v->status);
    kv(w, "scan", buf);
    kv(w, "job", m->job);
    kv(w, "started", a);
    kv(w, "finished", b);
    if (v->has_finished && v->finished >= v->started)
        snprintf(buf, sizeof buf, "%.1f s", v->finished - v->started);
    else
        snprintf(buf, sizeof buf, "-");
    kv(w, "duration", buf);
    kv(w, "gateway", m->gateway);
    kv(w, "scanner address", m->dr.source);
    kv(w, "targets", v->targets);
    kv(w, "options", v->options);
    kv(w, "agentscan version", v->version);
    rp_close(w);
}

static void summary(rp_writer *w, const rp_model *m)
{
    rp_open(w, "section");
    rp_attr(w, "id", "summary");
    rp_el(w, "h2", "Summary");
    rp_open(w, "div");
    rp_attr(w, "class", "cards");
    card(w, "addresses", "addresses swept", m->addresses);
    card(w, "up", "hosts up", (long long)m->up);
    card(w, "managed", "managed (agent found)", (long long)m->managed);
    card(w, "deployable", "deployable (login channel open)", (long long)m->deployable);
    card(w, "blocked", "blocked (a firewall rule would help)", (long long)m->blocked);
    card(w, "no-channel", "up, no login channel", (long long)m->nochannel);
    card(w, "firewall", "firewall suspects", (long long)m->suspects);
    card(w, "unknown-os", "OS unknown", (long long)m->unknown_os);
    rp_close(w);
    rp_open(w, "div");
    rp_attr(w, "class", "cards");
    count_table(w, "by-agent", "Managed, by agent product", "agent", &m->agents);
    count_table(w, "by-channel", "Deployable, by channel", "channel", &m->channels);
    count_table(w, "by-rule", "Blocked, by the rule they miss", "missing rule", &m->missing);
    rp_close(w);
    scan_table(w, m);
    if (m->npoints > 0)
        rp_svg_trend(w, m);
    rp_close(w);
    rp_raw(w, "\n");
}

static void legend(rp_writer *w, const rp_model *m)
{
    rp_open(w, "p");
    rp_attr(w, "class", "legend");
    for (int s = 0; s < RP_STATE_COUNT; s++) {
        size_t n = 0;
        for (size_t k = 0; k < m->nnets; k++)
            n += m->nets[k].count[s];
        rp_open(w, "span");
        rp_open(w, "i");
        rp_attr(w, "class", "key s-%s", rp_state_name((enum rp_state)s));
        rp_close(w);
        rp_textf(w, "%s (%zu)", rp_state_label((enum rp_state)s), n);
        rp_close(w);
    }
    rp_close(w);
}

static void network(rp_writer *w, const rp_model *m)
{
    rp_open(w, "section");
    rp_attr(w, "id", "network");
    rp_el(w, "h2", "The network");
    if (m->nnets == 0) {
        rp_el(w, "p", "No live host in this scan.");
        rp_close(w);
        return;
    }
    rp_el(w, "p", "Every /24 that held a live host, one square per address (16 per row, "
          "x.x.x.0 top left). Hover over a square for its address, name and OS.");
    legend(w, m);
    rp_svg_defs(w);
    if (m->nnets > 1)
        rp_svg_overview(w, m);
    rp_open(w, "div");
    rp_attr(w, "class", "nets");
    for (size_t k = 0; k < m->nnets; k++) {
        rp_svg_grid(w, m, &m->nets[k]);
        rp_raw(w, "\n");
    }
    rp_close(w);
    rp_close(w);
}

static const char *host_name(const as_host_view *h)
{
    return h->name && *h->name ? h->name : "";
}

static void rule_row(rp_writer *w, const rp_model *m, const rp_rule *r, const char *to)
{
    char net[INET_ADDRSTRLEN];
    struct in_addr a = {htonl(r->net)};
    inet_ntop(AF_INET, &a, net, sizeof net);
    rp_open(w, "tr");
    rp_el(w, "td", *r->from ? r->from : "this gateway");
    rp_open(w, "td");
    rp_attr(w, "class", "wrap");
    rp_text(w, to);
    rp_close(w);
    rp_el(w, "td", r->ports);
    rp_el(w, "td", r->channel);
    rp_open(w, "td");
    rp_open(w, "ul");
    for (size_t i = 0; i < r->n; i++) {
        const dr_host *d = &m->dr.hosts[r->hosts[i]];
        rp_open(w, "li");
        rp_text(w, d->h->address);
        if (*host_name(d->h))
            rp_textf(w, " (%s)", host_name(d->h));
        rp_textf(w, ": %s", d->family ? d->family : "OS family unknown");
        rp_close(w);
    }
    rp_close(w);
    rp_close(w);
    rp_close(w);
}

static void firewall(rp_writer *w, const rp_model *m)
{
    rp_open(w, "section");
    rp_attr(w, "id", "firewall");
    rp_el(w, "h2", "What to ask the firewall team");
    if (m->nrules == 0) {
        rp_el(w, "p", "Nothing: no blocked host would become deployable by a firewall rule.");
        rp_close(w);
        return;
    }
    rp_el(w, "p", "One rule per compartment (from the scanner, to one /24, the same ports), "
          "ready to paste into a change request:");
    char *to = malloc(65536);
    if (!to) {
        w->err = 1;
        return;
    }
    rp_open(w, "pre");
    rp_attr(w, "id", "requests");
    for (size_t i = 0; i < m->nrules; i++) {
        const rp_rule *r = &m->rules[i];
        rp_rule_targets(m, r, to, 65536);
        rp_textf(w, "allow %s (%s) from %s to %s   # %zu host%s", r->ports, r->channel,
                 *r->from ? r->from : "this gateway", to, r->n, r->n == 1 ? "" : "s");
        rp_raw(w, "\n");
    }
    rp_close(w);
    rp_open(w, "table");
    rp_attr(w, "id", "rules");
    rp_open(w, "tr");
    const char *cols[] = {"from", "to", "ports", "channel", "hosts it unblocks"};
    for (size_t i = 0; i < 5; i++)
        rp_el(w, "th", cols[i]);
    rp_close(w);
    for (size_t i = 0; i < m->nrules; i++) {
        rp_rule_targets(m, &m->rules[i], to, 65536);
        rule_row(w, m, &m->rules[i], to);
    }
    rp_close(w);
    free(to);
    rp_close(w);
    rp_raw(w, "\n");
}

static void change_detail(const as_change *c, char *buf, size_t len)
{
    switch (c->kind) {
    case AS_CH_MOVED:
        snprintf(buf, len, "from %s", c->from);
        break;
    case AS_CH_PORT:
        snprintf(buf, len, "%d/%s %s -> %s", c->port, c->proto, c->from, c->to);
        break;
    case AS_CH_OS:
    case AS_CH_NAME:
        snprintf(buf, len, "%s -> %s", c->from, c->to);
        break;
    default:
        snprintf(buf, len, "%s", c->to ? c->to : c->from ? c->from : "");
    }
}

static void changes(rp_writer *w, const rp_model *m)
{
    rp_open(w, "section");
    rp_attr(w, "id", "changes");
    if (!m->have_diff) {
        rp_el(w, "h2", "Changes");
        rp_el(w, "p", "No earlier complete scan of these targets to compare with.");
        rp_close(w);
        return;
    }
    const as_diff *d = &m->diff;
    char when[40];
    iso(d->a.started, when, sizeof when);
    rp_open(w, "h2");
    rp_textf(w, "Changes since scan %lld (%s)", (long long)d->a.id, when);
    rp_close(w);
    if (!d->gone_reported)
        rp_el(w, "p", "This scan is not complete or its covered addresses are unknown: no host "
              "is reported gone.");
    if (d->n == 0) {
        rp_el(w, "p", "No change.");
        rp_close(w);
        return;
    }
    rp_open(w, "table");
    rp_attr(w, "id", "change-list");
    rp_open(w, "tr");
    const char *cols[] = {"change", "address", "name", "detail"};
    for (size_t i = 0; i < 4; i++)
        rp_el(w, "th", cols[i]);
    rp_close(w);
    for (size_t i = 0; i < d->n; i++) {
        const as_change *c = &d->c[i];
        char buf[1024];
        change_detail(c, buf, sizeof buf);
        rp_open(w, "tr");
        rp_attr(w, "class", "ch-%s", as_change_name(c->kind));
        rp_el(w, "td", as_change_name(c->kind));
        rp_el(w, "td", c->h->address);
        rp_el(w, "td", host_name(c->h));
        rp_el(w, "td", buf);
        rp_close(w);
    }
    rp_close(w);
    rp_close(w);
    rp_raw(w, "\n");
}

/* "22,80,443" of the open ports (proto suffixed when not TCP). */
static void open_ports(const as_host_view *h, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < h->nports && used < len; i++)
        if (strcmp(h->ports[i].state, "open") == 0) {
            int tcp = strcmp(h->ports[i].proto, "tcp") == 0;
            int n = snprintf(buf + used, len - used, "%s%d%s%s", used ? "," : "",
                             h->ports[i].port, tcp ? "" : "/", tcp ? "" : h->ports[i].proto);
            used += n > 0 ? (size_t)n : 0;
        }
}

static void filtered_login(const dr_host *d, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->nlogin && used < len; i++)
        if (strcmp(d->login[i].p->state, "filtered") == 0) {
            int n = snprintf(buf + used, len - used, "%s%d (%s)", used ? ", " : "",
                             d->login[i].p->port, d->login[i].channel);
            used += n > 0 ? (size_t)n : 0;
        }
}

static void host_row(rp_writer *w, const dr_host *d)
{
    const as_host_view *h = d->h;
    enum rp_state s = rp_host_state(d);
    char buf[1024];
    int acc, oom = 0;
    char *os = as_x_os_name(h, &acc, &oom);
    rp_open(w, "tr");
    rp_attr(w, "class", "st-%s", rp_state_name(s));
    rp_open(w, "td");
    rp_attr(w, "data-sort", "%u", (unsigned)h->ip);
    rp_text(w, h->address);
    rp_close(w);
    rp_open(w, "td");
    rp_attr(w, "class", "wrap");
    rp_text(w, host_name(h));
    rp_close(w);
    rp_open(w, "td");
    rp_open(w, "i");
    rp_attr(w, "class", "key s-%s", rp_state_name(s));
    rp_close(w);
    rp_text(w, d->partly ? "deployable, partly blocked" : rp_state_label(s));
    rp_close(w);
    if (os && acc >= 0)
        snprintf(buf, sizeof buf, "%s (%d%%)", os, acc);
    else
        snprintf(buf, sizeof buf, "%s", os ? os : "");
    rp_el(w, "td", buf);
    free(os);
    open_ports(h, buf, sizeof buf);
    rp_el(w, "td", buf);
    rp_el(w, "td", h->managed ? h->agent : "");
    rp_el(w, "td", h->deploy);
    filtered_login(d, buf, sizeof buf);
    rp_el(w, "td", buf);
    snprintf(buf, sizeof buf, "%s%s%s%s%s", d->rule, d->rule[0] && d->liveness[0] ? "; " : "",
             d->liveness, h->firewall_suspect && (d->rule[0] || d->liveness[0]) ? "; " : "",
             h->firewall_suspect ? (h->firewall_note && *h->firewall_note ? h->firewall_note
                                    : "replies may come from a firewall") : "");
    rp_open(w, "td");
    rp_attr(w, "class", "wrap");
    rp_text(w, buf);
    rp_close(w);
    rp_close(w);
    rp_raw(w, "\n");
    if (oom)
        w->err = 1;
}

static void hosts(rp_writer *w, const rp_model *m)
{
    rp_open(w, "section");
    rp_attr(w, "id", "hosts-section");
    rp_open(w, "h2");
    rp_textf(w, "Hosts (%zu up)", m->dr.n);
    rp_close(w);
    rp_open(w, "input");
    rp_attr(w, "id", "filter");
    rp_attr(w, "type", "search");
    rp_attr(w, "placeholder", "filter: address, name, OS, port, status...");
    rp_attr(w, "aria-label", "filter the hosts");
    rp_attr(w, "hidden", "hidden");
    rp_close_void(w);
    rp_open(w, "table");
    rp_attr(w, "id", "hosts");
    rp_open(w, "thead");
    rp_open(w, "tr");
    const char *cols[] = {"address", "name", "status", "OS", "open ports", "agent",
                          "login channels", "filtered login ports", "rule / notes"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        rp_el(w, "th", cols[i]);
    rp_close(w);
    rp_close(w);
    rp_open(w, "tbody");
    rp_raw(w, "\n");
    for (size_t i = 0; i < m->dr.n && !w->err; i++)
        host_row(w, &m->dr.hosts[i]);
    rp_close(w);
    rp_close(w);
    rp_close(w);
}

static void body(rp_writer *w, const rp_model *m)
{
    char when[40];
    iso(m->generated, when, sizeof when);
    rp_open(w, "body");
    rp_open(w, "h1");
    rp_textf(w, "Network report: scan %lld", (long long)m->v->id);
    rp_close(w);
    rp_open(w, "p");
    rp_attr(w, "class", "muted");
    rp_textf(w, "%s%s%s%s, generated %s by agentscan %s from the inventory alone.",
             m->job ? "job " : "", m->job ? m->job : "", m->job ? ", targets " : "targets ",
             m->v->targets, when, AS_VERSION);
    rp_close(w);
    summary(w, m);
    network(w, m);
    firewall(w, m);
    changes(w, m);
    hosts(w, m);
    rp_open(w, "script");
    rp_raw(w, rp_js);
    rp_close(w);
    rp_close(w);
}

int rp_html_write(const rp_model *m, FILE *out)
{
    xmlOutputBufferPtr buf = xmlOutputBufferCreateFile(out, NULL);
    if (!buf)
        return -1;
    rp_writer w = {xmlNewTextWriter(buf), 0};
    if (!w.w) {
        xmlOutputBufferClose(buf);
        return -1;
    }
    /* No XML declaration: this is HTML, whose doctype is the whole DTD line. */
    if (xmlTextWriterWriteDTD(w.w, BAD_CAST "html", NULL, NULL, NULL) < 0)
        w.err = 1;
    rp_raw(&w, "\n");
    rp_open(&w, "html");
    rp_attr(&w, "lang", "en");
    head(&w, m);
    body(&w, m);
    rp_close(&w);
    rp_raw(&w, "\n");
    if (xmlTextWriterFlush(w.w) < 0)
        w.err = 1;
    xmlFreeTextWriter(w.w);     /* closes buf, not out */
    return w.err ? -1 : 0;
}
