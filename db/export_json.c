/* export_json.c — `export --format json|ndjson`: the CSV's fields, typed, built with jansson
 * one host at a time and streamed, so memory stays one host deep however large the scan. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/export_internal.h"

/* Strings are repaired to valid UTF-8 first: jansson refuses anything else, and a PTR
 * record with a stray byte must not drop the whole host. */
static json_t *jstr(const char *s)
{
    if (!s)
        return json_null();
    char *c = as_text_clean(s, 0);
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

static json_t *jstr_or_null(const char *s)
{
    return s && *s ? jstr(s) : json_null();
}

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static json_t *port_list(const as_export_ctx *x, const as_host_view *h, int which)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h->nports; i++) {
        const as_port_view *p = &h->ports[i];
        if (!as_x_port_in(x, p, which))
            continue;
        json_t *o = json_object();
        if (!o || put(o, "port", json_integer(p->port)) < 0 || put(o, "proto", jstr(p->proto)) < 0 ||
            put(o, "service", jstr_or_null(p->service)) < 0 ||
            put(o, "product", jstr_or_null(p->product)) < 0 ||
            put(o, "version", jstr_or_null(p->version)) < 0 ||
            put(o, "confirmed", p->confirmed < 0 ? json_null() : json_boolean(p->confirmed)) < 0 ||
            json_array_append_new(arr, o) < 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static int add_item(void *ctx, const char *item)
{
    return json_array_append_new(ctx, jstr(item));
}

static json_t *list(const char *items)
{
    json_t *arr = json_array();
    if (arr && as_list_each(items, add_item, arr) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* The best guess, else the passive one by name and accuracy (as_x_os_name). */
static int os_fields(json_t *o, const as_host_view *h)
{
    const as_os_view *os = as_x_best_os(h);
    int acc, oom = 0;
    char *name = as_x_os_name(h, &acc, &oom);
    int rc = oom ? -1 : put(o, "os_name", jstr(name));
    free(name);
    if (rc < 0 || put(o, "os_accuracy", acc >= 0 ? json_integer(acc) : json_null()) < 0 ||
        put(o, "os_vendor", jstr_or_null(os ? os->vendor : NULL)) < 0 ||
        put(o, "os_family", jstr_or_null(os ? os->family : NULL)) < 0 ||
        put(o, "os_type", jstr_or_null(os ? os->type : NULL)) < 0 ||
        put(o, "os_cpe", jstr_or_null(os ? os->cpe : NULL)) < 0)
        return -1;
    return 0;
}

/* What the identity phase added, flat as the CSV's last columns (null when unknown). */
static int identity_fields(json_t *o, const as_host_view *h)
{
    const as_identity_view *d = h->identity;
    const char *os = d ? d->os : NULL, *name = d ? d->name : NULL;
    if (put(o, "os_verdict", jstr_or_null(os)) < 0 ||
        put(o, "os_verdict_source", jstr_or_null(os ? d->os_source : NULL)) < 0 ||
        put(o, "os_verdict_confidence", os && d->os_confidence >= 0
            ? json_integer(d->os_confidence) : json_null()) < 0 ||
        put(o, "os_version", jstr_or_null(d ? d->os_version : NULL)) < 0 ||
        put(o, "netbios_domain", jstr_or_null(d ? d->netbios_domain : NULL)) < 0 ||
        put(o, "host_name", jstr_or_null(name)) < 0 ||
        put(o, "host_name_source", jstr_or_null(name ? d->name_source : NULL)) < 0 ||
        put(o, "dns_domain", jstr_or_null(d ? d->dns_domain : NULL)) < 0 ||
        put(o, "deploy_open", list(h->deploy_open)) < 0 ||
        put(o, "agent_possible", list(d ? d->agent_possible : NULL)) < 0)
        return -1;
    return 0;
}

static json_t *host(const as_export_ctx *x, const as_host_view *h)
{
    char first[32], last[32];
    as_when_iso(h->first_seen, first, sizeof first);
    as_when_iso(h->last_seen, last, sizeof last);
    json_t *o = json_object();
    if (!o || put(o, "address", jstr(h->address)) < 0 ||
        put(o, "status", jstr(h->up ? "up" : "down")) < 0 ||
        put(o, "mac", jstr_or_null(h->mac)) < 0 ||
        put(o, "mac_vendor", jstr_or_null(as_x_vendor(x, h))) < 0 ||
        put(o, "dns_name", jstr_or_null(h->name)) < 0 ||
        put(o, "netbios_name", jstr_or_null(h->identity ? h->identity->netbios_name : NULL)) < 0 ||
        os_fields(o, h) < 0 ||
        put(o, "open_ports", port_list(x, h, 0)) < 0 ||
        put(o, "filtered_login_ports", port_list(x, h, 1)) < 0 ||
        put(o, "managed", json_boolean(h->managed)) < 0 ||
        put(o, "agent", jstr_or_null(h->agent)) < 0 || put(o, "deploy", list(h->deploy)) < 0 ||
        put(o, "first_seen", jstr_or_null(first)) < 0 ||
        put(o, "last_seen", jstr_or_null(last)) < 0 ||
        put(o, "seen_count", json_integer(h->seen_count)) < 0 ||
        put(o, "scan_id", json_integer(x->v->id)) < 0 ||
        put(o, "host_id", json_integer(h->host_id)) < 0 ||
        put(o, "family", jstr_or_null(as_x_family(x, h))) < 0 ||
        put(o, "device_type", jstr_or_null(as_x_device(x, h))) < 0 ||
        put(o, "firewall_suspect", json_boolean(h->firewall_suspect)) < 0 ||
        put(o, "firewall_note", jstr_or_null(as_x_firewall_note(h))) < 0 ||
        identity_fields(o, h) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* json: "[", the objects separated by ",", "]"; ndjson: one compact object a line. */
int as_export_json(const as_export_ctx *x, int ndjson)
{
    /* 15 significant digits: 0.328 prints as 0.328, not 0.32800000000000001 (jansson's
     * default of 17 shows the binary rounding of every decimal). */
    size_t flags = JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15) |
                   (ndjson ? JSON_COMPACT : JSON_INDENT(2));
    if (!ndjson)
        fputs(x->n ? "[\n" : "[", x->out);
    for (size_t i = 0; i < x->n; i++) {
        json_t *o = host(x, x->hosts[i]);
        int rc = o ? json_dumpf(o, x->out, flags) : -1;
        json_decref(o);
        if (rc < 0)
            return -1;
        fputs(ndjson || i + 1 == x->n ? "\n" : ",\n", x->out);
    }
    if (!ndjson)
        fputs("]\n", x->out);
    return ferror(x->out) ? -1 : 0;
}
