/* test_sweep.c — the pieces of a sweep that need no network: the job's lock (busy, waited
 * for, stale), the change action (stdin, environment, failure, timeout), the systemd
 * drop-ins, a job as scan options, and `ports` reading scan flags. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/sends.h"
#include "tools/sweep.h"

static char dir[64], db[128], err[1024];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_sweep_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/inv.db", dir);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[4096];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Runs fn in a child and returns its exit status. */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(fn());
    int st;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int try_lock(void)
{
    as_lock l;
    pid_t holder, stale;
    int rc = as_lock_take(&l, db, "lab", 0, NULL, &holder, &stale, err, sizeof err);
    /* 1 = busy and the holder named is our parent */
    return rc == 1 && holder == getppid() ? 1 : 2;
}

static int die_holding(void)
{
    as_lock l;
    pid_t holder, stale;
    return as_lock_take(&l, db, "lab", 0, NULL, &holder, &stale, err, sizeof err) == 0 ? 0 : 3;
}

START_TEST(test_lock)
{
    as_lock l;
    pid_t holder, stale;
    ck_assert_int_eq(as_lock_take(&l, db, "lab", 0, NULL, &holder, &stale, err, sizeof err), 0);
    ck_assert_int_eq(stale, 0);
    char lockfile[160], pid[32];
    snprintf(lockfile, sizeof lockfile, "%s.lab.lock", db);
    snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    ck_assert_str_eq(slurp(lockfile), pid);
    ck_assert_int_eq(in_child(try_lock), 1);
    as_lock_release(&l);
    ck_assert_str_eq(slurp(lockfile), "");
    /* A sweep killed mid-way: the kernel drops its flock, its PID stays in the file. */
    ck_assert_int_eq(in_child(die_holding), 0);
    ck_assert_str_ne(slurp(lockfile), "");
    ck_assert_int_eq(as_lock_take(&l, db, "lab", 0, NULL, &holder, &stale, err, sizeof err), 0);
    ck_assert_int_ne(stale, 0);
    ck_assert_int_ne(stale, getpid());
    as_lock_release(&l);
}
END_TEST

static int hold_briefly(void)
{
    as_lock l;
    pid_t holder, stale;
    if (as_lock_take(&l, db, "lab", 0, NULL, &holder, &stale, err, sizeof err) != 0)
        return 3;
    struct timespec ts = {0, 400 * 1000000L};
    nanosleep(&ts, NULL);
    as_lock_release(&l);
    return 0;
}

START_TEST(test_lock_wait)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(hold_briefly());
    struct timespec ts = {0, 100 * 1000000L};
    nanosleep(&ts, NULL);
    as_lock l;
    pid_t holder, stale;
    ck_assert_int_eq(as_lock_take(&l, db, "lab", 0, NULL, &holder, &stale, err, sizeof err), 1);
    ck_assert_int_eq(holder, pid);
    ck_assert_int_eq(as_lock_take(&l, db, "lab", 5, NULL, &holder, &stale, err, sizeof err), 0);
    ck_assert_int_eq(stale, 0);     /* released cleanly */
    as_lock_release(&l);
    int st;
    waitpid(pid, &st, 0);
    ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

START_TEST(test_change_command)
{
    static const char json[] = "{\"changes\": []}\n";
    char cmd[512], out[160];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(cmd, sizeof cmd, "cat > %s; printf '%%s' \"$AGENTSCAN_JOB\" >> %s", out, out);
    char *env[] = {"AGENTSCAN_JOB=lab", NULL};
    ck_assert_msg(as_change_command(cmd, json, sizeof json - 1, 10, env, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(slurp(out), "{\"changes\": []}\nlab");
    ck_assert_int_eq(as_change_command("exit 3", json, 3, 10, env, err, sizeof err), -1);
    ck_assert_str_eq(err, "on-change-command failed with exit status 3");
    ck_assert_int_eq(as_change_command("kill -9 $$", json, 3, 10, env, err, sizeof err), -1);
    ck_assert_str_eq(err, "on-change-command killed by signal 9");
    /* A command that never reads a large stdin must not block the sweep. */
    size_t big = 4 << 20;
    char *large = malloc(big);
    memset(large, 'x', big);
    ck_assert_int_eq(as_change_command("true", large, big, 10, env, err, sizeof err), 0);
    free(large);
}
END_TEST

START_TEST(test_change_timeout)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* the background sleep is in the command's process group: it goes too */
    ck_assert_int_eq(as_change_command("sleep 30 & sleep 30", "{}", 2, 0.3, NULL, err, sizeof err), -1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_str_eq(err, "on-change-command timed out after 0.3s and was killed");
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 4);
}
END_TEST

START_TEST(test_change_file)
{
    char path[160];
    snprintf(path, sizeof path, "%s/diff.json", dir);
    ck_assert_int_eq(as_change_file(path, "{\"a\":1}", 7, err, sizeof err), 0);
    ck_assert_str_eq(slurp(path), "{\"a\":1}");
    snprintf(path, sizeof path, "%s/missing/diff.json", dir);
    ck_assert_int_eq(as_change_file(path, "{}", 2, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "on-change-file: cannot create"));
}
END_TEST

static const char conf[] =
    "[job lab]\n"
    "targets = 198.18.0.0/30, 198.18.1.1\n"
    "exclude = 198.18.0.2\n"
    "ports = 22,445\n"
    "ping = ack:80,443\n"
    "seed = 7\nshard = 2/3\nos = yes\nresolve = no\n"
    "db = /var/lib/agent%%scan/%j.db\n"
    "on-change-file = /srv/out/%j.json\n"
    "report = /srv/www/%j.html\n"
    "schedule = Mon *-*-* 03:00\nrandomized-delay = 10min\n";

START_TEST(test_job_and_dropins)
{
    as_config cfg;
    ck_assert_msg(as_config_parse(&cfg, "t.conf", conf, sizeof conf - 1, err, sizeof err) == 0, "%s", err);
    const as_job *j = as_config_job(&cfg, "lab");
    as_job_scan js;
    ck_assert_msg(as_job_scan_prepare(j, "sweep lab:", &js, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(as_targets_count(js.o.targets), 4);
    ck_assert_uint_eq(js.o.nports, 2);
    ck_assert_int_eq(js.o.ping_echo, 0);
    ck_assert_uint_eq(js.o.nack, 2);
    ck_assert_uint_eq(js.o.shard_k, 1);
    ck_assert_uint_eq(js.o.shard_n, 3);
    ck_assert_int_eq(js.o.resolve, 0);
    ck_assert_str_eq(js.options, "sweep lab: -p 22,445 -PA80,443 --max-rate 5000 --max-retries 2 "
                                 "-O -n --seed 7 --shard 2/3");
    as_job_scan_free(&js);
    char *timer, *service;
    ck_assert_int_eq(as_timer_dropins(&cfg, j, "/usr/bin/agentscan", "/etc/agentscan/a.conf",
                                      &timer, &service, err, sizeof err), 0);
    ck_assert_ptr_nonnull(strstr(timer, "[Timer]\nOnCalendar=\nOnCalendar=Mon *-*-* 03:00\n"
                                        "RandomizedDelaySec=600\n"));
    ck_assert_ptr_nonnull(strstr(service, "ExecStart=\nExecStart=/usr/bin/agentscan sweep --config "
                                          "/etc/agentscan/a.conf %i\n"));
    ck_assert_ptr_nonnull(strstr(service, "ReadWritePaths=/var/lib/agent%%scan /srv/out /srv/www\n"));
    free(timer);
    free(service);
    ck_assert_int_eq(as_timer_dropins(&cfg, j, "/my bin/agentscan", "/a.conf", &timer, &service,
                                      err, sizeof err), -1);
    as_config_free(&cfg);
}
END_TEST

START_TEST(test_sends)
{
    as_sends s;
    as_sends_defaults(&s);
    ck_assert_str_eq(s.ports, "22-23,25,80,135,137-139,443,445,513-514,1002,1610-1611,3389,4750,5666,"
                              "5985-5986,6556,8081,8089,10050,17472,52028,52311");
    ck_assert_str_eq(s.udp_ports, "137,161,52311");
    /* -sU: unprefixed ports are UDP; alone it drops the TCP defaults (nmap's meaning). */
    ck_assert_int_eq(as_sends_text(&s, "scan: -sU -p 161,T:22", err, sizeof err), 0);
    ck_assert_str_eq(s.ports, "22");
    ck_assert_str_eq(s.udp_ports, "161");
    ck_assert_int_eq(as_sends_text(&s, "scan: -sU", err, sizeof err), 0);
    ck_assert_uint_eq(s.nports, 0);
    ck_assert_str_eq(s.udp_ports, "137,161,52311");
    ck_assert_int_eq(as_sends_text(&s, "scan: -sS", err, sizeof err), 0);
    ck_assert_uint_eq(s.nudp, 0);
    ck_assert_uint_eq(s.nports, 27);
    ck_assert_int_eq(as_sends_text(&s, "sweep lab: -p 22,80,1000-1002 -PE -PA80,443 --max-rate 5 -O "
                                       "-n --dns-servers 198.18.9.53 -S 198.18.9.9", err, sizeof err), 0);
    ck_assert_str_eq(s.ports, "22,80,1000-1002");
    ck_assert_int_eq(s.echo, 1);
    ck_assert_uint_eq(s.nack, 2);
    ck_assert_int_eq(s.os, 1);
    ck_assert_int_eq(s.resolve, 0);
    ck_assert_uint_eq(s.source, 0xC6120909u);
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(as_sends_print(&s, NULL, "text", f, err, sizeof err), 0);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, " 2. tcp/80,443: ACK without SYN; liveness\n"));
    ck_assert_ptr_nonnull(strstr(buf, "udp/30000-59999"));
    ck_assert_ptr_null(strstr(buf, "udp/53"));
    free(buf);
    as_sends_defaults(&s);
    ck_assert_int_eq(as_sends_text(&s, "-Pn 198.18.9.0/24 --dns-servers 198.18.9.53", err, sizeof err), 0);
    f = open_memstream(&buf, &len);
    ck_assert_int_eq(as_sends_print(&s, NULL, "json", f, err, sizeof err), 0);
    fclose(f);
    ck_assert_ptr_null(strstr(buf, "liveness"));
    ck_assert_ptr_nonnull(strstr(buf, "\"198.18.9.53\""));
    free(buf);
    ck_assert_int_eq(as_sends_text(&s, "-p 99999", err, sizeof err), -1);
}
END_TEST

static Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweep");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_lock);
    tcase_add_test(tc, test_lock_wait);
    tcase_add_test(tc, test_change_command);
    tcase_add_test(tc, test_change_timeout);
    tcase_add_test(tc, test_change_file);
    tcase_add_test(tc, test_job_and_dropins);
    tcase_add_test(tc, test_sends);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sweep_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
