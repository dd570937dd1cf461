/* store_read.c — opening the inventory for reading only: no file is created, no schema is
 * written or migrated, and the write-ahead log is read without write access to it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db/pg.h"
#include "db/store_internal.h"
#include "probes/errors.h"

/* "file:" URI for the path with SQLite's reserved characters escaped; an absolute path gets
 * an empty authority ("file:///x"), so that "//x" is never read as a host name. */
static char *path_uri(const char *path, const char *query)
{
    size_t n = strlen(path) * 3 + strlen(query) + 16;
    char *u = malloc(n), *p = u;
    if (!u)
        return NULL;
    p += sprintf(p, "%s", path[0] == '/' ? "file://" : "file:");
    for (const char *c = path; *c; c++) {
        if (*c == '%' || *c == '?' || *c == '#')
            p += sprintf(p, "%%%02X", (unsigned char)*c);
        else
            *p++ = *c;
    }
    sprintf(p, "?%s", query);
    return u;
}

static int exists(const char *path, const char *suffix)
{
    char buf[4096];
    if ((size_t)snprintf(buf, sizeof buf, "%s%s", path, suffix) >= sizeof buf)
        return 0;
    return access(buf, F_OK) == 0;
}

/* The file itself, read with plain open(2) so that the messages can name the cause: missing,
 * unreadable, empty (nothing recorded yet), not SQLite. Sets *wal for a WAL-mode file. */
static int check_file(const as_store *st, int *wal, char *err, size_t errlen)
{
    struct stat sb;
    if (stat(st->path, &sb) != 0) {
        if (errno == ENOENT)
            as_db_errf(st, err, errlen, "file does not exist (a scan or sweep creates it; check "
                       "--db PATH)");
        else
            as_db_errf(st, err, errlen, "%s (check the path and its permissions)",
                       strerror(errno));
        return -AS_ERR_DB;
    }
    if (S_ISDIR(sb.st_mode)) {
        as_db_errf(st, err, errlen, "is a directory (give a file name, e.g. %s/agentscan.db)",
                   st->path);
        return -AS_ERR_DB;
    }
    int fd = open(st->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        as_db_errf(st, err, errlen, "cannot read: %s (%s)", strerror(errno),
                   errno == EACCES ? "ask for read access, e.g. membership of the file's group"
                                   : "check the path and its permissions");
        return -AS_ERR_DB;
    }
    unsigned char h[100];
    ssize_t n = read(fd, h, sizeof h);
    close(fd);
    if (n == 0) {
        as_db_errf(st, err, errlen, "is empty: no scan recorded yet (a scan or sweep writes it)");
        return -AS_ERR_NOSCAN;
    }
    if (n != (ssize_t)sizeof h || memcmp(h, "SQLite format 3", 16) != 0) {
        as_db_errf(st, err, errlen, "not an agentscan database: not SQLite at all (%s)",
                   as_db_hint(SQLITE_NOTADB));
        return -AS_ERR_DB;
    }
    *wal = h[18] == 2 && h[19] == 2;    /* read and write format versions: 2 is WAL */
    return 0;
}

/* A WAL file is read through its -wal and -shm. While a writer has it open both exist and
 * SQLite (>= 3.22) reads them without write access. When neither exists no writer has the
 * file open and everything is in the main file: `immutable` reads it without creating
 * them (a reader with write access to the directory would otherwise leave its own -shm
 * behind). A -wal without -shm is a writer that stopped uncleanly: only a writer recovers it. */
static int open_uri(as_store *st, int wal, char *err, size_t errlen)
{
    int has_wal = exists(st->path, "-wal"), has_shm = exists(st->path, "-shm");
    if (wal && has_wal && !has_shm) {
        as_db_errf(st, err, errlen, "its write-ahead log %s-wal has no -shm beside it (a writer "
                   "stopped uncleanly); the next scan or sweep recovers it", st->path);
        return -AS_ERR_DB;
    }
    char *uri = path_uri(st->path, wal && !has_wal ? "immutable=1" : "mode=ro");
    if (!uri) {
        as_db_errf(st, err, errlen, "out of memory");
        return -AS_ERR_DB;
    }
    int rc = sqlite3_open_v2(uri, &st->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);
    free(uri);
    if (rc != SQLITE_OK) {
        as_db_errf(st, err, errlen, "cannot open for reading: %s (%s)",
                   st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc), as_db_hint(rc));
        return -AS_ERR_DB;
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (sqlite3_busy_timeout(st->db, 5000) != SQLITE_OK) {
        as_db_fail(st, err, errlen);
        return -AS_ERR_DB;
    }
    return 0;
}

static int query_int(as_store *st, const char *sql, int *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW)
        *out = sqlite3_column_int(s, 0), rc = SQLITE_OK;
    sqlite3_finalize(s);
    return rc;
}

/* The first read: a WAL the reader cannot use shows here, and gets a message saying so. */
static int read_fail(as_store *st, int rc, char *err, size_t errlen)
{
    int base = rc & 0xff;
    if (base == SQLITE_CANTOPEN || base == SQLITE_READONLY || base == SQLITE_PERM)
        as_db_errf(st, err, errlen, "cannot read its write-ahead log (%s-wal, %s-shm): %s (they "
                   "need read access for you, as the database file has; or read as its owner)",
                   st->path, st->path, sqlite3_errmsg(st->db));
    else
        as_db_fail(st, err, errlen);
    return -AS_ERR_DB;
}

/* The schema as it is: the current one is read; an empty file holds nothing yet; older,
 * newer and foreign ones are reported, never changed. */
static int check_schema(as_store *st, char *err, size_t errlen)
{
    int version = 0, tables = 0, rc;
    if ((rc = query_int(st, "PRAGMA user_version", &version)) != SQLITE_OK ||
        (rc = query_int(st, "SELECT count(*) FROM sqlite_master", &tables)) != SQLITE_OK)
        return read_fail(st, rc, err, errlen);
    int current = as_schema_version();
    if (version == 0 && tables == 0) {
        as_db_errf(st, err, errlen, "holds no agentscan data yet (a scan or sweep writes it)");
        return -AS_ERR_NOSCAN;
    }
    if (version <= 0) {
        as_db_errf(st, err, errlen, "not an agentscan database: it holds %d other table(s) or "
                   "index(es) (agentscan leaves it untouched; use another --db PATH)", tables);
        return -AS_ERR_DB;
    }
    if (version > current) {
        as_db_errf(st, err, errlen, "database schema version %d is newer than this agentscan "
                   "supports (%d); upgrade agentscan", version, current);
        return -AS_ERR_DB;
    }
    if (version < current) {
        as_db_errf(st, err, errlen, "database schema version %d is older than this agentscan's "
                   "(%d); run a write command (scan, sweep or prune) as its owner to upgrade it",
                   version, current);
        return -AS_ERR_DB;
    }
    return 0;
}

static const char *gateway_filter;

void as_store_set_gateway(const char *gateway)
{
    gateway_filter = gateway;
}

int as_store_open_read(as_store **out, const char *path, char *err, size_t errlen)
{
    *out = NULL;
    if (as_db_is_pg(path))
        return as_pg_pull(out, path, gateway_filter, err, errlen);
    as_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path ? path : ""))) {
        free(st);
        if (err && errlen)
            snprintf(err, errlen, "database %s: out of memory", path ? path : "?");
        return -AS_ERR_DB;
    }
    st->fd = -1;
    st->reader = 1;
    int wal = 0, rc;
    if (!path || !*path) {
        as_db_errf(st, err, errlen, "empty path (give a file name with --db PATH)");
        rc = -AS_ERR_DB;
    } else if ((rc = check_file(st, &wal, err, errlen)) == 0 &&
               (rc = open_uri(st, wal, err, errlen)) == 0 &&
               (rc = check_schema(st, err, errlen)) == 0 &&
               (as_runner_reap(st, err, errlen) != 0 || as_schema_prepare(st, err, errlen) != 0))
        rc = -AS_ERR_DB;     /* a scan whose process is gone reads as interrupted */
    if (rc != 0) {
        as_store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}
