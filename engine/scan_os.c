/* scan_os.c — OS detection inside the scan loop: for each host with an open port, a small
 * state machine sends the sixteen probes (the six SEQ probes 100 ms apart), collects the
 * replies from the frame ring, resends what got no answer once, then computes the test
 * lines. Up to os_max_jobs hosts run at once from a timer heap; nothing sleeps. */
#include "engine/scan_internal.h"

#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "fingerprints/os_tests.h"
#include "fingerprints/osfp.h"
#include "probes/osprobe.h"
#include "probes/vec.h"

#define SEQ_SPACING_US 100000
#define OTHERS_AT_US 50000
#define SEQ_SPAN_US (5 * SEQ_SPACING_US)

typedef struct as_osjob {
    as_os_target t;
    as_os_observation obs;
    uint64_t start_us;
    uint8_t tries[AS_OS_NPROBES];
    int retried;
} as_osjob;

static uint16_t pick_port(const as_scanner *s, const as_host *h, uint8_t state, uint16_t fallback)
{
    /* The first such TCP port in the scan's port order (the OS probes are TCP); the
     * answers are in arrival order. */
    size_t best = SIZE_MAX;
    for (size_t i = 0; h->ports != NULL && i < h->ports->n; i++)
        if (h->ports->list[i].state == state && h->ports->list[i].pi < best &&
            !as_scan_port_is_udp(s, h->ports->list[i].pi))
            best = h->ports->list[i].pi;
    return best == SIZE_MAX ? fallback : s->o->ports[best];
}

/* A port nobody scanned, for the tests that want a closed port when none was seen (nmap
 * picks one at random and hopes it is closed). */
static uint16_t random_high_port(const as_scanner *s, uint32_t ip, uint16_t salt)
{
    /* A few random draws find a free port in any ordinary port list; a list that covers
     * 30000-59999 (-p-) has none there, so fall back to a walk of the whole range. */
    for (uint16_t k = 0; k < 64; k++) {
        uint16_t p = (uint16_t)(30000 + as_cookie(&s->ctx.key, AS_PROBE_OS, s->ctx.src_ip, ip, salt, k) % 30000);
        if (s->port_index[p] == 0)
            return p;
    }
    for (uint32_t p = 65535; p >= 1024; p--)
        if (s->port_index[p] == 0)
            return (uint16_t)p;
    /* Every port is scanned: any closed one the scan saw is as good (the caller falls back
     * to it); an unscanned-port guess is impossible, so reuse a high one. */
    return (uint16_t)(30000 + salt % 30000);
}

/* 1 if no entry of the database knows the RND timestamp class. */
int as_scan_os_db_is_nmaps(const struct as_osdb *db)
{
    if (db == NULL)
        return 0;
    int seq = as_ostest_lookup("SEQ", 3), ts = as_osattr_lookup(seq, "TS", 2);
    for (size_t i = 0; i < as_osdb_count(db); i++) {
        const char *e = as_osdb_expr(db, as_osdb_entry(db, i), seq, ts);
        if (e != NULL && strstr(e, AS_OS_TS_RANDOM) != NULL)
            return 0;
    }
    return 1;
}

/* The running jobs, a min-heap on when each next needs attention: a loop turn looks only
 * at the jobs that are due, not at every job. At most os_max_jobs run; the rest wait in
 * os_waiting, oldest first. */
static int earlier(const as_osdue *a, const as_osdue *b)
{
    return a->due_us < b->due_us;
}

static void heap_push(as_scanner *s, uint64_t due, long hn)
{
    /* Room was reserved by the caller (start, or a job just popped). */
    size_t i = s->os_nactive++;
    s->os_heap[i] = (as_osdue){due, hn};
    while (i > 0 && earlier(&s->os_heap[i], &s->os_heap[(i - 1) / 2])) {
        as_osdue t = s->os_heap[i];
        s->os_heap[i] = s->os_heap[(i - 1) / 2];
        s->os_heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static as_osdue heap_pop(as_scanner *s)
{
    as_osdue top = s->os_heap[0];
    s->os_heap[0] = s->os_heap[--s->os_nactive];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < s->os_nactive && earlier(&s->os_heap[l], &s->os_heap[m]))
            m = l;
        if (r < s->os_nactive && earlier(&s->os_heap[r], &s->os_heap[m]))
            m = r;
        if (m == i)
            break;
        as_osdue t = s->os_heap[i];
        s->os_heap[i] = s->os_heap[m];
        s->os_heap[m] = t;
        i = m;
    }
    return top;
}

int as_scan_os_start(as_scanner *s, long hn)
{
    as_host *h = &s->hosts.hosts[hn];
    uint16_t open = pick_port(s, h, AS_PORT_OPEN, 0);
    if (open == 0 || s->os_frames.slots == NULL)
        return 0;   /* nmap's rule: no open port, no active OS detection */
    as_osjob *j = calloc(1, sizeof *j);
    if (j == NULL)
        return 0;
    /* Over the cap the job waits its turn; a wait queue that cannot grow means no OS
     * detection for this host rather than a lost host. */
    int now_active = s->os_nactive < s->os_max_jobs;
    if (now_active ? AS_VEC_RESERVE(s->os_heap, s->os_heapcap, s->os_nactive + 1) != 0
                   : as_fifo_push(&s->os_waiting, (uint64_t)hn) != 0) {
        free(j);
        return 0;
    }
    j->t.ip = h->ip;
    memcpy(j->t.mac, (h->flags & AS_HOST_HAS_MAC) ? h->mac : s->nif.gw_mac, 6);
    j->t.open_port = open;
    j->t.closed_port = pick_port(s, h, AS_PORT_CLOSED, random_high_port(s, h->ip, 7));
    j->t.closed_udp = random_high_port(s, h->ip, 9);
    j->obs.sent_ttl = s->ctx.ttl;
    j->obs.u1_udp_csum = as_os_u1_udp_csum(&s->ctx, &j->t);
    for (int i = 0; i < AS_OS_NPROBES; i++) {
        j->obs.probe_seq[i] = as_os_probe_seq(&s->ctx, h->ip, i);
        j->obs.probe_ack[i] = as_os_probe_ack(&s->ctx, h->ip, i);
    }
    h->os = j;
    h->flags |= AS_HOST_OS_PENDING;
    if (now_active)
        heap_push(s, 0, hn);    /* due at once: its clock starts when it first runs */
    s->os_started++;
    return 1;
}

static uint64_t due_at(const as_osjob *j, int i, uint64_t timeout)
{
    if (j->tries[i] == 0)
        return j->start_us + (i <= AS_OS_SEQ1 + 5 ? (uint64_t)i * SEQ_SPACING_US : OTHERS_AT_US);
    if (j->tries[i] == 1 && !j->obs.r[i].present)
        return j->start_us + SEQ_SPAN_US + timeout;     /* the one retransmission */
    return UINT64_MAX;
}

#define MAX_GUESSES 10  /* nmap lists at most ten */

/* Scores the fingerprint against the database; keeps nmap's guesses (>= 85%). */
static void match(as_scanner *s, as_host *h, const char *fp)
{
    if (s->o->osdb == NULL)
        return;
    as_osfp *subject = malloc(sizeof *subject);
    as_osmatch found[MAX_GUESSES];
    char err[256];
    if (subject == NULL)
        return;
    if (as_osfp_parse_subject(subject, fp, strlen(fp), "observed", err, sizeof err) != 0) {
        as_scan_log(s, 1, "os", "cannot read our own fingerprint: %s", err);
        free(subject);
        return;
    }
    int n = as_osdb_match(s->o->osdb, subject, found, MAX_GUESSES, AS_OSSCAN_GUESS_THRESHOLD);
    free(subject);
    if (n <= 0 || (h->os_guesses = malloc((size_t)n * sizeof *found)) == NULL)
        return;
    memcpy(h->os_guesses, found, (size_t)n * sizeof *found);
    h->nguesses = (uint8_t)n;
    as_scan_log(s, 1, "os", "%u.%u.%u.%u: %s (%.0f%%), %d guesses", h->ip >> 24, (h->ip >> 16) & 255,
                (h->ip >> 8) & 255, h->ip & 255, found[0].entry->name, found[0].accuracy * 100, n);
}

static void finish_job(as_scanner *s, long hn)
{
    as_host *h = &s->hosts.hosts[hn];
    char fp[2048];
    /* A database without the RND timestamp class (nmap's) is matched, and the print
     * stored, with nmap's arithmetic for it, so the two tools' answers compare. */
    h->os->obs.nmap_ts = s->osdb_nmap_ts;
    if (as_os_fingerprint(&h->os->obs, fp, sizeof fp) > 0) {
        h->os_fp = strdup(fp);
        match(s, h, fp);
    }
    as_scan_log(s, 2, "os", "%u.%u.%u.%u fingerprint:\n%s", h->ip >> 24, (h->ip >> 16) & 255,
                (h->ip >> 8) & 255, h->ip & 255, fp);
    free(h->os);
    h->os = NULL;
    h->flags = (h->flags & ~(uint32_t)AS_HOST_OS_PENDING) | AS_HOST_OS_DONE;
    s->os_finished++;
    /* Its place goes to the oldest waiting job (the heap has room: this one left it). */
    if (s->os_waiting.count > 0)
        heap_push(s, 0, (long)as_fifo_pop(&s->os_waiting));
    as_scan_host_check_done(s, hn);
}

/* One job's turn: sends what is due (within the budget) and says when it next needs a
 * turn, or UINT64_MAX once it is finished. */
static uint64_t run_job(as_scanner *s, long hn, uint64_t now, uint64_t timeout, unsigned budget, unsigned *n)
{
    as_osjob *j = s->hosts.hosts[hn].os;
    if (j->start_us == 0)
        j->start_us = now;
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < AS_OS_NPROBES; i++) {
        uint64_t due = due_at(j, i, timeout);
        if (due == UINT64_MAX)
            continue;
        if (due > now || *n >= budget || as_txsock_full(&s->tx)) {
            next = due > now ? (due < next ? due : next) : now;
            continue;
        }
        as_txsock_commit(&s->tx, as_osprobe_make(s->os_tmpl, i, &s->ctx, &j->t, as_txsock_slot(&s->tx)));
        j->obs.sent_us[i] = now;
        j->tries[i]++;
        (*n)++;
        due = due_at(j, i, timeout);    /* its retransmission, if it stays unanswered */
        if (due < next)
            next = due;
    }
    if (next != UINT64_MAX)
        return next;
    /* Done once nothing is left to send and the last send had its timeout. */
    uint64_t end = j->start_us + SEQ_SPAN_US + 2 * timeout;
    return now >= end ? UINT64_MAX : end;
}

unsigned as_scan_os_fill(as_scanner *s, uint64_t now, unsigned budget)
{
    uint64_t timeout = as_rtt_timeout(&s->rtt);
    unsigned n = 0;
    while (s->os_nactive > 0 && s->os_heap[0].due_us <= now) {
        if (n >= budget || as_txsock_full(&s->tx))
            break;
        as_osdue d = heap_pop(s);
        uint64_t next = run_job(s, d.hn, now, timeout, budget, &n);
        if (next == UINT64_MAX)
            finish_job(s, d.hn);
        else
            heap_push(s, next, d.hn);
    }
    return n;
}

void as_scan_os_replies(as_scanner *s)
{
    const as_frame *f;
    while ((f = as_ring_peek(&s->os_frames)) != NULL) {
        as_packet p;
        if (as_decode_frame(f->bytes, f->len, s->cap.dlt, &p) == 0) {
            int idx = as_osprobe_reply_index(&p, &s->ctx);
            uint32_t ip = idx == AS_OS_U1 ? p.quote.dst : p.ip_src;
            long hn = idx >= 0 ? as_hosttab_find(&s->hosts, ip) : -1;
            as_osjob *j = hn >= 0 ? s->hosts.hosts[hn].os : NULL;
            if (j != NULL && j->tries[idx] > 0 && !j->obs.r[idx].present &&
                as_osprobe_reply_matches(&p, &s->ctx, &j->t, idx))
                as_osreply_fill(&p, f->t_us, &j->obs.r[idx]);
            else if (idx >= 0)
                s->os_unmatched++;
        }
        as_ring_release(&s->os_frames);
    }
}

static void abandon(as_scanner *s, long hn)
{
    as_host *h = &s->hosts.hosts[hn];
    free(h->os);
    h->os = NULL;
    h->flags = (h->flags & ~(uint32_t)AS_HOST_OS_PENDING) | AS_HOST_OS_DONE;
}

void as_scan_os_abandon(as_scanner *s)
{
    while (s->os_nactive > 0)
        abandon(s, s->os_heap[--s->os_nactive].hn);
    while (s->os_waiting.count > 0)
        abandon(s, (long)as_fifo_pop(&s->os_waiting));
}
