/* export_cmdb.c — `export --format cmdb`: per host the keys CMDBs identify a CI by, in the
 * order they try them (name/FQDN, MAC, IP), its classification and its "managed by" links. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/export_internal.h"

#ifndef AS_VERSION
#define AS_VERSION "unknown"
#endif

static json_t *jstr(const char *s)
{
    if (!s || !*s)
        return json_null();
    char *c = as_text_clean(s, 0);
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

/* The keys a CMDB identifies a CI by. The name is the FQDN where the PTR record gives one:
 * web01.dc1 and web01.dc2 are two machines, never one "web01". agentscan's own host id is
 * stable across scans and address changes: the source-native key. */
static json_t *identification(const as_host_view *h)
{
    char *short_name = strdup(h->name);
    if (!short_name)
        return NULL;
    char *dot = strchr(short_name, '.');
    if (dot)
        *dot = '\0';
    json_t *o = json_object();
    int rc = o ? 0 : -1;
    if (rc == 0) rc = put(o, "host_id", json_integer(h->host_id));
    if (rc == 0) rc = put(o, "name", jstr(h->name));
    if (rc == 0) rc = put(o, "short_name", jstr(short_name));
    if (rc == 0) rc = put(o, "fqdn", jstr(dot ? h->name : NULL));
    if (rc == 0) rc = put(o, "mac_address", jstr(h->mac));
    if (rc == 0) rc = put(o, "ip_address", jstr(h->address));
    /* What the host calls itself (NTLMSSP, SNMP, certificates), beside the PTR name. */
    const as_identity_view *d = h->identity;
    if (rc == 0) rc = put(o, "netbios_name", jstr(d ? d->netbios_name : NULL));
    if (rc == 0) rc = put(o, "host_name", jstr(d ? d->name : NULL));
    if (rc == 0) rc = put(o, "host_name_source", jstr(d && d->name ? d->name_source : NULL));
    free(short_name);
    if (rc < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The identity phase's verdict where there is one (the OS the services named, and the
 * version NTLMSSP reports), else the best OS guess, else the passive one. */
static json_t *classification(const as_export_ctx *x, const as_host_view *h)
{
    const as_os_view *os = as_x_best_os(h);
    const as_identity_view *d = h->identity && h->identity->os ? h->identity : NULL;
    int acc = -1, oom = 0;
    char *name = d ? strdup(d->os) : as_x_os_name(h, &acc, &oom);
    if (d) {
        acc = d->os_confidence;
        oom |= !name;
    }
    const char *version = h->identity && h->identity->os_version ? h->identity->os_version
                        : os ? os->generation : NULL;
    const char *source = d ? d->os_source : os ? "osmatch" : name ? "passive" : NULL;
    json_t *o = oom ? NULL : json_object();
    if (!o || put(o, "os_family", jstr(as_x_family(x, h))) < 0 ||
        put(o, "os_name", jstr(name)) < 0 ||
        put(o, "os_version", jstr(version)) < 0 ||
        put(o, "os_accuracy", acc >= 0 ? json_integer(acc) : json_null()) < 0 ||
        put(o, "device_type", jstr(as_x_device(x, h))) < 0 ||
        put(o, "os_source", jstr(source)) < 0) {
        json_decref(o);
        o = NULL;
    }
    free(name);
    return o;
}

static int add_relation(void *ctx, const char *product)
{
    json_t *r = json_object();
    if (!r || put(r, "type", json_string("managed_by")) < 0 ||
        put(r, "target_class", json_string("agent")) < 0 || put(r, "target", jstr(product)) < 0 ||
        json_array_append_new(ctx, r) < 0) {
        json_decref(r);
        return -1;
    }
    return 0;
}

static int add_str(void *ctx, const char *item)
{
    return json_array_append_new(ctx, jstr(item));
}

static json_t *list(const char *items)
{
    json_t *arr = json_array();
    if (arr && as_list_each(items, add_str, arr) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static json_t *port_numbers(const as_export_ctx *x, const as_host_view *h, int which)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h->nports; i++)
        if (as_x_port_in(x, &h->ports[i], which) &&
            json_array_append_new(arr, json_integer(h->ports[i].port)) < 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

static json_t *attributes(const as_export_ctx *x, const as_host_view *h)
{
    char first[32], last[32];
    as_when_iso(h->first_seen, first, sizeof first);
    as_when_iso(h->last_seen, last, sizeof last);
    json_t *o = json_object(), *deploy = json_array();
    if (!o || !deploy || as_list_each(h->deploy, add_str, deploy) != 0) {
        json_decref(o);
        json_decref(deploy);
        return NULL;
    }
    if (put(o, "status", json_string(h->up ? "up" : "down")) < 0 ||
        put(o, "mac_vendor", jstr(as_x_vendor(x, h))) < 0 ||
        put(o, "open_ports", port_numbers(x, h, 0)) < 0 ||
        put(o, "filtered_login_ports", port_numbers(x, h, 1)) < 0 ||
        put(o, "deploy_channels", deploy) < 0 || put(o, "managed", json_boolean(h->managed)) < 0 ||
        put(o, "first_seen", jstr(first)) < 0 || put(o, "last_seen", jstr(last)) < 0 ||
        put(o, "seen_count", json_integer(h->seen_count)) < 0 ||
        put(o, "firewall_suspect", json_boolean(h->firewall_suspect)) < 0 ||
        put(o, "firewall_note", jstr(as_x_firewall_note(h))) < 0 ||
        put(o, "deploy_open", list(h->deploy_open)) < 0 ||
        put(o, "agent_possible", list(h->identity ? h->identity->agent_possible : NULL)) < 0 ||
        put(o, "netbios_domain", jstr(h->identity ? h->identity->netbios_domain : NULL)) < 0 ||
        put(o, "dns_domain", jstr(h->identity ? h->identity->dns_domain : NULL)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *item(const as_export_ctx *x, const as_host_view *h)
{
    json_t *o = json_object(), *rel = json_array();
    if (!o || !rel || as_list_each(h->agent, add_relation, rel) != 0 ||
        put(o, "identification", identification(h)) < 0 ||
        put(o, "classification", classification(x, h)) < 0 ||
        put(o, "relations", json_incref(rel)) < 0 || put(o, "attributes", attributes(x, h)) < 0) {
        json_decref(o);
        json_decref(rel);
        return NULL;
    }
    json_decref(rel);
    return o;
}

static json_t *header(const as_scan_view *v)
{
    char started[32], finished[32];
    as_when_iso(v->started, started, sizeof started);
    as_when_iso(v->has_finished ? v->finished : 0, finished, sizeof finished);
    json_t *o = json_object();
    if (!o || put(o, "scan_id", json_integer(v->id)) < 0 || put(o, "started", jstr(started)) < 0 ||
        put(o, "finished", jstr(finished)) < 0 || put(o, "status", jstr(v->status)) < 0 ||
        put(o, "targets", jstr(v->targets)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int as_export_cmdb(const as_export_ctx *x)
{
    json_t *root = json_object(), *gen = json_object(), *items = json_array();
    int rc = root && gen && items ? 0 : -1;
    if (rc == 0) rc = put(gen, "name", json_string("agentscan")) ||
                      put(gen, "version", json_string(AS_VERSION));
    if (rc == 0) rc = put(root, "generator", json_incref(gen));
    if (rc == 0) rc = put(root, "scan", header(x->v));
    for (size_t i = 0; rc == 0 && i < x->n; i++)
        rc = json_array_append_new(items, item(x, x->hosts[i]));
    if (rc == 0) rc = put(root, "items", json_incref(items));
    if (rc == 0) rc = json_dumpf(root, x->out, JSON_INDENT(2) | JSON_REAL_PRECISION(15) | JSON_ENSURE_ASCII);
    if (rc == 0)
        fputc('\n', x->out);
    json_decref(items);
    json_decref(gen);
    json_decref(root);
    return rc == 0 && !ferror(x->out) ? 0 : -1;
}
