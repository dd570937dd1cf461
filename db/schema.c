/* schema.c — the inventory schema as a list of migrations keyed by PRAGMA user_version,
 * the checks that refuse foreign or newer files, and the statements prepared at open. */
#include <stdio.h>
#include <string.h>
#include "db/store_internal.h"

/* Migration i takes the schema from version i to i + 1. Append, never edit: a file on
 * disk at version N has run exactly the first N entries. */
static const char *const migrations[] = {
    /* 1: scans, hosts, per-scan observations and port states */
    "CREATE TABLE scan ("
    "  id INTEGER PRIMARY KEY,"
    "  started REAL NOT NULL,"
    "  finished REAL,"
    "  status TEXT NOT NULL"
    "    CHECK(status IN ('running','complete','interrupted','failed')),"
    "  targets TEXT NOT NULL,"
    "  options TEXT NOT NULL,"
    "  addresses INTEGER,"
    "  hosts_up INTEGER,"
    "  probes_sent INTEGER,"
    "  replies INTEGER,"
    "  version TEXT);"
    "CREATE TABLE host ("
    "  id INTEGER PRIMARY KEY,"
    "  ip TEXT NOT NULL UNIQUE,"
    "  mac TEXT,"
    "  name TEXT,"
    "  first_seen REAL NOT NULL,"
    "  last_seen REAL NOT NULL);"
    "CREATE TABLE observation ("
    "  scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
    "  host_id INTEGER NOT NULL REFERENCES host(id),"
    "  up INTEGER NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  reply_ttl INTEGER,"
    "  rtt_us INTEGER,"
    "  name TEXT,"
    "  mac TEXT,"
    "  managed INTEGER NOT NULL DEFAULT 0,"
    "  agent TEXT,"
    "  deploy TEXT,"
    "  PRIMARY KEY(scan_id, host_id));"
    "CREATE TABLE port ("
    "  scan_id INTEGER NOT NULL,"
    "  host_id INTEGER NOT NULL,"
    "  proto TEXT NOT NULL,"
    "  port INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN ('open','closed','filtered')),"
    "  reason TEXT NOT NULL,"
    "  reason_ttl INTEGER,"
    "  service TEXT,"
    "  PRIMARY KEY(scan_id, host_id, proto, port),"
    "  FOREIGN KEY(scan_id, host_id) REFERENCES observation(scan_id, host_id)"
    "    ON DELETE CASCADE);"
    /* A host's history, and deleting a host, look up by host_id without a scan id. */
    "CREATE INDEX observation_host ON observation(host_id);"
    "CREATE INDEX port_host ON port(host_id, proto, port);"
    "CREATE INDEX port_open ON port(scan_id, state);",

    /* 2: a host is one machine across scans (its address may change), with a seen count;
     * the address space each scan covered; OS guesses. The host table is rebuilt because
     * v1 made ip UNIQUE; ids are kept, so observations and ports stay attached. */
    "CREATE TABLE host_v2 ("
    "  id INTEGER PRIMARY KEY,"
    "  ip TEXT NOT NULL,"                   /* the address it was last seen up at */
    "  mac TEXT,"
    "  name TEXT,"
    "  first_seen REAL NOT NULL,"
    "  last_seen REAL NOT NULL,"            /* last seen up */
    "  seen_count INTEGER NOT NULL DEFAULT 0);" /* scans that saw it up */
    "INSERT INTO host_v2(id, ip, mac, name, first_seen, last_seen, seen_count)"
    "  SELECT h.id, h.ip, h.mac, h.name, h.first_seen, h.last_seen,"
    "    (SELECT count(*) FROM observation o WHERE o.host_id = h.id AND o.up) FROM host h;"
    "DROP TABLE host;"
    "ALTER TABLE host_v2 RENAME TO host;"
    "CREATE INDEX host_ip ON host(ip);"
    "CREATE INDEX host_mac ON host(mac);"
    "CREATE INDEX host_name ON host(name);"
    /* The address is per observation now: within one scan it is the identity. */
    "ALTER TABLE observation ADD COLUMN ip TEXT;"
    "UPDATE observation SET ip = (SELECT ip FROM host WHERE host.id = observation.host_id);"
    "CREATE UNIQUE INDEX observation_ip ON observation(scan_id, ip);"
    /* The passive (SYN/ACK-only) OS guess, the fingerprint full detection (-O) observed in
     * nmap's syntax (its guesses are os_match rows), and the suspicion that a firewall, not
     * the host, answered. */
    "ALTER TABLE observation ADD COLUMN os_passive TEXT;"
    "ALTER TABLE observation ADD COLUMN os_passive_accuracy INTEGER;"
    "ALTER TABLE observation ADD COLUMN os_fingerprint TEXT;"
    "ALTER TABLE observation ADD COLUMN firewall_suspect INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE observation ADD COLUMN firewall_note TEXT;"
    /* NULL: not recorded (v1 scans: derived from targets); 'ranges': scan_target holds
     * the covered set; 'unknown': it cannot be known (a shard), so nothing counts as gone. */
    "ALTER TABLE scan ADD COLUMN coverage TEXT CHECK(coverage IN ('ranges','unknown'));"
    "CREATE TABLE scan_target ("
    "  scan_id INTEGER NOT NULL REFERENCES scan(id) ON DELETE CASCADE,"
    "  lo INTEGER NOT NULL,"
    "  hi INTEGER NOT NULL,"
    "  PRIMARY KEY(scan_id, lo)) WITHOUT ROWID;"
    "CREATE TABLE os_match ("
    "  scan_id INTEGER NOT NULL,"
    "  host_id INTEGER NOT NULL,"
    "  rank INTEGER NOT NULL,"              /* 0 = best guess */
    "  name TEXT NOT NULL,"
    "  accuracy INTEGER NOT NULL CHECK(accuracy BETWEEN 0 AND 100),"
    "  vendor TEXT,"
    "  family TEXT,"
    "  generation TEXT,"
    "  type TEXT,"
    "  cpe TEXT,"
    "  PRIMARY KEY(scan_id, host_id, rank),"
    "  FOREIGN KEY(scan_id, host_id) REFERENCES observation(scan_id, host_id)"
    "    ON DELETE CASCADE);",

    /* 3: who runs a scan (db/runner.c), so that the next opener can mark a scan whose
     * process died as interrupted: pid, its start time in ticks since boot (a pid is
     * reused), the boot id (a reboot), the host name (a database on a shared disk). */
    "ALTER TABLE scan ADD COLUMN runner_pid INTEGER;"
    "ALTER TABLE scan ADD COLUMN runner_start INTEGER;"
    "ALTER TABLE scan ADD COLUMN runner_boot TEXT;"
    "ALTER TABLE scan ADD COLUMN runner_host TEXT;"
    "CREATE INDEX scan_status ON scan(status);",

    /* 4: UDP and the services' own words (issue 9). The port table is rebuilt for UDP's
     * open|filtered state, and gains what the identity phase learned per port; identity
     * holds the host-level fields of one observation, evidence every piece of evidence
     * behind its OS verdict and name. */
    "CREATE TABLE port_v4 ("
    "  scan_id INTEGER NOT NULL,"
    "  host_id INTEGER NOT NULL,"
    "  proto TEXT NOT NULL,"
    "  port INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN ('open','closed','filtered','open|filtered')),"
    "  reason TEXT NOT NULL,"
    "  reason_ttl INTEGER,"
    "  service TEXT,"
    "  product TEXT,"
    "  version TEXT,"
    "  confirmed INTEGER CHECK(confirmed IN (0, 1)),"   /* NULL: not asked */
    "  PRIMARY KEY(scan_id, host_id, proto, port),"
    "  FOREIGN KEY(scan_id, host_id) REFERENCES observation(scan_id, host_id)"
    "    ON DELETE CASCADE);"
    "INSERT INTO port_v4(scan_id, host_id, proto, port, state, reason, reason_ttl, service)"
    "  SELECT scan_id, host_id, proto, port, state, reason, reason_ttl, service FROM port;"
    "DROP TABLE port;"
    "ALTER TABLE port_v4 RENAME TO port;"
    "CREATE INDEX port_host ON port(host_id, proto, port);"
    "ALTER TABLE observation ADD COLUMN deploy_open TEXT;"
    "CREATE TABLE identity ("
    "  scan_id INTEGER NOT NULL,"
    "  host_id INTEGER NOT NULL,"
    "  netbios_name TEXT, netbios_domain TEXT, netbios_users TEXT, netbios_mac TEXT,"
    "  dns_name TEXT, dns_domain TEXT, dns_forest TEXT, os_version TEXT,"
    "  ssh TEXT, smb_dialect TEXT, smb_signing_required INTEGER,"
    "  snmp_sysdescr TEXT, snmp_sysname TEXT, snmp_sysobjectid TEXT,"
    "  tls_subject TEXT, tls_sans TEXT, tls_issuer TEXT, http_server TEXT,"
    "  agent_possible TEXT,"
    "  os TEXT, os_family TEXT, os_source TEXT, os_confidence INTEGER, os_conflict TEXT,"
    "  name TEXT, name_source TEXT,"
    "  PRIMARY KEY(scan_id, host_id),"
    "  FOREIGN KEY(scan_id, host_id) REFERENCES observation(scan_id, host_id)"
    "    ON DELETE CASCADE);"
    "CREATE TABLE evidence ("
    "  scan_id INTEGER NOT NULL,"
    "  host_id INTEGER NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK(kind IN ('os','name')),"
    "  source TEXT NOT NULL,"
    "  proto TEXT,"
    "  port INTEGER,"
    "  value TEXT NOT NULL,"
    "  verdict TEXT,"
    "  confidence INTEGER NOT NULL CHECK(confidence BETWEEN 0 AND 100),"
    "  PRIMARY KEY(scan_id, host_id, seq),"
    "  FOREIGN KEY(scan_id, host_id) REFERENCES observation(scan_id, host_id)"
    "    ON DELETE CASCADE);",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int as_schema_version(void)
{
    return SCHEMA_VERSION;
}

static int exec(as_store *st, const char *sql, char *err, size_t errlen)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

static int query_int(as_store *st, const char *sql, int *out, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(s, 0);
    else
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Number of rows a statement returns. */
static int query_count(as_store *st, const char *sql, int *out, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int rc;
    *out = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ++*out;
    if (rc != SQLITE_DONE)
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Reads the version and refuses what we must not touch. Runs before anything writes, so a
 * foreign file is left exactly as it was. */
static int check_version(as_store *st, int *version, char *err, size_t errlen)
{
    if (query_int(st, "PRAGMA user_version", version, err, errlen) < 0)
        return -1;
    if (*version > SCHEMA_VERSION) {
        as_db_errf(st, err, errlen, "database schema version %d is newer than this agentscan "
                   "supports (%d); upgrade agentscan", *version, SCHEMA_VERSION);
        return -1;
    }
    if (*version < 0) {
        as_db_errf(st, err, errlen, "invalid schema version %d (not an agentscan database; "
                   "use another --db PATH)", *version);
        return -1;
    }
    if (*version > 0)
        return 0;
    /* Our migrations set user_version in the same transaction that creates the tables, so
     * tables at version 0 were made by someone else. */
    int tables = 0;
    if (query_int(st, "SELECT count(*) FROM sqlite_master "
                  "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'", &tables, err, errlen) < 0)
        return -1;
    if (tables > 0) {
        as_db_errf(st, err, errlen, "not an agentscan database: it holds %d other table(s) or "
                   "index(es) (agentscan leaves it untouched; use another --db PATH)", tables);
        return -1;
    }
    return 0;
}

static int migrate_locked(as_store *st, char *err, size_t errlen)
{
    int version;
    /* Another process may have migrated while we waited for the write lock. */
    if (check_version(st, &version, err, errlen) < 0)
        return -1;
    for (int v = version; v < SCHEMA_VERSION; v++)
        if (exec(st, migrations[v], err, errlen) < 0)
            return -1;
    /* Migrations run with foreign keys off (a table rebuild needs it); prove they left
     * every reference intact before committing. */
    int broken = 0;
    if (query_count(st, "PRAGMA foreign_key_check", &broken, err, errlen) < 0)
        return -1;
    if (broken > 0) {
        as_db_errf(st, err, errlen, "migration to schema %d left %d broken reference(s) "
                   "(the file is unchanged; please report it)", SCHEMA_VERSION, broken);
        return -1;
    }
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SCHEMA_VERSION);
    return exec(st, sql, err, errlen);
}

static int migrate(as_store *st, char *err, size_t errlen)
{
    if (exec(st, "BEGIN IMMEDIATE", err, errlen) < 0)
        return -1;
    if (migrate_locked(st, err, errlen) < 0) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    if (exec(st, "COMMIT", err, errlen) < 0) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int as_schema_apply(as_store *st, char *err, size_t errlen)
{
    int version;
    if (check_version(st, &version, err, errlen) < 0)
        return -1;
    /* WAL lets `agentscan hosts` read while a scan writes. A read-only file keeps the mode
     * its writer gave it. synchronous = FULL syncs the WAL at every commit: a batch once
     * committed survives a power loss or a disk that fails read-only, not only a crash of
     * the process (NORMAL would only be as durable as the last checkpoint). Batches come a
     * few a second, so that is a few fsyncs a second. */
    if (sqlite3_db_readonly(st->db, "main") != 1 &&
        (exec(st, "PRAGMA journal_mode = WAL", err, errlen) < 0 ||
         exec(st, "PRAGMA synchronous = FULL", err, errlen) < 0))
        return -1;
    /* Foreign keys stay off while migrating: SQLite ignores the pragma inside a
     * transaction, and rebuilding a referenced table needs them off. */
    if (version < SCHEMA_VERSION && migrate(st, err, errlen) < 0)
        return -1;
    /* Temporary tables and sorts in memory: no files in /var/tmp, which a scan that gave
     * up its privileges may no longer write (engine/sandbox.c). */
    if (exec(st, "PRAGMA temp_store = MEMORY", err, errlen) < 0)
        return -1;
    return exec(st, "PRAGMA foreign_keys = ON", err, errlen);
}

static const char *const stmt_sql[AS_STMT_COUNT] = {
    [AS_STMT_SAVEPOINT] = "SAVEPOINT as_host",
    [AS_STMT_RELEASE] = "RELEASE as_host",
    [AS_STMT_ROLLBACK_TO] = "ROLLBACK TO as_host",
    /* Identity within a scan is the address: adding it again replaces the observation. */
    [AS_STMT_OBS_BY_IP] = "SELECT host_id, up FROM observation WHERE scan_id = ?1 AND ip = ?2",
    /* Across scans: a host not yet claimed by this scan, whose MAC does not contradict,
     * matching on MAC (weight 4), name (2), address (1); ties go to the most recently seen.
     * A MAC and an address together beat a name alone, so proxy-ARP segments and shared
     * PTR names still pair each address with its own history. */
    [AS_STMT_HOST_MATCH] =
        "SELECT id FROM host h WHERE (h.mac = ?1 OR h.name = ?2 OR h.ip = ?3)"
        "  AND (?1 IS NULL OR h.mac IS NULL OR h.mac = ?1)"
        "  AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.scan_id = ?4 AND o.host_id = h.id)"
        " ORDER BY 4 * coalesce(h.mac = ?1, 0) + 2 * coalesce(h.name = ?2, 0) + (h.ip = ?3) DESC,"
        "  h.last_seen DESC, h.id DESC LIMIT 1",
    [AS_STMT_HOST_INSERT] =
        "INSERT INTO host(ip, mac, name, first_seen, last_seen, seen_count) "
        "VALUES(?1, ?2, ?3, ?4, ?4, ?5)",
    /* last_seen and the address move only when the host answered: "last seen up at". */
    [AS_STMT_HOST_UPDATE] =
        "UPDATE host SET ip = CASE WHEN ?6 THEN ?1 ELSE ip END,"
        "  mac = coalesce(?2, mac), name = coalesce(?3, name),"
        "  first_seen = min(first_seen, ?4),"
        "  last_seen = CASE WHEN ?6 THEN max(last_seen, ?4) ELSE last_seen END,"
        "  seen_count = max(seen_count + ?5, 0) WHERE id = ?7",
    [AS_STMT_OBS_UPSERT] =
        "INSERT INTO observation(scan_id, host_id, up, reason, reply_ttl, rtt_us, name, mac,"
        "  managed, agent, deploy, ip, os_passive, os_passive_accuracy, os_fingerprint,"
        "  firewall_suspect, firewall_note, deploy_open) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
        "  ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
        "ON CONFLICT(scan_id, host_id) DO UPDATE SET up = excluded.up, ip = excluded.ip,"
        "  reason = excluded.reason, reply_ttl = excluded.reply_ttl,"
        "  rtt_us = excluded.rtt_us, name = excluded.name, mac = excluded.mac,"
        "  managed = excluded.managed, agent = excluded.agent, deploy = excluded.deploy,"
        "  os_passive = excluded.os_passive, os_passive_accuracy = excluded.os_passive_accuracy,"
        "  os_fingerprint = excluded.os_fingerprint,"
        "  firewall_suspect = excluded.firewall_suspect, firewall_note = excluded.firewall_note,"
        "  deploy_open = excluded.deploy_open",
    [AS_STMT_PORTS_CLEAR] = "DELETE FROM port WHERE scan_id = ?1 AND host_id = ?2",
    [AS_STMT_PORT_INSERT] =
        "INSERT INTO port(scan_id, host_id, proto, port, state, reason, reason_ttl, service,"
        "  product, version, confirmed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [AS_STMT_OS_CLEAR] = "DELETE FROM os_match WHERE scan_id = ?1 AND host_id = ?2",
    [AS_STMT_OS_INSERT] =
        "INSERT INTO os_match(scan_id, host_id, rank, name, accuracy, vendor, family,"
        "  generation, type, cpe) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    /* A group rule fires once the whole scan is stored: flag what is already there. */
    [AS_STMT_MARK_FIREWALL] =
        "UPDATE observation SET firewall_suspect = 1, firewall_note = ?3"
        " WHERE scan_id = ?1 AND ip = ?2",
};

int as_schema_prepare(as_store *st, char *err, size_t errlen)
{
    for (int i = 0; i < AS_STMT_COUNT; i++) {
        if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                               &st->stmt[i], NULL) != SQLITE_OK) {
            as_db_fail(st, err, errlen);
            return -1;
        }
    }
    return 0;
}
