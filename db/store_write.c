/* store_write.c — recording hosts: batches as transactions, and one host's upsert, its
 * observation, port states and OS guesses, each host all-or-nothing under a savepoint. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include "db/store_internal.h"

int as_store_begin_batch(as_store *st, char *err, size_t errlen)
{
    if (!sqlite3_get_autocommit(st->db)) {
        as_db_errf(st, err, errlen, "a batch is already open (commit it first; this is a bug "
                   "in agentscan)");
        return -1;
    }
    if (as_store_check_file(st, err, errlen) != 0)
        return -1;
    /* IMMEDIATE takes the write lock now, so a busy database shows up here, under the
     * busy timeout, rather than in the middle of the batch. */
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

int as_store_commit_batch(as_store *st, char *err, size_t errlen)
{
    if (sqlite3_get_autocommit(st->db)) {
        as_db_errf(st, err, errlen, "no batch is open (begin one first; this is a bug in "
                   "agentscan)");
        return -1;
    }
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        if (!sqlite3_get_autocommit(st->db))
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

/* Runs a prepared statement to its end and leaves it ready for the next use. */
static int run(sqlite3_stmt *s)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Record strings are fixed arrays filled by the engine: never trust a terminator, and
 * store "" as NULL where the column means "not learned". */
static int bind_str(sqlite3_stmt *s, int idx, const char *field, size_t size, int empty_null)
{
    size_t n = strnlen(field, size);
    if (n == 0 && empty_null)
        return sqlite3_bind_null(s, idx);
    return sqlite3_bind_text(s, idx, field, (int)n, SQLITE_TRANSIENT);
}

#define BIND_STR(s, idx, arr, empty_null) bind_str(s, idx, arr, sizeof(arr), empty_null)

/* The OS fields are pointers, not arrays: NULL and "" both mean "not learned". */
static int bind_opt(sqlite3_stmt *s, int idx, const char *text)
{
    return text && *text ? sqlite3_bind_text(s, idx, text, -1, SQLITE_TRANSIENT)
                         : sqlite3_bind_null(s, idx);
}

static int bind_int_or_null(sqlite3_stmt *s, int idx, int64_t v, int is_null)
{
    return is_null ? sqlite3_bind_null(s, idx) : sqlite3_bind_int64(s, idx, v);
}

/* Binds (mac, name, ip) as the match statement numbers them; empty means unknown. */
static int bind_identity(sqlite3_stmt *s, const as_host_record *h, const char *ip,
                         const char *mac)
{
    int rc = mac ? sqlite3_bind_text(s, 1, mac, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(s, 1);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 2, h->name, 1);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 3, ip, -1, SQLITE_TRANSIENT);
    return rc;
}

/* Which host this record is: the one this scan already holds at the address, else the
 * best match across scans (schema.c says how), else none (*host_id = 0). *was_up tells
 * whether this scan had already counted it as seen. */
static int find_host(as_store *st, int64_t scan_id, const as_host_record *h, const char *ip,
                     const char *mac, int64_t *host_id, int *was_up)
{
    *host_id = 0;
    *was_up = 0;
    sqlite3_stmt *s = st->stmt[AS_STMT_OBS_BY_IP];
    if (sqlite3_bind_int64(s, 1, scan_id) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, ip, -1, SQLITE_TRANSIENT) != SQLITE_OK)
        return -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *host_id = sqlite3_column_int64(s, 0);
        *was_up = sqlite3_column_int(s, 1) != 0;
    }
    if (run(s) < 0 || (rc != SQLITE_ROW && rc != SQLITE_DONE))
        return -1;
    if (*host_id)
        return 0;
    s = st->stmt[AS_STMT_HOST_MATCH];
    if (bind_identity(s, h, ip, mac) != SQLITE_OK || sqlite3_bind_int64(s, 4, scan_id) != SQLITE_OK)
        return -1;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *host_id = sqlite3_column_int64(s, 0);
    return run(s) < 0 || (rc != SQLITE_ROW && rc != SQLITE_DONE) ? -1 : 0;
}

/* Creates or updates the host row: first_seen kept, last_seen, the address and the seen
 * count move only when it answered; MAC and name are updated when this scan learned them. */
static int upsert_host(as_store *st, int64_t scan_id, const as_host_record *h, const char *ip,
                       const char *mac, double seen, int64_t *host_id)
{
    int was_up;
    if (find_host(st, scan_id, h, ip, mac, host_id, &was_up) < 0)
        return -1;
    int up = h->up != 0;
    sqlite3_stmt *s = st->stmt[*host_id ? AS_STMT_HOST_UPDATE : AS_STMT_HOST_INSERT];
    int rc = sqlite3_bind_text(s, 1, ip, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = mac ? sqlite3_bind_text(s, 2, mac, -1, SQLITE_TRANSIENT)
                                  : sqlite3_bind_null(s, 2);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 3, h->name, 1);
    if (rc == SQLITE_OK) rc = sqlite3_bind_double(s, 4, seen);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 5, up - was_up);
    if (rc == SQLITE_OK && *host_id) {
        rc = sqlite3_bind_int(s, 6, up);
        if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 7, *host_id);
    }
    if (rc != SQLITE_OK || run(s) < 0) {
        sqlite3_clear_bindings(s);
        return -1;
    }
    if (!*host_id)
        *host_id = sqlite3_last_insert_rowid(st->db);
    return 0;
}

static int insert_observation(as_store *st, int64_t scan_id, int64_t host_id,
                              const as_host_record *h, const char *ip, const char *mac)
{
    sqlite3_stmt *s = st->stmt[AS_STMT_OBS_UPSERT];
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 3, h->up != 0);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 4, h->up_reason, 0);
    if (rc == SQLITE_OK) rc = bind_int_or_null(s, 5, h->reply_ttl, h->reply_ttl == 0);
    if (rc == SQLITE_OK) rc = bind_int_or_null(s, 6, h->rtt_us, h->rtt_us < 0);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 7, h->name, 1);
    if (rc == SQLITE_OK) rc = mac ? sqlite3_bind_text(s, 8, mac, -1, SQLITE_TRANSIENT)
                                  : sqlite3_bind_null(s, 8);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 9, h->managed != 0);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 10, h->agent, 1);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 11, h->deploy, 1);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 12, ip, -1, SQLITE_TRANSIENT);
    int passive = h->os_passive && *h->os_passive;
    if (rc == SQLITE_OK) rc = bind_opt(s, 13, h->os_passive);
    if (rc == SQLITE_OK) rc = bind_int_or_null(s, 14, h->os_passive_accuracy, !passive);
    if (rc == SQLITE_OK) rc = bind_opt(s, 15, h->os_fingerprint);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 16, h->firewall_suspect != 0);
    if (rc == SQLITE_OK) rc = bind_opt(s, 17, h->firewall_suspect ? h->firewall_note : NULL);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 18, h->deploy_open, 1);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(s);
        return -1;
    }
    return run(s);
}

static const char *proto_text(uint8_t proto)
{
    return proto == IPPROTO_TCP ? "tcp" : proto == IPPROTO_UDP ? "udp" : NULL;
}

static const char *state_text(uint8_t state)
{
    switch (state) {
    case AS_PORT_OPEN: return "open";
    case AS_PORT_CLOSED: return "closed";
    case AS_PORT_FILTERED: return "filtered";
    case AS_PORT_OPEN_FILTERED: return "open|filtered";
    default: return NULL;
    }
}

/* confirmed counts only with identity findings: records built without the identity phase
 * (merges, tests) are zeroed, and 0 would read as "asked and did not answer". */
static int insert_port(as_store *st, int64_t scan_id, int64_t host_id, const as_port_record *p,
                       int identified)
{
    sqlite3_stmt *s = st->stmt[AS_STMT_PORT_INSERT];
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 3, proto_text(p->proto), -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 4, p->port);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 5, state_text(p->state), -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 6, p->reason, 0);
    if (rc == SQLITE_OK) rc = bind_int_or_null(s, 7, p->reason_ttl, p->reason_ttl == 0);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 8, p->service, 1);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 9, p->product, 1);
    if (rc == SQLITE_OK) rc = BIND_STR(s, 10, p->version, 1);
    if (rc == SQLITE_OK) rc = bind_int_or_null(s, 11, p->confirmed != 0,
                                                      !identified || p->confirmed < 0);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(s);
        return -1;
    }
    return run(s);
}

static int insert_os(as_store *st, int64_t scan_id, int64_t host_id, int rank,
                     const as_os_guess *g)
{
    sqlite3_stmt *s = st->stmt[AS_STMT_OS_INSERT];
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 2, host_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 3, rank);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 4, g->name, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int(s, 5, g->accuracy);
    if (rc == SQLITE_OK) rc = bind_opt(s, 6, g->vendor);
    if (rc == SQLITE_OK) rc = bind_opt(s, 7, g->family);
    if (rc == SQLITE_OK) rc = bind_opt(s, 8, g->generation);
    if (rc == SQLITE_OK) rc = bind_opt(s, 9, g->type);
    if (rc == SQLITE_OK) rc = bind_opt(s, 10, g->cpe);
    if (rc != SQLITE_OK) {
        sqlite3_clear_bindings(s);
        return -1;
    }
    return run(s);
}

/* Clears, then inserts: a host added twice to one scan keeps only the last guesses. */
static int write_os(as_store *st, int64_t scan_id, int64_t host_id, const as_host_record *h)
{
    sqlite3_stmt *clear = st->stmt[AS_STMT_OS_CLEAR];
    if (sqlite3_bind_int64(clear, 1, scan_id) != SQLITE_OK ||
        sqlite3_bind_int64(clear, 2, host_id) != SQLITE_OK || run(clear) < 0)
        return -1;
    for (size_t i = 0; i < h->nos; i++)
        if (insert_os(st, scan_id, host_id, (int)i, &h->os[i]) < 0)
            return -1;
    return 0;
}

static int check_os(as_store *st, const as_host_record *h, const char *ip,
                    char *err, size_t errlen)
{
    if (h->nos > 0 && !h->os) {
        as_db_errf(st, err, errlen, "host %s: %zu OS guesses but no guess array (this is a bug "
                   "in agentscan)", ip, h->nos);
        return -1;
    }
    for (size_t i = 0; i < h->nos; i++) {
        const as_os_guess *g = &h->os[i];
        if (!g->name || !*g->name || g->accuracy < 0 || g->accuracy > 100) {
            as_db_errf(st, err, errlen, "host %s: OS guess %zu has %s and accuracy %d, not a "
                       "name and 0-100 (this is a bug in agentscan)", ip, i,
                       g->name && *g->name ? "a name" : "no name", g->accuracy);
            return -1;
        }
    }
    return 0;
}

/* Bad records are refused before anything is written, with the port that is wrong. */
static int check_record(as_store *st, const as_host_record *h, const char *ip,
                        char *err, size_t errlen)
{
    if (h->nports > 0 && !h->ports) {
        as_db_errf(st, err, errlen, "host %s: %zu ports but no port array (this is a bug in "
                   "agentscan)", ip, h->nports);
        return -1;
    }
    if (check_os(st, h, ip, err, errlen) < 0 || as_store_check_identity(st, h, ip, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < h->nports; i++) {
        const as_port_record *p = &h->ports[i];
        if (p->state == AS_PORT_UNKNOWN)
            continue;
        if (!proto_text(p->proto) || !state_text(p->state)) {
            as_db_errf(st, err, errlen, "host %s: port %u has protocol %u and state %u, not "
                       "tcp/udp and open/closed/filtered (this is a bug in agentscan)",
                       ip, p->port, p->proto, p->state);
            return -1;
        }
    }
    return 0;
}

static int write_host(as_store *st, int64_t scan_id, const as_host_record *h, const char *ip,
                      const char *mac, double seen)
{
    int64_t host_id;
    if (upsert_host(st, scan_id, h, ip, mac, seen, &host_id) < 0 ||
        insert_observation(st, scan_id, host_id, h, ip, mac) < 0)
        return -1;
    /* Adding a host twice to one scan replaces what the scan said about it. */
    sqlite3_stmt *clear = st->stmt[AS_STMT_PORTS_CLEAR];
    if (sqlite3_bind_int64(clear, 1, scan_id) != SQLITE_OK ||
        sqlite3_bind_int64(clear, 2, host_id) != SQLITE_OK || run(clear) < 0)
        return -1;
    for (size_t i = 0; i < h->nports; i++)
        if (h->ports[i].state != AS_PORT_UNKNOWN &&
            insert_port(st, scan_id, host_id, &h->ports[i], h->identity != NULL) < 0)
            return -1;
    if (write_os(st, scan_id, host_id, h) < 0)
        return -1;
    return as_store_write_identity(st, scan_id, host_id, h->identity);
}

static void ip_text(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", (unsigned)(ip >> 24), (unsigned)(ip >> 16) & 255,
             (unsigned)(ip >> 8) & 255, (unsigned)ip & 255);
}

int as_store_add_host(as_store *st, int64_t scan_id, const as_host_record *h, double seen,
                      char *err, size_t errlen)
{
    char ip[16], mac[18];
    ip_text(h->ip, ip, sizeof ip);
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", h->mac[0], h->mac[1], h->mac[2],
             h->mac[3], h->mac[4], h->mac[5]);
    if (check_record(st, h, ip, err, errlen) < 0)
        return -1;
    if (run(st->stmt[AS_STMT_SAVEPOINT]) < 0) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    if (write_host(st, scan_id, h, ip, h->has_mac ? mac : NULL, seen) < 0) {
        /* The message first: the rollback would replace it. */
        as_db_fail(st, err, errlen);
        run(st->stmt[AS_STMT_ROLLBACK_TO]);
        run(st->stmt[AS_STMT_RELEASE]);
        return -1;
    }
    if (run(st->stmt[AS_STMT_RELEASE]) < 0) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

int as_store_mark_firewall(as_store *st, int64_t scan_id, uint32_t ip, const char *note,
                           char *err, size_t errlen)
{
    char addr[16];
    ip_text(ip, addr, sizeof addr);
    sqlite3_stmt *s = st->stmt[AS_STMT_MARK_FIREWALL];
    int rc = sqlite3_bind_int64(s, 1, scan_id);
    if (rc == SQLITE_OK) rc = sqlite3_bind_text(s, 2, addr, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK) rc = bind_opt(s, 3, note);
    if (rc != SQLITE_OK || run(s) < 0) {
        as_db_fail(st, err, errlen);
        sqlite3_clear_bindings(s);
        return -1;
    }
    if (sqlite3_changes(st->db) == 0) {
        as_db_errf(st, err, errlen, "scan %lld holds no host %s to mark (store the host first; "
                   "this is a bug in agentscan)", (long long)scan_id, addr);
        return -1;
    }
    return 0;
}
