/* report_html.c — the report page: the head with its CSP, the summary, the network's
 * picture and the firewall requests, then the changes and hosts (report_hosts.c). Markup is
 * never pasted together from strings: libxml2's writer escapes (report_writer.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/report_internal.h"
#include "db/when.h"

#ifndef AS_VERSION
#define AS_VERSION "unknown"
#endif

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
    /* The script draws each grid from the page's data when it comes into view (all at once
     * for a few); with scripts off they are all here, in <noscript>, which the browser keeps
     * as one string when scripts run. */
    rp_open(w, "div");
    rp_attr(w, "class", "nets");
    rp_attr(w, "id", "grids");
    rp_close(w);
    rp_open(w, "noscript");
    rp_open(w, "div");
    rp_attr(w, "class", "nets");
    for (size_t k = 0; k < m->nnets; k++) {
        rp_svg_grid(w, m, &m->nets[k]);
        rp_raw(w, "\n");
    }
    rp_close(w);
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
    rp_html_changes(w, m);
    rp_html_hosts(w, m);
    rp_html_data(w, m);
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
