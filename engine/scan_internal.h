/* scan_internal.h — the state of a running scan, shared by the files that make up the
 * scan loop: scan.c (setup, teardown), scan_send.c (what to send next), scan_reply.c
 * (what replies mean), scan_store.c (host records to the store), progress.c. Only the
 * scan loop's thread touches it; the receive thread speaks through the ring. */
#ifndef AS_SCAN_INTERNAL_H
#define AS_SCAN_INTERNAL_H

#include "engine/capture.h"
#include "engine/dns.h"
#include "engine/fifo.h"
#include "engine/hosttab.h"
#include "engine/netif.h"
#include "engine/netio.h"
#include "engine/permute.h"
#include "engine/ratelimit.h"
#include "engine/ring.h"
#include "engine/rtt.h"
#include "engine/scan.h"
#include "engine/sendtimes.h"
#include "engine/txsock.h"
#include "probes/portstate.h"
#include "probes/probe.h"

#include <netinet/in.h>

/* One entry of the sweep: a liveness probe kind and its port, or (-Pn) a SYN port. */
typedef struct as_slot {
    uint8_t probe;
    uint16_t port;
} as_slot;

#define AS_MAX_SLOTS (AS_MAX_ACK_PORTS + 1)

/* A work item of the send queues: host number, port index, and flags: the timing probe of
 * a -Pn host (a second SYN whose answer measures the round trip), or a host's port cursor
 * (one item stands for one pass over its unanswered ports, probes made one by one as they
 * go). The wait queue holds the hosts whose pass has been sent, by the time it was. */
/* The port index has 20 bits: TCP and UDP -p- together make 131,070 ports. */
#define AS_ITEM_PORT_BITS 20
#define AS_ITEM(hn, pi) (((uint64_t)(hn) << (AS_ITEM_PORT_BITS + 2)) | (uint64_t)(pi))
#define AS_ITEM_TIMING ((uint64_t)1 << AS_ITEM_PORT_BITS)
#define AS_ITEM_CURSOR ((uint64_t)1 << (AS_ITEM_PORT_BITS + 1))
#define AS_ITEM_HOST(item) ((long)((item) >> (AS_ITEM_PORT_BITS + 2)))
#define AS_ITEM_PORT(item) ((size_t)((item) & (((uint64_t)1 << AS_ITEM_PORT_BITS) - 1)))

/* A running OS job and when it next needs a turn. */
typedef struct as_osdue {
    uint64_t due_us;
    long hn;
} as_osdue;

typedef struct as_scanner {
    const as_scan_opts *o;
    as_netio io;                    /* clock, wire out, wire in (engine/netio.h) */
    struct as_dryrun *dryrun;
    as_netif nif;
    as_probe_ctx ctx;
    as_template tmpl[AS_PROBE_COUNT];           /* by enum as_probe_id */
    const as_probe_kind *kind[AS_PROBE_COUNT];  /* by enum as_probe_id: no lookup per packet */
    as_txsock tx;
    as_ring ring;
    as_capture cap;
    as_dns *dns;
    as_hosttab hosts;
    as_ratelimit rl;
    as_rtt rtt;
    int64_t scan_id;

    /* The sweep: a permutation over (address, slot) pairs, walked once per pass. */
    as_slot *slots;                 /* -Pn: one per port; else the liveness probes */
    size_t nslots;
    uint64_t naddr;
    as_permute perm;
    uint64_t cursor;                /* position within the current pass */
    uint64_t shard_k, shard_n;      /* this shard walks positions k, k + n, k + 2n, ... */
    unsigned pass, passes;
    uint64_t pass_end_us;           /* when the previous pass sent its last probe */
    int sweep_done;
    uint64_t last_sweep_us;

    int pn_requeued;                /* -Pn: silent ports of answering hosts are queued */
    double cur_rate;                /* congestion control: current rate <= max_rate */
    uint64_t last_loss_us, last_raise_us;
    uint64_t loss_signals;
    unsigned window_answers, window_losses;
    int window_congested;

    as_fifo sendq;                  /* port probes of live hosts, to send now */
    as_fifo waitq;                  /* hosts whose pass is sent, oldest first */
    as_fifo retryq;                 /* retry passes of timed-out hosts: sent before the send
                                     * queue, so a host finishes (and frees its state) soon
                                     * after its turn */
    as_sendtimes sendtimes;         /* round-trip samples of first probes (sendtimes.h) */
    as_reasons reasons;             /* the reasons answers gave, by index (hostports.h) */
    as_permute port_perm;           /* the port order of the host whose cursor is in front */
    long port_perm_host;            /* ... and which host that is (-1: none) */
    uint64_t port_slot_failures;    /* hosts (or answers) whose port state could not be held */
    uint32_t *port_index;           /* (UDP ? 65536 : 0) + port → index + 1 in o->ports, 0 = not
                                     * scanned (as_scan_port_slot) */

    as_ring os_frames;              /* OS-detection replies, as_frame (with -O) */
    struct as_os_templates *os_tmpl;    /* the sixteen probes, prepared once */
    uint64_t os_unmatched;          /* OS replies without our keyed numbers, or late */
    as_osdue *os_heap;              /* running OS jobs by next due time (scan_os.c) */
    size_t os_nactive, os_heapcap, os_max_jobs;
    as_fifo os_waiting;             /* hosts whose OS job waits for a place */
    uint64_t os_started, os_finished;
    int osdb_nmap_ts;               /* the database has no RND class: print TS as nmap */

    as_fifo doneq;                  /* hosts ready to store */
    as_port_record *port_records;   /* scratch for one host record */
    as_os_guess os_records[10];     /* scratch for its OS guesses */
    char fw_note[256];
    uint64_t last_flush_us;
    int stopping;
    uint64_t stop_us;
    uint64_t started_us;
    int store_failed;
    char store_err[256];

    /* Live hosts kept for the identity phase once stored (scan_identify.c). */
    struct as_id_keep *idkeep;
    size_t nidkeep, capidkeep;
    int idkeep_failed;

    as_scan_summary *sum;
    uint64_t replies, hosts_up, probes_total_est;
    uint64_t last_progress_us, progress_sent, progress_t;
    double progress_rate;
} as_scanner;

/* A port index's protocol and the probe kind that asks it: the one place that chooses. */
static inline int as_scan_port_is_udp(const as_scanner *s, size_t pi)
{
    return s->o->port_proto != NULL && s->o->port_proto[pi] == IPPROTO_UDP;
}
static inline uint8_t as_scan_port_probe(const as_scanner *s, size_t pi)
{
    return as_scan_port_is_udp(s, pi) ? AS_PROBE_UDP : AS_PROBE_TCP_SYN;
}
/* What silence after every retry means: filtered for TCP, open|filtered for UDP (nmap). */
static inline uint8_t as_scan_port_silent_state(const as_scanner *s, size_t pi)
{
    return as_scan_port_is_udp(s, pi) ? AS_PORT_OPEN_FILTERED : AS_PORT_FILTERED;
}
/* The index + 1 of (proto, port) in o->ports; 0 if the scan does not ask it. */
static inline uint32_t as_scan_port_slot(const as_scanner *s, uint8_t proto, uint16_t port)
{
    return s->port_index[(proto == IPPROTO_UDP ? 65536u : 0u) + port];
}

/* The scan's clock: monotonic, or the simulated network's. */
static inline uint64_t as_scan_now(const as_scanner *s) { return s->io.now_us(s->io.impl); }

/* scan.c: -v diagnostics on stderr, "agentscan[+1.234s] tag: ..." */
void as_scan_log(const as_scanner *s, int level, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* scan_send.c */
unsigned as_scan_fill_batch(as_scanner *s, uint64_t now, unsigned budget);
void as_scan_expire(as_scanner *s, uint64_t now);
int as_scan_sweep_pending(const as_scanner *s, uint64_t now);
void as_scan_requeue_pn(as_scanner *s, uint64_t now);
void as_scan_congestion(as_scanner *s, uint64_t now);
void as_scan_loss_signal(as_scanner *s, uint64_t now);
void as_scan_answer_seen(as_scanner *s, int retransmitted);

/* scan_reply.c */
void as_scan_handle(as_scanner *s, const as_result *r);
void as_scan_host_check_done(as_scanner *s, long h);
void as_scan_finish_hosts(as_scanner *s);

/* scan_os.c */
int as_scan_os_start(as_scanner *s, long hn);
int as_scan_os_db_is_nmaps(const struct as_osdb *db);
unsigned as_scan_os_fill(as_scanner *s, uint64_t now, unsigned budget);
void as_scan_os_replies(as_scanner *s);
void as_scan_os_abandon(as_scanner *s);

/* scan_store.c */
int as_scan_flush(as_scanner *s);
int as_scan_firewall_groups(as_scanner *s);

/* scan_identify.c: keep a stored host for the phase; run it and store what it learned. */
int as_scan_identify_wanted(const as_scanner *s);
void as_scan_identify_keep(as_scanner *s, const as_host *h);
int as_scan_identify(as_scanner *s);
void as_scan_identify_free(as_scanner *s);

/* scan_live.c: which liveness probes answered, stored once a scan completes */
void as_scan_note_live(as_host *h, int probe);
void as_scan_store_liveness(as_scanner *s);

/* progress.c */
void as_progress_update(as_scanner *s, uint64_t now, int final);

#endif
