/* pg_internal.h — what the PostgreSQL files share: the connection, the schema, and the
 * table copying between the server and an SQLite store. */
#ifndef AS_PG_INTERNAL_H
#define AS_PG_INTERNAL_H

#include <libpq-fe.h>
#include <stddef.h>

#include "db/pg.h"
#include "db/store_internal.h"

/* Key of the advisory lock that serialises migrations and pushes. */
#define AS_PG_LOCK "6741726"

/* Connects (after as_pg_check) and brings the server's schema to this build's version, or
 * refuses a newer one. Returns the connection, or NULL with a message. */
PGconn *as_pg_connect(const char *conninfo, int migrate, char *err, size_t errlen);

/* "database DISPLAY: <server message>" from the connection's last error. */
void as_pg_fail(PGconn *c, const char *conninfo, char *err, size_t errlen, const char *what);

/* Runs one command that returns no rows; 0 or -1 with a message. */
int as_pg_exec(PGconn *c, const char *conninfo, const char *sql, char *err, size_t errlen);

/* Schema version on the server (0: none yet). */
int as_pg_schema_version(void);
int as_pg_migrate(PGconn *c, const char *conninfo, int migrate, char *err, size_t errlen);

/* The tables a scan's data lives in, in the order they may be filled (parents first), with
 * their columns as the SQLite schema has them. */
typedef struct as_pg_table {
    const char *name;
    int per_host;           /* has a host_id column */
} as_pg_table;
extern const as_pg_table as_pg_tables[];
extern const size_t as_pg_ntables;

/* The columns of an SQLite table, as a ", "-separated list and a count (0: no such table). */
int as_pg_columns(as_store *st, const char *table, char *buf, size_t len, int *ncols);

#endif
