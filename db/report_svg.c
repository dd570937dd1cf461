/* report_svg.c — the report's pictures as inline SVG: one 16x16 grid per /24 (a square per
 * address, coloured by state, its address, name and OS in a <title> tooltip), an overview
 * of the /24s of each /16, and the job's trend over its last sweeps. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/export_internal.h"
#include "db/report_internal.h"
#include "db/when.h"

#define CELL 14     /* pixels per square, gap included */

static void ip_text(uint32_t ip, char *buf)
{
    struct in_addr a = {htonl(ip)};
    inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static void svg_open(rp_writer *w, int width, int height, const char *label)
{
    rp_open(w, "svg");
    rp_attr(w, "width", "%d", width);
    rp_attr(w, "height", "%d", height);
    rp_attr(w, "viewBox", "0 0 %d %d", width, height);
    rp_attr(w, "role", "img");
    rp_attr(w, "aria-label", "%s", label);
}

static void rect(rp_writer *w, int x, int y, const char *state)
{
    rp_open(w, "rect");
    rp_attr(w, "class", "c s-%s", state);
    rp_attr(w, "x", "%d", x);
    rp_attr(w, "y", "%d", y);
    rp_attr(w, "width", "%d", CELL);
    rp_attr(w, "height", "%d", CELL);
}

static void host_title(rp_writer *w, const dr_host *d)
{
    const as_host_view *h = d->h;
    int acc, oom = 0;
    char *os = as_x_os_name(h, &acc, &oom);
    rp_open(w, "title");
    rp_text(w, h->address);
    if (h->name && *h->name)
        rp_textf(w, " %s", h->name);
    rp_raw(w, "\n");
    rp_text(w, rp_state_label(rp_host_state(d)));
    if (h->managed && h->agent && *h->agent)
        rp_textf(w, ": %s", h->agent);
    else if (h->deploy && *h->deploy)
        rp_textf(w, ": %s", h->deploy);
    if (os) {
        rp_raw(w, "\n");
        rp_textf(w, "OS: %s", os);
    }
    rp_close(w);
    free(os);
    if (oom)
        w->err = 1;
}

void rp_net_label(const rp_net *net, char *buf, size_t len)
{
    char base[INET_ADDRSTRLEN];
    ip_text(net->base, base);
    snprintf(buf, len, "%s/24: %zu up, %zu managed, %zu deployable, %zu blocked", base, net->n,
             net->count[RP_MANAGED], net->count[RP_DEPLOYABLE], net->count[RP_BLOCKED]);
}

void rp_svg_grid(rp_writer *w, const rp_model *m, const rp_net *net)
{
    char base[INET_ADDRSTRLEN], label[160];
    ip_text(net->base, base);
    rp_net_label(net, label, sizeof label);
    rp_open(w, "figure");
    rp_attr(w, "class", "net");
    rp_attr(w, "id", "net-%u-%u-%u-0", net->base >> 24, net->base >> 16 & 0xff,
            net->base >> 8 & 0xff);
    svg_open(w, 16 * CELL, 16 * CELL, label);
    /* Silent addresses are the background; a square is drawn only for the others, so a
     * sparse /16 costs what its live hosts cost. */
    rp_open(w, "rect");
    rp_attr(w, "fill", "url(#cells)");
    rp_attr(w, "width", "%d", 16 * CELL);
    rp_attr(w, "height", "%d", 16 * CELL);
    rp_open(w, "title");
    rp_textf(w, "%s/24: %s", base, rp_state_label(RP_SILENT));
    rp_close(w);
    rp_close_void(w);
    size_t next = net->first, end = net->first + net->n;
    for (unsigned a = 0; a < 256; a++) {
        enum rp_state s = (enum rp_state)net->cell[a];
        if (s == RP_SILENT)
            continue;
        rect(w, (int)(a % 16) * CELL, (int)(a / 16) * CELL, rp_state_name(s));
        const dr_host *d = next < end ? &m->dr.hosts[next] : NULL;
        if (d && (d->h->ip & 0xff) == a) {
            host_title(w, d);
            next++;
        } else {
            char ip[INET_ADDRSTRLEN];
            ip_text(net->base | a, ip);
            rp_open(w, "title");
            rp_text(w, ip);
            rp_raw(w, "\n");
            rp_text(w, rp_state_label(s));
            rp_close(w);
        }
        rp_close_void(w);
    }
    rp_close(w);
    rp_el(w, "figcaption", label);
    rp_close(w);
}

void rp_svg_defs(rp_writer *w)
{
    /* One pattern for every grid's background: a silent square per address. A reference
     * within the page (url(#cells)) loads nothing. */
    rp_open(w, "svg");
    rp_attr(w, "id", "grid-defs");
    rp_attr(w, "width", "0");
    rp_attr(w, "height", "0");
    rp_attr(w, "aria-hidden", "true");
    rp_open(w, "defs");
    rp_open(w, "pattern");
    rp_attr(w, "id", "cells");
    rp_attr(w, "width", "%d", CELL);
    rp_attr(w, "height", "%d", CELL);
    rp_attr(w, "patternUnits", "userSpaceOnUse");
    rp_open(w, "rect");
    rp_attr(w, "class", "s-%s", rp_state_name(RP_SILENT));
    rp_attr(w, "width", "%d", CELL - 1);
    rp_attr(w, "height", "%d", CELL - 1);
    rp_close_void(w);
    rp_close(w);
    rp_close(w);
    rp_close(w);
}

/* Any address of [lo, hi] in the covered space; unknown coverage counts as swept. */
static int covered(const as_coverage *c, uint32_t lo, uint32_t hi)
{
    if (!c->known)
        return 1;
    for (size_t i = 0; i < c->n; i++)
        if (c->lo[i] <= hi && c->hi[i] >= lo)
            return 1;
    return 0;
}

/* The state a /24 shows in the overview: its most frequent live state. */
static enum rp_state dominant(const rp_net *net)
{
    enum rp_state best = RP_MANAGED;
    for (int s = RP_MANAGED + 1; s <= RP_FIREWALL; s++)
        if (net->count[s] > net->count[best])
            best = (enum rp_state)s;
    return best;
}

static void overview_16(rp_writer *w, const rp_model *m, size_t from, size_t to)
{
    uint32_t b16 = m->nets[from].base & 0xffff0000u;
    char base[INET_ADDRSTRLEN], label[96];
    ip_text(b16, base);
    snprintf(label, sizeof label, "%s/16: %zu /24s with live hosts", base, to - from);
    rp_open(w, "figure");
    rp_attr(w, "class", "net overview");
    svg_open(w, 16 * CELL, 16 * CELL, label);
    size_t k = from;
    for (unsigned c = 0; c < 256; c++) {
        uint32_t b24 = b16 | c << 8;
        const rp_net *net = k < to && m->nets[k].base == b24 ? &m->nets[k++] : NULL;
        int x = (int)(c % 16) * CELL, y = (int)(c / 16) * CELL;
        char ip[INET_ADDRSTRLEN];
        ip_text(b24, ip);
        if (!net) {
            rect(w, x, y, rp_state_name(covered(&m->cov, b24, b24 | 0xff) ? RP_SILENT : RP_OUTSIDE));
            rp_open(w, "title");
            rp_textf(w, "%s/24: no live host", ip);
            rp_close(w);
            rp_close_void(w);
            continue;
        }
        rp_open(w, "a");
        rp_attr(w, "href", "#net-%u-%u-%u-0", b24 >> 24, b24 >> 16 & 0xff, b24 >> 8 & 0xff);
        rect(w, x, y, rp_state_name(dominant(net)));
        rp_open(w, "title");
        rp_textf(w, "%s/24: %zu up: %zu managed, %zu deployable, %zu blocked, %zu no channel, "
                 "%zu firewall suspects", ip, net->n, net->count[RP_MANAGED],
                 net->count[RP_DEPLOYABLE], net->count[RP_BLOCKED], net->count[RP_NOCHANNEL],
                 net->count[RP_FIREWALL]);
        rp_close(w);
        rp_close_void(w);
        rp_close(w);
    }
    rp_close(w);
    rp_el(w, "figcaption", label);
    rp_close(w);
}

void rp_svg_overview(rp_writer *w, const rp_model *m)
{
    rp_el(w, "h3", "Overview: the /24s of each /16");
    rp_el(w, "p", "Each square is a /24, coloured by the state most of its live hosts are in; "
          "it links to that /24's grid below.");
    rp_open(w, "div");
    rp_attr(w, "class", "nets");
    for (size_t k = 0; k < m->nnets; ) {
        size_t j = k + 1;
        while (j < m->nnets && (m->nets[j].base & 0xffff0000u) == (m->nets[k].base & 0xffff0000u))
            j++;
        overview_16(w, m, k, j);
        k = j;
    }
    rp_close(w);
    rp_el(w, "h3", "Each /24 with a live host");
}

#define TW 640
#define TH 180
#define PAD 32

static size_t point_value(const rp_point *p, int which)
{
    return which == 0 ? p->up : which == 1 ? p->managed : p->deployable;
}

/* which: 0 up, 1 managed, 2 deployable. */
static void series(rp_writer *w, const rp_model *m, int which, size_t max)
{
    static const char *const cls[] = {"up", "managed", "deployable"};
    char *pts = malloc(m->npoints * 24 + 1);
    if (!pts) {
        w->err = 1;
        return;
    }
    size_t used = 0;
    for (size_t i = 0; i < m->npoints; i++) {
        size_t v = point_value(&m->points[i], which);
        double x = PAD + (m->npoints > 1 ? (double)i * (TW - 2 * PAD) / (double)(m->npoints - 1) : 0);
        double y = TH - PAD - (max ? (double)v * (TH - 2 * PAD) / (double)max : 0);
        used += (size_t)sprintf(pts + used, "%s%.1f,%.1f", i ? " " : "", x, y);
    }
    rp_open(w, "polyline");
    rp_attr(w, "class", "t-%s", cls[which]);
    rp_attr(w, "points", "%s", pts);
    rp_close_void(w);
    free(pts);
}

void rp_svg_trend(rp_writer *w, const rp_model *m)
{
    size_t max = 1;
    for (size_t i = 0; i < m->npoints; i++)
        if (m->points[i].up > max)
            max = m->points[i].up;
    char first[40], last[40], label[200];
    as_when_iso(m->points[0].started, first, sizeof first);
    as_when_iso(m->points[m->npoints - 1].started, last, sizeof last);
    snprintf(label, sizeof label, "hosts up, managed and deployable over the last %zu sweeps",
             m->npoints);
    rp_open(w, "figure");
    rp_attr(w, "class", "trend");
    rp_attr(w, "id", "trend");
    svg_open(w, TW, TH, label);
    for (int which = 0; which < 3; which++)
        series(w, m, which, max);
    for (size_t i = 0; i < m->npoints; i++) {
        const rp_point *p = &m->points[i];
        char when[40];
        as_when_iso(p->started, when, sizeof when);
        double x = PAD + (m->npoints > 1 ? (double)i * (TW - 2 * PAD) / (double)(m->npoints - 1) : 0);
        rp_open(w, "circle");
        rp_attr(w, "cx", "%.1f", x);
        rp_attr(w, "cy", "%.1f", TH - PAD - (double)p->up * (TH - 2 * PAD) / (double)max);
        rp_attr(w, "r", "3");
        rp_open(w, "title");
        rp_textf(w, "scan %lld, %s: %zu up, %zu managed, %zu deployable", (long long)p->scan_id,
                 when, p->up, p->managed, p->deployable);
        rp_close(w);
        rp_close_void(w);
    }
    const struct { int x, y; const char *t; } labels[] = {
        {2, PAD - 4, NULL}, {PAD, TH - 8, first}, {TW - PAD - 140, TH - 8, last}};
    for (size_t i = 0; i < (m->npoints > 1 ? 3u : 2u); i++) {   /* one sweep: one date */
        rp_open(w, "text");
        rp_attr(w, "x", "%d", labels[i].x);
        rp_attr(w, "y", "%d", labels[i].y);
        if (labels[i].t)
            rp_text(w, labels[i].t);
        else
            rp_textf(w, "%zu", max);
        rp_close(w);
    }
    rp_close(w);
    rp_open(w, "figcaption");
    rp_textf(w, "Last %zu sweeps of job %s: hosts up (grey), managed (green), deployable (blue).",
             m->npoints, m->job);
    rp_close(w);
    rp_close(w);
}
