/* test_config.c — the sweep configuration: a good file and its effective values, a table of
 * bad files with the exact FILE:LINE error each gets, `config show` read back unchanged. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/config.h"

static char err[8192];

static const char good[] =
    "# gateway east\n"
    "[defaults]\n"
    "max-rate = 2000      ; a comment\n"
    "db = /srv/agentscan/%j.db\n"
    "gateway = gw-%h\n"
    "\n"
    "[job dc1]\n"
    "targets = 198.18.0.0/16, 198.18.1-3.1-254\n"
    "    host.example   ; a comment on a continuation line\n"
    "targets = 198.19.0.0/24\n"
    "exclude = 198.18.200.0/24\n"
    "ports = 22,80,445\n"
    "ping = echo,ack:80,443\n"
    "os = true\n"
    "seed = 7\n"
    "shard = 1/3\n"
    "keep-scans = 10\n"
    "keep-days = 30\n"
    "on-change-command = /usr/local/bin/notify --json\n"
    "on-change-file = /srv/agentscan/%j.changes.json\n"
    "schedule = Mon..Fri *-*-* 02:00:00\n"
    "randomized-delay = 1h 30min\n"
    "lock-wait = 90\n"
    "\n"
    "[job small]\n"
    "targets =\n"
    "    198.18.9.1\n"
    "ping = none\n"
    "max-rate = 100\n";

static as_config cfg;

static void load_good(void)
{
    ck_assert_msg(as_config_parse(&cfg, "good.conf", good, sizeof good - 1, err, sizeof err) == 0,
                  "%s", err);
}

START_TEST(test_good)
{
    load_good();
    ck_assert_uint_eq(cfg.njobs, 2);
    const as_job *j = as_config_job(&cfg, "dc1");
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(as_job_get(j, AS_OPT_TARGETS),
                     "198.18.0.0/16, 198.18.1-3.1-254\nhost.example\n198.19.0.0/24");
    ck_assert_str_eq(as_job_get(j, AS_OPT_PING), "echo,ack:80,443");
    ck_assert_str_eq(as_job_get(j, AS_OPT_OS), "yes");
    ck_assert_str_eq(as_job_get(j, AS_OPT_MAX_RATE), "2000");      /* from [defaults] */
    ck_assert_str_eq(as_job_get(j, AS_OPT_DB), "/srv/agentscan/dc1.db");
    ck_assert_str_eq(as_job_get(j, AS_OPT_RANDOMIZED_DELAY), "90min");
    ck_assert_str_eq(as_job_get(j, AS_OPT_LOCK_WAIT), "90s");
    ck_assert(as_job_num(j, AS_OPT_RANDOMIZED_DELAY) == 5400);
    ck_assert(as_job_num(j, AS_OPT_KEEP_DAYS) == 30);
    ck_assert(as_job_num(j, AS_OPT_OS) == 1);
    ck_assert_str_eq(as_job_get(j, AS_OPT_ON_CHANGE_COMMAND), "/usr/local/bin/notify --json");
    ck_assert_uint_eq(as_job_line(&cfg, j, AS_OPT_MAX_RATE), 3);
    ck_assert_uint_eq(as_job_line(&cfg, j, AS_OPT_SHARD), 16);
    char gw[300];
    snprintf(gw, sizeof gw, "gw-%s", cfg.hostname);
    gw[63] = '\0';
    ck_assert_str_eq(as_job_get(j, AS_OPT_GATEWAY), gw);
    const as_job *s = as_config_job(&cfg, "small");
    ck_assert_str_eq(as_job_get(s, AS_OPT_TARGETS), "198.18.9.1");
    ck_assert_str_eq(as_job_get(s, AS_OPT_MAX_RATE), "100");
    /* The default: ODAD's sixteen, every port of the agent and deploy tables, UDP 137/161. */
    ck_assert_str_eq(as_job_get(s, AS_OPT_PORTS),
                     "T:22-23,25,80,135,137-139,443,445,513-514,1002,1610-1611,3389,4750,5666,"
                     "5985-5986,6556,8081,8089,10050,17472,52028,52311,U:137,161,52311");
    ck_assert_str_eq(as_job_get(s, AS_OPT_SCHEDULE), "daily");
    ck_assert_ptr_null(as_job_get(s, AS_OPT_ON_CHANGE_COMMAND));
    ck_assert_ptr_null(as_config_job(&cfg, "nope"));
    as_config_free(&cfg);
}
END_TEST

/* show, parse the output, show again: the same text. */
START_TEST(test_show_round_trip)
{
    load_good();
    char *a = NULL, *b = NULL;
    size_t la, lb;
    FILE *f = open_memstream(&a, &la);
    ck_assert_int_eq(as_config_show(&cfg, NULL, f, err, sizeof err), 0);
    fclose(f);
    as_config again;
    ck_assert_msg(as_config_parse(&again, "good.conf", a, la, err, sizeof err) == 0, "%s\n%s", err, a);
    f = open_memstream(&b, &lb);
    ck_assert_int_eq(as_config_show(&again, NULL, f, err, sizeof err), 0);
    fclose(f);
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(a, "[job dc1]\ntargets = 198.18.0.0/16, 198.18.1-3.1-254\n"
                                    "    host.example\n    198.19.0.0/24\n"));
    ck_assert_ptr_nonnull(strstr(a, "# interface =\n"));
    ck_assert_int_eq(as_config_show(&cfg, "nope", stdout, err, sizeof err), -1);
    ck_assert_str_eq(err, "no job 'nope' in good.conf (jobs: dc1 small)");
    free(a);
    free(b);
    as_config_free(&again);
    as_config_free(&cfg);
}
END_TEST

/* Every built-in default is already in canonical form, or `show` would not round-trip. */
START_TEST(test_defaults_canonical)
{
    for (int i = 0; i < AS_OPT_FIRST_CLI_ONLY; i++) {
        const as_opt_info *o = as_opt_get(i);
        ck_assert_int_eq(as_opt_find(o->name), i);
        if (o->def == NULL)
            continue;
        char out[256];
        ck_assert_msg(as_opt_parse(i, o->def, out, sizeof out, err, sizeof err) == 0, "%s: %s",
                      o->name, err);
        ck_assert_str_eq(out, o->def);
    }
    ck_assert_int_eq(as_opt_find("excludefile"), AS_OPT_EXCLUDE_FILE);
    ck_assert_int_eq(as_opt_find("bogus"), -1);
}
END_TEST

static const struct {
    const char *text, *error;   /* the whole message, or the first of several lines */
} bad[] = {
    {"max-rate = 5\n", "t.conf:1: 'max-rate' before any section (put it under [defaults] or [job NAME])"},
    {"[job a]\ntargets = 198.18.9.1\nmax_rate = 5\n", "t.conf:3: unknown key 'max_rate' (did you mean 'max-rate'?)"},
    {"[job a]\ntargets = 198.18.9.1\nbogus = 1\n", "t.conf:3: unknown key 'bogus' (see 'agentscan config keys')"},
    {"[job a]\n\ntargets = 198.18.1.300\n", "t.conf:3: targets: bad target '198.18.1.300': octet value 300 out of range (0-255) at position 10"},
    {"[job a]\ntargets = 198.18.9.1\nmax-rate = fast\n", "t.conf:3: max-rate: must be a number from 1 to 100000000, not 'fast'"},
    {"[job a]\ntargets = 198.18.9.1\nmax-retries = 2.5\n", "t.conf:3: max-retries: must be a whole number from 0 to 10, not '2.5'"},
    {"[job a]\ntargets = 198.18.9.1\nos = maybe\n", "t.conf:3: os: must be yes or no, not 'maybe'"},
    {"[job a]\ntargets = 198.18.9.1\nping = syn\n", "t.conf:3: ping: unknown liveness probe 'syn' (use echo, ack[:PORTS] or none)"},
    {"[job a]\ntargets = 198.18.9.1\nping = none,echo\n", "t.conf:3: ping: 'none' cannot be combined with other probes: 'none,echo'"},
    {"[job a]\ntargets = 198.18.9.1\nsource = 1.2.3\n", "t.conf:3: source: must be an IPv4 address, not '1.2.3'"},
    {"[job a]\ntargets = 198.18.9.1\nshard = 3/2\n", "t.conf:3: shard: must be K/N with 1 <= K <= N <= 65536, not '3/2'"},
    {"[job a]\ntargets = 198.18.9.1\ndb = x.db\n", "t.conf:3: db: must be an absolute path (sweeps run from /), not 'x.db'"},
    {"[job a]\ntargets = 198.18.9.1\ndb = /x/%q.db\n", "t.conf:3: db: unknown escape in '/x/%q.db' (use %j for the job, %h for the host name, %% for %)"},
    {"[job a]\ntargets = 198.18.9.1\nrandomized-delay = 5 parsecs\n", "t.conf:3: randomized-delay: must be a time span such as 90s, 15min, 2h, 1d, not '5 parsecs'"},
    {"[job a]\ntargets = 198.18.9.1\nrandomized-delay = 2d\n", "t.conf:3: randomized-delay: must be a time span from 0s to 86400s (e.g. 90s, 15min, 2h), not '2d'"},
    {"[job a]\ntargets = 198.18.9.1\nschedule = whenever\n", "t.conf:3: schedule: must be a systemd OnCalendar= expression (e.g. daily, 'Mon..Fri 02:00', '*-*-* 00/4:00:00'), not 'whenever'"},
    {"[job a]\ntargets = 198.18.9.1\nschedule = daily\n  hourly\n", "t.conf:4: an indented line continues 'schedule', which takes one value (remove the indentation)"},
    {"[job a]\ntargets = 198.18.9.1\nos = yes\nos = no\n", "t.conf:4: duplicate key 'os' (first set at line 3)"},
    {"[job a]\ntargets = 198.18.9.1\njust words\n", "t.conf:3: expected 'key = value', '[section]' or a comment"},
    {"[job a]\ntargets = 198.18.9.1\n[job a]\n", "t.conf:3: duplicate section [job a] (first at line 1)"},
    {"[defaults]\n[defaults]\n", "t.conf:2: duplicate section [defaults] (first at line 1)"},
    {"[jobs]\nk = v\n", "t.conf:1: unknown section [jobs] (use [defaults] or [job NAME])"},
    {"[job -x]\n", "t.conf:1: bad job name '-x' (1-64 of A-Z a-z 0-9 . _ -, not starting with . or -)"},
    {"[job a\n", "t.conf:1: section header without ']'"},
    {"[job a]\nports = 22\n", "t.conf:1: job 'a' has no targets (set targets or targets-file)"},
    {"[job a]\ntargets = 198.18.9.1\nshard = 1/2\n", "t.conf:3: job 'a': shard needs a seed, the same on every gateway (e.g. seed = 7), so that the shards walk one order and together cover every probe once"},
    {"[job a]\ntargets = 198.18.9.1\nmin-rate = 10\nmax-rate = 5\n", "t.conf:3: job 'a': min-rate 10 is above max-rate 5"},
    {"[job a]\ntargets = 198.18.9.1\nports = 1-70000\n", "t.conf:3: ports: bad port list '1-70000': port out of range (1-65535) at position 3"},
    {"[job a]\ntargets = 198.18.9.1\non-change-command = a\x01\n", "t.conf:3: on-change-command: must be a non-empty command line without control characters, not 'a?'"},
};

START_TEST(test_bad)
{
    ck_assert_int_eq(as_config_parse(&cfg, "t.conf", bad[_i].text, strlen(bad[_i].text), err,
                                     sizeof err), -1);
    char *nl = strchr(err, '\n');
    if (nl)
        *nl = '\0';
    ck_assert_str_eq(err, bad[_i].error);
}
END_TEST

/* Several problems come together, one a line, each with its own line number. */
START_TEST(test_all_errors_listed)
{
    static const char t[] = "[job a]\ntargets = 198.18.9.1\nos = maybe\nbogus = 1\nmax-rate = 0\n";
    ck_assert_int_eq(as_config_parse(&cfg, "t.conf", t, sizeof t - 1, err, sizeof err), -1);
    ck_assert_str_eq(err, "t.conf:3: os: must be yes or no, not 'maybe'\n"
                          "t.conf:4: unknown key 'bogus' (see 'agentscan config keys')\n"
                          "t.conf:5: max-rate: must be a number from 1 to 100000000, not '0'");
}
END_TEST

START_TEST(test_nul_and_long_line)
{
    static const char nul[] = "[job a]\ntargets = 198.18.9.1\nos = y\0es\n";
    ck_assert_int_eq(as_config_parse(&cfg, "t.conf", nul, sizeof nul - 1, err, sizeof err), -1);
    ck_assert_str_eq(err, "t.conf:3: NUL byte in line");
    char long_text[600] = "[job a]\ntargets = 198.18.9.1\non-change-command = ";
    size_t n = strlen(long_text);
    memset(long_text + n, 'x', 300);
    strcpy(long_text + n + 300, "\nos = yes\n");
    ck_assert_int_eq(as_config_parse(&cfg, "t.conf", long_text, strlen(long_text), err, sizeof err), -1);
    ck_assert_str_eq(err, "t.conf:3: line longer than 198 characters (continue a list on indented "
                          "lines, or move a long command into a script)");
}
END_TEST

/* Files named by a job are read when the file is loaded, not at 3 a.m. */
START_TEST(test_load_checks_files)
{
    char dir[] = "/tmp/as_test_config_XXXXXX", path[128], targets[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/a.conf", dir);
    snprintf(targets, sizeof targets, "%s/t.txt", dir);
    FILE *f = fopen(targets, "w");
    fputs("198.18.0.1\n198.18.0.999\n", f);
    fclose(f);
    f = fopen(path, "w");
    fprintf(f, "[job a]\ntargets-file = %s\nexclude-file = %s/missing\n", targets, dir);
    fclose(f);
    ck_assert_int_eq(as_config_load(&cfg, path, err, sizeof err), -1);
    char want[1024];
    snprintf(want, sizeof want, "%s:2: targets-file: %s:2: bad target '198.18.0.999': octet "
             "value 999 out of range (0-255) at position 10\n%s:3: exclude-file: cannot open "
             "exclude file '%s/missing': No such file or directory", path, targets, path, dir);
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(as_config_load(&cfg, "/nonexistent/a.conf", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/a.conf: No such file or directory"));
    unlink(targets);
    unlink(path);
    rmdir(dir);
}
END_TEST

static Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, test_good);
    tcase_add_test(tc, test_show_round_trip);
    tcase_add_test(tc, test_defaults_canonical);
    tcase_add_loop_test(tc, test_bad, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, test_all_errors_listed);
    tcase_add_test(tc, test_nul_and_long_line);
    tcase_add_test(tc, test_load_checks_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(config_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
