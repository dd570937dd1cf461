/* osfp_internal.h — what the OS-fingerprint files share and nobody else sees: the test-line
 * tokenizer (used by both the database and the subject parser) and the database layout. */
#ifndef AS_OSFP_INTERNAL_H
#define AS_OSFP_INTERNAL_H

#include "fingerprints/osfp.h"

#define OS_LINE_MAX 4096            /* longest line either parser accepts */
#define OS_WHAT_MAX 256             /* an error message before "NAME:LINE: " is added */
#define OS_TEST_SCAN AS_OST_COUNT   /* the subject-only SCAN(...) line */

/* One NAME=VALUE of a test line, pointing into the parsed text. */
typedef struct os_av {
    int attr;
    const char *v;
    size_t vlen;
} os_av;

/* A tokenized test line "NAME(A=V%B=W)". For SCAN, body/bodylen hold the raw text. */
typedef struct os_testline {
    int test;                       /* AS_OST_* or OS_TEST_SCAN */
    os_av av[AS_OSATTR_MAX];
    size_t nav;
    const char *body;
    size_t bodylen;
} os_testline;

/* Tokenizes one test line starting at p (its name's first character). allow_scan accepts
 * SCAN. On success fills tl and returns the position after ')'. On error returns NULL with
 * a message in what ("unknown test 'XY'", "unterminated parenthesis in SEQ(", ...) and the
 * offending position in *at. Duplicate and unknown attribute names are errors; values are
 * not checked here. */
const char *os_parse_testline(const char *p, const char *end, int allow_scan, os_testline *tl,
                              char *what, size_t wlen, const char **at);

/* True for the characters a concrete value may hold: [0-9A-Za-z+]. */
int os_value_char(char c);

/* How much of an n-byte snippet an error message quotes (%.*s). */
int os_snip_len(size_t n);

/* ---- database layout ---- */

typedef struct os_exprrec {
    uint8_t test, attr;
    uint32_t len, hash;
    const char *text;
} os_exprrec;

typedef struct os_arena_block {
    struct os_arena_block *next;
    size_t used, cap;
    char data[];
} os_arena_block;

struct as_osdb {
    as_osentry *e;
    size_t n, cap;
    as_osclass *cls;                /* all entries' classes, in file order */
    size_t ncls, capcls;
    as_oscpe *cpe;
    size_t ncpe, capcpe;
    uint32_t *ids;                  /* all entries' expression ids, in file order */
    size_t nids, capids;
    os_exprrec *ex;                 /* interned (test, attr, text) */
    size_t nex, capex;
    uint32_t *hash;                 /* open addressing: expression index + 1, 0 = empty */
    size_t hcap;
    os_arena_block *arena;
    unsigned weight[AS_OST_COUNT][AS_OSATTR_MAX];
    int has_mp;
};

/* osdb_store.c, for the parser */
const char *os_arena_dup(as_osdb *db, const char *s, size_t n);
int os_intern(as_osdb *db, int t, int a, const char *s, size_t n, uint32_t *id);
void os_finalize(as_osdb *db);

#endif
