/* report_rules.c — the deploy report's per-host firewall rules as requests to paste into a
 * change: one per compartment (from the scanner, to one /24, the same ports), with the
 * hosts each would unblock. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "db/report_internal.h"

/* Hosts come in address order, so a host's rule can only be among those its /24 started. */
static rp_rule *find(rp_model *m, const dr_host *d, uint32_t net, size_t from)
{
    for (size_t i = from; i < m->nrules; i++) {
        rp_rule *r = &m->rules[i];
        if (r->net == net && strcmp(r->ports, d->rule_ports) == 0 &&
            strcmp(r->channel, d->rule_channel) == 0 && strcmp(r->from, m->dr.source) == 0)
            return r;
    }
    return NULL;
}

static int add_host(rp_rule *r, size_t idx)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 8;
        size_t *nh = realloc(r->hosts, ncap * sizeof *nh);
        if (!nh)
            return -1;
        r->hosts = nh;
        r->cap = ncap;
    }
    r->hosts[r->n++] = idx;
    return 0;
}

static int cmp_rule(const void *a, const void *b)
{
    const rp_rule *x = a, *y = b;
    int c = strcmp(x->from, y->from);
    if (c == 0)
        c = strcmp(x->ports, y->ports);
    if (c == 0)
        c = (x->net > y->net) - (x->net < y->net);
    return c;
}

/* Only blocked hosts: a partly blocked host is reachable already, a managed one needs no
 * rule. Hosts arrive in address order, so each rule's list stays sorted. */
int rp_rules_group(rp_model *m)
{
    size_t blocked = 0;
    for (size_t i = 0; i < m->dr.n; i++)
        blocked += m->dr.hosts[i].status != DR_MANAGED &&
                   m->dr.hosts[i].status != DR_DEPLOYABLE && m->dr.hosts[i].rule[0];
    m->rules = calloc(blocked ? blocked : 1, sizeof *m->rules);   /* at most one per host */
    if (!m->rules)
        return -1;
    size_t from = 0;
    uint32_t cur = 0;
    for (size_t i = 0; i < m->dr.n; i++) {
        const dr_host *d = &m->dr.hosts[i];
        if (d->status == DR_MANAGED || d->status == DR_DEPLOYABLE || !d->rule[0])
            continue;
        uint32_t net = d->h->ip & 0xffffff00u;
        if (net != cur || m->nrules == 0)
            from = m->nrules, cur = net;
        rp_rule *r = find(m, d, net, from);
        if (!r) {
            r = &m->rules[m->nrules++];
            snprintf(r->from, sizeof r->from, "%s", m->dr.source);
            r->channel = d->rule_channel;
            snprintf(r->ports, sizeof r->ports, "%s", d->rule_ports);
            r->net = net;
        }
        if (add_host(r, i) != 0)
            return -1;
    }
    if (m->nrules > 1)
        qsort(m->rules, m->nrules, sizeof *m->rules, cmp_rule);
    return 0;
}

static void ip_text(uint32_t ip, char *buf)
{
    struct in_addr a = {htonl(ip)};
    inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

void rp_rule_targets(const rp_model *m, const rp_rule *r, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n && used < len; ) {
        uint32_t lo = m->dr.hosts[r->hosts[i]].h->ip, hi = lo;
        size_t j = i + 1;
        while (j < r->n && m->dr.hosts[r->hosts[j]].h->ip == hi + 1)
            hi = m->dr.hosts[r->hosts[j++]].h->ip;
        char a[INET_ADDRSTRLEN];
        ip_text(lo, a);
        int w = hi == lo ? snprintf(buf + used, len - used, "%s%s", used ? ", " : "", a)
                         : snprintf(buf + used, len - used, "%s%s-%u", used ? ", " : "", a,
                                    (unsigned)(hi & 0xff));
        if (w < 0 || (size_t)w >= len - used) {
            /* Cut at a whole item: a request with half an address is worse than a short one. */
            buf[used] = '\0';
            break;
        }
        used += (size_t)w;
        i = j;
    }
}
