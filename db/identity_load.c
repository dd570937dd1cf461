/* identity_load.c — reads what the services told about each host of one scan (the identity
 * row of its observation and its evidence rows, schema 4) into the host views. */
#include <stdlib.h>
#include <string.h>

#include "db/store_internal.h"
#include "probes/vec.h"

void as_identity_view_free(as_host_view *h)
{
    as_identity_view *d = h->identity;
    if (d) {
        char *all[] = {d->netbios_name, d->netbios_domain, d->netbios_users, d->netbios_mac,
                       d->dns_name, d->dns_domain, d->dns_forest, d->os_version, d->ssh,
                       d->smb_dialect, d->snmp_sysdescr, d->snmp_sysname, d->snmp_sysobjectid,
                       d->tls_subject, d->tls_sans, d->tls_issuer, d->http_server,
                       d->agent_possible, d->os, d->os_family, d->os_source, d->os_conflict,
                       d->name, d->name_source};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
            free(all[i]);
        free(d);
        h->identity = NULL;
    }
    for (size_t i = 0; i < h->nevidence; i++) {
        as_evidence_view *e = &h->evidence[i];
        free(e->kind);
        free(e->source);
        free(e->proto);
        free(e->value);
        free(e->verdict);
    }
    free(h->evidence);
    h->evidence = NULL;
    h->nevidence = 0;
}

/* An empty string means unknown as NULL does: the writer stores "" as NULL, other writers
 * of the file may not. */
static char *text(sqlite3_stmt *s, int col, int *oom)
{
    char *t = as_col_dup(s, col, 1, oom);
    if (t && !*t) {
        free(t);
        t = NULL;
    }
    return t;
}

static int int_or(sqlite3_stmt *s, int col, int dflt)
{
    return sqlite3_column_type(s, col) == SQLITE_NULL ? dflt : sqlite3_column_int(s, col);
}

static int read_identity(sqlite3_stmt *s, as_host_view *h, size_t *cap)
{
    (void)cap;     /* one row a host */
    as_identity_view *d = calloc(1, sizeof *d);
    if (!d)
        return -1;
    h->identity = d;
    int oom = 0, c = 1;
    d->netbios_name = text(s, c++, &oom);
    d->netbios_domain = text(s, c++, &oom);
    d->netbios_users = text(s, c++, &oom);
    d->netbios_mac = text(s, c++, &oom);
    d->dns_name = text(s, c++, &oom);
    d->dns_domain = text(s, c++, &oom);
    d->dns_forest = text(s, c++, &oom);
    d->os_version = text(s, c++, &oom);
    d->ssh = text(s, c++, &oom);
    d->smb_dialect = text(s, c++, &oom);
    d->smb_signing_required = int_or(s, c++, -1);
    d->snmp_sysdescr = text(s, c++, &oom);
    d->snmp_sysname = text(s, c++, &oom);
    d->snmp_sysobjectid = text(s, c++, &oom);
    d->tls_subject = text(s, c++, &oom);
    d->tls_sans = text(s, c++, &oom);
    d->tls_issuer = text(s, c++, &oom);
    d->http_server = text(s, c++, &oom);
    d->agent_possible = text(s, c++, &oom);
    d->os = text(s, c++, &oom);
    d->os_family = text(s, c++, &oom);
    d->os_source = text(s, c++, &oom);
    d->os_confidence = int_or(s, c++, -1);
    d->os_conflict = text(s, c++, &oom);
    d->name = text(s, c++, &oom);
    d->name_source = text(s, c++, &oom);
    return oom ? -1 : 0;
}

static int read_evidence(sqlite3_stmt *s, as_host_view *h, size_t *cap)
{
    if (AS_VEC_RESERVE_FROM(h->evidence, *cap, h->nevidence + 1, 4) != 0)
        return -1;
    as_evidence_view *e = &h->evidence[h->nevidence++];
    memset(e, 0, sizeof *e);
    int oom = 0;
    e->kind = as_col_dup(s, 1, 0, &oom);
    e->source = as_col_dup(s, 2, 0, &oom);
    e->proto = text(s, 3, &oom);
    e->port = int_or(s, 4, 0);
    e->value = as_col_dup(s, 5, 0, &oom);
    e->verdict = text(s, 6, &oom);
    e->confidence = sqlite3_column_int(s, 7);
    return oom ? -1 : 0;
}

static size_t count_evidence(const as_host_view *h)
{
    return h->nevidence;
}

int as_identity_load(as_store *st, as_scan_view *v, char *err, size_t errlen)
{
    static const char identity[] =
        "SELECT host_id, netbios_name, netbios_domain, netbios_users, netbios_mac, dns_name,"
        "  dns_domain, dns_forest, os_version, ssh, smb_dialect, smb_signing_required,"
        "  snmp_sysdescr, snmp_sysname, snmp_sysobjectid, tls_subject, tls_sans, tls_issuer,"
        "  http_server, agent_possible, os, os_family, os_source, os_confidence, os_conflict,"
        "  name, name_source FROM identity WHERE scan_id = ?1 ORDER BY host_id";
    static const char evidence[] =
        "SELECT host_id, kind, source, proto, port, value, verdict, confidence FROM evidence "
        "WHERE scan_id = ?1 ORDER BY host_id, seq";
    if (as_attach_rows(st, v, identity, read_identity, NULL, err, errlen) != 0)
        return -1;
    return as_attach_rows(st, v, evidence, read_evidence, count_evidence, err, errlen);
}
