/* deploy_report.c — "why can't I deploy here?" from stored data only: per host, managed /
 * deployable / blocked / unknown, its likely OS family, and the firewall rule that opens a
 * login channel for that family from the scanner's address. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/deploy_internal.h"
#include "db/liveness.h"
#include "db/os_class.h"

const char *dr_status_name(enum dr_status s)
{
    static const char *const names[DR_COUNT] = {"managed", "deployable", "blocked", "unknown"};
    return s < DR_COUNT ? names[s] : "?";
}

/* The deploy table's TCP ports in order: the lowest port of a family names its preferred
 * channel (ssh before telnet, smb before rdp). */
typedef struct login_table {
    size_t n;
    uint16_t port[64];
} login_table;

static void table_ports(const as_port_table *t, login_table *lt)
{
    lt->n = 0;
    for (unsigned p = 1; t && p < 65536 && lt->n < 64; p++)
        if (as_port_table_product(t, (uint16_t)p, 6) != NULL)
            lt->port[lt->n++] = (uint16_t)p;
}

static int answered(const as_port_view *p)
{
    return strcmp(p->state, "open") == 0 || strcmp(p->state, "closed") == 0;
}

/* The family comes from the one classifier the exports and the table use too. */
static void guess_family(dr_host *d, const as_port_table *t)
{
    as_os_class c;
    as_os_classify(d->h, t, &c);
    d->family = c.family;
    snprintf(d->basis, sizeof d->basis, "%s", c.basis);
}

/* The first channel of the family (table order) with a filtered port on this host. */
static const char *filtered_channel(const dr_host *d, const char *family, const login_table *lt,
                                    const as_port_table *t, char *ports, size_t len)
{
    for (size_t k = 0; k < lt->n; k++) {
        const char *ch = as_port_table_product(t, lt->port[k], 6);
        if (strcmp(as_port_table_family(t, lt->port[k], 6), family) != 0)
            continue;
        size_t used = 0;
        ports[0] = '\0';
        for (size_t i = 0; i < d->nlogin; i++)
            if (strcmp(d->login[i].channel, ch) == 0 && strcmp(d->login[i].p->state, "filtered") == 0)
                used += (size_t)snprintf(ports + used, used < len ? len - used : 0, "%s%d",
                                         used ? "," : "tcp/", d->login[i].p->port);
        if (used)
            return ch;
    }
    return NULL;
}

static void make_rule(dr_host *d, const login_table *lt, const as_port_table *t, const char *src)
{
    const char *from = *src ? src : "this gateway";
    const char *fams[2] = {d->family, NULL};
    if (d->family == NULL)
        fams[0] = "unix", fams[1] = "windows";
    char ports[2][96];
    const char *ch[2] = {NULL, NULL};
    for (int f = 0; f < 2 && fams[f]; f++)
        ch[f] = filtered_channel(d, fams[f], lt, t, ports[f], sizeof ports[f]);
    if (d->family && ch[0]) {
        d->rule_channel = ch[0];
        snprintf(d->rule_ports, sizeof d->rule_ports, "%s", ports[0]);
        snprintf(d->rule, sizeof d->rule, "%s host, %s filtered from %s: allow %s (%s) from %s to %s",
                 strcmp(d->family, "windows") == 0 ? "Windows" : "Unix", ports[0], from, ports[0],
                 ch[0], from, d->h->address);
    } else if (!d->family && (ch[0] || ch[1])) {
        d->rule_channel = ch[0] ? ch[0] : ch[1];
        snprintf(d->rule_ports, sizeof d->rule_ports, "%s", ch[0] ? ports[0] : ports[1]);
        snprintf(d->rule, sizeof d->rule, "OS family unknown: allow %s%s%s%s%s%s%s from %s to %s",
                 ch[0] ? ports[0] : "", ch[0] ? " (" : "", ch[0] ? ch[0] : "", ch[0] ? ") for Unix" : "",
                 ch[0] && ch[1] ? " or " : "", ch[1] ? ports[1] : "", ch[1] ? " for Windows" : "",
                 from, d->h->address);
    }
}

static void advise(dr_host *d)
{
    size_t closed = 0, filtered = 0;
    for (size_t i = 0; i < d->nlogin; i++) {
        closed += strcmp(d->login[i].p->state, "closed") == 0;
        filtered += strcmp(d->login[i].p->state, "filtered") == 0;
    }
    if (d->nlogin == 0)
        snprintf(d->advice, sizeof d->advice, "no login port was probed (scan with the default "
                 "ports, or add 22,139,445 to -p)");
    else if (d->rule[0] == '\0' && closed > 0)
        snprintf(d->advice, sizeof d->advice, "the login ports answer closed (RST): no login "
                 "service listens, a firewall rule will not help; enable SSH (Unix) or SMB (Windows)");
    else if (d->rule[0] == '\0' && filtered > 0)
        snprintf(d->advice, sizeof d->advice, "filtered login ports are not of its %s family",
                 d->family ? d->family : "likely");
}

static void liveness(dr_host *d, const as_live *lv, const char *src)
{
    const char *from = *src ? src : "this gateway";
    const as_host_view *h = d->h;
    if (lv->echo == 0 && lv->ack == 1)
        snprintf(d->liveness, sizeof d->liveness, "ICMP echo blocked (only the TCP ACK to port %s "
                 "answered): consider allowing echo from %s, or scan with -Pn", lv->ack_ports, from);
    else if (lv->ack == 0 && lv->echo == 1)
        snprintf(d->liveness, sizeof d->liveness, "TCP ACK to port %s blocked (only ICMP echo "
                 "answered): consider allowing it from %s, or scan with -Pn", lv->ack_ports, from);
    else if (lv->echo < 0 && lv->ack < 0 && strcmp(h->up_reason, "echo-reply") == 0)
        for (size_t i = 0; i < h->nports; i++)
            if (h->ports[i].port == 80 && strcmp(h->ports[i].state, "filtered") == 0)
                snprintf(d->liveness, sizeof d->liveness, "tcp/80 filtered: the TCP ACK liveness "
                         "probe cannot pass, only ICMP echo showed the host; consider allowing "
                         "tcp/80 from %s, or scan with -Pn", from);
}

/* Open is not deployable: the identity phase found the port open but the protocol did
 * not answer as itself (a different service, a tarpit, a refusing server). */
static void unconfirmed(dr_host *d)
{
    const as_host_view *h = d->h;
    size_t used = 0;
    if (h->deploy_open && *h->deploy_open)
        used += (size_t)snprintf(d->unconfirmed, sizeof d->unconfirmed, "%s open, protocol not "
                                 "confirmed (something else answers there, or the service "
                                 "refused us): check before deploying", h->deploy_open);
    const char *possible = h->identity ? h->identity->agent_possible : NULL;
    if (!h->managed && possible && used < sizeof d->unconfirmed)
        snprintf(d->unconfirmed + used, sizeof d->unconfirmed - used, "%spossible agent %s "
                 "(its port is open, the agent did not answer as itself)", used ? "; " : "",
                 possible);
}

static void analyse(dr_host *d, const as_port_table *t, const login_table *lt, const as_live *lv,
                    const char *src)
{
    const as_host_view *h = d->h;
    int any_answer = 0;
    unconfirmed(d);
    for (size_t i = 0; i < h->nports; i++) {
        const as_port_view *p = &h->ports[i];
        uint8_t proto = strcmp(p->proto, "udp") == 0 ? 17 : 6;
        const char *ch = t ? as_port_table_product(t, (uint16_t)p->port, proto) : NULL;
        any_answer |= answered(p);
        if (ch && d->nlogin < sizeof d->login / sizeof d->login[0])
            d->login[d->nlogin++] = (dr_port){p, ch, as_port_table_family(t, (uint16_t)p->port, proto)};
    }
    guess_family(d, t);
    if (h->managed)
        d->status = DR_MANAGED;
    else if (h->firewall_suspect) {
        /* A tarpit or SYN proxy answers on every port of every address: its open ports say
         * nothing about a login service, so nothing here counts as deployable. */
        d->status = DR_UNKNOWN;
        snprintf(d->advice, sizeof d->advice, "its replies may come from a firewall or tarpit "
                 "answering for it, not from a host: check before deploying to it");
        liveness(d, lv, src);
        return;
    } else if (h->deploy && *h->deploy)
        d->status = DR_DEPLOYABLE;
    else
        d->status = any_answer ? DR_BLOCKED : DR_UNKNOWN;
    if (d->status != DR_MANAGED)
        make_rule(d, lt, t, src);
    if (d->status == DR_DEPLOYABLE && d->rule[0]) {
        d->partly = 1;
        d->rule[0] = '\0';  /* it is reachable already: the filtered ports are information */
    }
    if (d->status == DR_BLOCKED || d->status == DR_UNKNOWN)
        advise(d);
    liveness(d, lv, src);
}

int dr_compute(as_store *st, int64_t scan_id, const as_port_table *deploy, uint32_t source,
               dr_report *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    int own;
    if (as_read_begin(st, &own, err, errlen) < 0)
        return -1;
    int rc = as_scan_view_load(st, scan_id, 0, &r->v, err, errlen);
    if (rc == 0 && source == 0)
        rc = as_origin_source(st, r->v.id, &source, err, errlen);
    as_live_map lm = {0};
    if (rc == 0)
        rc = as_live_load(st, r->v.id, &lm, err, errlen);
    as_read_end(st, own);
    if (source) {
        struct in_addr a = {htonl(source)};
        inet_ntop(AF_INET, &a, r->source, sizeof r->source);
    }
    login_table lt;
    table_ports(deploy, &lt);
    if (rc == 0 && (r->hosts = calloc(r->v.nhosts ? r->v.nhosts : 1, sizeof *r->hosts)) == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < r->v.nhosts; i++) {
        dr_host *d = &r->hosts[r->n++];
        as_live lv;
        d->h = &r->v.hosts[i];
        as_live_get(&lm, d->h->ip, &lv);
        analyse(d, deploy, &lt, &lv, r->source);
        r->count[d->status]++;
        r->partly += (size_t)d->partly;
    }
    as_live_free(&lm);
    if (rc != 0)
        dr_free(r);
    return rc;
}

void dr_free(dr_report *r)
{
    free(r->hosts);
    as_scan_view_free(&r->v);
    memset(r, 0, sizeof *r);
}

int as_deploy_report(as_store *st, int64_t scan_id, const as_port_table *deploy, uint32_t source,
                     const char *format, FILE *out, char *err, size_t errlen)
{
    if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
        snprintf(err, errlen, "unknown format '%s' (use text or json)", format);
        return -1;
    }
    dr_report r;
    if (dr_compute(st, scan_id, deploy, source, &r, err, errlen) != 0)
        return -1;
    int rc = 0;
    if ((strcmp(format, "json") == 0 ? dr_print_json(&r, out) : dr_print_text(&r, out)) != 0) {
        snprintf(err, errlen, "cannot write the report");
        rc = -1;
    }
    dr_free(&r);
    return rc;
}
