/* test_runner.c — crash safety at open: a 'running' scan whose process is gone (killed,
 * pid reused, machine rebooted) is marked interrupted by the next opener; a live one, or
 * one of another host, is left alone, as is one whose writer named a live runner (a
 * sweep's scanning process names the sweep); a reader that cannot write reports it without
 * changing the file. */
#include <check.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "db/store.h"

static char dir[64];
static char dbpath[128];
static char err[512];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_runner_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

static void teardown(void)
{
    nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static char *sql_text(const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    const unsigned char *t = sqlite3_column_text(s, 0);
    char *v = t ? strdup((const char *)t) : strdup("NULL");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

static void sql_exec(const char *sql)
{
    sqlite3 *db;
    ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
                  sqlite3_errmsg(db));
    sqlite3_close(db);
}

static void ck_text(const char *sql, const char *want)
{
    char *got = sql_text(sql);
    ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want '%s'", sql, got, want);
    free(got);
}

static void reopen(void)
{
    as_store *st = NULL;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    as_store_close(st);
}

static int64_t begin_here(void)
{
    as_store *st = NULL;
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    int64_t id = as_store_begin_scan(st, "198.18.0.0/24", "", 1000, err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    as_store_close(st);
    return id;
}

/* A child begins a scan, tells us, then waits for a byte (or dies with the pipe). */
static pid_t begin_in_child(int *hold)
{
    int ready[2], wait_fd[2];
    ck_assert_int_eq(pipe(ready), 0);
    ck_assert_int_eq(pipe(wait_fd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        as_store *st = NULL;
        char e[512];
        if (as_store_open(&st, dbpath, 1, e, sizeof e) != 0 ||
            as_store_begin_scan(st, "198.18.0.0/24", "", 1000, e, sizeof e) <= 0)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        char c;
        (void)!read(wait_fd[0], &c, 1);
        _exit(0);           /* no end_scan: as if killed */
    }
    close(ready[1]);
    close(wait_fd[0]);
    char c;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    close(ready[0]);
    *hold = wait_fd[1];
    return pid;
}

START_TEST(dead_runner_marked_interrupted)
{
    int hold;
    pid_t pid = begin_in_child(&hold);
    char want[32];
    snprintf(want, sizeof want, "%ld", (long)pid);
    ck_text("SELECT runner_pid FROM scan", want);
    /* alive: any number of openers leave it running */
    reopen();
    ck_text("SELECT status FROM scan", "running");
    kill(pid, SIGKILL);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    close(hold);
    reopen();
    ck_text("SELECT status FROM scan", "interrupted");
    ck_text("SELECT finished IS NOT NULL FROM scan", "1");
}
END_TEST

/* A sweep's scanning process names the sweep, its parent, as the runner: the scan lives and
 * dies with the sweep, not with the process that wrote the row. */
START_TEST(runner_named_for_the_parent)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        as_store_set_runner((long)getppid());
        as_store *st = NULL;
        char e[512];
        _exit(as_store_open(&st, dbpath, 1, e, sizeof e) == 0 &&
              as_store_begin_scan(st, "198.18.0.0/24", "", 1000, e, sizeof e) > 0 ? 0 : 1);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    char want[32];
    snprintf(want, sizeof want, "%ld", (long)getpid());
    ck_text("SELECT runner_pid FROM scan", want);
    /* the writer is gone, the runner (this process) is not: still running */
    reopen();
    ck_text("SELECT status FROM scan", "running");
}
END_TEST

START_TEST(own_scan_stays_running)
{
    begin_here();
    reopen();
    ck_text("SELECT status FROM scan", "running");
}
END_TEST

START_TEST(reused_pid_and_reboot_are_dead)
{
    begin_here();
    begin_here();
    begin_here();
    /* 1: our pid, but another process start (the pid was reused); 2: another boot;
     * 3: another machine (we cannot look: left running) */
    sql_exec("UPDATE scan SET runner_start = runner_start + 1 WHERE id = 1;"
             "UPDATE scan SET runner_boot = 'not-this-boot' WHERE id = 2;"
             "UPDATE scan SET runner_host = 'elsewhere', runner_boot = 'x' WHERE id = 3;");
    reopen();
    ck_text("SELECT group_concat(status) FROM (SELECT status FROM scan ORDER BY id)",
            "interrupted,interrupted,running");
}
END_TEST

/* A reader that cannot write (a read-only file) shows the dead scan as interrupted in what
 * it prints and leaves the file as it was. */
START_TEST(read_only_reader_reports_without_writing)
{
    int hold;
    pid_t pid = begin_in_child(&hold);
    kill(pid, SIGKILL);
    ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
    close(hold);
    ck_assert_int_eq(chmod(dbpath, 0444), 0);
    ck_assert_int_eq(chmod(dir, 0777), 0);
    pid_t r = fork();
    ck_assert_int_ge(r, 0);
    if (r == 0) {
        /* root writes anyway: read as nobody */
        if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 ||
                               setresuid(65534, 65534, 65534) != 0))
            _exit(2);
        as_store *st = NULL;
        char e[512], *buf = NULL;
        size_t len = 0;
        if (as_store_open(&st, dbpath, 0, e, sizeof e) != 0) {
            fprintf(stderr, "%s\n", e);
            _exit(3);
        }
        FILE *out = open_memstream(&buf, &len);
        if (as_store_print_hosts(st, 0, "table", 1, out, e, sizeof e) != 0)
            _exit(4);
        fclose(out);
        as_store_close(st);
        _exit(strstr(buf, "(interrupted,") ? 0 : 5);
    }
    int status;
    ck_assert_int_eq(waitpid(r, &status, 0), r);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader status %d", status);
    ck_text("SELECT status FROM scan", "running");
    chmod(dbpath, 0644);
    reopen();
    ck_text("SELECT status FROM scan", "interrupted");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("runner");
    TCase *tc = tcase_create("reap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, dead_runner_marked_interrupted);
    tcase_add_test(tc, own_scan_stays_running);
    tcase_add_test(tc, runner_named_for_the_parent);
    tcase_add_test(tc, reused_pid_and_reboot_are_dead);
    tcase_add_test(tc, read_only_reader_reports_without_writing);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
