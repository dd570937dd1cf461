/* test_options.c — the option table walked row by row: each option read from a command line
 * and from a config file gives the same value, every bound holds in both, and the options
 * text stored with a scan reads back to the values it was written from. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/errors.h"
#include "tools/config.h"
#include "tools/options.h"

static char err[4096];

/* A value each type accepts. */
static const char *sample(const as_opt_info *o, char *buf, size_t len, int high)
{
    switch (o->type) {
    case AS_T_TARGETS: return "198.18.0.0/30";
    case AS_T_FILES: return "/tmp/as-targets.txt";
    case AS_T_PORTS: return "22,80,8000-8002";
    case AS_T_BOOL: return high ? "yes" : "no";
    case AS_T_IPLIST: return "198.18.0.53,198.18.0.54";
    case AS_T_IPV4: return "198.18.0.9";
    case AS_T_IFNAME: return "veth0";
    case AS_T_NAME: return "gw1";
    case AS_T_PATH: return "/tmp/as-x.db";
    case AS_T_DATABASE: return high ? "postgresql://db.example/inventory" : "/tmp/as-x.db";
    case AS_T_SHARD: return "2/3";
    case AS_T_WORDS: return "public,private";
    case AS_T_NUM:
    case AS_T_INT:
        snprintf(buf, len, "%.15g", high ? o->max : o->min);
        return buf;
    default: return NULL;
    }
}

/* Reads "flag value" (or the flag's own form) into j; returns as_cli_read's result. */
static int read_cli(as_job *j, const as_opt_info *o, const char *value)
{
    char a0[256], a1[256];
    char *argv[4] = {a0, a1, NULL, NULL};
    int argc = 0;
    switch (o->cli) {
    case AS_CLI_VALUE:
        snprintf(a0, sizeof a0, "%s", o->flag);
        snprintf(a1, sizeof a1, "%s", value);
        argc = 2;
        break;
    case AS_CLI_ATTACHED:
        snprintf(a0, sizeof a0, "%s%s", o->flag, value);
        argc = 1;
        break;
    case AS_CLI_POSITIONAL:
        snprintf(a0, sizeof a0, "%s", value);
        argc = 1;
        break;
    default:
        snprintf(a0, sizeof a0, "%s", o->flag);
        argc = 1;
        break;
    }
    return as_cli_read(j, "scan", argc, argv, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err);
}

/* Reads "key = value" in a job section into cfg; returns as_config_parse's result. */
static int read_config(as_config *cfg, const as_opt_info *o, const char *value)
{
    char text[1024];
    int targets = o == as_opt_get(AS_OPT_TARGETS) || o == as_opt_get(AS_OPT_TARGETS_FILE);
    /* The keys a cross-check ties to this one, at values that pass it. */
    const char *also = o->type == AS_T_SHARD ? "seed = 7\n"
                     : o == as_opt_get(AS_OPT_MIN_RATE) ? "max-rate = 100000000\n" : "";
    snprintf(text, sizeof text, "[job t]\n%s%s = %s\n%s", targets ? "" : "targets = 198.18.0.1\n",
             o->name, value, also);
    return as_config_parse(cfg, "t.conf", text, strlen(text), err, sizeof err);
}

START_TEST(test_every_row_same_from_cli_and_config)
{
    int walked = 0;
    for (int i = 0; i < AS_OPT_FIRST_CLI_ONLY; i++) {
        const as_opt_info *o = as_opt_get(i);
        if (o->cli == AS_CLI_NONE || o->cli == AS_CLI_PING || !(o->scope & AS_SCOPE_SCAN))
            continue;
        for (int high = 0; high < 2; high++) {
            char buf[64];
            const char *v = o->cli == AS_CLI_SWITCH ? o->cli_value : sample(o, buf, sizeof buf, high);
            ck_assert_msg(v != NULL, "row %s has no sample", o->name);
            as_job j;
            as_config cfg;
            ck_assert_msg(read_cli(&j, o, v) == 0, "%s from the command line: %s", o->name, err);
            ck_assert_msg(read_config(&cfg, o, v) == 0, "%s from a file: %s", o->name, err);
            const char *a = as_job_get(&j, i), *b = as_job_get(&cfg.jobs[0], i);
            ck_assert_msg(a && b && strcmp(a, b) == 0, "%s: '%s' (flag) != '%s' (key)", o->name,
                          a ? a : "(null)", b ? b : "(null)");
            ck_assert_int_eq(j.given[i], 1);
            as_job_release(&j);
            as_config_free(&cfg);
            walked++;
        }
    }
    ck_assert_int_ge(walked, 2 * 18);
}
END_TEST

START_TEST(test_every_bound_in_both)
{
    int walked = 0;
    for (int i = 0; i < AS_OPT_FIRST_CLI_ONLY; i++) {
        const as_opt_info *o = as_opt_get(i);
        if ((o->type != AS_T_NUM && o->type != AS_T_INT) || o->cli == AS_CLI_NONE)
            continue;
        double outside[2] = {o->min - 1, o->max + 1};
        for (int k = 0; k < 2; k++) {
            char v[64];
            snprintf(v, sizeof v, "%.17g", outside[k]);
            as_job j;
            as_config cfg;
            int rc = read_cli(&j, o, v);
            ck_assert_msg(rc == -AS_ERR_USAGE, "%s %s accepted on the command line", o->name, v);
            ck_assert_msg(o->cli != AS_CLI_VALUE || strstr(err, "from") != NULL, "%s: %s", o->name, err);
            as_job_release(&j);
            ck_assert_msg(read_config(&cfg, o, v) != 0, "%s = %s accepted in a file", o->name, v);
            as_config_free(&cfg);
            walked++;
        }
    }
    ck_assert_int_ge(walked, 2 * 5);
}
END_TEST

START_TEST(test_ping_flags_are_the_ping_key)
{
    char *argv[] = {"-PE", "-PA22,443", "198.18.0.1"};
    as_job j;
    as_config cfg;
    ck_assert_int_eq(as_cli_read(&j, "scan", 3, argv, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    ck_assert_int_eq(read_config(&cfg, as_opt_get(AS_OPT_PING), "echo,ack:22,443"), 0);
    ck_assert_str_eq(as_job_get(&j, AS_OPT_PING), as_job_get(&cfg.jobs[0], AS_OPT_PING));
    as_job_release(&j);
    as_config_free(&cfg);
    /* -Pn wins; no -P flag keeps the default. */
    char *pn[] = {"-PE", "-Pn", "198.18.0.1"};
    ck_assert_int_eq(as_cli_read(&j, "scan", 3, pn, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    ck_assert_str_eq(as_job_get(&j, AS_OPT_PING), "none");
    as_job_release(&j);
    ck_assert_int_eq(as_cli_read(&j, "scan", 1, pn + 2, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    ck_assert_str_eq(as_job_get(&j, AS_OPT_PING), "echo,ack:80");
    ck_assert_int_eq(j.given[AS_OPT_PING], 0);
    as_job_release(&j);
}
END_TEST

/* A seventeenth bare -PA once wrote past the sixteen ACK ports; every spelling is bounded. */
START_TEST(test_ack_port_bound)
{
    char *argv[18];
    for (int i = 0; i < 17; i++)
        argv[i] = "-PA";
    argv[17] = "198.18.0.1";
    as_job j;
    ck_assert_int_eq(as_cli_read(&j, "scan", 18, argv, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err),
                     -AS_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err, "at most 16 ACK"));
    as_job_release(&j);
    char *two[] = {"-PA1-10", "-PA20-30", "198.18.0.1"};
    ck_assert_int_eq(as_cli_read(&j, "scan", 3, two, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err),
                     -AS_ERR_USAGE);
    as_job_release(&j);
    char *sixteen[] = {"-PA1-8", "-PA20-27", "198.18.0.1"};
    ck_assert_int_eq(as_cli_read(&j, "scan", 3, sixteen, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    as_job_release(&j);
}
END_TEST

START_TEST(test_errors_name_the_flag)
{
    static const struct { const char *argv[3]; int argc, rc; const char *msg; } cases[] = {
        {{"--frobnicate", "198.18.0.1"}, 2, -AS_ERR_USAGE, "unknown option '--frobnicate'"},
        {{"--max-rate"}, 1, -AS_ERR_USAGE, "option '--max-rate' needs a value"},
        {{"--max-rate", "0", "198.18.0.1"}, 3, -AS_ERR_USAGE, "--max-rate: must be a number from 1"},
        {{"--max-rate=x", "198.18.0.1"}, 2, -AS_ERR_USAGE, "--max-rate: must be a number"},
        {{"-p70000", "198.18.0.1"}, 2, -AS_ERR_USAGE, "-p: "},
        {{"-S", "300.1.1.1", "198.18.0.1"}, 3, -AS_ERR_USAGE, "-S: must be an IPv4 address"},
        {{"-T6", "198.18.0.1"}, 2, -AS_ERR_USAGE, "-T: must be a whole number from 0 to 5"},
        {{"198.18.1.300"}, 1, -AS_ERR_TARGET, "bad target '198.18.1.300'"},
        {{"--exclude", "198.18.1.300", "198.18.0.1"}, 3, -AS_ERR_TARGET, "--exclude: bad target"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        as_job j;
        int rc = as_cli_read(&j, "scan", cases[i].argc, (char *const *)cases[i].argv, AS_SCOPE_SCAN,
                             AS_CLI_STRICT, err, sizeof err);
        ck_assert_msg(rc == cases[i].rc && strstr(err, cases[i].msg) != NULL, "case %zu: %d '%s'",
                      i, rc, err);
        as_job_release(&j);
    }
}
END_TEST

START_TEST(test_cross_checks_worded_for_the_command_line)
{
    char *shard[] = {"--shard", "1/2", "198.18.0.1"};
    as_job j;
    ck_assert_int_eq(as_cli_read(&j, "scan", 3, shard, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    ck_assert_int_eq(as_cli_check(&j, err, sizeof err), -AS_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err, "--shard needs --seed"));
    as_job_release(&j);
    char *none[] = {"-n"};
    ck_assert_int_eq(as_cli_read(&j, "scan", 1, none, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    ck_assert_int_eq(as_cli_check(&j, err, sizeof err), -AS_ERR_USAGE);
    ck_assert_ptr_nonnull(strstr(err, "no targets given"));
    as_job_release(&j);
    char *rates[] = {"--min-rate", "10", "--max-rate", "5", "198.18.0.1"};
    ck_assert_int_eq(as_cli_read(&j, "scan", 5, rates, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    ck_assert_int_eq(as_cli_check(&j, err, sizeof err), -AS_ERR_USAGE);
    ck_assert_str_eq(err, "--min-rate 10 is above --max-rate 5");
    as_job_release(&j);
}
END_TEST

/* The options text of a scan reads back, as stored, to every wire-relevant value. */
START_TEST(test_stored_text_round_trip)
{
    char *argv[] = {"-p", "22,445", "-PE", "-PA80,443", "--max-rate", "300", "-O", "-n", "-T4",
                    "--dns-servers", "198.18.0.53", "-S", "198.18.0.9", "--seed", "7", "--shard",
                    "2/3", "-v", "--agents", "rel/agents.tab", "198.18.0.0/24"};
    int argc = sizeof argv / sizeof argv[0];
    as_job a, b;
    ck_assert_int_eq(as_cli_read(&a, "scan", argc, argv, AS_SCOPE_SCAN, AS_CLI_STRICT, err, sizeof err), 0);
    char text[2048];
    as_cli_write(&a, text, sizeof text);
    ck_assert_ptr_null(strstr(text, "agents"));     /* not a wire option */
    ck_assert_ptr_null(strstr(text, "-v"));
    ck_assert_int_eq(as_cli_read_text(&b, "ports", text, AS_SCOPE_SENDS, AS_CLI_STORED, err, sizeof err), 0);
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        if (!(o->scope & AS_SCOPE_SENDS) || o->type == AS_T_TARGETS || o->type == AS_T_FILES)
            continue;
        const char *x = as_job_get(&a, i), *y = as_job_get(&b, i);
        ck_assert_msg((x == NULL) == (y == NULL) && (x == NULL || strcmp(x, y) == 0),
                      "%s: '%s' written, '%s' read back from '%s'", o->name, x ? x : "-",
                      y ? y : "-", text);
    }
    /* The relative path became absolute, and old rows' extra words are skipped. */
    ck_assert_str_eq(as_job_get(&a, AS_OPT_AGENTS) + strlen(as_job_get(&a, AS_OPT_AGENTS)) - 15,
                     "/rel/agents.tab");
    ck_assert_int_eq(as_job_get(&a, AS_OPT_AGENTS)[0], '/');
    as_job_release(&a);
    as_job_release(&b);
    ck_assert_int_eq(as_cli_read_text(&b, "ports", "sweep lab: -p 22 --agents /x -v --bogus 198.18.0.0/24",
                                      AS_SCOPE_SENDS, AS_CLI_STORED, err, sizeof err), 0);
    ck_assert_str_eq(as_job_get(&b, AS_OPT_PORTS), "22");
    ck_assert_ptr_null(as_job_get(&b, AS_OPT_TARGETS));
    as_job_release(&b);
}
END_TEST

START_TEST(test_help_lists_every_flag)
{
    char *buf = NULL;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    as_cli_help(f, "usage: agentscan scan", AS_SCOPE_SCAN);
    fclose(f);
    for (int i = 0; i < AS_OPT_COUNT; i++) {
        const as_opt_info *o = as_opt_get(i);
        if (!(o->scope & AS_SCOPE_SCAN) || o->cli == AS_CLI_NONE || o->cli == AS_CLI_POSITIONAL ||
            o->help == NULL)
            continue;
        char want[64];
        snprintf(want, sizeof want, "  %s", o->cli == AS_CLI_PING ? "-PE" : o->flag);
        ck_assert_msg(strstr(buf, want) != NULL, "--help lacks %s", o->flag);
    }
    ck_assert_ptr_nonnull(strstr(buf, "(default: 5000)"));
    free(buf);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("options");
    TCase *t = tcase_create("table");
    tcase_add_test(t, test_every_row_same_from_cli_and_config);
    tcase_add_test(t, test_every_bound_in_both);
    tcase_add_test(t, test_ping_flags_are_the_ping_key);
    tcase_add_test(t, test_ack_port_bound);
    tcase_add_test(t, test_errors_name_the_flag);
    tcase_add_test(t, test_cross_checks_worded_for_the_command_line);
    tcase_add_test(t, test_stored_text_round_trip);
    tcase_add_test(t, test_help_lists_every_flag);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
