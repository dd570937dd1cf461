/* test_safe_write.c — output files: replaced whole, mode kept, new ones 0640 whatever the
 * umask, a symbolic link at the destination never followed, a failed write leaves the old
 * file and no temporary; -oX's check before the first packet. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/safe_write.h"
#include "tools/service_check.h"

static char dir[64], path[128], err[1024];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_safe_write_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.csv", dir);
    err[0] = '\0';
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static int write_new(FILE *f, void *ctx, char *e, size_t n)
{
    (void)ctx, (void)e, (void)n;
    return fputs("new\n", f) < 0 ? -1 : 0;
}

static int write_fails(FILE *f, void *ctx, char *e, size_t n)
{
    (void)ctx;
    fputs("half", f);
    snprintf(e, n, "database went away");
    return -1;
}

static void put(const char *p, const char *text, mode_t mode)
{
    FILE *f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(chmod(p, mode), 0);
}

static void expect(const char *p, const char *text)
{
    char buf[64] = "";
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    ck_assert_str_eq(buf, text);
}

static mode_t mode_of(const char *p)
{
    struct stat sb;
    ck_assert_int_eq(lstat(p, &sb), 0);
    return sb.st_mode & 07777;
}

/* Only the destination remains in the directory: no temporary file is left. */
static int entries(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
    return system(cmd) == 0;
}

START_TEST(keeps_mode)
{
    put(path, "old\n", 0600);
    ck_assert_msg(as_replace_file(path, write_new, NULL, err, sizeof err) == 0, "%s", err);
    expect(path, "new\n");
    ck_assert_uint_eq(mode_of(path), 0600);
    ck_assert(entries());
}
END_TEST

START_TEST(new_file_0640)
{
    mode_t old = umask(077);
    int rc = as_replace_file(path, write_new, NULL, err, sizeof err);
    umask(old);
    ck_assert_msg(rc == 0, "%s", err);
    ck_assert_uint_eq(mode_of(path), 0640);
    umask(0);
    unlink(path);
    rc = as_replace_file(path, write_new, NULL, err, sizeof err);
    umask(old);
    ck_assert_uint_eq(mode_of(path), 0640);
}
END_TEST

START_TEST(symlink_not_followed)
{
    char target[160];
    snprintf(target, sizeof target, "%s/target", dir);
    put(target, "precious\n", 0644);
    ck_assert_int_eq(symlink(target, path), 0);
    ck_assert_int_eq(as_replace_file(path, write_new, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "symbolic link"), "%s", err);
    expect(target, "precious\n");
    char cmd[160];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 2", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

START_TEST(failed_write_keeps_old)
{
    put(path, "old\n", 0644);
    ck_assert_int_eq(as_replace_file(path, write_fails, NULL, err, sizeof err), -2);
    ck_assert_str_eq(err, "database went away");
    expect(path, "old\n");
    ck_assert(entries());
}
END_TEST

START_TEST(directory_refused)
{
    ck_assert_int_eq(as_replace_file(dir, write_new, NULL, err, sizeof err), -1);
    snprintf(path, sizeof path, "%s/no-such-dir/out.csv", dir);
    ck_assert_int_eq(as_replace_file(path, write_new, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "no-such-dir"), "%s", err);
}
END_TEST

/* -oX is checked before the scan: missing directory, a link, a directory; "-" is stdout. */
START_TEST(output_writable)
{
    ck_assert_int_eq(as_output_writable("-", err, sizeof err), 0);
    ck_assert_int_eq(as_output_writable(path, err, sizeof err), 0);
    char p[160];
    snprintf(p, sizeof p, "%s/none/scan.xml", dir);
    ck_assert_int_eq(as_output_writable(p, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "none"), "%s", err);
    ck_assert_int_eq(symlink("/etc/passwd", path), 0);
    ck_assert_int_eq(as_output_writable(path, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "symbolic link"), "%s", err);
    ck_assert_int_eq(as_output_writable(dir, err, sizeof err), -1);
}
END_TEST

/* The unit's sandbox: PrivateTmp and ProtectHome hide these. */
START_TEST(unit_visible)
{
    ck_assert_int_eq(as_unit_path_visible("/var/lib/agentscan/x.db", err, sizeof err), 0);
    ck_assert_int_eq(as_unit_path_visible("/etc/agentscan/agentscan.conf", err, sizeof err), 0);
    ck_assert_int_eq(as_unit_path_visible("/tmp/x.db", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "PrivateTmp"), "%s", err);
    ck_assert_int_eq(as_unit_path_visible("/var/tmp/x.db", err, sizeof err), -1);
    ck_assert_int_eq(as_unit_path_visible("/home/ops/x.conf", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "ProtectHome"), "%s", err);
    ck_assert_int_eq(as_unit_path_visible("/root/x.conf", err, sizeof err), -1);
    ck_assert_int_eq(as_unit_path_visible("/tmpfoo/x.conf", err, sizeof err), 0);
}
END_TEST

/* The database directory against a user who is not the caller. */
START_TEST(dir_writable_by)
{
    snprintf(path, sizeof path, "%s/d", dir);
    ck_assert_int_eq(mkdir(path, 0750), 0);
    ck_assert_int_eq(chmod(dir, 0755), 0);
    char db[160];
    snprintf(db, sizeof db, "%s/inv.db", path);
    uid_t me = geteuid();
    ck_assert_int_eq(as_dir_writable_by(db, me, getegid(), NULL, err, sizeof err), 0);
    if (me == 0) {
        /* nobody: not the owner, not in the group, no write bit for others */
        ck_assert_int_eq(as_dir_writable_by(db, 65534, 65534, "nobody", err, sizeof err), -1);
        ck_assert_msg(strstr(err, "cannot write"), "%s", err);
        ck_assert_int_eq(chown(path, 65534, 65534), 0);
        ck_assert_msg(as_dir_writable_by(db, 65534, 65534, "nobody", err, sizeof err) == 0, "%s", err);
    }
    snprintf(db, sizeof db, "%s/missing/inv.db", dir);
    ck_assert_int_eq(as_dir_writable_by(db, me, getegid(), NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "does not exist"), "%s", err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("safe_write");
    TCase *tc = tcase_create("safe_write");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, keeps_mode);
    tcase_add_test(tc, new_file_0640);
    tcase_add_test(tc, symlink_not_followed);
    tcase_add_test(tc, failed_write_keeps_old);
    tcase_add_test(tc, directory_refused);
    tcase_add_test(tc, output_writable);
    tcase_add_test(tc, unit_visible);
    tcase_add_test(tc, dir_writable_by);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
