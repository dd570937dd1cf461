/* test_store_read.c — opening the inventory read-only: nothing is created, written or
 * migrated, no -wal/-shm is left behind, and a writer's committed work is visible. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db/store.h"
#include "probes/errors.h"

static char dir[64], dbpath[128], err[1024];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_store_read_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
    err[0] = '\0';
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static int beside(const char *suffix)
{
    char p[160];
    snprintf(p, sizeof p, "%s%s", dbpath, suffix);
    return access(p, F_OK) == 0;
}

static off_t size_of(const char *path)
{
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    return sb.st_size;
}

static void sql(const char *text)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, text, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* A store with one complete scan, closed (no -wal, no -shm). */
static void make_store(void)
{
    as_store *st;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "-p 22", 1e9, err, sizeof err);
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, 1e9 + 1, NULL, err, sizeof err), 0);
    as_store_close(st);
    ck_assert(!beside("-wal") && !beside("-shm"));
}

START_TEST(missing_file_is_not_created)
{
    as_store *st = (as_store *)1;
    ck_assert_int_eq(as_store_open_read(&st, dbpath, err, sizeof err), -AS_ERR_DB);
    ck_assert_ptr_null(st);
    ck_assert_msg(strstr(err, "does not exist"), "%s", err);
    ck_assert_int_eq(access(dbpath, F_OK), -1);
}
END_TEST

/* Today's writers put 69 KB of schema into an empty file; a reader must not. */
START_TEST(empty_file_stays_empty)
{
    FILE *f = fopen(dbpath, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    as_store *st;
    ck_assert_int_eq(as_store_open_read(&st, dbpath, err, sizeof err), -AS_ERR_NOSCAN);
    ck_assert_msg(strstr(err, "no scan recorded yet"), "%s", err);
    ck_assert_int_eq(size_of(dbpath), 0);
    ck_assert(!beside("-wal") && !beside("-shm") && !beside("-journal"));
}
END_TEST

START_TEST(foreign_and_newer_untouched)
{
    sql("CREATE TABLE inventory(name TEXT)");
    off_t n = size_of(dbpath);
    as_store *st;
    ck_assert_int_eq(as_store_open_read(&st, dbpath, err, sizeof err), -AS_ERR_DB);
    ck_assert_msg(strstr(err, "not an agentscan database"), "%s", err);
    ck_assert_int_eq(size_of(dbpath), n);
    unlink(dbpath);
    make_store();
    sql("PRAGMA user_version = 99");
    ck_assert_int_eq(as_store_open_read(&st, dbpath, err, sizeof err), -AS_ERR_DB);
    ck_assert_msg(strstr(err, "newer than this agentscan"), "%s", err);
}
END_TEST

/* An older schema is reported, not migrated: only a writer upgrades. */
START_TEST(older_schema_not_migrated)
{
    make_store();
    sql("PRAGMA user_version = 1");
    as_store *st;
    ck_assert_int_eq(as_store_open_read(&st, dbpath, err, sizeof err), -AS_ERR_DB);
    ck_assert_msg(strstr(err, "older than this agentscan") && strstr(err, "run a write command"),
                  "%s", err);
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(s, 0), 1);
    sqlite3_finalize(s);
    sqlite3_close(db);
}
END_TEST

/* No writer: the reader reads the main file and leaves nothing beside it. */
START_TEST(reads_without_leaving_files)
{
    make_store();
    as_store *st;
    ck_assert_msg(as_store_open_read(&st, dbpath, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_store_latest_scan(st, err, sizeof err), 1);
    as_store_close(st);
    ck_assert(!beside("-wal") && !beside("-shm"));
}
END_TEST

/* A writer with an open batch and a committed scan: the reader sees the committed one. */
START_TEST(reads_while_writer_open)
{
    make_store();
    as_store *w;
    ck_assert_msg(as_store_open(&w, dbpath, 0, err, sizeof err) == 0, "%s", err);
    int64_t id = as_store_begin_scan(w, "198.18.1.0/24", "-p 22", 2e9, err, sizeof err);
    ck_assert_int_eq(id, 2);
    ck_assert_int_eq(as_store_begin_batch(w, err, sizeof err), 0);
    ck_assert(beside("-wal") && beside("-shm"));
    as_store *r;
    ck_assert_msg(as_store_open_read(&r, dbpath, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_store_latest_scan(r, err, sizeof err), 2);
    as_store_close(r);
    ck_assert_int_eq(as_store_commit_batch(w, err, sizeof err), 0);
    as_store_close(w);
}
END_TEST

/* A -wal without its -shm holds commits only a writer can recover: say so. */
START_TEST(orphan_wal_reported)
{
    make_store();
    char p[160];
    snprintf(p, sizeof p, "%s-wal", dbpath);
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    as_store *st;
    ck_assert_int_eq(as_store_open_read(&st, dbpath, err, sizeof err), -AS_ERR_DB);
    ck_assert_msg(strstr(err, "no -shm") && strstr(err, "next scan or sweep"), "%s", err);
    ck_assert(!beside("-shm"));
}
END_TEST

/* SQLite's URI characters in a path are escaped, not read as query or fragment. */
START_TEST(path_with_uri_characters)
{
    snprintf(dbpath, sizeof dbpath, "%s/a?b#c%%d.db", dir);
    make_store();
    as_store *st;
    ck_assert_msg(as_store_open_read(&st, dbpath, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_store_latest_scan(st, err, sizeof err), 1);
    as_store_close(st);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store_read");
    TCase *tc = tcase_create("open_read");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, missing_file_is_not_created);
    tcase_add_test(tc, empty_file_stays_empty);
    tcase_add_test(tc, foreign_and_newer_untouched);
    tcase_add_test(tc, older_schema_not_migrated);
    tcase_add_test(tc, reads_without_leaving_files);
    tcase_add_test(tc, reads_while_writer_open);
    tcase_add_test(tc, orphan_wal_reported);
    tcase_add_test(tc, path_with_uri_characters);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
