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
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

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
    if (exec(st, "PRAGMA foreign_keys = ON", err, errlen) < 0)
        return -1;
    /* WAL lets `agentscan hosts` read while a scan writes. A read-only file keeps the mode
     * its writer gave it. */
    if (sqlite3_db_readonly(st->db, "main") != 1 &&
        (exec(st, "PRAGMA journal_mode = WAL", err, errlen) < 0 ||
         exec(st, "PRAGMA synchronous = NORMAL", err, errlen) < 0))
        return -1;
    if (version < SCHEMA_VERSION)
        return migrate(st, err, errlen);
    return 0;
}

static const char *const stmt_sql[AS_STMT_COUNT] = {
    [AS_STMT_SAVEPOINT] = "SAVEPOINT as_host",
    [AS_STMT_RELEASE] = "RELEASE as_host",
    [AS_STMT_ROLLBACK_TO] = "ROLLBACK TO as_host",
    /* last_seen moves only when the host answered: it means "last seen up". */
    [AS_STMT_HOST_UPSERT] =
        "INSERT INTO host(ip, mac, name, first_seen, last_seen) VALUES(?1, ?2, ?3, ?4, ?4) "
        "ON CONFLICT(ip) DO UPDATE SET "
        "  mac = coalesce(excluded.mac, host.mac),"
        "  name = coalesce(excluded.name, host.name),"
        "  first_seen = min(host.first_seen, excluded.first_seen),"
        "  last_seen = CASE WHEN ?5 THEN max(host.last_seen, excluded.last_seen)"
        "              ELSE host.last_seen END "
        "RETURNING id",
    [AS_STMT_OBS_UPSERT] =
        "INSERT INTO observation(scan_id, host_id, up, reason, reply_ttl, rtt_us, name, mac,"
        "  managed, agent, deploy) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
        "ON CONFLICT(scan_id, host_id) DO UPDATE SET up = excluded.up,"
        "  reason = excluded.reason, reply_ttl = excluded.reply_ttl,"
        "  rtt_us = excluded.rtt_us, name = excluded.name, mac = excluded.mac,"
        "  managed = excluded.managed, agent = excluded.agent, deploy = excluded.deploy",
    [AS_STMT_PORTS_CLEAR] = "DELETE FROM port WHERE scan_id = ?1 AND host_id = ?2",
    [AS_STMT_PORT_INSERT] =
        "INSERT INTO port(scan_id, host_id, proto, port, state, reason, reason_ttl, service) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
