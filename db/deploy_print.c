/* deploy_print.c — the deploy report as text (a table, then the firewall requests of the
 * blocked and partly blocked hosts) and as JSON (one object per host, built with jansson). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/deploy_internal.h"

/* "tcp/23 (telnet, no-response), ..." of the login ports in one state. */
static void port_list(const dr_host *d, const char *state, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < d->nlogin && used < len; i++) {
        const as_port_view *p = d->login[i].p;
        if (strcmp(p->state, state) == 0)
            used += (size_t)snprintf(buf + used, len - used, "%s%s/%d (%s, %s)", used ? ", " : "",
                                     p->proto, p->port, d->login[i].channel, p->reason);
    }
    if (used == 0)
        snprintf(buf, len, "-");
}

static void channels(const dr_host *d, char *buf, size_t len)
{
    const as_host_view *h = d->h;
    if (d->status == DR_MANAGED)
        snprintf(buf, len, "%s", h->agent ? h->agent : "agent");
    else if (h->deploy_open && *h->deploy_open && !h->firewall_suspect)
        snprintf(buf, len, "%s (open, protocol not confirmed: %s)",
                 h->deploy && *h->deploy ? h->deploy : "-", h->deploy_open);
    else
        snprintf(buf, len, "%s", h->deploy && *h->deploy ? h->deploy : "-");
}

static void clean_name(const char *in, char *out, size_t len)
{
    char *c = as_text_clean(in ? in : "", 2);
    snprintf(out, len, "%s", c ? c : "");
    free(c);
}

static void detail(const dr_host *d, FILE *out)
{
    char name[80], buf[1024];
    clean_name(d->h->name, name, sizeof name);
    fprintf(out, "\n%s%s%s%s: %s%s, %s%s%s%s\n", d->h->address, *name ? " (" : "", name,
            *name ? ")" : "", d->partly ? "partly blocked, deployable via " : dr_status_name(d->status),
            d->partly ? d->h->deploy : "", d->family ? d->family : "OS family unknown",
            d->family ? " (" : "", d->family ? d->basis : "", d->family ? ")" : "");
    port_list(d, "filtered", buf, sizeof buf);
    fprintf(out, "  filtered: %s\n", buf);
    port_list(d, "closed", buf, sizeof buf);
    fprintf(out, "  closed:   %s\n", buf);
    if (d->rule[0])
        fprintf(out, "  rule:     %s\n", d->rule);
    if (d->advice[0])
        fprintf(out, "  note:     %s\n", d->advice);
    if (d->partly)
        fprintf(out, "  note:     reachable already; open the filtered ports only to use those channels\n");
    if (d->unconfirmed[0])
        fprintf(out, "  open:     %s\n", d->unconfirmed);
    if (d->liveness[0])
        fprintf(out, "  liveness: %s\n", d->liveness);
}

int dr_print_text(const dr_report *r, FILE *out)
{
    fprintf(out, "Deploy readiness from scan %lld (%s, %s), scanner %s\n\n", (long long)r->v.id,
            r->v.status, r->v.targets, *r->source ? r->source : "address unknown");
    fprintf(out, "%-15s  %-28s  %-10s  %-8s  %s\n", "ADDRESS", "NAME", "STATUS", "FAMILY",
            "CHANNELS / AGENT");
    for (size_t i = 0; i < r->n; i++) {
        const dr_host *d = &r->hosts[i];
        char name[80], ch[300];
        clean_name(d->h->name, name, sizeof name);
        channels(d, ch, sizeof ch);
        fprintf(out, "%-15s  %-28.28s  %-10s  %-8s  %s%s\n", d->h->address, name,
                dr_status_name(d->status), d->family ? d->family : "?", ch,
                d->partly ? " (partly blocked)" : "");
    }
    int any = 0;
    for (size_t i = 0; i < r->n; i++) {
        const dr_host *d = &r->hosts[i];
        if (d->status == DR_BLOCKED || d->status == DR_UNKNOWN || d->partly || d->liveness[0] ||
            d->unconfirmed[0]) {
            if (!any++)
                fprintf(out, "\nBlocked, partly blocked and hard-to-see hosts:\n");
            detail(d, out);
        }
    }
    fprintf(out, "\n%zu managed, %zu deployable (%zu partly blocked), %zu blocked, %zu unknown "
            "(seen only by ICMP)\n", r->count[DR_MANAGED], r->count[DR_DEPLOYABLE], r->partly,
            r->count[DR_BLOCKED], r->count[DR_UNKNOWN]);
    return ferror(out) ? -1 : 0;
}

static json_t *str_or_null(const char *s)
{
    if (s == NULL || *s == '\0')
        return json_null();
    char *c = as_text_clean(s, 0);
    json_t *j = c ? json_string(c) : json_null();
    free(c);
    return j;
}

static json_t *ports_json(const dr_host *d)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < d->nlogin; i++) {
        const as_port_view *p = d->login[i].p;
        json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o}", "port", p->port,
                                           "proto", p->proto, "state", p->state, "reason", p->reason,
                                           "channel", d->login[i].channel, "family", d->login[i].family,
                                           "confirmed", p->confirmed < 0 ? json_null()
                                           : json_boolean(p->confirmed)));
    }
    return a;
}

static json_t *host_json(const dr_report *r, const dr_host *d)
{
    json_t *o = json_object();
    json_object_set_new(o, "address", json_string(d->h->address));
    json_object_set_new(o, "name", str_or_null(d->h->name));
    json_object_set_new(o, "status", json_string(dr_status_name(d->status)));
    json_object_set_new(o, "partly_blocked", json_boolean(d->partly));
    json_object_set_new(o, "family", str_or_null(d->family));
    json_object_set_new(o, "family_basis", str_or_null(d->family ? d->basis : NULL));
    json_object_set_new(o, "agent", str_or_null(d->h->managed ? d->h->agent : NULL));
    json_object_set_new(o, "deploy", str_or_null(d->h->deploy));
    json_object_set_new(o, "deploy_open", str_or_null(d->h->deploy_open));
    json_object_set_new(o, "agent_possible", str_or_null(d->h->managed || !d->h->identity ? NULL
                                                         : d->h->identity->agent_possible));
    json_object_set_new(o, "unconfirmed", str_or_null(d->unconfirmed));
    json_object_set_new(o, "login_ports", ports_json(d));
    json_t *rule = json_null();
    if (d->rule[0])
        rule = json_pack("{s:s, s:s, s:s?, s:s, s:s}", "allow", d->rule_ports, "channel",
                         d->rule_channel, "from", *r->source ? r->source : NULL, "to",
                         d->h->address, "text", d->rule);
    json_object_set_new(o, "rule", rule ? rule : json_null());
    json_object_set_new(o, "note", str_or_null(d->advice));
    json_object_set_new(o, "liveness", str_or_null(d->liveness));
    return o;
}

int dr_print_json(const dr_report *r, FILE *out)
{
    json_t *hosts = json_array();
    for (size_t i = 0; hosts && i < r->n; i++)
        json_array_append_new(hosts, host_json(r, &r->hosts[i]));
    json_t *root = json_pack("{s:I, s:s?, s:o, s:{s:I, s:I, s:I, s:I, s:I}}", "scan_id",
                             (json_int_t)r->v.id, "source", *r->source ? r->source : NULL,
                             "hosts", hosts, "summary", "managed", (json_int_t)r->count[DR_MANAGED],
                             "deployable", (json_int_t)r->count[DR_DEPLOYABLE], "partly_blocked",
                             (json_int_t)r->partly, "blocked", (json_int_t)r->count[DR_BLOCKED],
                             "unknown", (json_int_t)r->count[DR_UNKNOWN]);
    if (root == NULL)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(root);
    return rc;
}
