/* pg.h — the shared inventory on PostgreSQL (issue 14). A scan always writes its local
 * SQLite file (for a PostgreSQL --db, the spool); as_pg_push forwards finished scans to the
 * server, each exactly once; as_pg_pull gives read commands the server's inventory as an
 * in-memory SQLite store, so every reader runs the same code on both backends.
 * Credentials come only from libpq's own mechanisms (.pgpass, PGPASSFILE, service files,
 * client certificates): a password inside the database string is refused. */
#ifndef AS_PG_H
#define AS_PG_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

/* 1 when db names a PostgreSQL database: a postgresql:// or postgres:// URI, or libpq's
 * key=value form ("host=... dbname=..."); 0 for a file path. */
int as_db_is_pg(const char *db);

/* Checks a PostgreSQL database string without connecting: it parses, and carries no
 * password. Returns 0, or -1 with the reason. */
int as_pg_check(const char *conninfo, char *err, size_t errlen);

/* The database string as messages show it: "postgresql://HOST:PORT/DB" with user, password
 * and options left out. */
void as_pg_display(const char *conninfo, char *buf, size_t len);

/* What this role can do on the server, for `config check`: each field 1 yes, 0 no. */
typedef struct as_pg_abilities {
    int connect;
    int schema;             /* the schema is there, at this build's version */
    int migrate;            /* it is not, and this role may create it */
    int write;              /* may add scans */
    int read;               /* may read the inventory */
    char detail[512];       /* the connect error, or the schema's state */
} as_pg_abilities;
void as_pg_probe(const char *conninfo, as_pg_abilities *a);

typedef struct as_push_result {
    unsigned pushed;        /* scans written to the server */
    unsigned already;       /* scans the server had already (an earlier push) */
    unsigned hosts;         /* observations written */
} as_push_result;

/* Forwards every scan of the spool that is not running and not yet forwarded to this
 * server, one transaction per scan; the server keeps each scan's provenance, and a scan it
 * already holds is not written twice. Returns 0, or -1 with a message (scans forwarded
 * before the failure stay forwarded; the rest stay in the spool for the next push). */
int as_pg_push(as_store *spool, const char *conninfo, as_push_result *r, char *err, size_t errlen);

/* The server's inventory (all of it, or the scans of one gateway when gateway is set) as a
 * read-only in-memory store for the read commands. Returns 0, or a negative enum as_error:
 * -AS_ERR_NOSCAN when the server holds no scan yet, -AS_ERR_DB otherwise. */
int as_pg_pull(as_store **out, const char *conninfo, const char *gateway, char *err,
               size_t errlen);

/* prune on the server (db/prune.c's rule and result). */
struct as_prune_result;
int as_pg_prune(const char *conninfo, int keep, int has_before, double before, int dry_run,
                struct as_prune_result *r, char *err, size_t errlen);

#endif
