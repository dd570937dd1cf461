/* store_internal.h — what the db/ files share behind store.h: the as_store handle, its
 * prepared statements, error formatting and the in-memory view of one scan's hosts. */
#ifndef AS_STORE_INTERNAL_H
#define AS_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include "db/store.h"

/* Statements prepared once at open and reused for every host of every batch. */
enum as_stmt {
    AS_STMT_SAVEPOINT,
    AS_STMT_RELEASE,
    AS_STMT_ROLLBACK_TO,
    AS_STMT_HOST_UPSERT,
    AS_STMT_OBS_UPSERT,
    AS_STMT_PORTS_CLEAR,
    AS_STMT_PORT_INSERT,
    AS_STMT_COUNT
};

struct as_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[AS_STMT_COUNT];
};

/* "database PATH: <sqlite message> (<what to do>)", the hint chosen from the error code. */
void as_db_fail(const as_store *st, char *err, size_t errlen);
/* "database PATH: <formatted text>" for errors that are ours, not SQLite's. */
void as_db_errf(const as_store *st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The advice that goes with an SQLite result code. */
const char *as_db_hint(int rc);

/* Brings the schema to the current version, or refuses a file that is not ours. */
int as_schema_apply(as_store *st, char *err, size_t errlen);
int as_schema_prepare(as_store *st, char *err, size_t errlen);

/* One scan's hosts as read back for printing; strings are never NULL except mac/agent/
 * service, which are NULL when the scan did not learn them. */
typedef struct as_port_view {
    int port;
    char *proto;
    char *state;
    char *reason;
    char *service;
} as_port_view;

typedef struct as_host_view {
    int64_t host_id;
    uint32_t ip;            /* host byte order, for numeric sorting */
    char *address;
    char *name;
    char *mac;
    int up;
    char *up_reason;
    int has_rtt;
    int64_t rtt_us;
    int managed;
    char *agent;
    char *deploy;
    size_t nports;
    as_port_view *ports;
} as_host_view;

typedef struct as_scan_view {
    int64_t id;
    double started;
    char *status;
    size_t nhosts;
    size_t nup;
    as_host_view *hosts;    /* sorted by ip; ports sorted by proto, then port */
} as_scan_view;

/* scan_id 0 means the latest scan. */
int as_scan_view_load(as_store *st, int64_t scan_id, int all_hosts, as_scan_view *v,
                      char *err, size_t errlen);
void as_scan_view_free(as_scan_view *v);

#endif
