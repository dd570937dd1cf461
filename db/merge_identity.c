/* merge_identity.c — a host view's identity and evidence (read from a gateway's file) back
 * into the record the store writes, so that `merge` carries them like ports and OS guesses. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/merge_internal.h"

#define COPY(dst, src) snprintf(dst, sizeof(dst), "%s", (src) ? (src) : "")

static void parse_mac(const char *s, as_identity_record *r)
{
    unsigned m[6];
    if (s && sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) == 6) {
        for (int i = 0; i < 6; i++)
            r->netbios_mac[i] = (uint8_t)m[i];
        r->has_netbios_mac = 1;
    }
}

int mg_identity_record(const as_host_view *h, as_identity_record *r, as_evidence_record **ev)
{
    const as_identity_view *d = h->identity;
    memset(r, 0, sizeof *r);
    *ev = NULL;
    if (!d)
        return 0;
    COPY(r->netbios_name, d->netbios_name);
    COPY(r->netbios_domain, d->netbios_domain);
    COPY(r->netbios_users, d->netbios_users);
    parse_mac(d->netbios_mac, r);
    COPY(r->dns_name, d->dns_name);
    COPY(r->dns_domain, d->dns_domain);
    COPY(r->dns_forest, d->dns_forest);
    COPY(r->os_version, d->os_version);
    COPY(r->ssh, d->ssh);
    COPY(r->smb_dialect, d->smb_dialect);
    r->smb_signing_required = d->smb_signing_required;
    COPY(r->snmp_sysdescr, d->snmp_sysdescr);
    COPY(r->snmp_sysname, d->snmp_sysname);
    COPY(r->snmp_sysobjectid, d->snmp_sysobjectid);
    COPY(r->tls_subject, d->tls_subject);
    COPY(r->tls_sans, d->tls_sans);
    COPY(r->tls_issuer, d->tls_issuer);
    COPY(r->http_server, d->http_server);
    COPY(r->agent_possible, d->agent_possible);
    COPY(r->os, d->os);
    COPY(r->os_family, d->os_family);
    COPY(r->os_source, d->os_source);
    r->os_confidence = d->os_confidence < 0 ? 0 : d->os_confidence;
    COPY(r->os_conflict, d->os_conflict);
    COPY(r->name, d->name);
    COPY(r->name_source, d->name_source);
    if (h->nevidence == 0)
        return 1;
    as_evidence_record *e = calloc(h->nevidence, sizeof *e);
    if (!e)
        return -1;
    for (size_t i = 0; i < h->nevidence; i++) {
        const as_evidence_view *v = &h->evidence[i];
        COPY(e[i].kind, v->kind);
        COPY(e[i].source, v->source);
        e[i].port = (uint16_t)(v->port > 0 && v->port < 65536 ? v->port : 0);
        e[i].proto = !v->proto ? 0 : strcmp(v->proto, "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
        COPY(e[i].value, v->value);
        COPY(e[i].verdict, v->verdict);
        e[i].confidence = v->confidence;
    }
    r->evidence = e;
    r->nevidence = h->nevidence;
    *ev = e;
    return 1;
}
