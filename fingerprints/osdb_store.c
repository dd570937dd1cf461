/* osdb_store.c — the memory of a loaded OS database: a string arena, the table of interned
 * (test, attribute, expression) triples that matching evaluates once per subject, the
 * growable arrays the parser appends to, and the read-only accessors. */
#include "fingerprints/osfp_internal.h"
#include "probes/vec.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef AS_DATADIR
#define AS_DATADIR "/usr/local/share/agentscan"
#endif
#ifndef AS_SOURCE_DIR
#define AS_SOURCE_DIR "."
#endif

#define ARENA_BLOCK (64 * 1024)


const char *os_arena_dup(as_osdb *db, const char *s, size_t n)
{
    os_arena_block *b = db->arena;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->next = db->arena;
        b->used = 0;
        b->cap = cap;
        db->arena = b;
    }
    char *d = b->data + b->used;
    memcpy(d, s, n);
    d[n] = '\0';
    b->used += n + 1;
    return d;
}

static uint32_t key_hash(int t, int a, const char *s, size_t n)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    h = (h ^ (uint32_t)t) * 16777619u;
    h = (h ^ (uint32_t)a) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void hash_put(as_osdb *db, uint32_t idx)
{
    size_t mask = db->hcap - 1, i = db->ex[idx].hash & mask;
    while (db->hash[i])
        i = (i + 1) & mask;
    db->hash[i] = idx + 1;
}

static int rehash(as_osdb *db)
{
    size_t cap = db->hcap ? db->hcap * 2 : 1024;
    uint32_t *h = calloc(cap, sizeof *h);
    if (!h)
        return -1;
    free(db->hash);
    db->hash = h;
    db->hcap = cap;
    for (size_t i = 0; i < db->nex; i++)
        hash_put(db, (uint32_t)i);
    return 0;
}

/* The id of (t, a, s), adding it when new; -1 when out of memory. */
int os_intern(as_osdb *db, int t, int a, const char *s, size_t n, uint32_t *id)
{
    if ((db->nex + 1) * 2 > db->hcap && rehash(db) != 0)
        return -1;
    uint32_t h = key_hash(t, a, s, n);
    size_t mask = db->hcap - 1;
    for (size_t i = h & mask; db->hash[i]; i = (i + 1) & mask) {
        const os_exprrec *r = &db->ex[db->hash[i] - 1];
        if (r->hash == h && r->test == t && r->attr == a && r->len == n &&
            memcmp(r->text, s, n) == 0) {
            *id = db->hash[i] - 1;
            return 0;
        }
    }
    if (AS_VEC_RESERVE(db->ex, db->capex, db->nex + 1) != 0)
        return -1;
    const char *text = os_arena_dup(db, s, n);
    if (!text)
        return -1;
    os_exprrec *r = &db->ex[db->nex];
    r->test = (uint8_t)t;
    r->attr = (uint8_t)a;
    r->len = (uint32_t)n;
    r->hash = h;
    r->text = text;
    *id = (uint32_t)db->nex;
    hash_put(db, (uint32_t)db->nex++);
    return 0;
}

/* Entries recorded counts while parsing; their classes, CPEs and expression ids sit in
 * file order in the shared arrays, so pointers are prefix sums, set once the arrays stop
 * moving. The intern table is only needed while loading. */
void os_finalize(as_osdb *db)
{
    size_t c = 0, p = 0, x = 0;
    for (size_t i = 0; i < db->n; i++) {
        as_osentry *e = &db->e[i];
        e->classes = e->nclasses ? db->cls + c : NULL;
        e->cpes = e->ncpes ? db->cpe + p : NULL;
        e->exprs = e->nexprs ? db->ids + x : NULL;
        c += e->nclasses;
        p += e->ncpes;
        x += e->nexprs;
    }
    free(db->hash);
    db->hash = NULL;
    db->hcap = 0;
}

void as_osdb_free(as_osdb *db)
{
    if (!db)
        return;
    while (db->arena) {
        os_arena_block *b = db->arena;
        db->arena = b->next;
        free(b);
    }
    free(db->e);
    free(db->cls);
    free(db->cpe);
    free(db->ids);
    free(db->ex);
    free(db->hash);
    free(db);
}

size_t as_osdb_count(const as_osdb *db)
{
    return db ? db->n : 0;
}

const as_osentry *as_osdb_entry(const as_osdb *db, size_t i)
{
    return db && i < db->n ? &db->e[i] : NULL;
}

const char *as_osdb_expr(const as_osdb *db, const as_osentry *e, int test, int attr)
{
    if (!db || !e)
        return NULL;
    for (size_t i = 0; i < e->nexprs; i++) {
        const os_exprrec *r = &db->ex[e->exprs[i]];
        if (r->test == test && r->attr == attr)
            return r->text;
    }
    return NULL;
}

unsigned as_osdb_weight(const as_osdb *db, int test, int attr)
{
    if (!db || attr < 0 || attr >= as_osattr_count(test))
        return 0;
    return db->has_mp ? db->weight[test][attr] : 1;
}

int as_osdb_has_matchpoints(const as_osdb *db)
{
    return db ? db->has_mp : 0;
}

const char *as_default_osdb_path(void)
{
    static const char installed[] = AS_DATADIR "/os-db.txt";
    return access(installed, R_OK) == 0 ? installed : AS_SOURCE_DIR "/fingerprints/os-db.txt";
}
