/* diff_internal.h — the changes between two scans as data, computed once (diff.c) and
 * printed (diff_print.c) or used to select hosts (`export --since`). */
#ifndef AS_DIFF_INTERNAL_H
#define AS_DIFF_INTERNAL_H

#include "db/store_internal.h"

enum as_change_kind {
    AS_CH_NEW,              /* first seen after scan a started */
    AS_CH_GONE,             /* up in a, silent in b, inside b's covered space */
    AS_CH_BACK,             /* known before a, silent in a where a looked, up in b */
    AS_CH_MOVED,            /* the same host at another address */
    AS_CH_PORT,
    AS_CH_OS,
    AS_CH_NAME,
    AS_CH_AGENT_ON,
    AS_CH_AGENT_OFF,
    AS_CH_DEPLOY_ON,
    AS_CH_DEPLOY_OFF,
    AS_CH_COUNT
};

/* "new", "gone", "back-online", "moved", "port", "os", "name", "agent-appeared",
 * "agent-disappeared", "deploy-gained", "deploy-lost". */
const char *as_change_name(enum as_change_kind k);

typedef struct as_change {
    enum as_change_kind kind;
    const as_host_view *h;  /* b's view of the host; a's for gone */
    int port;               /* AS_CH_PORT */
    const char *proto;
    char *from, *to;        /* old and new value (owned); the item for agent/deploy */
} as_change;

/* One change in words, as the diff table, its JSON and the HTML report show it ("was
 * 198.18.1.10", "22/tcp open -> closed", "first seen DATE"). */
void as_change_detail(const as_change *c, char *buf, size_t len);

/* 1 for a deploy-lost channel whose port is still open in b, its protocol unconfirmed. */
int as_change_still_open(const as_change *c);

typedef struct as_diff {
    as_scan_view a, b;
    int gone_reported;      /* b complete and its covered space known */
    size_t n, cap;
    as_change *c;           /* ordered by address, then kind, then port */
} as_diff;

/* Loads both scans in one read transaction and compares them. */
int as_diff_compute(as_store *st, int64_t a, int64_t b, as_diff *d, char *err, size_t errlen);
void as_diff_free(as_diff *d);

#endif
