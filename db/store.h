/* store.h — the SQLite inventory: scans, hosts, per-scan observations and port states.
 * A sink with a small API: every function returns 0 (or an id > 0) on success and -1 on
 * failure with a message in err (never exits, never prints). */
#ifndef AS_STORE_H
#define AS_STORE_H

#include <stdint.h>
#include <stdio.h>
#include "db/record.h"

typedef struct as_store as_store;

enum as_scan_status { AS_SCAN_RUNNING = 0, AS_SCAN_COMPLETE, AS_SCAN_INTERRUPTED, AS_SCAN_FAILED };

/* Open (create=1: create file and schema if missing; create=0: the file must exist).
 * Applies migrations up to the current schema version (PRAGMA user_version), WAL mode,
 * busy timeout. A file that is not an agentscan database, or of a newer schema, is an error. */
int as_store_open(as_store **out, const char *path, int create, char *err, size_t errlen);
void as_store_close(as_store *st);

/* Opens an existing store for reading only (hosts, export, diff, reports): creates no file,
 * writes and migrates nothing, leaves no -wal/-shm of its own, and works with read access
 * alone (a member of the group that owns a service's database). Returns 0, or a negative
 * enum as_error: -AS_ERR_NOSCAN for an empty file or one with no agentscan data yet,
 * -AS_ERR_DB for everything else (missing, unreadable, foreign, older or newer schema). */
int as_store_open_read(as_store **out, const char *path, char *err, size_t errlen);
/* A PostgreSQL path (postgresql://..., db/pg.h) is read from the server into memory;
 * as_store_set_gateway narrows that to the scans of one gateway (NULL: all), process-wide,
 * for the read commands' --gateway. */
void as_store_set_gateway(const char *gateway);

/* How the store turns a scan's target text ("198.18.0.0/16 --exclude ...") into sorted
 * address intervals, for scans from before coverage was recorded and for merged shards.
 * The grammar is the engine's (as_targets_text_intervals); the program hands it down once
 * at start-up, process-wide. Without it such coverage is unknown (nothing reported gone).
 * Returns 0 with both arrays allocated, or -1. */
typedef int (*as_target_intervals_fn)(const char *targets, size_t max, uint32_t **lo,
                                      uint32_t **hi, size_t *n);
void as_store_set_target_parser(as_target_intervals_fn fn);

/* The process a scan row names as its runner, whose death makes the scan 'interrupted'
 * (0: the process writing the row). A sweep's scanning process names the sweep that forked
 * it: the process the operator, the job's lock and a kill see, which the scanning process
 * never outlives (tools/sweep_scan.c); if it ends alone, the sweep closes its scan.
 * Process-wide. */
void as_store_set_runner(long pid);

/* A scan row with status 'running'. Returns the new scan id (> 0) or -1. */
int64_t as_store_begin_scan(as_store *st, const char *targets, const char *options,
                            double started, char *err, size_t errlen);

/* Hosts are written in batches: begin, add hosts, commit. Each add is all-or-nothing (a
 * savepoint), also outside a batch. The host row is upserted by address: first_seen kept,
 * last_seen advanced only when h->up (it means "last seen up"), name and MAC updated when
 * known. Ports in state AS_PORT_UNKNOWN are not stored. OS guesses (best first) become
 * os_match rows ranked 0, 1, ...; each needs a name and an accuracy of 0-100, or the host is
 * refused. NULL and "" OS strings are stored as unknown; firewall_note is kept only with
 * firewall_suspect. Adding a host a second time to the same scan replaces that scan's
 * observation, ports and OS guesses of it. */
int as_store_begin_batch(as_store *st, char *err, size_t errlen);
int as_store_add_host(as_store *st, int64_t scan_id, const as_host_record *h, double seen,
                      char *err, size_t errlen);
int as_store_commit_batch(as_store *st, char *err, size_t errlen);

/* Flags a host this scan already stored (by address, host byte order) as possibly answered
 * for by a firewall, with a note saying why (NULL: none). For rules that can only judge once
 * the whole scan is in, such as many hosts answering alike. Inside or outside a batch. */
int as_store_mark_firewall(as_store *st, int64_t scan_id, uint32_t ip, const char *note,
                           char *err, size_t errlen);

/* The identity phase's findings for a host this scan already stored (by address): each
 * listed port's product, version and confirmed; the observation's deploy (confirmed
 * channels), deploy_open, managed and agent; and the identity row and evidence (replacing
 * earlier ones; none when rec->identity is NULL). All-or-nothing, inside or outside a batch.
 * as_store_add_host writes identity and evidence the same way when rec->identity is set. */
int as_store_put_identity(as_store *st, int64_t scan_id, const as_host_record *rec, char *err,
                          size_t errlen);

typedef struct as_scan_stats {
    uint64_t addresses;     /* addresses in the target set */
    uint64_t hosts_up;
    uint64_t probes_sent;
    uint64_t replies;
} as_scan_stats;

/* Sets the final status, time and counts (stats may be NULL: counts unknown). A batch still
 * open is committed first, so that the hosts it holds and the status survive together. */
int as_store_end_scan(as_store *st, int64_t scan_id, enum as_scan_status status, double finished,
                      const as_scan_stats *stats, char *err, size_t errlen);

/* Records the address space the scan covered, as n intervals [lo[i], hi[i]] (host byte
 * order, any order, may overlap): `diff` reports a host as gone only inside it. lo == NULL
 * records that the covered set cannot be known (a shard of a scan): then no host counts as
 * gone after that scan. Replaces what was recorded before for the scan. */
int as_store_scan_ranges(as_store *st, int64_t scan_id, const uint32_t *lo, const uint32_t *hi,
                         size_t n, char *err, size_t errlen);

/* Readers. Latest scan id (any status) or 0 if none; -1 on error. */
int64_t as_store_latest_scan(as_store *st, char *err, size_t errlen);

/* The inventory of one scan, written to out: format "table" (aligned columns, control
 * characters replaced) or "json" (array of host objects, built with jansson).
 * all_hosts=0 lists only hosts that are up. Hosts are ordered by address. scan_id 0 means
 * the latest scan. */
int as_store_print_hosts(as_store *st, int64_t scan_id, const char *format, int all_hosts,
                         FILE *out, char *err, size_t errlen);

/* `hosts` with its filters and output modes. */
struct as_oui;
typedef struct as_hosts_opts {
    int64_t scan_id;            /* 0: the latest */
    const char *format;         /* "table" or "json" */
    int all_hosts;              /* also hosts that did not answer */
    int raw;                    /* table without alignment, one space between cells */
    int width;                  /* table: fit this many columns (a terminal's); 0: full values */
    /* Filters, as export's: all that are set must hold. port: that TCP/UDP port open;
     * os: a word (any case) in the best OS guess, its family, the passive guess or the
     * identity phase's OS verdict. */
    int managed, unmanaged, deployable, up_only, port;
    const char *os;
    int gone;                   /* instead: hosts seen up before this scan, not up in it */
    const struct as_oui *oui;   /* MAC vendors for the table; NULL: no vendor column */
} as_hosts_opts;
int as_store_print_hosts_opts(as_store *st, const as_hosts_opts *o, FILE *out, char *err,
                              size_t errlen);

#endif
