/* identity.c — fusing identity evidence: the OS verdict (rank by source kind, then
 * confidence; conflicts reported) and the host-name choice among candidates. */
#include "fingerprints/identity.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const ev_names[AS_EV_COUNT] = {
    "ntlmssp", "smb", "rdp", "ssh", "snmp", "nbstat", "tls", "http", "stack", "passive", "ttl",
};

const char *as_ev_source_name(int source)
{
    return source >= 0 && source < AS_EV_COUNT ? ev_names[source] : "?";
}

static int rank(int source)
{
    return source < AS_EV_STACK ? 2 : source == AS_EV_STACK ? 1 : 0;
}

static int counts(const as_evidence *e)
{
    return e->source >= 0 && e->source < AS_EV_COUNT &&
           (e->hint.family != AS_OSFAM_UNKNOWN || e->hint.name[0]);
}

/* 1 if a beats b (b may be NULL). */
static int better(const as_evidence *a, const as_evidence *b)
{
    if (!b)
        return 1;
    if (rank(a->source) != rank(b->source))
        return rank(a->source) > rank(b->source);
    if (a->hint.confidence != b->hint.confidence)
        return a->hint.confidence > b->hint.confidence;
    return a->hint.version[0] && !b->hint.version[0];
}

static void describe(const as_evidence *e, char *buf, size_t len)
{
    const char *name = e->hint.name[0] ? e->hint.name : e->value;
    snprintf(buf, len, "%s says %s (%.96s%s%.96s)", as_ev_source_name(e->source),
             as_os_family_name(e->hint.family), name, e->hint.version[0] ? " " : "",
             e->hint.version);
}

/* The best evidence of another family: among the stack-rank ones (stack, passive, TTL)
 * for a protocol verdict, else among the other protocol answers. */
static const as_evidence *dissent(const as_evidence *ev, size_t n, const as_evidence *win,
                                  int protocol)
{
    const as_evidence *best = NULL;
    for (size_t i = 0; i < n; i++) {
        const as_evidence *e = &ev[i];
        if (!counts(e) || e == win || e->hint.family == AS_OSFAM_UNKNOWN ||
            e->hint.family == win->hint.family || (rank(e->source) == 2) != protocol)
            continue;
        if (better(e, best))
            best = e;
    }
    return best;
}

static void conflicts(const as_evidence *ev, size_t n, const as_evidence *win, as_os_verdict *out)
{
    char a[240], b[240];
    if (rank(win->source) != 2 || win->hint.family == AS_OSFAM_UNKNOWN)
        return;
    const as_evidence *d = dissent(ev, n, win, 0);
    describe(win, a, sizeof a);
    if (d) {
        out->conflict |= AS_ID_CONFLICT_STACK;
        describe(d, b, sizeof b);
        snprintf(out->conflict_text, sizeof out->conflict_text, "%s, but %s", a, b);
    }
    d = dissent(ev, n, win, 1);
    if (d) {
        size_t used = strlen(out->conflict_text);
        out->conflict |= AS_ID_CONFLICT_PROTOCOL;
        describe(d, b, sizeof b);
        snprintf(out->conflict_text + used, sizeof out->conflict_text - used, "%s%s, but %s",
                 used ? "; " : "", a, b);
    }
}

int as_identity_os(const as_evidence *ev, size_t n, as_os_verdict *out)
{
    memset(out, 0, sizeof *out);
    out->source = -1;
    out->chosen = -1;
    const as_evidence *win = NULL;
    for (size_t i = 0; i < n; i++)
        if (counts(&ev[i]) && better(&ev[i], win))
            win = &ev[i];
    if (!win)
        return -ENOENT;
    out->os = win->hint;
    out->source = win->source;
    out->chosen = (long)(win - ev);
    for (size_t i = 0; i < n && !out->os.version[0] && out->os.name[0]; i++)
        if (counts(&ev[i]) && ev[i].hint.family == out->os.family && ev[i].hint.version[0] &&
            !strcasecmp(ev[i].hint.name, out->os.name))
            snprintf(out->os.version, sizeof out->os.version, "%s", ev[i].hint.version);
    conflicts(ev, n, win, out);
    return 0;
}
