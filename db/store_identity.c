/* store_identity.c — what the identity phase learned, written over a host this scan already
 * stored: its identity row and evidence (replacing earlier ones), each port's product,
 * version and confirmation, and the verdicts on deploy channels and agents. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "db/store_internal.h"

static int prep(as_store *st, const char *sql, sqlite3_stmt **s)
{
    return sqlite3_prepare_v2(st->db, sql, -1, s, NULL) == SQLITE_OK ? 0 : -1;
}

static int step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Fixed arrays from the engine: never trust a terminator; "" is stored as NULL. */
static int text(sqlite3_stmt *s, int idx, const char *field, size_t size)
{
    size_t n = strnlen(field, size);
    return n ? sqlite3_bind_text(s, idx, field, (int)n, SQLITE_TRANSIENT) : sqlite3_bind_null(s, idx);
}

#define TEXT(s, idx, arr) text(s, idx, arr, sizeof(arr))

static int clear(as_store *st, const char *table, int64_t scan_id, int64_t host_id)
{
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE scan_id = ?1 AND host_id = ?2", table);
    sqlite3_stmt *s;
    if (prep(st, sql, &s) != 0)
        return -1;
    sqlite3_bind_int64(s, 1, scan_id);
    sqlite3_bind_int64(s, 2, host_id);
    return step_done(s);
}

static int insert_identity(as_store *st, int64_t scan_id, int64_t host_id,
                           const as_identity_record *id)
{
    sqlite3_stmt *s;
    if (prep(st, "INSERT INTO identity(scan_id, host_id, netbios_name, netbios_domain,"
             " netbios_users, netbios_mac, dns_name, dns_domain, dns_forest, os_version, ssh,"
             " smb_dialect, smb_signing_required, snmp_sysdescr, snmp_sysname, snmp_sysobjectid,"
             " tls_subject, tls_sans, tls_issuer, http_server, agent_possible, os, os_family,"
             " os_source, os_confidence, os_conflict, name, name_source) VALUES(?1, ?2, ?3, ?4,"
             " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
             " ?22, ?23, ?24, ?25, ?26, ?27, ?28)", &s) != 0)
        return -1;
    char mac[18] = "";
    if (id->has_netbios_mac)
        snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", id->netbios_mac[0],
                 id->netbios_mac[1], id->netbios_mac[2], id->netbios_mac[3], id->netbios_mac[4],
                 id->netbios_mac[5]);
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = TEXT(s, 3, id->netbios_name);
    if (rc == SQLITE_OK) rc = TEXT(s, 4, id->netbios_domain);
    if (rc == SQLITE_OK) rc = TEXT(s, 5, id->netbios_users);
    if (rc == SQLITE_OK) rc = TEXT(s, 6, mac);
    if (rc == SQLITE_OK) rc = TEXT(s, 7, id->dns_name);
    if (rc == SQLITE_OK) rc = TEXT(s, 8, id->dns_domain);
    if (rc == SQLITE_OK) rc = TEXT(s, 9, id->dns_forest);
    if (rc == SQLITE_OK) rc = TEXT(s, 10, id->os_version);
    if (rc == SQLITE_OK) rc = TEXT(s, 11, id->ssh);
    if (rc == SQLITE_OK) rc = TEXT(s, 12, id->smb_dialect);
    if (rc == SQLITE_OK) rc = id->smb_signing_required < 0 ? sqlite3_bind_null(s, 13)
                              : sqlite3_bind_int(s, 13, id->smb_signing_required != 0);
    if (rc == SQLITE_OK) rc = TEXT(s, 14, id->snmp_sysdescr);
    if (rc == SQLITE_OK) rc = TEXT(s, 15, id->snmp_sysname);
    if (rc == SQLITE_OK) rc = TEXT(s, 16, id->snmp_sysobjectid);
    if (rc == SQLITE_OK) rc = TEXT(s, 17, id->tls_subject);
    if (rc == SQLITE_OK) rc = TEXT(s, 18, id->tls_sans);
    if (rc == SQLITE_OK) rc = TEXT(s, 19, id->tls_issuer);
    if (rc == SQLITE_OK) rc = TEXT(s, 20, id->http_server);
    if (rc == SQLITE_OK) rc = TEXT(s, 21, id->agent_possible);
    if (rc == SQLITE_OK) rc = TEXT(s, 22, id->os);
    if (rc == SQLITE_OK) rc = TEXT(s, 23, id->os_family);
    if (rc == SQLITE_OK) rc = TEXT(s, 24, id->os_source);
    if (rc == SQLITE_OK) rc = id->os[0] ? sqlite3_bind_int(s, 25, id->os_confidence)
                                        : sqlite3_bind_null(s, 25);
    if (rc == SQLITE_OK) rc = TEXT(s, 26, id->os_conflict);
    if (rc == SQLITE_OK) rc = TEXT(s, 27, id->name);
    if (rc == SQLITE_OK) rc = TEXT(s, 28, id->name_source);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1;
    }
    return step_done(s);
}

static int insert_evidence(as_store *st, int64_t scan_id, int64_t host_id, int seq,
                           const as_evidence_record *e)
{
    sqlite3_stmt *s;
    if (prep(st, "INSERT INTO evidence(scan_id, host_id, seq, kind, source, proto, port, value,"
             " verdict, confidence) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &s) != 0)
        return -1;
    const char *proto = e->proto == IPPROTO_TCP ? "tcp" : e->proto == IPPROTO_UDP ? "udp" : NULL;
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 3, seq);
    if (rc == SQLITE_OK) rc = TEXT(s, 4, e->kind);
    if (rc == SQLITE_OK) rc = TEXT(s, 5, e->source);
    if (rc == SQLITE_OK) rc = proto ? sqlite3_bind_text(s, 6, proto, -1, SQLITE_STATIC)
                                    : sqlite3_bind_null(s, 6);
    if (rc == SQLITE_OK) rc = e->port ? sqlite3_bind_int(s, 7, e->port) : sqlite3_bind_null(s, 7);
    /* value is NOT NULL: an empty value is stored as "". */
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 8, e->value, (int)strnlen(e->value, sizeof e->value),
                                                SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = TEXT(s, 9, e->verdict);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 10, e->confidence);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1;
    }
    return step_done(s);
}

int as_store_write_identity(as_store *st, int64_t scan_id, int64_t host_id,
                            const as_identity_record *id)
{
    if (clear(st, "evidence", scan_id, host_id) != 0 || clear(st, "identity", scan_id, host_id) != 0)
        return -1;
    if (id == NULL)
        return 0;
    if (insert_identity(st, scan_id, host_id, id) != 0)
        return -1;
    for (size_t i = 0; i < id->nevidence; i++)
        if (insert_evidence(st, scan_id, host_id, (int)i, &id->evidence[i]) != 0)
            return -1;
    return 0;
}

int as_store_check_identity(as_store *st, const as_host_record *h, const char *ip, char *err,
                            size_t errlen)
{
    const as_identity_record *id = h->identity;
    if (id == NULL)
        return 0;
    if (id->nevidence > 0 && id->evidence == NULL) {
        as_db_errf(st, err, errlen, "host %s: %zu pieces of evidence but no array (this is a "
                   "bug in agentscan)", ip, id->nevidence);
        return -1;
    }
    for (size_t i = 0; i < id->nevidence; i++) {
        const as_evidence_record *e = &id->evidence[i];
        int kind_ok = strcmp(e->kind, "os") == 0 || strcmp(e->kind, "name") == 0;
        if (!kind_ok || !e->source[0] || e->confidence < 0 || e->confidence > 100) {
            as_db_errf(st, err, errlen, "host %s: evidence %zu has kind '%.8s', source '%.16s' "
                       "and confidence %d, not os/name, a source and 0-100 (this is a bug in "
                       "agentscan)", ip, i, e->kind, e->source, e->confidence);
            return -1;
        }
    }
    return 0;
}

static int update_obs(as_store *st, int64_t scan_id, int64_t host_id, const as_host_record *h)
{
    sqlite3_stmt *s;
    if (prep(st, "UPDATE observation SET managed = ?3, agent = ?4, deploy = ?5,"
             " deploy_open = ?6 WHERE scan_id = ?1 AND host_id = ?2", &s) != 0)
        return -1;
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 3, h->managed != 0);
    if (rc == SQLITE_OK) rc = TEXT(s, 4, h->agent);
    if (rc == SQLITE_OK) rc = TEXT(s, 5, h->deploy);
    if (rc == SQLITE_OK) rc = TEXT(s, 6, h->deploy_open);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1;
    }
    return step_done(s);
}

static int update_port(as_store *st, int64_t scan_id, int64_t host_id, const as_port_record *p)
{
    sqlite3_stmt *s;
    if (prep(st, "UPDATE port SET product = ?5, version = ?6, confirmed = ?7"
             " WHERE scan_id = ?1 AND host_id = ?2 AND proto = ?3 AND port = ?4", &s) != 0)
        return -1;
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 3, p->proto == IPPROTO_UDP ? "udp" : "tcp", -1,
                                                SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 4, p->port);
    if (rc == SQLITE_OK) rc = TEXT(s, 5, p->product);
    if (rc == SQLITE_OK) rc = TEXT(s, 6, p->version);
    if (rc == SQLITE_OK) rc = p->confirmed < 0 ? sqlite3_bind_null(s, 7)
                              : sqlite3_bind_int(s, 7, p->confirmed != 0);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(s);
        return -1;
    }
    return step_done(s);
}

static int host_of(as_store *st, int64_t scan_id, const char *ip, int64_t *host_id)
{
    sqlite3_stmt *s;
    if (prep(st, "SELECT host_id FROM observation WHERE scan_id = ?1 AND ip = ?2", &s) != 0)
        return -1;
    sqlite3_bind_int64(s, 1, scan_id);
    sqlite3_bind_text(s, 2, ip, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(s);
    *host_id = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int put(as_store *st, int64_t scan_id, int64_t host_id, const as_host_record *h)
{
    if (update_obs(st, scan_id, host_id, h) != 0)
        return -1;
    for (size_t i = 0; i < h->nports; i++)
        if (update_port(st, scan_id, host_id, &h->ports[i]) != 0)
            return -1;
    return as_store_write_identity(st, scan_id, host_id, h->identity);
}

int as_store_put_identity(as_store *st, int64_t scan_id, const as_host_record *h, char *err,
                          size_t errlen)
{
    char ip[16];
    snprintf(ip, sizeof ip, "%u.%u.%u.%u", (unsigned)(h->ip >> 24), (unsigned)(h->ip >> 16) & 255,
             (unsigned)(h->ip >> 8) & 255, (unsigned)h->ip & 255);
    if (h->nports > 0 && h->ports == NULL) {
        as_db_errf(st, err, errlen, "host %s: %zu ports but no port array (this is a bug in "
                   "agentscan)", ip, h->nports);
        return -1;
    }
    if (as_store_check_identity(st, h, ip, err, errlen) != 0)
        return -1;
    int64_t host_id;
    if (host_of(st, scan_id, ip, &host_id) != 0) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    if (host_id == 0) {
        as_db_errf(st, err, errlen, "scan %lld holds no host %s to add identity to (store the "
                   "host first; this is a bug in agentscan)", (long long)scan_id, ip);
        return -1;
    }
    if (sqlite3_exec(st->db, "SAVEPOINT as_identity", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    if (put(st, scan_id, host_id, h) != 0) {
        as_db_fail(st, err, errlen);
        sqlite3_exec(st->db, "ROLLBACK TO as_identity", NULL, NULL, NULL);
        sqlite3_exec(st->db, "RELEASE as_identity", NULL, NULL, NULL);
        return -1;
    }
    if (sqlite3_exec(st->db, "RELEASE as_identity", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}
