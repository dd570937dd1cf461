/* store.c — opening and closing the inventory database, the scan row's life cycle
 * (begin, end, latest) and the error messages every db/ function reports with. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db/pg.h"
#include "db/store_internal.h"

#ifndef AS_VERSION
#define AS_VERSION "unknown"
#endif

const char *as_db_hint(int rc)
{
    /* SQLite notices on the next write that the file it has open is no longer at its path
     * (unix VFS: the inode was unlinked or renamed); the writes would go nowhere. */
    if (rc == SQLITE_READONLY_DBMOVED)
        return "the database file was deleted or moved while agentscan was writing it; what "
               "this scan found since is lost: restore the file or rerun the scan";
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return "another process holds a lock on it; retry when it has finished";
    case SQLITE_FULL:
        return "the disk is full; free some space and retry";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return "check the permissions of the file and its directory, or use another --db PATH";
    case SQLITE_CANTOPEN:
        return "check that the directory exists and is writable, or use another --db PATH";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return "the file is damaged or not an agentscan database; restore it from a backup "
               "or use another --db PATH";
    case SQLITE_IOERR:
        return "an I/O error occurred; check the disk and the file system";
    case SQLITE_NOMEM:
        return "out of memory";
    case SQLITE_CONSTRAINT:
    case SQLITE_MISUSE:
    case SQLITE_ERROR:
        return "this is probably a bug in agentscan; please report it";
    default:
        return "retry, and report it if it persists";
    }
}

void as_db_errf(const as_store *st, char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    int n = snprintf(err, errlen, "database %s: ", st && st->path ? st->path : "?");
    if (n < 0 || (size_t)n >= errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

void as_db_fail(const as_store *st, char *err, size_t errlen)
{
    int rc = sqlite3_extended_errcode(st->db);
    as_db_errf(st, err, errlen, "%s (%s)", sqlite3_errmsg(st->db), as_db_hint(rc));
}

void as_store_close(as_store *st)
{
    if (!st)
        return;
    for (int i = 0; i < AS_STMT_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    /* A scan that dies mid-batch leaves a transaction open; closing rolls it back, and
     * everything committed before it stays. */
    sqlite3_close_v2(st->db);
    if (st->fd >= 0)
        close(st->fd);
    free(st->path);
    free(st);
}

/* SQLite retries a failed create read-only and reports that retry's ENOENT, hiding the
 * real reason; asking the directory first gets it. */
static int check_parent(const as_store *st, char *err, size_t errlen)
{
    char *copy = strdup(st->path);
    if (!copy) {
        as_db_errf(st, err, errlen, "out of memory");
        return -1;
    }
    const char *parent = dirname(copy);
    int ret = 0;
    if (access(parent, W_OK | X_OK) != 0) {
        as_db_errf(st, err, errlen, "cannot create: directory %s: %s (create the directory or "
                   "make it writable, or use another --db PATH)", parent, strerror(errno));
        ret = -1;
    }
    free(copy);
    return ret;
}

/* Before SQLite gets the path, so that the messages can say what to do about it. */
static int check_path(const as_store *st, int create, char *err, size_t errlen)
{
    struct stat sb;
    if (stat(st->path, &sb) != 0) {
        if (errno == ENOENT && !create) {
            as_db_errf(st, err, errlen, "file does not exist (`agentscan scan ... --db %s` "
                       "creates it)", st->path);
            return -1;
        }
        if (errno == ENOENT)
            return check_parent(st, err, errlen);
        as_db_errf(st, err, errlen, "%s (check the path and its permissions)",
                   strerror(errno));
        return -1;
    }
    if (S_ISDIR(sb.st_mode)) {
        as_db_errf(st, err, errlen, "is a directory (give a file name, e.g. %s/agentscan.db)",
                   st->path);
        return -1;
    }
    return 0;
}

/* create: 1 create if missing, 0 must exist (readers: as_store_open_read). */
static int open_db(as_store *st, int create, char *err, size_t errlen)
{
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(st->path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        int sys = st->db ? sqlite3_system_errno(st->db) : 0;
        if (sys != 0)
            as_db_errf(st, err, errlen, "cannot open: %s (%s)", strerror(sys), as_db_hint(rc));
        else
            as_db_errf(st, err, errlen, "cannot open: %s (%s)",
                       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc), as_db_hint(rc));
        return -1;
    }
    /* SQLite quietly falls back to read-only when the file is not writable; a scan would
     * then fail at its first insert, far from the cause. */
    if (create && sqlite3_db_readonly(st->db, "main") == 1) {
        as_db_errf(st, err, errlen, "cannot open for writing: %s (%s)", strerror(EACCES),
                   as_db_hint(SQLITE_READONLY));
        return -1;
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (sqlite3_busy_timeout(st->db, 5000) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

/* A descriptor of our own on the file: its link count still tells whether the file was
 * deleted when the path can no longer be looked at (a scan that gave up root and its
 * database sits in a root-only directory). Closed only after SQLite closed its own, since
 * closing any descriptor of a file drops the process's POSIX locks on it. */
static int remember_file(as_store *st, char *err, size_t errlen)
{
    struct stat sb;
    st->fd = open(st->path, O_RDONLY | O_CLOEXEC);
    if (st->fd < 0 || fstat(st->fd, &sb) != 0) {
        as_db_errf(st, err, errlen, "%s (check the path and its permissions)", strerror(errno));
        return -1;
    }
    st->dev = sb.st_dev;
    st->ino = sb.st_ino;
    return 0;
}

int as_store_check_file(as_store *st, char *err, size_t errlen)
{
    struct stat sb;
    int gone = st->fd >= 0 && fstat(st->fd, &sb) == 0 && sb.st_nlink == 0;
    if (!gone && (stat(st->path, &sb) == 0 ? sb.st_dev == st->dev && sb.st_ino == st->ino
                                           : errno != ENOENT && errno != ENOTDIR))
        return 0;       /* the same file, or a path we may not look at that still exists */
    as_db_errf(st, err, errlen, "%s (%s)", stat(st->path, &sb) == 0 ? "replaced by another file"
               : "no longer there", as_db_hint(SQLITE_READONLY_DBMOVED));
    return -1;
}

int as_store_open(as_store **out, const char *path, int create, char *err, size_t errlen)
{
    *out = NULL;
    as_store *st = calloc(1, sizeof *st);
    if (st)
        st->fd = -1;
    if (!st || !(st->path = strdup(path ? path : ""))) {
        free(st);
        if (err && errlen)
            snprintf(err, errlen, "database %s: out of memory", path ? path : "?");
        return -1;
    }
    if (!path || !*path) {
        as_db_errf(st, err, errlen, "empty path (give a file name with --db PATH)");
        as_store_close(st);
        return -1;
    }
    if (as_db_is_pg(path)) {
        /* Writers reach PostgreSQL through a spool (db/pg.h), never as a file name. */
        snprintf(err, errlen, "a PostgreSQL inventory takes scans through `scan`, `sweep` or "
                 "`push`, not as a file (this command writes SQLite files only)");
        as_store_close(st);
        return -1;
    }
    if (check_path(st, create, err, errlen) < 0 || open_db(st, create, err, errlen) < 0 ||
        as_schema_apply(st, err, errlen) < 0 || remember_file(st, err, errlen) < 0 ||
        as_runner_reap(st, err, errlen) < 0 || as_schema_prepare(st, err, errlen) < 0) {
        as_store_close(st);
        return -1;
    }
    *out = st;
    return 0;
}

/* Runs a statement that returns no rows, once; the caller binds before. */
static int step_done(as_store *st, sqlite3_stmt *s, char *err, size_t errlen)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    return 0;
}

int64_t as_store_begin_scan(as_store *st, const char *targets, const char *options,
                            double started, char *err, size_t errlen)
{
    static const char sql[] =
        "INSERT INTO scan(started, status, targets, options, version, runner_pid, "
        "runner_start, runner_boot, runner_host) VALUES(?1, 'running', ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int64_t id = -1;
    if (sqlite3_bind_double(s, 1, started) != SQLITE_OK ||
        sqlite3_bind_text(s, 2, targets ? targets : "", -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(s, 3, options ? options : "", -1, SQLITE_TRANSIENT) != SQLITE_OK ||
        sqlite3_bind_text(s, 4, AS_VERSION, -1, SQLITE_STATIC) != SQLITE_OK ||
        as_runner_bind(s, 5) != SQLITE_OK)
        as_db_fail(st, err, errlen);
    else if (step_done(st, s, err, errlen) == 0)
        id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return id;
}

static const char *status_text(enum as_scan_status status)
{
    switch (status) {
    case AS_SCAN_RUNNING: return "running";
    case AS_SCAN_COMPLETE: return "complete";
    case AS_SCAN_INTERRUPTED: return "interrupted";
    case AS_SCAN_FAILED: return "failed";
    }
    return NULL;
}

/* SQLite integers are signed; a count past INT64_MAX cannot happen, but must not wrap.
 * Without stats the columns stay NULL: unknown, not zero. */
static int bind_count(sqlite3_stmt *s, int idx, const as_scan_stats *stats, uint64_t v)
{
    if (!stats)
        return sqlite3_bind_null(s, idx);
    return sqlite3_bind_int64(s, idx, v > INT64_MAX ? INT64_MAX : (int64_t)v);
}

static int bind_end(sqlite3_stmt *s, int64_t scan_id, const char *status, double finished,
                    const as_scan_stats *stats)
{
    static const as_scan_stats none;
    const as_scan_stats *v = stats ? stats : &none;
    int rc = sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK) rc = sqlite3_bind_double(s, 2, finished);
    if (rc == SQLITE_OK) rc = bind_count(s, 3, stats, v->addresses);
    if (rc == SQLITE_OK) rc = bind_count(s, 4, stats, v->hosts_up);
    if (rc == SQLITE_OK) rc = bind_count(s, 5, stats, v->probes_sent);
    if (rc == SQLITE_OK) rc = bind_count(s, 6, stats, v->replies);
    if (rc == SQLITE_OK) rc = sqlite3_bind_int64(s, 7, scan_id);
    return rc;
}

int as_store_end_scan(as_store *st, int64_t scan_id, enum as_scan_status status, double finished,
                      const as_scan_stats *stats, char *err, size_t errlen)
{
    static const char sql[] =
        "UPDATE scan SET status = ?1, finished = ?2, addresses = ?3, hosts_up = ?4, "
        "probes_sent = ?5, replies = ?6 WHERE id = ?7";
    const char *text = status_text(status);
    if (!text) {
        as_db_errf(st, err, errlen, "invalid scan status %d (this is a bug in agentscan)",
                   (int)status);
        return -1;
    }
    /* A scan that stops mid-batch (a signal, a failed add) must not lose the status row
     * with the batch when the store is closed: each added host is whole, so keep them. */
    if (!sqlite3_get_autocommit(st->db) && as_store_commit_batch(st, err, errlen) < 0)
        return -1;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int ret = -1;
    if (bind_end(s, scan_id, text, finished, stats) != SQLITE_OK)
        as_db_fail(st, err, errlen);
    else if (step_done(st, s, err, errlen) == 0) {
        if (sqlite3_changes(st->db) == 1)
            ret = 0;
        else
            as_db_errf(st, err, errlen, "no scan %lld in DB", (long long)scan_id);
    }
    sqlite3_finalize(s);
    return ret;
}

int64_t as_store_latest_scan(as_store *st, char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM scan", -1, &s, NULL) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -1;
    }
    int64_t id = -1;
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);    /* NULL (no scans) reads as 0 */
    else
        as_db_fail(st, err, errlen);
    sqlite3_finalize(s);
    return id;
}
