/* test_targets.c — unit tests for engine/targets: spec parsing and its errors, files,
 * exclusions, index → address order, and the product arithmetic against brute force. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/targets.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static char err[1024];

/* Adds each spec (NULL-terminated list), finishes, and fails the test on any error. */
static as_targets *make(const char *const *specs, const char *const *excludes)
{
    as_targets *t = as_targets_new();
    ck_assert_ptr_nonnull(t);
    for (; specs && *specs; specs++)
        ck_assert_msg(as_targets_add(t, *specs, 0, err, sizeof err) == 0, "%s: %s", *specs, err);
    for (; excludes && *excludes; excludes++)
        ck_assert_msg(as_targets_add(t, *excludes, 1, err, sizeof err) == 0, "%s: %s",
                      *excludes, err);
    ck_assert_msg(as_targets_finish(t, err, sizeof err) == 0, "finish: %s", err);
    return t;
}

static as_targets *make1(const char *spec)
{
    const char *specs[] = {spec, NULL};
    return make(specs, NULL);
}

static const struct {
    const char *spec;
    uint64_t count;
    uint32_t first, last;
} good[] = {
    {"198.18.1.7", 1, IP(198, 18, 1, 7), IP(198, 18, 1, 7)},
    {"198.18.1.7/24", 256, IP(198, 18, 1, 0), IP(198, 18, 1, 255)},
    {"198.18.1.7/32", 1, IP(198, 18, 1, 7), IP(198, 18, 1, 7)},
    {"198.18.1.7/31", 2, IP(198, 18, 1, 6), IP(198, 18, 1, 7)},
    {"198.18.0.0/15", 131072, IP(198, 18, 0, 0), IP(198, 19, 255, 255)},
    {"198.19.255.255/0", 4294967296ull, 0, 0xffffffffu},
    {"0.0.0.0/0", 4294967296ull, 0, 0xffffffffu},
    {"127.0.0.1", 1, IP(127, 0, 0, 1), IP(127, 0, 0, 1)},
    {"198.18.1-3.1-254", 762, IP(198, 18, 1, 1), IP(198, 18, 3, 254)},
    {"198.18.1,3,5-7.*", 1280, IP(198, 18, 1, 0), IP(198, 18, 7, 255)},
    {"198.18.1.1,3,5-7", 5, IP(198, 18, 1, 1), IP(198, 18, 1, 7)},
    {"198.18.1.-5", 6, IP(198, 18, 1, 0), IP(198, 18, 1, 5)},
    {"198.18.1.250-", 6, IP(198, 18, 1, 250), IP(198, 18, 1, 255)},
    {"198.18.1.-", 256, IP(198, 18, 1, 0), IP(198, 18, 1, 255)},
    {"198.18.*.1", 256, IP(198, 18, 0, 1), IP(198, 18, 255, 1)},
    {"198.18-19.*.*", 131072, IP(198, 18, 0, 0), IP(198, 19, 255, 255)},
    {"*.*.*.*", 4294967296ull, 0, 0xffffffffu},
    {"*.*.*.1", 16777216, IP(0, 0, 0, 1), IP(255, 255, 255, 1)},
    {"1-254.1-254.1-254.1", 16387064, IP(1, 1, 1, 1), IP(254, 254, 254, 1)},
    {"127.0.0.0/8", 16777216, IP(127, 0, 0, 0), IP(127, 255, 255, 255)},
};

START_TEST(test_good_specs)
{
    as_targets *t = make1(good[_i].spec);
    ck_assert_msg(as_targets_count(t) == good[_i].count, "%s: count %llu", good[_i].spec,
                  (unsigned long long)as_targets_count(t));
    ck_assert_uint_eq(as_targets_get(t, 0), good[_i].first);
    ck_assert_uint_eq(as_targets_get(t, good[_i].count - 1), good[_i].last);
    ck_assert(as_targets_contains(t, good[_i].first));
    ck_assert(as_targets_contains(t, good[_i].last));
    ck_assert_str_eq(as_targets_describe(t), good[_i].spec);
    as_targets_free(t);
}
END_TEST

static const struct {
    const char *spec, *msg;
} bad[] = {
    {"198.18.1.300", "bad target '198.18.1.300': octet value 300 out of range (0-255) at position 10"},
    {"256.1.1.1", "bad target '256.1.1.1': octet value 256 out of range (0-255) at position 1"},
    {"198.18.1.", "bad target '198.18.1.': empty octet at position 10"},
    {"198.18..1", "bad target '198.18..1': empty octet at position 8"},
    {"198.18.1", "bad target '198.18.1': too few octets (expected 4) at position 9"},
    {"198", "bad target '198': too few octets (expected 4) at position 4"},
    {"1.2.3.4.5", "bad target '1.2.3.4.5': too many octets (expected 4) at position 8"},
    {"1.2.3.4/33", "bad target '1.2.3.4/33': prefix length 33 out of range (0-32) at position 9"},
    {"1.2.3.4/", "bad target '1.2.3.4/': expected a prefix length (0-32) at position 9"},
    {"1.2.3.4/a", "bad target '1.2.3.4/a': expected a prefix length (0-32) at position 9"},
    {"1.2.3.4/24/8", "bad target '1.2.3.4/24/8': unexpected character '/' at position 11"},
    {"1.2.3-2.4", "bad target '1.2.3-2.4': range 3-2 is backwards (start above end) at position 5"},
    {"a b", "bad target 'a b': unexpected character ' ' at position 2"},
    {"::1", "bad target '::1': IPv6 not supported yet at position 1"},
    {"2001:db8::/32", "bad target '2001:db8::/32': IPv6 not supported yet at position 1"},
    {"198.18.1.0/24junk", "bad target '198.18.1.0/24junk': unexpected character 'j' at position 14"},
    {"198.18.1.1junk", "bad target '198.18.1.1junk': unexpected character 'j' at position 11"},
    {" 198.18.1.1", "bad target ' 198.18.1.1': unexpected character ' ' at position 1"},
    {"198.18.1.1 ", "bad target '198.18.1.1 ': unexpected character ' ' at position 11"},
    {"198.18.1,,2.1", "bad target '198.18.1,,2.1': empty list item at position 10"},
    {"198.18.1.1,", "bad target '198.18.1.1,': empty list item at position 12"},
    {"198.18.1-3.0/24", "bad target '198.18.1-3.0/24': a prefix length needs a single address, "
                        "not a range at position 13"},
    {"198.18.1.99999999999999", "bad target '198.18.1.99999999999999': octet value "
                                "999999999999... out of range (0-255) at position 10"},
    {"198.18.1.1:80", "bad target '198.18.1.1:80': unexpected character ':' at position 11"},
    {"foo..example", "bad target 'foo..example': empty label in hostname at position 5"},
    {"198.18.1.*5", "bad target '198.18.1.*5': unexpected character '5' at position 11"},
    {"", "bad target '': empty spec"},
    {"   ", "bad target '   ': empty spec"},
    {"198.18.1.\x01", "bad target '198.18.1.\\x01': unexpected character '\\x01' at position 10"},
};

START_TEST(test_bad_specs)
{
    as_targets *t = as_targets_new();
    err[0] = '\0';
    ck_assert_int_eq(as_targets_add(t, bad[_i].spec, 0, err, sizeof err), -1);
    ck_assert_str_eq(err, bad[_i].msg);
    as_targets_free(t);
}
END_TEST

START_TEST(test_exclude_message_names_exclude)
{
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_add(t, "198.18.1.256", 1, err, sizeof err), -1);
    ck_assert_str_eq(err, "bad exclude '198.18.1.256': octet value 256 out of range (0-255) "
                          "at position 10");
    as_targets_free(t);
}
END_TEST

START_TEST(test_exclude_half)
{
    const char *in[] = {"198.18.1.0/24", NULL}, *ex[] = {"198.18.1.0/25", NULL};
    as_targets *t = make(in, ex);
    ck_assert_uint_eq(as_targets_count(t), 128);
    ck_assert_uint_eq(as_targets_get(t, 0), IP(198, 18, 1, 128));
    ck_assert_uint_eq(as_targets_get(t, 127), IP(198, 18, 1, 255));
    ck_assert(!as_targets_contains(t, IP(198, 18, 1, 127)));
    ck_assert_str_eq(as_targets_describe(t), "198.18.1.0/24 --exclude 198.18.1.0/25");
    as_targets_free(t);
}
END_TEST

START_TEST(test_exclude_middle)
{
    const char *in[] = {"198.18.1.0/24", NULL}, *ex[] = {"198.18.1.100", NULL};
    as_targets *t = make(in, ex);
    ck_assert_uint_eq(as_targets_count(t), 255);
    ck_assert_uint_eq(as_targets_get(t, 99), IP(198, 18, 1, 99));
    ck_assert_uint_eq(as_targets_get(t, 100), IP(198, 18, 1, 101));
    ck_assert(!as_targets_contains(t, IP(198, 18, 1, 100)));
    ck_assert(as_targets_contains(t, IP(198, 18, 1, 101)));
    as_targets_free(t);
}
END_TEST

START_TEST(test_overlap_dedup)
{
    const char *in[] = {"198.18.1.0/24", "198.18.1.5", "198.18.1.0-9", NULL};
    as_targets *t = make(in, NULL);
    ck_assert_uint_eq(as_targets_count(t), 256);
    ck_assert_str_eq(as_targets_describe(t), "198.18.1.0/24 198.18.1.5 198.18.1.0-9");
    as_targets_free(t);
}
END_TEST

START_TEST(test_get_ascending_bijective)
{
    const char *in[] = {"198.18.2.9", "198.18.1.250-", "198.18.1.0/30", "127.0.0.1",
                        "198.18.2.0/29", "198.19.0.1,3", NULL};
    const char *ex[] = {"198.18.2.4", NULL};
    const uint32_t want[] = {IP(127, 0, 0, 1), IP(198, 18, 1, 0), IP(198, 18, 1, 1),
        IP(198, 18, 1, 2), IP(198, 18, 1, 3), IP(198, 18, 1, 250), IP(198, 18, 1, 251),
        IP(198, 18, 1, 252), IP(198, 18, 1, 253), IP(198, 18, 1, 254), IP(198, 18, 1, 255),
        IP(198, 18, 2, 0), IP(198, 18, 2, 1), IP(198, 18, 2, 2), IP(198, 18, 2, 3),
        IP(198, 18, 2, 5), IP(198, 18, 2, 6), IP(198, 18, 2, 7), IP(198, 18, 2, 9),
        IP(198, 19, 0, 1), IP(198, 19, 0, 3)};
    as_targets *t = make(in, ex);
    size_t n = sizeof want / sizeof want[0];
    ck_assert_uint_eq(as_targets_count(t), n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_eq(as_targets_get(t, i), want[i]);
        ck_assert(as_targets_contains(t, want[i]));
    }
    ck_assert(!as_targets_contains(t, IP(198, 18, 2, 4)));
    ck_assert(!as_targets_contains(t, IP(198, 18, 2, 8)));
    ck_assert(!as_targets_contains(t, 0));
    ck_assert(!as_targets_contains(t, 0xffffffffu));
    ck_assert_uint_eq(as_targets_get(t, n), 0);     /* out of range */
    as_targets_free(t);
}
END_TEST

START_TEST(test_whole_space_ends)
{
    as_targets *t = make1("0.0.0.0/0");
    ck_assert(as_targets_count(t) == 4294967296ull);
    ck_assert_uint_eq(as_targets_get(t, 0), 0);
    ck_assert_uint_eq(as_targets_get(t, 4294967295ull), 0xffffffffu);
    ck_assert_uint_eq(as_targets_get(t, 2147483648ull), 0x80000000u);
    ck_assert(as_targets_contains(t, 0x12345678u));
    as_targets_free(t);
}
END_TEST

START_TEST(test_product_with_interval)
{
    /* *.*.*.1 is a product; the /24 overlaps it in 198.18.1.1 only. */
    const char *in[] = {"*.*.*.1", "198.18.1.0/24", NULL};
    as_targets *t = make(in, NULL);
    uint64_t before = (uint64_t)198 * 65536 + 18 * 256 + 1;  /* x.y.z.1 below 198.18.1.0 */
    ck_assert(as_targets_count(t) == 16777216ull + 255);
    ck_assert_uint_eq(as_targets_get(t, before - 1), IP(198, 18, 0, 1));
    for (unsigned k = 0; k < 256; k++)
        ck_assert_uint_eq(as_targets_get(t, before + k), IP(198, 18, 1, k));
    ck_assert_uint_eq(as_targets_get(t, before + 256), IP(198, 18, 2, 1));
    ck_assert_uint_eq(as_targets_get(t, as_targets_count(t) - 1), IP(255, 255, 255, 1));
    ck_assert(as_targets_contains(t, IP(9, 9, 9, 1)));
    ck_assert(!as_targets_contains(t, IP(9, 9, 9, 2)));
    as_targets_free(t);
}
END_TEST

START_TEST(test_exclude_product)
{
    const char *in[] = {"0.0.0.0/0", NULL}, *ex[] = {"*.*.*.0,255", NULL};
    as_targets *t = make(in, ex);
    ck_assert(as_targets_count(t) == 4294967296ull - 33554432ull);
    ck_assert_uint_eq(as_targets_get(t, 0), IP(0, 0, 0, 1));
    ck_assert_uint_eq(as_targets_get(t, 253), IP(0, 0, 0, 254));
    ck_assert_uint_eq(as_targets_get(t, 254), IP(0, 0, 1, 1));
    ck_assert_uint_eq(as_targets_get(t, as_targets_count(t) - 1), IP(255, 255, 255, 254));
    ck_assert(!as_targets_contains(t, IP(198, 18, 1, 255)));
    ck_assert(as_targets_contains(t, IP(198, 18, 1, 254)));
    as_targets_free(t);
}
END_TEST

START_TEST(test_overlapping_products)
{
    /* |A ∪ B| = 2^24 + 2^18 - 2^17, the overlap being *.*.1-2.1. */
    const char *in[] = {"*.*.*.1", "*.*.1-2.1-2", NULL};
    as_targets *t = make(in, NULL);
    ck_assert(as_targets_count(t) == 16777216ull + 131072ull);
    ck_assert_uint_eq(as_targets_get(t, 0), IP(0, 0, 0, 1));
    ck_assert_uint_eq(as_targets_get(t, 1), IP(0, 0, 1, 1));
    ck_assert_uint_eq(as_targets_get(t, 2), IP(0, 0, 1, 2));
    ck_assert_uint_eq(as_targets_get(t, 3), IP(0, 0, 2, 1));
    ck_assert_uint_eq(as_targets_get(t, 4), IP(0, 0, 2, 2));
    ck_assert_uint_eq(as_targets_get(t, 5), IP(0, 0, 3, 1));
    as_targets_free(t);
}
END_TEST

START_TEST(test_too_many_products)
{
    as_targets *t = as_targets_new();
    char spec[32];
    for (int k = 0; k < 6; k++) {
        snprintf(spec, sizeof spec, "*.*.*.%d", k);
        ck_assert_int_eq(as_targets_add(t, spec, 0, err, sizeof err), 0);
    }
    ck_assert_int_eq(as_targets_add(t, "*.*.*.6", 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "too many large octet-range specs (at most 6); "
                          "split them into CIDR blocks");
    as_targets_free(t);
}
END_TEST

START_TEST(test_finish_errors)
{
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_finish(t, err, sizeof err), -1);
    ck_assert_str_eq(err, "no targets given");
    as_targets_free(t);

    t = as_targets_new();
    ck_assert_int_eq(as_targets_add(t, "198.18.1.0/25", 0, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_add(t, "198.18.1.0/24", 1, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_finish(t, err, sizeof err), -1);
    ck_assert_str_eq(err, "no targets left to scan after exclusions");
    as_targets_free(t);

    t = as_targets_new();
    ck_assert_int_eq(as_targets_add(t, "198.18.1.1", 1, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_finish(t, err, sizeof err), -1);
    ck_assert_str_eq(err, "no targets given");
    as_targets_free(t);
}
END_TEST

START_TEST(test_hostname_localhost)
{
    as_targets *t = make1("localhost");
    ck_assert_uint_eq(as_targets_count(t), 1);
    ck_assert_uint_eq(as_targets_get(t, 0), IP(127, 0, 0, 1));
    as_targets_free(t);
}
END_TEST

START_TEST(test_hostname_unresolvable)
{
    const char *want = "cannot resolve 'no-such-host.invalid': ";
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_add(t, "no-such-host.invalid", 0, err, sizeof err), -1);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0 && strlen(err) > strlen(want), "%s", err);
    as_targets_free(t);
}
END_TEST

START_TEST(test_hostname_disabled)
{
    as_targets *t = as_targets_new();
    as_targets_set_resolve(t, 0);
    ck_assert_int_eq(as_targets_add(t, "localhost", 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot resolve 'localhost': hostname lookups disabled");
    ck_assert_int_eq(as_targets_add(t, "198.18.1.1", 0, err, sizeof err), 0);
    as_targets_free(t);
}
END_TEST

/* ---- files ---- */

static char tmpdir[64];

static const char *write_file(const char *name, const char *text, size_t len)
{
    static char path[256];
    if (!tmpdir[0]) {
        strcpy(tmpdir, "/tmp/test_targets.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    }
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

static void drop_file(const char *path)
{
    unlink(path);
    rmdir(tmpdir);
    tmpdir[0] = '\0';
}

START_TEST(test_file_good)
{
    const char text[] = "# lab hosts\n"
                        "198.18.1.0/30, 198.18.2.1,198.18.2.2  # trailing comment\n"
                        "\n"
                        "198.18.3.1,5\t198.18.4.1-2\r\n"
                        "198.19.0.1";                      /* no final newline */
    const char *path = write_file("good.txt", text, sizeof text - 1);
    char want[512];
    as_targets *t = as_targets_new();
    ck_assert_msg(as_targets_add_file(t, path, 0, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_targets_add_list(t, "198.18.2.1,198.18.3.5", 1, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_finish(t, err, sizeof err), 0);
    ck_assert_uint_eq(as_targets_count(t), 4 + 2 + 2 + 2 + 1 - 2);
    ck_assert(as_targets_contains(t, IP(198, 18, 3, 1)));
    ck_assert(!as_targets_contains(t, IP(198, 18, 3, 5)));
    snprintf(want, sizeof want, "-iL %s --exclude 198.18.2.1,198.18.3.5", path);
    ck_assert_str_eq(as_targets_describe(t), want);
    as_targets_free(t);
    drop_file(path);
}
END_TEST

START_TEST(test_file_bad_line)
{
    const char text[] = "# header\n198.18.1.1\n\n198.18.1.2 198.18..3 # oops\n198.18.1.4\n";
    const char *path = write_file("bad.txt", text, sizeof text - 1);
    char want[512];
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_add_file(t, path, 0, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:4: bad target '198.18..3': empty octet at position 8", path);
    ck_assert_str_eq(err, want);
    as_targets_free(t);
    drop_file(path);
}
END_TEST

START_TEST(test_file_long_line_and_nul)
{
    char *text = malloc(5000);
    memcpy(text, "198.18.1.1\n", 11);
    memset(text + 11, ' ', 4200);
    const char *path = write_file("long.txt", text, 11 + 4200);
    char want[512];
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_add_file(t, path, 1, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: line longer than 4096 characters", path);
    ck_assert_str_eq(err, want);
    as_targets_free(t);
    drop_file(path);

    path = write_file("nul.txt", "198.18.1.1\n198.18\0.1.2\n", 23);
    t = as_targets_new();
    ck_assert_int_eq(as_targets_add_file(t, path, 0, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s:2: NUL byte in target file", path);
    ck_assert_str_eq(err, want);
    as_targets_free(t);
    drop_file(path);
    free(text);
}
END_TEST

START_TEST(test_file_missing)
{
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_add_file(t, "/nonexistent/targets.txt", 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot open target file '/nonexistent/targets.txt': "
                          "No such file or directory");
    ck_assert_int_eq(as_targets_add_file(t, "/nonexistent/ex.txt", 1, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot open exclude file '/nonexistent/ex.txt': "
                          "No such file or directory");
    as_targets_free(t);
}
END_TEST

START_TEST(test_describe_files_and_excludes)
{
    const char *path = write_file("ex.txt", "198.18.1.7\n", 11);
    char want[512];
    as_targets *t = as_targets_new();
    ck_assert_int_eq(as_targets_add(t, "198.18.1.0/24", 0, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_add(t, "198.18.2.1", 0, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_add(t, "198.18.1.5", 1, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_add(t, "198.18.1.6", 1, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_add_file(t, path, 1, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_finish(t, err, sizeof err), 0);
    ck_assert_uint_eq(as_targets_count(t), 256 + 1 - 3);
    snprintf(want, sizeof want,
             "198.18.1.0/24 198.18.2.1 --exclude 198.18.1.5,198.18.1.6 --excludefile %s", path);
    ck_assert_str_eq(as_targets_describe(t), want);
    ck_assert_int_eq(as_targets_add(t, "198.18.3.1", 0, err, sizeof err), -1);
    as_targets_free(t);
    drop_file(path);
}
END_TEST

/* ---- products against brute force ---- */

/* Specs confined to 198.18-19.0-3.* so a bitmap over those 2048 addresses is the oracle;
 * small expansion limits force the same specs through the product arithmetic. */
#define U_SIZE 2048
static uint32_t u_addr(unsigned k)
{
    return IP(198, 18 + (k >> 10), (k >> 8) & 3, k & 255);
}

static unsigned rnd(unsigned n)
{
    return (unsigned)(random() % n);
}

/* A random octet list over [0, max] and its bitmap. */
static void rnd_list(char *out, size_t outlen, unsigned max, unsigned char *in)
{
    size_t o = 0;
    unsigned items = 1 + rnd(3);
    memset(in, 0, 256);
    for (unsigned i = 0; i < items; i++) {
        unsigned a = rnd(max + 1), b = a + rnd(max + 1 - a);
        if (rnd(4) == 0)
            b = a;
        o += (size_t)snprintf(out + o, outlen - o, "%s%u-%u", i ? "," : "", a, b);
        for (unsigned v = a; v <= b; v++)
            in[v] = 1;
    }
}

static void rnd_spec(char *spec, size_t n, unsigned char *bits)
{
    unsigned char s1[256], s2[256], s3[256];
    char l1[64], l2[64], l3[64];
    if (rnd(3) == 0) {
        unsigned k = rnd(U_SIZE), len = 22 + rnd(11);
        uint32_t ip = u_addr(k), mask = 0xffffffffu << (32 - len);
        snprintf(spec, n, "198.%u.%u.%u/%u", (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, len);
        for (unsigned j = 0; j < U_SIZE; j++)
            bits[j] = (u_addr(j) & mask) == (ip & mask);
        return;
    }
    rnd_list(l1, sizeof l1, 1, s1);
    rnd_list(l2, sizeof l2, 3, s2);
    rnd_list(l3, sizeof l3, 255, s3);
    /* the second octet's list is over 0-1 and shifted to 18-19 */
    const char *l1s = s1[0] && s1[1] ? "18-19" : s1[0] ? "18" : "19";
    snprintf(spec, n, "198.%s.%s.%s", l1s, l2, l3);
    for (unsigned j = 0; j < U_SIZE; j++)
        bits[j] = s1[j >> 10] && s2[(j >> 8) & 3] && s3[j & 255];
}

START_TEST(test_products_match_brute_force)
{
    srandom(1234);
    for (int trial = 0; trial < 400; trial++) {
        unsigned char want[U_SIZE] = {0}, ex[U_SIZE] = {0}, bits[U_SIZE];
        char spec[256];
        as_targets *t = as_targets_new();
        uint64_t limits[] = {0, 1, 3, 65536};
        as_targets_set_expand_limit(t, limits[trial % 4]);
        unsigned ni = 1 + rnd(3), ne = rnd(4);
        for (unsigned k = 0; k < ni + ne; k++) {
            rnd_spec(spec, sizeof spec, bits);
            int exclude = k >= ni;
            ck_assert_msg(as_targets_add(t, spec, exclude, err, sizeof err) == 0, "%s", err);
            for (unsigned j = 0; j < U_SIZE; j++)
                (exclude ? ex : want)[j] |= bits[j];
        }
        uint64_t n = 0;
        for (unsigned j = 0; j < U_SIZE; j++)
            n += want[j] && !ex[j];
        int rc = as_targets_finish(t, err, sizeof err);
        ck_assert_msg(n == 0 ? rc == -1 : rc == 0, "trial %d: %s", trial, err);
        ck_assert_msg(as_targets_count(t) == (rc ? 0 : n), "trial %d (%s): count %llu want %llu",
                      trial, as_targets_describe(t),
                      (unsigned long long)as_targets_count(t), (unsigned long long)n);
        uint64_t i = 0;
        for (unsigned j = 0; j < U_SIZE && rc == 0; j++) {
            int in = want[j] && !ex[j];
            ck_assert_msg(as_targets_contains(t, u_addr(j)) == in, "trial %d (%s): contains %u",
                          trial, as_targets_describe(t), j);
            if (in)
                ck_assert_msg(as_targets_get(t, i++) == u_addr(j), "trial %d (%s): get %llu",
                              trial, as_targets_describe(t), (unsigned long long)i - 1);
        }
        as_targets_free(t);
    }
}
END_TEST

/* The set as intervals (what a scan records as covered): merged, exclusions cut out,
 * product pieces walked, and the interval limit enforced. */
START_TEST(test_intervals)
{
    const char *specs[] = {"198.18.2.0/24", "198.18.1.0/25", "198.18.1.128/25", "198.18.4.5",
                           NULL};
    const char *ex[] = {"198.18.1.64/26", NULL};
    as_targets *t = make(specs, ex);
    uint32_t *lo, *hi;
    size_t n;
    ck_assert_int_eq(as_targets_intervals(t, 16, &lo, &hi, &n), 0);
    ck_assert_uint_eq(n, 3);        /* 198.18.1.255 and 198.18.2.0 touch: one interval */
    ck_assert_uint_eq(lo[0], IP(198, 18, 1, 0));
    ck_assert_uint_eq(hi[0], IP(198, 18, 1, 63));
    ck_assert_uint_eq(lo[1], IP(198, 18, 1, 128));
    ck_assert_uint_eq(hi[1], IP(198, 18, 2, 255));
    ck_assert_uint_eq(lo[2], IP(198, 18, 4, 5));
    ck_assert_uint_eq(hi[2], IP(198, 18, 4, 5));
    free(lo);
    free(hi);
    ck_assert_int_eq(as_targets_intervals(t, 2, &lo, &hi, &n), -1);
    as_targets_free(t);
    /* a product set (octet ranges past the expansion limit) is walked address by address */
    t = as_targets_new();
    as_targets_set_expand_limit(t, 4);
    ck_assert_int_eq(as_targets_add(t, "198.18.1-8.1-2", 0, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_finish(t, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_intervals(t, 16, &lo, &hi, &n), 0);
    ck_assert_uint_eq(n, 8);
    ck_assert_uint_eq(lo[7], IP(198, 18, 8, 1));
    ck_assert_uint_eq(hi[7], IP(198, 18, 8, 2));
    free(lo);
    free(hi);
    ck_assert_int_eq(as_targets_intervals(t, 2, &lo, &hi, &n), -1);
    as_targets_free(t);
}
END_TEST

static Suite *targets_suite(void)
{
    Suite *s = suite_create("targets");
    TCase *tc = tcase_create("specs");
    tcase_add_loop_test(tc, test_good_specs, 0, sizeof good / sizeof good[0]);
    tcase_add_loop_test(tc, test_bad_specs, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, test_exclude_message_names_exclude);
    tcase_add_test(tc, test_hostname_localhost);
    tcase_add_test(tc, test_hostname_unresolvable);
    tcase_add_test(tc, test_hostname_disabled);
    suite_add_tcase(s, tc);

    tc = tcase_create("set");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_exclude_half);
    tcase_add_test(tc, test_exclude_middle);
    tcase_add_test(tc, test_overlap_dedup);
    tcase_add_test(tc, test_get_ascending_bijective);
    tcase_add_test(tc, test_whole_space_ends);
    tcase_add_test(tc, test_product_with_interval);
    tcase_add_test(tc, test_exclude_product);
    tcase_add_test(tc, test_overlapping_products);
    tcase_add_test(tc, test_too_many_products);
    tcase_add_test(tc, test_finish_errors);
    tcase_add_test(tc, test_products_match_brute_force);
    tcase_add_test(tc, test_intervals);
    suite_add_tcase(s, tc);

    tc = tcase_create("files");
    tcase_add_test(tc, test_file_good);
    tcase_add_test(tc, test_file_bad_line);
    tcase_add_test(tc, test_file_long_line_and_nul);
    tcase_add_test(tc, test_file_missing);
    tcase_add_test(tc, test_describe_files_and_excludes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(targets_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
