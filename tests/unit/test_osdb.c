/* test_osdb.c — unit tests for the OS database side of fingerprints/osfp.h: the expression
 * matcher, the database parser with its exact errors, the scorer's ordering rules, our own
 * os-db.txt (every entry's own subject is its top guess at 100%) and, when nmap is
 * installed, its nmap-os-db read in place as a test input (never copied into the repo).
 * Subjects and the nmap oracle are in test_osfp.c. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osfp.h"
#include "osfp_fixture.h"

#define NMAP_OSDB "/usr/share/nmap/nmap-os-db"

static char err[1024];

/* ---- expressions ------------------------------------------------------------------------ */

static const struct {
    const char *expr, *value;
    int match;
} expr_rows[] = {
    {"40", "40", 1},            {"40", "040", 1},           {"40", "41", 0},
    {"a", "A", 1},              {"Z", "z", 0},              {"3C-44", "3C", 1},
    {"3C-44", "40", 1},         {"3C-44", "44", 1},         {"3C-44", "3B", 0},
    {"3C-44", "45", 0},         {"3C-44", "140", 0},        {"3C-44", "", 0},
    {"3C-44", "4G", 0},         {">1000000", "1000001", 1}, {">1000000", "1000000", 0},
    {">1000000", "FFFFFFFF", 1}, {"<5", "4", 1},            {"<5", "5", 0},
    {"<5", "G", 0},             {"<5", "", 0},              {"1|>1000000", "1", 1},
    {"1|>1000000", "2", 0},     {"1|>1000000", "2000000", 1}, {"Y|N", "N", 1},
    {"Y|N", "YN", 0},           {"|U", "", 1},              {"|U", "U", 1},
    {"|U", "R", 0},             {"U|", "", 1},              {"", "", 1},
    {"", "0", 0},               {"U", "", 0},               {"S+", "S+", 1},
    {"S+", "S", 0},             {"O|S+", "O", 1},           {"AS", "SA", 0},
    {"RND|1E-24", "RND", 1},    {"RND|1E-24", "21", 1},     {"RND|1E-24", "A", 0},
    {"RND|1E-24", "RD", 0},
    {"M5B4ST11NWA|M5B4ST11NW7", "M5B4ST11NW7", 1},
    {"M5B4ST11NWA", "M5B4ST11NWA0", 0},
    {"M5B4ST11NWA", "M5B4ST11NW", 0},
    {"M[>500]ST11NW[7|A]", "M5B4ST11NWA", 1},
    {"M[>500]ST11NW[7|A]", "M400ST11NWA", 0},
    {"M[>500]ST11NW[7|A]", "M5B4ST11NW8", 0},
    {"M[>500]ST11NW[7|A]", "M5B4ST11NWA1", 0},
    {"M[5B4-FFD7]NNS", "MFFD7NNS", 1},
    {"M[5B4-FFD7]NNS", "M5B3NNS", 0},
    {"W[1-4]", "W2", 1},        {"W[1-4]", "W04", 1},       {"W[1-4]", "W", 0},
    {"W[1-4]", "W5", 0},        {"[<5]S", "4S", 1},         {"[<5]S", "4BS", 0},
    {"NNT11|M[>0]NNT11", "M1NNT11", 1},
    {"FFFFFFFFFFFFFFFFFFFF", "0FFFFFFFFFFFFFFFFFFFF", 1},
    {">FFFFFFFFFFFFFFFF", "10000000000000000", 1},
    {">", "1", 0},              {"1-", "1", 0},             {"M[1-", "M1", 0},
};

START_TEST(test_expr_match)
{
    ck_assert_msg(as_osexpr_match(expr_rows[_i].expr, expr_rows[_i].value) == expr_rows[_i].match,
                  "'%s' vs '%s'", expr_rows[_i].expr, expr_rows[_i].value);
}
END_TEST

static const struct {
    const char *expr, *msg;     /* msg NULL: well-formed */
} check_rows[] = {
    {"3C-44|FF", NULL},
    {"", NULL},
    {"|U", NULL},
    {"M[>500]ST11NW[7|A]", NULL},
    {"44-3C", "backwards range '44-3C'"},
    {"1-", "bad range '1-'"},
    {">", "comparison needs a hex number: '>'"},
    {"<G", "comparison needs a hex number: '<G'"},
    {"M[1-4", "unterminated '[' in 'M[1-4'"},
    {"M[1[2]]", "unterminated '[' in 'M[1[2]]'"},
    {"M[]", "empty alternative in bracket group ''"},
    {"M[G]", "not a hex number: 'G'"},
    {"A]", "bad character ']' in 'A]'"},
    {"S=1", "bad character '=' in 'S=1'"},
    {"A B", "bad character ' ' in 'A B'"},
};

START_TEST(test_expr_check)
{
    char why[128] = "";
    int rc = as_osexpr_check(check_rows[_i].expr, why, sizeof why);
    if (!check_rows[_i].msg) {
        ck_assert_msg(rc == 0, "'%s': %s", check_rows[_i].expr, why);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_str_eq(why, check_rows[_i].msg);
    }
}
END_TEST

START_TEST(test_expr_example)
{
    static const char *const exprs[] = {"3C-44", ">1000000", "<10", "|U", "Y|N", "<0|7",
                                        "M[>500]ST11NW[7|A]", "RND|1E-24", ">FFFF", "S+"};
    static const char *const want[] = {"3C", "1000001", "F", "", "Y", "7",
                                       "M501ST11NW7", "RND", "10000", "S+"};
    char buf[64];
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        ck_assert_int_eq(as_osexpr_example(exprs[i], buf, sizeof buf), 0);
        ck_assert_str_eq(buf, want[i]);
        ck_assert(as_osexpr_match(exprs[i], buf));
    }
    ck_assert_int_eq(as_osexpr_example("<0", buf, sizeof buf), -1);
    ck_assert_int_eq(as_osexpr_example("1234567", buf, 4), -1);
}
END_TEST

/* ---- database parser ---------------------------------------------------------------------- */

START_TEST(test_db_parse_good)
{
    const char text[] =
        "# comment\r\n"
        "\n"
        "MatchPoints\n"
        "SEQ(SP=25%TS=100)\n"
        "T1(R=100%DF=20)\n"
        "\n"
        "Fingerprint Example OS 1.0\r\n"
        "Class Example | ExOS | 1.X | general purpose\n"
        "Class Example | ExOS || router\n"
        "CPE cpe:/o:example:exos:1 auto\n"
        "CPE cpe:/h:example:box\n"
        "SEQ(SP=0-5%TS=U|0)\n"
        "OPS()\n"
        "T1(R=Y%DF=N)\n"
        "Fingerprint Second\n"
        "T1(R=N)\n";
    as_osdb *db;
    ck_assert_msg(as_osdb_parse(&db, text, sizeof text - 1, "g.db", err, sizeof err) == 0, "%s",
                  err);
    ck_assert_uint_eq(as_osdb_count(db), 2);
    const as_osentry *e = as_osdb_entry(db, 0);
    ck_assert_str_eq(e->name, "Example OS 1.0");
    ck_assert_uint_eq(e->line, 7);
    ck_assert_uint_eq(e->nclasses, 2);
    ck_assert_str_eq(e->classes[0].vendor, "Example");
    ck_assert_str_eq(e->classes[0].type, "general purpose");
    ck_assert_str_eq(e->classes[1].generation, "");
    ck_assert_str_eq(e->classes[1].type, "router");
    ck_assert_uint_eq(e->ncpes, 2);
    ck_assert_str_eq(e->cpes[0].cpe, "cpe:/o:example:exos:1");
    ck_assert_int_eq(e->cpes[0].is_auto, 1);
    ck_assert_int_eq(e->cpes[1].is_auto, 0);
    ck_assert_str_eq(as_osdb_expr(db, e, AS_OST_SEQ, as_osattr_lookup(AS_OST_SEQ, "TS", 2)),
                     "U|0");
    ck_assert_ptr_null(as_osdb_expr(db, e, AS_OST_SEQ, as_osattr_lookup(AS_OST_SEQ, "GCD", 3)));
    ck_assert(e->tests >> AS_OST_OPS & 1);
    ck_assert(!(e->tests >> AS_OST_WIN & 1));
    ck_assert_str_eq(as_osdb_entry(db, 1)->name, "Second");
    ck_assert_uint_eq(as_osdb_entry(db, 1)->line, 15);
    ck_assert_ptr_null(as_osdb_entry(db, 2));
    ck_assert_int_eq(as_osdb_has_matchpoints(db), 1);
    ck_assert_uint_eq(as_osdb_weight(db, AS_OST_SEQ, as_osattr_lookup(AS_OST_SEQ, "TS", 2)), 100);
    ck_assert_uint_eq(as_osdb_weight(db, AS_OST_SEQ, as_osattr_lookup(AS_OST_SEQ, "R", 1)), 0);
    ck_assert_uint_eq(as_osdb_weight(db, AS_OST_T1, as_osattr_lookup(AS_OST_T1, "DF", 2)), 20);
    as_osdb_free(db);

    const char plain[] = "Fingerprint X\nIE(R=Y)\n";
    ck_assert_int_eq(as_osdb_parse(&db, plain, sizeof plain - 1, "p", err, sizeof err), 0);
    ck_assert_int_eq(as_osdb_has_matchpoints(db), 0);
    ck_assert_uint_eq(as_osdb_weight(db, AS_OST_IE, 0), 1);
    as_osdb_free(db);
    ck_assert_int_eq(as_osdb_parse(&db, "", 0, "empty", err, sizeof err), 0);
    ck_assert_uint_eq(as_osdb_count(db), 0);
    as_osdb_free(db);
}
END_TEST

static const struct {
    const char *text, *msg;
} bad_db[] = {
    {"Class Linux | Linux | 6.X | general purpose\n", "t.db:1: Class without Fingerprint"},
    {"# c\nCPE cpe:/o:x\n", "t.db:2: CPE without Fingerprint"},
    {"SEQ(SP=1)\n", "t.db:1: test line without Fingerprint"},
    {"MatchPoints\nClass a | b | c | d\n", "t.db:2: Class without Fingerprint"},
    {"Fingerprint A\nXYZ(R=Y)\n", "t.db:2: unknown test 'XYZ'"},
    {"Fingerprint A\nSCAN(V=1)\n", "t.db:2: unknown test 'SCAN'"},
    {"Fingerprint A\nSEQ(SP=1%QQ=2)\n", "t.db:2: unknown attribute 'QQ' in SEQ"},
    {"Fingerprint A\nT1(W=0)\n", "t.db:2: unknown attribute 'W' in T1"},
    {"Fingerprint A\nSEQ(SP)\n",
     "t.db:2: malformed attribute 'SP' in SEQ (expected NAME=VALUE)"},
    {"Fingerprint A\nSEQ(SP=1%)\n",
     "t.db:2: malformed attribute '' in SEQ (expected NAME=VALUE)"},
    {"Fingerprint A\nSEQ(SP=1%GCD=2\n", "t.db:2: unterminated parenthesis in SEQ("},
    {"Fingerprint A\nT1(R=Y%R=N)\n", "t.db:2: duplicate attribute 'R' in T1"},
    {"Fingerprint A\nT1(R=Y)\nT1(R=N)\n", "t.db:3: duplicate test line T1"},
    {"Fingerprint A\nT1(T=44-3C)\n", "t.db:2: bad expression for T1.T: backwards range '44-3C'"},
    {"Fingerprint A\nSEQ(TS=M[1-)\n",
     "t.db:2: bad expression for SEQ.TS: unterminated '[' in 'M[1-'"},
    {"Fingerprint A\nT1(R=Y) x\n", "t.db:2: unexpected text after ')': ' x'"},
    {"Fingerprint A\nClass a | b | c\nT1(R=Y)\n",
     "t.db:2: malformed Class (expected VENDOR | FAMILY | GENERATION | TYPE)"},
    {"Fingerprint A\nClass a | b | c | d | e\n",
     "t.db:2: malformed Class (expected VENDOR | FAMILY | GENERATION | TYPE)"},
    {"Fingerprint A\nClass a | | c | d\n",
     "t.db:2: malformed Class (expected VENDOR | FAMILY | GENERATION | TYPE)"},
    {"Fingerprint A\nCPE foo\n",
     "t.db:2: malformed CPE (expected cpe:/PART:VENDOR:PRODUCT... [auto])"},
    {"Fingerprint A\nCPE cpe:/o:x:y manual\n",
     "t.db:2: malformed CPE (expected cpe:/PART:VENDOR:PRODUCT... [auto])"},
    {"Fingerprint A\nClass a | b | c | d\n\nFingerprint B\nT1(R=Y)\n",
     "t.db:1: fingerprint 'A' has no test lines"},
    {"T1(R=Y)\n", "t.db:1: test line without Fingerprint"},
    {"Fingerprint A\nT1(R=Y)\nFingerprint B\n", "t.db:3: fingerprint 'B' has no test lines"},
    {"Fingerprint\n", "t.db:1: Fingerprint without a name"},
    {"Fingerprint   \t\n", "t.db:1: Fingerprint without a name"},
    {"MatchPoints\nSEQ(SP=x)\n", "t.db:2: bad weight 'x' for SEQ.SP (0-1000000)"},
    {"MatchPoints\nSEQ(SP=1000001)\n", "t.db:2: bad weight '1000001' for SEQ.SP (0-1000000)"},
    {"MatchPoints\nSEQ(SP=1)\nSEQ(TS=1)\n", "t.db:3: duplicate test line SEQ in MatchPoints"},
    {"MatchPoints\nSEQ(SP=1)\n\nMatchPoints\n", "t.db:4: duplicate MatchPoints (first at line 1)"},
    {"MatchPoints extra\n", "t.db:1: unexpected text after MatchPoints"},
    {"Fingerprint A\nT1(R=Y)\nBogus line\n", "t.db:3: unknown line starting 'Bogus'"},
    {"Fingerprint A\nSEQ SP=1\n", "t.db:2: unknown line starting 'SEQ'"},
    {"Fingerprint A\nClass|a|b|c\n", "t.db:2: unknown line starting 'Class|a|b|c'"},
    {"Fingerprint A\nSEQ(SP=\x01)\n", "t.db:2: control character 0x01"},
};

START_TEST(test_db_parse_bad)
{
    as_osdb *db = (as_osdb *)1;
    err[0] = '\0';
    ck_assert_int_eq(as_osdb_parse(&db, bad_db[_i].text, strlen(bad_db[_i].text), "t.db", err,
                                   sizeof err), -1);
    ck_assert_ptr_null(db);
    ck_assert_str_eq(err, bad_db[_i].msg);
}
END_TEST

START_TEST(test_db_nul_long_missing)
{
    as_osdb *db;
    const char nul[] = "Fingerprint A\nT1(R=Y)\0\n";
    ck_assert_int_eq(as_osdb_parse(&db, nul, sizeof nul - 1, "n.db", err, sizeof err), -1);
    ck_assert_str_eq(err, "n.db:2: NUL byte");

    size_t n = 14 + 5000;
    char *text = malloc(n);
    memcpy(text, "Fingerprint A\n", 14);
    memset(text + 14, 'x', 5000);
    ck_assert_int_eq(as_osdb_parse(&db, text, n, "l.db", err, sizeof err), -1);
    ck_assert_str_eq(err, "l.db:2: line too long (more than 4096 bytes)");
    free(text);

    ck_assert_int_eq(as_osdb_load(&db, "/nonexistent/os-db.txt", err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot open OS database '/nonexistent/os-db.txt': "
                          "No such file or directory");
    ck_assert_ptr_null(db);
}
END_TEST

/* ---- matching ----------------------------------------------------------------------------- */

/* A builds 100% with "Y"/"40"; B ties with A; C misses T; D shares nothing with the subject;
 * E misses only the unweighted DF. */
static const char tiny_db[] =
    "MatchPoints\n"
    "T1(R=10%DF=0%T=10)\n"
    "IE(R=10)\n"
    "Fingerprint A\nT1(R=Y%DF=Y%T=3C-44)\n"
    "Fingerprint B\nT1(R=Y|N%T=40)\n"
    "Fingerprint C\nT1(R=Y%T=80)\n"
    "Fingerprint D\nU1(R=Y)\n"
    "Fingerprint E\nT1(R=Y%DF=N%T=40)\nIE(R=N)\n";

START_TEST(test_match_order)
{
    as_osdb *db;
    ck_assert_msg(as_osdb_parse(&db, tiny_db, sizeof tiny_db - 1, "tiny", err, sizeof err) == 0,
                  "%s", err);
    static as_osfp s;
    as_osfp_init(&s);
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "R"), "Y");
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "DF"), "Y");
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "T"), "40");
    as_osfp_set(&s, AS_OST_IE, attr(AS_OST_IE, "R"), "Y");
    as_osmatch m[8];
    /* perfect matches exist (A, B, and E is 20/30): only A and B, in database order */
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, 0.0), 2);
    ck_assert_str_eq(m[0].entry->name, "A");
    ck_assert_uint_eq(m[0].index, 0);
    ck_assert_str_eq(m[1].entry->name, "B");
    ck_assert(m[0].accuracy == 1.0 && m[1].accuracy == 1.0);
    ck_assert_int_eq(as_osdb_match(db, &s, m, 1, 0.0), 1);
    ck_assert_str_eq(m[0].entry->name, "A");

    /* no perfect match: best first, ties in database order, threshold applies */
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "T"), "80");
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, 0.0), 1);   /* C is now perfect */
    ck_assert_str_eq(m[0].entry->name, "C");
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "T"), "FF");
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, 0.0), 4);
    ck_assert_str_eq(m[0].entry->name, "A");    /* 10/20 */
    ck_assert_str_eq(m[1].entry->name, "B");    /* 10/20 */
    ck_assert_str_eq(m[2].entry->name, "C");    /* 10/20 */
    ck_assert_str_eq(m[3].entry->name, "E");    /* 10/30 */
    ck_assert_double_eq_tol(m[3].accuracy, 1.0 / 3.0, 1e-12);
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, 0.5), 3);
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, AS_OSSCAN_GUESS_THRESHOLD), 0);
    ck_assert_double_eq_tol(as_osdb_score(db, &s, 4), 1.0 / 3.0, 1e-12);
    ck_assert_double_eq(as_osdb_score(db, &s, 3), 0.0);    /* D: nothing in common */
    ck_assert_int_eq(as_osdb_match(NULL, &s, m, 8, 0.0), -1);
    ck_assert_int_eq(as_osdb_match(db, &s, NULL, 8, 0.0), -1);
    ck_assert_int_eq(as_osdb_match(db, &s, NULL, 0, 0.0), 0);
    as_osdb_free(db);
}
END_TEST

/* Two entries named alike (nmap-os-db has e.g. two "Linux 2.6.32"): listed once, with
 * the better accuracy, and a duplicate does not take one of the max slots. */
static const char twin_db[] =
    "Fingerprint Twin\nT1(R=Y%DF=N%T=40)\n"
    "Fingerprint Other\nT1(R=Y%DF=Y%T=80)\n"
    "Fingerprint Twin\nT1(R=Y%DF=Y%T=40)\n"
    "Fingerprint Third\nT1(R=N%DF=Y%T=40)\n";

START_TEST(test_match_names_once)
{
    as_osdb *db;
    ck_assert_msg(as_osdb_parse(&db, twin_db, sizeof twin_db - 1, "twin", err, sizeof err) == 0,
                  "%s", err);
    static as_osfp s;
    as_osfp_init(&s);
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "R"), "Y");
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "DF"), "Y");
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "T"), "FF");
    as_osmatch m[8];
    /* Twin#1 1/3, Other 2/3, Twin#2 2/3, Third 1/3 */
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, 0.0), 3);
    ck_assert_str_eq(m[0].entry->name, "Other");
    ck_assert_str_eq(m[1].entry->name, "Twin");
    ck_assert_uint_eq(m[1].index, 2);
    ck_assert_double_eq_tol(m[1].accuracy, 2.0 / 3.0, 1e-12);
    ck_assert_str_eq(m[2].entry->name, "Third");
    ck_assert_int_eq(as_osdb_match(db, &s, m, 3, 0.0), 3);
    ck_assert_str_eq(m[2].entry->name, "Third");
    /* both twins perfect (the subject has no DF): still once, the first in database order */
    as_osfp_init(&s);
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "R"), "Y");
    as_osfp_set(&s, AS_OST_T1, attr(AS_OST_T1, "T"), "40");
    ck_assert_int_eq(as_osdb_match(db, &s, m, 8, 0.0), 1);
    ck_assert_uint_eq(m[0].index, 0);
    as_osdb_free(db);
}
END_TEST

/* A subject built from an entry: a value satisfying each of its expressions. */
static void subject_from(const as_osdb *db, const as_osentry *e, as_osfp *s)
{
    as_osfp_init(s);
    for (int t = 0; t < AS_OST_COUNT; t++) {
        if (!(e->tests >> t & 1))
            continue;
        as_osfp_add_test(s, t);
        for (int a = 0; a < as_osattr_count(t); a++) {
            const char *x = as_osdb_expr(db, e, t, a);
            char v[AS_OSFP_VALUE_MAX];
            if (!x)
                continue;
            ck_assert_msg(as_osexpr_example(x, v, sizeof v) == 0, "%s: %s.%s=%s", e->name,
                          as_ostest_name(t), as_osattr_name(t, a), x);
            ck_assert_int_eq(as_osfp_set(s, t, a, v), 0);
        }
    }
}

START_TEST(test_our_db)
{
    as_osdb *db;
    ck_assert_msg(as_osdb_load(&db, as_default_osdb_path(), err, sizeof err) == 0, "%s", err);
    size_t n = as_osdb_count(db);
    ck_assert_uint_ge(n, 10);
    ck_assert_int_eq(as_osdb_has_matchpoints(db), 1);
    static as_osfp s;
    as_osmatch m[32];
    for (size_t i = 0; i < n; i++) {
        const as_osentry *e = as_osdb_entry(db, i);
        ck_assert_uint_ge(e->nclasses, 1);
        subject_from(db, e, &s);
        ck_assert_double_eq(as_osdb_score(db, &s, i), 1.0);
        int k = as_osdb_match(db, &s, m, 32, AS_OSSCAN_GUESS_THRESHOLD);
        ck_assert_int_ge(k, 1);
        ck_assert_msg(m[0].index == i, "entry %zu '%s': top guess is '%s'", i, e->name,
                      m[0].entry->name);
        ck_assert(m[0].accuracy == 1.0);
    }
    /* our lab host as nmap printed it: TS=21 is what our Linux entry accepts beside RND */
    ck_assert_int_eq(as_osfp_parse_subject(&s, lab_subject, sizeof lab_subject - 1, "lab", err,
                                           sizeof err), 0);
    ck_assert_int_eq(as_osdb_match(db, &s, m, 32, AS_OSSCAN_GUESS_THRESHOLD), 1);
    ck_assert_str_eq(m[0].entry->name, "Linux 6.x");
    as_osfp_set(&s, AS_OST_SEQ, attr(AS_OST_SEQ, "TS"), "RND");
    ck_assert_int_eq(as_osdb_match(db, &s, m, 32, AS_OSSCAN_GUESS_THRESHOLD), 1);
    ck_assert(m[0].accuracy == 1.0);
    as_osdb_free(db);
}
END_TEST

/* nmap's database, read from the user's own copy, as an oracle: it must load whole, every
 * entry must score 100% against a subject built from it, and our lab host must come out as
 * Linux. Nothing of it is copied here. */
START_TEST(test_nmap_db)
{
    FILE *f = fopen(NMAP_OSDB, "r");
    if (!f) {
        fprintf(stderr, "test_nmap_db: %s absent (install nmap), skipped\n", NMAP_OSDB);
        return;
    }
    char line[8192];
    size_t raw = 0;
    int is_793 = 0;
    while (fgets(line, sizeof line, f)) {
        raw += strncmp(line, "Fingerprint ", 12) == 0;
        is_793 |= strstr(line, "$Id: nmap-os-db 38353 ") != NULL;   /* nmap 7.93's copy */
    }
    fclose(f);
    as_osdb *db;
    ck_assert_msg(as_osdb_load(&db, NMAP_OSDB, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(as_osdb_count(db), raw);
    if (is_793)
        ck_assert_uint_eq(as_osdb_count(db), 5678);
    ck_assert_int_eq(as_osdb_has_matchpoints(db), 1);
    static as_osfp s;
    for (size_t i = 0; i < as_osdb_count(db); i++) {
        subject_from(db, as_osdb_entry(db, i), &s);
        ck_assert_msg(as_osdb_score(db, &s, i) == 1.0, "%s", as_osdb_entry(db, i)->name);
    }
    as_osmatch m[10];
    ck_assert_int_eq(as_osfp_parse_subject(&s, lab_subject, sizeof lab_subject - 1, "lab", err,
                                           sizeof err), 0);
    int k = as_osdb_match(db, &s, m, 10, AS_OSSCAN_GUESS_THRESHOLD);
    ck_assert_int_eq(k, 10);
    for (int i = 0; i < k; i++) {
        ck_assert(m[i].accuracy >= AS_OSSCAN_GUESS_THRESHOLD && m[i].accuracy < 1.0);
        ck_assert(i == 0 || m[i].accuracy <= m[i - 1].accuracy);
    }
    ck_assert_str_eq(m[0].entry->classes[0].family, "Linux");
    as_osdb_free(db);
}
END_TEST

static Suite *osdb_suite(void)
{
    Suite *s = suite_create("osdb");
    TCase *tc = tcase_create("expr");
    tcase_add_loop_test(tc, test_expr_match, 0, sizeof expr_rows / sizeof expr_rows[0]);
    tcase_add_loop_test(tc, test_expr_check, 0, sizeof check_rows / sizeof check_rows[0]);
    tcase_add_test(tc, test_expr_example);
    suite_add_tcase(s, tc);
    tc = tcase_create("parse");
    tcase_add_test(tc, test_db_parse_good);
    tcase_add_loop_test(tc, test_db_parse_bad, 0, sizeof bad_db / sizeof bad_db[0]);
    tcase_add_test(tc, test_db_nul_long_missing);
    suite_add_tcase(s, tc);
    tc = tcase_create("match");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_match_order);
    tcase_add_test(tc, test_match_names_once);
    tcase_add_test(tc, test_our_db);
    tcase_add_test(tc, test_nmap_db);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(osdb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
