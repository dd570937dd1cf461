/* store_internal.h — what the db/ files share behind store.h: the as_store handle, its
 * prepared statements, error formatting and the in-memory view of one scan's hosts. */
#ifndef AS_STORE_INTERNAL_H
#define AS_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "db/store.h"

/* Statements prepared once at open and reused for every host of every batch. */
enum as_stmt {
    AS_STMT_SAVEPOINT,
    AS_STMT_RELEASE,
    AS_STMT_ROLLBACK_TO,
    AS_STMT_OBS_BY_IP,
    AS_STMT_HOST_MATCH,
    AS_STMT_HOST_INSERT,
    AS_STMT_HOST_UPDATE,
    AS_STMT_OBS_UPSERT,
    AS_STMT_PORTS_CLEAR,
    AS_STMT_PORT_INSERT,
    AS_STMT_OS_CLEAR,
    AS_STMT_OS_INSERT,
    AS_STMT_MARK_FIREWALL,
    AS_STMT_COUNT
};

struct as_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[AS_STMT_COUNT];
    int reader;             /* opened without create: reports, may not be able to write */
    int fd;                 /* our own descriptor of the file (-1 none), see store.c */
    dev_t dev;              /* the file opened, to notice it deleted or replaced under us */
    ino_t ino;
};
/* 0 while path still names the file opened; -1 with a message when it was deleted, moved or
 * replaced (SQLite would go on writing to the unlinked inode, and lose it all). */
int as_store_check_file(as_store *st, char *err, size_t errlen);

/* "database PATH: <sqlite message> (<what to do>)", the hint chosen from the error code. */
void as_db_fail(const as_store *st, char *err, size_t errlen);
/* "database PATH: <formatted text>" for errors that are ours, not SQLite's. */
void as_db_errf(const as_store *st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The advice that goes with an SQLite result code. */
const char *as_db_hint(int rc);

/* store_identity.c: the identity row and evidence of one observation, replacing what was
 * there (id NULL: only cleared); the check of an identity record before any write. */
int as_store_write_identity(as_store *st, int64_t scan_id, int64_t host_id,
                            const as_identity_record *id);
int as_store_check_identity(as_store *st, const as_host_record *h, const char *ip, char *err,
                            size_t errlen);

/* Brings the schema to the current version, or refuses a file that is not ours. */
int as_schema_apply(as_store *st, char *err, size_t errlen);
int as_schema_prepare(as_store *st, char *err, size_t errlen);
/* The schema version this build writes (PRAGMA user_version after the last migration). */
int as_schema_version(void);

/* Who runs a scan: recorded in its row, so that the next opener can tell a scan that is
 * still running from one whose process died (SIGKILL, power loss, OOM killer). */
typedef struct as_runner {
    long pid;
    long long start;        /* process start, clock ticks since boot (/proc/PID/stat) */
    char boot[40];          /* /proc/sys/kernel/random/boot_id */
    char host[256];
} as_runner;
/* This process; -1 when /proc does not tell (then no opener can judge its scans). */
int as_runner_self(as_runner *r);
/* 1 alive, 0 gone, -1 cannot tell (another host, nothing recorded). */
int as_runner_alive(const as_runner *saved, const as_runner *self);
/* Binds this process as parameters first..first+3 (pid, start, boot, host). */
int as_runner_bind(sqlite3_stmt *s, int first);
/* At open: 'running' scans whose runner is gone become 'interrupted' (written when the file
 * is writable; for a reader that cannot write, only shown: a TEMP view shadows scan). */
int as_runner_reap(as_store *st, char *err, size_t errlen);

/* One scan's hosts as read back for printing and export; strings are never NULL except
 * mac/agent/service and the OS fields, which are NULL when the scan did not learn them. */
typedef struct as_port_view {
    int port;
    char *proto;
    char *state;
    char *reason;
    int reason_ttl;         /* 0 when unknown */
    char *service;
    /* What the identity phase learned here (schema 4): product and version the service
     * named (NULL: none), and whether the protocol answered as itself (1), did not (0),
     * or was not asked (-1). */
    char *product, *version;
    int confirmed;
} as_port_view;

/* One OS guess (os_match row), best first. */
typedef struct as_os_view {
    char *name;
    int accuracy;
    char *vendor, *family, *generation, *type, *cpe;
} as_os_view;

/* One piece of identity evidence (evidence row), in the order it was stored. */
typedef struct as_evidence_view {
    char *kind;             /* "os" or "name" */
    char *source;           /* "ntlmssp", "ssh", "snmp", ... */
    char *proto;            /* "tcp", "udp", NULL when none */
    int port;               /* 0 when none */
    char *value;
    char *verdict;          /* NULL when none */
    int confidence;
} as_evidence_view;

/* What the services told about the host (identity row); every string NULL when unknown,
 * the ints -1. Lists (netbios_users, tls_sans, agent_possible) are stored ","-joined. */
typedef struct as_identity_view {
    char *netbios_name, *netbios_domain, *netbios_users, *netbios_mac;
    char *dns_name, *dns_domain, *dns_forest, *os_version;
    char *ssh, *smb_dialect;
    int smb_signing_required;
    char *snmp_sysdescr, *snmp_sysname, *snmp_sysobjectid;
    char *tls_subject, *tls_sans, *tls_issuer, *http_server;
    char *agent_possible;
    char *os, *os_family, *os_source;   /* the fused OS verdict */
    int os_confidence;
    char *os_conflict;
    char *name, *name_source;           /* the chosen host name */
} as_identity_view;

typedef struct as_host_view {
    int64_t host_id;
    uint32_t ip;            /* host byte order, for numeric sorting */
    char *address;          /* the address in this scan */
    char *name;
    char *mac;
    int up;
    char *up_reason;
    int reply_ttl;          /* 0 when unknown */
    int has_rtt;
    int64_t rtt_us;
    int managed;
    char *agent;
    char *deploy;
    double first_seen, last_seen;   /* the host's history, across scans */
    int64_t seen_count;
    size_t nports;
    as_port_view *ports;
    size_t nos;
    as_os_view *os;         /* sorted by rank */
    char *os_fingerprint;   /* nmap syntax, NULL when OS detection did not run */
    char *os_passive;       /* the SYN/ACK-only guess, NULL when none */
    int has_passive_accuracy;
    int os_passive_accuracy;
    int firewall_suspect;
    char *firewall_note;    /* NULL when none */
    /* The identity phase: NULL/0 when it did not run for this host. Then `deploy` lists
     * the open channels as before it existed; with it, `deploy` the confirmed ones and
     * deploy_open those whose port answered a SYN but whose protocol did not. */
    char *deploy_open;      /* NULL when none */
    as_identity_view *identity;
    size_t nevidence;
    as_evidence_view *evidence;
} as_host_view;

typedef struct as_scan_view {
    int64_t id;
    double started;
    int has_finished;
    double finished;
    char *status;
    char *targets, *options, *version;
    int64_t addresses;      /* -1 when not recorded */
    size_t nhosts;
    size_t nup;
    as_host_view *hosts;    /* sorted by ip; ports sorted by proto, then port */
} as_scan_view;

/* A copy of a text column; NULL columns become NULL (null_ok) or "". *oom set on failure. */
char *as_col_dup(sqlite3_stmt *s, int col, int null_ok, int *oom);

/* hosts_load.c: runs sql (?1 = v->id, host id in column 0, rows ordered by host id) and
 * hands each row to fn with its host (v->hosts sorted by host id; rows of hosts not there,
 * filtered out as down, are skipped) and the capacity of the array it grows, which starts
 * at count(host) (NULL: 0). 0, or -1 with err. */
typedef int (*as_row_fn)(sqlite3_stmt *s, as_host_view *h, size_t *cap);
typedef size_t (*as_row_count_fn)(const as_host_view *h);
int as_attach_rows(as_store *st, as_scan_view *v, const char *sql, as_row_fn fn,
                   as_row_count_fn count, char *err, size_t errlen);

/* identity_load.c: attaches the scan's identity and evidence rows to its hosts (v->hosts
 * sorted by host id, as hosts_load.c has them while loading); frees them again. */
int as_identity_load(as_store *st, as_scan_view *v, char *err, size_t errlen);
void as_identity_view_free(as_host_view *h);

/* scan_id 0 means the latest scan. */
int as_scan_view_load(as_store *st, int64_t scan_id, int all_hosts, as_scan_view *v,
                      char *err, size_t errlen);
void as_scan_view_free(as_scan_view *v);

/* Read transactions: several loads that must see one committed state (a scan may be
 * writing meanwhile). Nested calls are no-ops; end only ends what begin started. */
int as_read_begin(as_store *st, int *own, char *err, size_t errlen);
void as_read_end(as_store *st, int own);

/* A copy that is valid UTF-8 (stray bytes become '?'). ctrl=1 also turns the C0 controls
 * XML 1.0 cannot carry at all (all but tab, LF, CR) into '?'; ctrl=2 turns every C0
 * control and DEL into '?' (for terminals). NULL in, NULL out (also when out of memory). */
char *as_text_clean(const char *s, int ctrl);

/* The family part of a stored passive guess: "Linux" from "Linux (passive: TTL 64, ...)",
 * the text before its " (passive" details. NULL for NULL or "" (and when out of memory).
 * Not cleaned: the caller cleans for its output. */
char *as_passive_family(const char *passive);

/* Calls fn for each item of a list stored as "a,b" or "a, b" (trimmed, empty ones skipped);
 * stops at and returns fn's first non-zero result. */
int as_list_each(const char *list, int (*fn)(void *ctx, const char *item), void *ctx);
/* 1 if item is one of the list's items. */
int as_list_has(const char *list, const char *item);

/* The address space a scan covered, as sorted disjoint intervals. known = 0 when it cannot
 * be known (a shard, or a v1 scan whose targets do not parse without DNS). */
typedef struct as_coverage {
    int known;
    size_t n;
    uint32_t *lo, *hi;
} as_coverage;
int as_coverage_load(as_store *st, int64_t scan_id, as_coverage *c, char *err, size_t errlen);
void as_coverage_free(as_coverage *c);
/* The machines seen up before scan_id and not up in it, inside the address space the scan
 * covered (none when its coverage is unknown), latest seen first. 0 with *out allocated
 * (as_gone_free), or -1 with err. */
typedef struct as_gone_host {
    int64_t id, seen_count;
    char *address, *name;   /* name "" when none; stored escaped (\DDD) */
    double last_seen;
} as_gone_host;
int as_gone_load(as_store *st, int64_t scan_id, as_gone_host **out, size_t *n, char *err,
                 size_t errlen);
void as_gone_free(as_gone_host *g, size_t n);

/* Coverage from a scan's target text, through the parser set by as_store_set_target_parser
 * (none set, or the text does not parse without DNS: unknown, -1). */
int as_coverage_from_text(const char *targets, size_t max, as_coverage *c);
int as_coverage_contains(const as_coverage *c, uint32_t ip);
/* 1 if the two known coverages share an address. */
int as_coverage_overlap(const as_coverage *a, const as_coverage *b);

#endif
