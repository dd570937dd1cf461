/* identity_out.c — a host's identity (what its services told) as JSON for `hosts`, and the
 * OS verdict's words for the table, the exports and nmap XML. */
#include <stdlib.h>
#include <string.h>

#include "db/identity_out.h"

json_t *as_json_text(const char *s)
{
    if (!s || !*s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *c = as_text_clean(s, 0);      /* not UTF-8: jansson refuses it whole */
    j = c ? json_string(c) : NULL;
    free(c);
    return j;
}

static int put(json_t *o, const char *k, json_t *v)
{
    return v && json_object_set_new(o, k, v) == 0 ? 0 : -1;
}

static int add_item(void *ctx, const char *item)
{
    json_t *j = as_json_text(item);
    return j && json_array_append_new(ctx, j) == 0 ? 0 : -1;
}

json_t *as_list_json(const char *list)
{
    json_t *arr = json_array();
    if (arr && as_list_each(list, add_item, arr) != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

static json_t *int_or_null(int v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

/* {a: .., b: ..} of the non-NULL ones, or null when all are NULL (the protocol did not
 * answer). */
static json_t *group(const char *const *keys, const char *const *vals, size_t n)
{
    int any = 0;
    for (size_t i = 0; i < n; i++)
        any |= vals[i] != NULL;
    if (!any)
        return json_null();
    json_t *o = json_object();
    for (size_t i = 0; o && i < n; i++)
        if (put(o, keys[i], as_json_text(vals[i])) < 0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static json_t *smb(const as_identity_view *d)
{
    if (!d->smb_dialect && d->smb_signing_required < 0)
        return json_null();
    json_t *o = json_object();
    if (!o || put(o, "dialect", as_json_text(d->smb_dialect)) < 0 ||
        put(o, "signing_required", d->smb_signing_required < 0 ? json_null()
            : json_boolean(d->smb_signing_required)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *tls(const as_identity_view *d)
{
    if (!d->tls_subject && !d->tls_sans && !d->tls_issuer)
        return json_null();
    json_t *o = json_object();
    if (!o || put(o, "subject", as_json_text(d->tls_subject)) < 0 ||
        put(o, "sans", as_list_json(d->tls_sans)) < 0 ||
        put(o, "issuer", as_json_text(d->tls_issuer)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *os(const as_identity_view *d)
{
    if (!d->os)
        return json_null();
    json_t *o = json_object();
    if (!o || put(o, "name", as_json_text(d->os)) < 0 ||
        put(o, "family", as_json_text(d->os_family)) < 0 ||
        put(o, "source", as_json_text(d->os_source)) < 0 ||
        put(o, "confidence", int_or_null(d->os_confidence)) < 0 ||
        put(o, "conflict", as_json_text(d->os_conflict)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *as_identity_json(const as_host_view *h)
{
    const as_identity_view *d = h->identity;
    if (!d)
        return json_null();
    static const char *const snmp_keys[] = {"sysdescr", "sysname", "sysobjectid"};
    const char *snmp_vals[] = {d->snmp_sysdescr, d->snmp_sysname, d->snmp_sysobjectid};
    static const char *const name_keys[] = {"name", "source"};
    const char *name_vals[] = {d->name, d->name ? d->name_source : NULL};
    json_t *o = json_object();
    if (!o || put(o, "netbios_name", as_json_text(d->netbios_name)) < 0 ||
        put(o, "netbios_domain", as_json_text(d->netbios_domain)) < 0 ||
        put(o, "netbios_users", as_list_json(d->netbios_users)) < 0 ||
        put(o, "netbios_mac", as_json_text(d->netbios_mac)) < 0 ||
        put(o, "dns_name", as_json_text(d->dns_name)) < 0 ||
        put(o, "dns_domain", as_json_text(d->dns_domain)) < 0 ||
        put(o, "dns_forest", as_json_text(d->dns_forest)) < 0 ||
        put(o, "os_version", as_json_text(d->os_version)) < 0 ||
        put(o, "ssh", as_json_text(d->ssh)) < 0 || put(o, "smb", smb(d)) < 0 ||
        put(o, "snmp", group(snmp_keys, snmp_vals, 3)) < 0 || put(o, "tls", tls(d)) < 0 ||
        put(o, "http_server", as_json_text(d->http_server)) < 0 ||
        put(o, "os", os(d)) < 0 || put(o, "name", group(name_keys, name_vals, 2)) < 0 ||
        put(o, "agent_possible", as_list_json(d->agent_possible)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *as_evidence_json(const as_host_view *h)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < h->nevidence; i++) {
        const as_evidence_view *e = &h->evidence[i];
        json_t *o = json_object();
        if (!o || put(o, "kind", as_json_text(e->kind)) < 0 ||
            put(o, "source", as_json_text(e->source)) < 0 ||
            put(o, "proto", as_json_text(e->proto)) < 0 ||
            put(o, "port", e->port > 0 ? json_integer(e->port) : json_null()) < 0 ||
            put(o, "value", e->value && *e->value ? as_json_text(e->value) : json_string("")) < 0 ||
            put(o, "verdict", as_json_text(e->verdict)) < 0 ||
            put(o, "confidence", json_integer(e->confidence)) < 0 ||
            json_array_append_new(arr, o) < 0) {
            json_decref(o);
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

const char *as_host_verdict(const as_host_view *h)
{
    return h->identity && h->identity->os ? h->identity->os : NULL;
}

const char *as_host_ostype(const as_host_view *h)
{
    static const char *const own[] = {"FreeBSD", "OpenBSD", "NetBSD", "Solaris", "AIX", "HP-UX",
                                      "macOS", "Mac OS X", "IOS", "Linux", "Windows"};
    static const char *const linuxes[] = {"Debian", "Ubuntu", "Red Hat", "RHEL", "CentOS",
                                          "Fedora", "SUSE", "Alpine", "Rocky", "AlmaLinux",
                                          "Oracle Linux", "Raspbian", "Amazon Linux"};
    const char *os = as_host_verdict(h);
    if (!os)
        return NULL;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
        if (strstr(os, own[i]))
            return own[i];
    for (size_t i = 0; i < sizeof linuxes / sizeof linuxes[0]; i++)
        if (strstr(os, linuxes[i]))
            return "Linux";
    const char *fam = h->identity->os_family;
    return fam && strcmp(fam, "windows") == 0 ? "Windows"
         : fam && strcmp(fam, "unix") == 0 ? "Unix" : NULL;
}

int as_port_confirmed(const as_port_view *p)
{
    return p->confirmed == 1;
}
