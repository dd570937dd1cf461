/* osfp.h — OS fingerprints in nmap's second-generation syntax: the database of reference
 * fingerprints (our fingerprints/os-db.txt, or a user's own nmap-os-db), subject fingerprints
 * as a prober or nmap prints them, the expression matcher and the MatchPoints scorer.
 *
 * Syntax (https://nmap.org/book/osdetect-fingerprint-format.html, written here from that
 * description, not from nmap's code):
 *   database:  '#' comment lines, blank lines, an optional "MatchPoints" block (test lines
 *              whose values are decimal weights), then entries:
 *                Fingerprint NAME
 *                Class VENDOR | FAMILY | GENERATION | TYPE      (zero or more)
 *                CPE cpe:/PART:VENDOR:PRODUCT[...] [auto]        (zero or more)
 *                SEQ(SP=...%GCD=...) OPS(...) WIN(...) ECN(...) T1(...)..T7(...) U1(...) IE(...)
 *   subject:   the same test lines, each line optionally prefixed "OS:" and wrapped anywhere
 *              (nmap wraps at 72 characters after the prefix), plus a SCAN(...) line that is
 *              kept as text and never scored.
 *   expression (reference values): alternatives separated by '|'; each is empty (matches an
 *              empty value), a hex number (numeric equality: "0A" equals "A"), a range
 *              "LO-HI", ">N", "<N", a literal code ("S+", "RI", "M5B4NW7"), or a literal with
 *              bracketed numeric groups ("M[>500]ST11NW[7|A]": each group matches the run of
 *              hex digits at that place in the value).
 *              nmap 7.93 also let a non-final alternative match any value it prefixes
 *              ("|M5B4NNS" matched everything); later nmap and this matcher do not.
 */
#ifndef AS_OSFP_H
#define AS_OSFP_H

#include <stddef.h>
#include <stdint.h>

/* The test lines, in the order nmap prints them. */
enum {
    AS_OST_SEQ, AS_OST_OPS, AS_OST_WIN, AS_OST_ECN,
    AS_OST_T1, AS_OST_T2, AS_OST_T3, AS_OST_T4, AS_OST_T5, AS_OST_T6, AS_OST_T7,
    AS_OST_U1, AS_OST_IE,
    AS_OST_COUNT
};
#define AS_OSATTR_MAX 11        /* most attributes any test line has (T2..T7, U1) */
#define AS_OSFP_VALUE_MAX 64    /* a subject value, NUL included */
#define AS_OSFP_SCAN_MAX 512    /* the SCAN(...) body, NUL included */

/* Test and attribute names. Each test has a fixed attribute list in nmap's print order
 * (SEQ: R SP GCD ISR TI CI II SS TS; T2..T7: R DF T TG W S A F O RD Q; ...). Lookups
 * return -1 for unknown names; name functions return NULL for out-of-range indexes. */
const char *as_ostest_name(int test);
int as_ostest_lookup(const char *name, size_t len);
int as_osattr_count(int test);
const char *as_osattr_name(int test, int attr);
int as_osattr_lookup(int test, const char *name, size_t len);

/* ---- expressions ------------------------------------------------------------------------ */

/* 1 if value satisfies expr, else 0. Never fails: a malformed expression simply does not
 * match. Hex digits compare numerically without overflow (any length). */
int as_osexpr_match(const char *expr, const char *value);
/* 0 if expr is well-formed, else -1 with the reason in err (e.g. "range 9-5 is backwards"). */
int as_osexpr_check(const char *expr, char *err, size_t errlen);
/* Writes one value that satisfies expr (its first satisfiable alternative); -1 if there is
 * none (e.g. "<0") or buf is too small. For tests and fuzzing. */
int as_osexpr_example(const char *expr, char *buf, size_t len);

/* ---- subject fingerprints --------------------------------------------------------------- */

typedef struct as_osfp {
    uint16_t tests;                         /* bit t: test line t is present */
    uint16_t attrs[AS_OST_COUNT];           /* bit a: attribute a of test t is present */
    char val[AS_OST_COUNT][AS_OSATTR_MAX][AS_OSFP_VALUE_MAX];
    char scan[AS_OSFP_SCAN_MAX];            /* SCAN(...) body without parentheses, or "" */
} as_osfp;

void as_osfp_init(as_osfp *fp);
/* Marks a test line present with no attributes yet (nmap prints e.g. "T2(R=N)"). */
int as_osfp_add_test(as_osfp *fp, int test);
/* Sets one attribute (and marks its test present). value: [0-9A-Za-z+]*, shorter than
 * AS_OSFP_VALUE_MAX. Returns -1 on a bad index or value. */
int as_osfp_set(as_osfp *fp, int test, int attr, const char *value);
/* The value, or NULL when the attribute is absent. */
const char *as_osfp_get(const as_osfp *fp, int test, int attr);

/* Parses a subject fingerprint as nmap prints it ("OS:" prefixes and wrapping optional; a
 * "TCP/IP fingerprint:" header, blank lines and '#' comments are skipped). Errors name
 * "NAME:LINE: what". */
int as_osfp_parse_subject(as_osfp *out, const char *text, size_t len, const char *name,
                          char *err, size_t errlen);

#define AS_OSFP_FMT_WRAP 1u     /* nmap's form: "OS:" + 72 characters a line */
/* Prints fp in nmap's syntax: SCAN first when present, then the test lines in the order
 * SEQ OPS WIN ECN T1..T7 U1 IE, attributes in their standard order. Without WRAP, one test
 * line per line. Like snprintf: returns the length the whole text needs (buf holds a
 * NUL-terminated prefix when too small). */
size_t as_osfp_format(const as_osfp *fp, unsigned flags, char *buf, size_t len);

/* ---- the reference database -------------------------------------------------------------- */

typedef struct as_osclass {
    const char *vendor, *family, *generation, *type;   /* generation may be "" */
} as_osclass;

typedef struct as_oscpe {
    const char *cpe;        /* "cpe:/o:linux:linux_kernel:6" */
    int is_auto;            /* the line ended in " auto" */
} as_oscpe;

/* One reference fingerprint. Read-only; owned by its database. */
typedef struct as_osentry {
    const char *name;
    unsigned line;                  /* line of its "Fingerprint" keyword */
    const as_osclass *classes;
    size_t nclasses;
    const as_oscpe *cpes;
    size_t ncpes;
    uint16_t tests;                 /* bit t: the entry has test line t */
    const uint32_t *exprs;          /* internal: its attributes as expression ids */
    size_t nexprs;
} as_osentry;

typedef struct as_osdb as_osdb;

/* Loads a database. Errors name "PATH:LINE: what": unknown test, unknown or malformed
 * attribute, duplicate attribute or test line, unterminated parenthesis, bad expression,
 * Class/CPE/test line without Fingerprint, a Fingerprint without test lines, line too long,
 * NUL byte. Nothing is skipped silently: any error fails the whole load. */
int as_osdb_load(as_osdb **out, const char *path, char *err, size_t errlen);
int as_osdb_parse(as_osdb **out, const char *text, size_t len, const char *name,
                  char *err, size_t errlen);
void as_osdb_free(as_osdb *db);

size_t as_osdb_count(const as_osdb *db);
const as_osentry *as_osdb_entry(const as_osdb *db, size_t i);
/* The expression text of one attribute of an entry, or NULL when it has none. */
const char *as_osdb_expr(const as_osdb *db, const as_osentry *e, int test, int attr);
/* The MatchPoints weight of an attribute. With a MatchPoints block, attributes it does not
 * list weigh 0 (as SEQ's R does in nmap's file); without one, every attribute weighs 1. */
unsigned as_osdb_weight(const as_osdb *db, int test, int attr);
int as_osdb_has_matchpoints(const as_osdb *db);

/* ---- matching ---------------------------------------------------------------------------- */

#define AS_OSSCAN_GUESS_THRESHOLD 0.85  /* nmap's: guesses below this are not reported */

typedef struct as_osmatch {
    const as_osentry *entry;
    size_t index;                   /* the entry's position in the database */
    double accuracy;                /* matched points / possible points, 0..1 */
} as_osmatch;

/* Scores subject against every entry: for each attribute present in both, its weight is
 * added to the possible points and, when the subject's value satisfies the entry's
 * expression, to the matched points; accuracy = matched / possible (an entry sharing no
 * weighted attribute with the subject scores 0). Writes up to max guesses with
 * accuracy >= threshold into out, best first, equal accuracies in database order. If any
 * entry matches perfectly, only the perfect matches are returned (as nmap reports them).
 * Each name appears once, as in nmap: of several entries with one name only the best
 * (equal accuracy: the first in the database) is kept, and it fills one slot of max. Returns the number written, or -1 (out of memory, bad arguments). */
int as_osdb_match(const as_osdb *db, const as_osfp *subject, as_osmatch *out, size_t max,
                  double threshold);
/* The accuracy of one entry against subject (0..1), for tests and diagnostics. */
double as_osdb_score(const as_osdb *db, const as_osfp *subject, size_t index);

/* Default location of our own database: AS_DATADIR/os-db.txt, falling back to the source
 * tree's fingerprints/os-db.txt when run from a build directory. */
const char *as_default_osdb_path(void);

#endif
