/* report_hosts.c — the report's tables of hosts: the changes since the previous sweep (as
 * diff.c computes them) and every live host with its status, OS, ports, channels and rule,
 * in address order: complete with scripts off; with scripts on the page's script draws it a
 * page at a time, sorted and filtered, from the page's data (report_data.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/diff_internal.h"
#include "db/export_internal.h"
#include "db/report_internal.h"
#include "db/when.h"

static const char *host_name(const as_host_view *h)
{
    return h->name && *h->name ? h->name : "";
}

void rp_html_changes(rp_writer *w, const rp_model *m)
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
    as_when_iso(d->a.started, when, sizeof when);
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
        as_change_detail(c, buf, sizeof buf);
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

void rp_host_text_of(const dr_host *d, rp_host_text *t)
{
    const as_host_view *h = d->h;
    int acc;
    t->oom = 0;
    t->state = rp_host_state(d);
    t->name = host_name(h);
    t->status = d->partly ? "deployable, partly blocked" : rp_state_label(t->state);
    t->agent = h->managed && h->agent ? h->agent : "";
    /* Only confirmed channels are deployable; those only open say so. */
    if (h->deploy_open && *h->deploy_open && !h->firewall_suspect)
        snprintf(t->deploy, sizeof t->deploy, "%s%s%s (open, protocol not confirmed)",
                 h->deploy ? h->deploy : "", h->deploy && *h->deploy ? ", " : "", h->deploy_open);
    else
        snprintf(t->deploy, sizeof t->deploy, "%s", h->deploy ? h->deploy : "");
    char *os = as_x_os_name(h, &acc, &t->oom);
    const as_identity_view *id = h->identity && h->identity->os ? h->identity : NULL;
    if (id)     /* the services' own words outrank the guesses */
        snprintf(t->os, sizeof t->os, "%s (%s%s%d%%)", id->os, id->os_source ? id->os_source : "",
                 id->os_source ? ", " : "", id->os_confidence < 0 ? 0 : id->os_confidence);
    else if (os && acc >= 0)
        snprintf(t->os, sizeof t->os, "%s (%d%%)", os, acc);
    else
        snprintf(t->os, sizeof t->os, "%s", os ? os : "");
    free(os);
    open_ports(h, t->ports, sizeof t->ports);
    filtered_login(d, t->filtered, sizeof t->filtered);
    snprintf(t->notes, sizeof t->notes, "%s%s%s%s%s%s%s", d->rule,
             d->rule[0] && d->liveness[0] ? "; " : "", d->liveness,
             h->firewall_suspect && (d->rule[0] || d->liveness[0]) ? "; " : "",
             h->firewall_suspect ? (h->firewall_note && *h->firewall_note ? h->firewall_note
                                    : "replies may come from a firewall") : "",
             d->unconfirmed[0] && (d->rule[0] || d->liveness[0] || h->firewall_suspect) ? "; " : "",
             d->unconfirmed);
}

static void wrap_cell(rp_writer *w, const char *text)
{
    rp_open(w, "td");
    rp_attr(w, "class", "wrap");
    rp_text(w, text);
    rp_close(w);
}

static void host_row(rp_writer *w, const dr_host *d, rp_host_text *t)
{
    rp_host_text_of(d, t);
    rp_open(w, "tr");
    rp_attr(w, "class", "st-%s", rp_state_name(t->state));
    rp_el(w, "td", d->h->address);
    wrap_cell(w, t->name);
    rp_open(w, "td");
    rp_open(w, "i");
    rp_attr(w, "class", "key s-%s", rp_state_name(t->state));
    rp_close(w);
    rp_text(w, t->status);
    rp_close(w);
    rp_el(w, "td", t->os);
    rp_el(w, "td", t->ports);
    rp_el(w, "td", t->agent);
    rp_el(w, "td", t->deploy);
    rp_el(w, "td", t->filtered);
    wrap_cell(w, t->notes);
    rp_close(w);
    rp_raw(w, "\n");
    if (t->oom)
        w->err = 1;
}

static void table_head(rp_writer *w)
{
    rp_open(w, "thead");
    rp_open(w, "tr");
    const char *cols[] = {"address", "name", "status", "OS", "open ports", "agent",
                          "login channels", "filtered login ports", "rule / notes"};
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        rp_el(w, "th", cols[i]);
    rp_close(w);
    rp_close(w);
}

/* The script draws #hosts a page at a time from the page's data (report_data.c); the whole
 * table, in address order, sits in <noscript>: with scripts off it is all there, and with
 * scripts on the browser keeps it as one string instead of building 50,000 rows. */
void rp_html_hosts(rp_writer *w, const rp_model *m)
{
    rp_open(w, "section");
    rp_attr(w, "id", "hosts-section");
    rp_open(w, "h2");
    rp_textf(w, "Hosts (%zu up)", m->dr.n);
    rp_close(w);
    rp_open(w, "div");
    rp_attr(w, "id", "hosts-tools");
    rp_attr(w, "hidden", "hidden");
    rp_open(w, "input");
    rp_attr(w, "id", "filter");
    rp_attr(w, "type", "search");
    rp_attr(w, "placeholder", "filter: address, name, OS, port, status...");
    rp_attr(w, "aria-label", "filter the hosts");
    rp_close_void(w);
    rp_open(w, "button");
    rp_attr(w, "type", "button");
    rp_attr(w, "id", "prev");
    rp_text(w, "previous");
    rp_close(w);
    rp_open(w, "span");
    rp_attr(w, "id", "shown");
    rp_attr(w, "aria-live", "polite");
    rp_close(w);
    rp_open(w, "button");
    rp_attr(w, "type", "button");
    rp_attr(w, "id", "next");
    rp_text(w, "next");
    rp_close(w);
    rp_close(w);
    rp_open(w, "table");
    rp_attr(w, "id", "hosts");
    rp_attr(w, "class", "hosts-t");
    rp_attr(w, "hidden", "hidden");
    table_head(w);
    rp_open(w, "tbody");
    rp_close(w);
    rp_close(w);
    rp_open(w, "noscript");
    rp_open(w, "table");
    rp_attr(w, "id", "hosts-all");
    rp_attr(w, "class", "hosts-t");
    table_head(w);
    rp_open(w, "tbody");
    rp_raw(w, "\n");
    rp_host_text *t = malloc(sizeof *t);
    if (!t)
        w->err = 1;
    for (size_t i = 0; i < m->dr.n && !w->err; i++)
        host_row(w, &m->dr.hosts[i], t);
    free(t);
    rp_close(w);
    rp_close(w);
    rp_close(w);
    rp_close(w);
}
