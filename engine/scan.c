/* scan.c — sets up a scan (interface, templates, sockets, capture thread, DNS, store),
 * runs the loop that interleaves sending, replies, DNS and storing, and tears it down. */
#include "engine/scan_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <errno.h>
#include <sys/socket.h>

#include "db/record.h"
#include "engine/clock.h"
#include "engine/dryrun.h"
#include "probes/errors.h"
#include "engine/privdrop.h"
#include "probes/osprobe.h"

const uint16_t as_default_ports[] = {22, 23, 25, 80, 135, 137, 138, 139, 443, 445,
                                     513, 514, 1002, 1610, 3389, 52028};
const size_t as_default_nports = sizeof as_default_ports / sizeof as_default_ports[0];

#define FLUSH_EVERY_US 200000
#define STOP_DNS_GRACE_US 2000000

void as_scan_opts_defaults(as_scan_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ports = as_default_ports;
    o->nports = as_default_nports;
    o->ping_echo = 1;
    o->ack_ports[0] = 80;
    o->nack = 1;
    o->resolve = 1;
    o->max_retries = 2;
    o->max_rate = 5000;
    o->min_rate = 0;
    o->initial_rtt_us = 1000000;
    o->min_rtt_us = 100000;
    o->max_rtt_us = 10000000;
    o->identify = 1;
}

/* nmap's timing templates (nmap(1) "Timing and performance"): the probe spacing of T0-T2
 * becomes a rate; T3 is the default; T4/T5 shorten timeouts and raise the rate. */
static const struct {
    double rate;
    uint64_t initial_rtt_us, min_rtt_us, max_rtt_us;
    int max_retries;
} timing[] = {
    {1.0 / 300, 5000000, 100000, 10000000, 10},
    {1.0 / 15, 5000000, 100000, 10000000, 10},
    {2.5, 1000000, 100000, 10000000, 10},
    {5000, 1000000, 100000, 10000000, 2},
    {10000, 500000, 100000, 1250000, 2},
    {50000, 250000, 50000, 300000, 2},
};

int as_scan_opts_timing(as_scan_opts *o, int level)
{
    if (level < 0 || level > 5)
        return -1;
    o->max_rate = timing[level].rate;
    o->initial_rtt_us = timing[level].initial_rtt_us;
    o->min_rtt_us = timing[level].min_rtt_us;
    o->max_rtt_us = timing[level].max_rtt_us;
    o->max_retries = timing[level].max_retries;
    return 0;
}

void as_scan_log(const as_scanner *s, int level, const char *tag, const char *fmt, ...)
{
    if (s->o->verbose < level)
        return;
    va_list ap;
    va_start(ap, fmt);
    if (s->o->progress)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "agentscan[+%.3fs] %s: ", (double)(as_scan_now(s) - s->started_us) / 1e6, tag);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void ip_str(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static int build_slots(as_scanner *s)
{
    const as_scan_opts *o = s->o;
    s->slots = calloc(o->no_ping ? (o->nports ? o->nports : 1) : AS_MAX_SLOTS, sizeof *s->slots);
    if (s->slots == NULL)
        return -1;
    if (o->no_ping) {
        for (size_t i = 0; i < o->nports; i++)
            s->slots[s->nslots++] = (as_slot){as_scan_port_probe(s, i), o->ports[i]};
    } else {
        if (o->ping_echo)
            s->slots[s->nslots++] = (as_slot){AS_PROBE_ICMP_ECHO, 0};
        for (size_t i = 0; i < o->nack; i++)
            s->slots[s->nslots++] = (as_slot){AS_PROBE_TCP_ACK, o->ack_ports[i]};
    }
    return s->nslots == 0 ? -1 : 0;
}

/* The gateway's MAC when the kernel has not cached it: ask, and read the answer on this
 * thread before the receive thread starts. */
static int resolve_gateway(as_scanner *s, char *err, size_t errlen)
{
    for (int attempt = 0; attempt < 3 && !s->nif.have_gw_mac; attempt++) {
        uint8_t *frame = as_txsock_slot(&s->tx);
        as_txsock_commit(&s->tx, as_probe_arp.make(&s->tmpl[AS_PROBE_ARP], &s->ctx, frame, NULL,
                                                   s->nif.gateway, 0, 0));
        as_txsock_flush(&s->tx);
        uint64_t until = as_now_us() + 500000;
        while (!s->nif.have_gw_mac && as_now_us() < until) {
            as_capture_poll(&s->cap, 50);
            as_result r;
            while (as_ring_pop(&s->ring, &r))
                if (r.probe == AS_PROBE_ARP && r.ip == s->nif.gateway) {
                    memcpy(s->nif.gw_mac, r.mac, 6);
                    s->nif.have_gw_mac = 1;
                }
        }
    }
    if (s->nif.have_gw_mac || s->o->offline)
        return 0;
    char gw[16];
    ip_str(s->nif.gateway, gw, sizeof gw);
    snprintf(err, errlen, "gateway %s does not answer ARP on %s (check the route and the link)", gw, s->nif.name);
    return -AS_ERR_ROUTE;
}

static uint32_t routed_probe_ip(const as_scanner *s, const as_netif *first)
{
    /* Targets come in ascending order: if any is routed, the first or last one is. */
    uint64_t n = as_targets_count(s->o->targets);
    uint32_t lo = as_targets_get(s->o->targets, 0), hi = as_targets_get(s->o->targets, n - 1);
    return as_netif_onlink(first, lo) ? hi : lo;
}

/* Raw packets need CAP_NET_RAW: say so before anything else can fail less clearly. */
static int check_privilege(const as_scan_opts *o, char *err, size_t errlen)
{
    if (o->offline || o->dry_run)
        return 0;
    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    int e = errno;
    snprintf(err, errlen, "cannot open a raw packet socket: %s%s", strerror(e),
             e == EPERM || e == EACCES ? " (run as root or grant CAP_NET_RAW)" : "");
    return e == EPERM || e == EACCES ? -AS_ERR_PERM : -AS_ERR_FAIL;
}

uint64_t as_netio_real_now(void *impl)
{
    (void)impl;
    return as_now_us();
}

void as_netio_real_sleep(void *impl, uint64_t us)
{
    (void)impl;
    usleep((useconds_t)us);
}

/* The clock and the wire: a test's simulated network, the dry-run printer, or the real
 * PF_PACKET socket and libpcap. */
static int setup_io(as_scanner *s, char *err, size_t errlen)
{
    const as_scan_opts *o = s->o;
    if (o->netio != NULL)
        s->io = *o->netio;
    else
        s->io = (as_netio){NULL, as_netio_real_now, as_netio_real_sleep, NULL, NULL, NULL};
    if (o->dry_run) {
        /* Frames go to the printer and nothing answers; clock and interface stay. */
        if (as_dryrun_open(&s->dryrun, o->dry_run_pcap, stdout, err, errlen) != 0)
            return -AS_ERR_FAIL;
        s->io.receive = NULL;
    }
    return 0;
}

static int lookup_interface(as_scanner *s, char *err, size_t errlen)
{
    const as_scan_opts *o = s->o;
    if (s->io.nif != NULL) {
        s->nif = *s->io.nif;
        return 0;
    }
    int prc = check_privilege(o, err, errlen);
    if (prc != 0)
        return prc;
    uint32_t first = as_targets_get(o->targets, 0);
    int rc = as_netif_lookup(&s->nif, o->iface, o->src_ip, first, err, errlen);
    if (rc == 0 && s->nif.gateway == 0) {
        uint32_t other = routed_probe_ip(s, &s->nif);
        if (!as_netif_onlink(&s->nif, other))
            rc = as_netif_lookup(&s->nif, o->iface, o->src_ip, other, err, errlen);
    }
    return rc;
}

static int setup_network(as_scanner *s, char *err, size_t errlen)
{
    const as_scan_opts *o = s->o;
    /* Nothing of the real wire is opened: a simulated network, a dry run, --offline. */
    int real = s->io.send == NULL && s->dryrun == NULL && !o->offline;
    int rc = lookup_interface(s, err, errlen);
    if (rc != 0)
        return rc;
    uint16_t rnd = 0;
    if (getrandom(&rnd, sizeof rnd, 0) != sizeof rnd)
        rnd = (uint16_t)getpid();
    memcpy(s->ctx.src_mac, s->nif.mac, 6);
    s->ctx.src_ip = s->nif.src_ip;
    s->ctx.src_port = (uint16_t)(32768 + (o->seed ? o->seed : rnd) % 28000) & 0xfff8;
    s->ctx.ttl = 64;
    as_cookie_key_init(&s->ctx.key, o->seed);
    for (size_t i = 0; as_probe_kinds[i] != NULL; i++) {
        const as_probe_kind *k = as_probe_kinds[i];
        s->kind[k->id] = k;
        if (k->prepare(&s->tmpl[k->id], &s->ctx, err, errlen) != 0)
            return -AS_ERR_FAIL;
    }
    if (s->dryrun != NULL)
        as_txsock_open_sink(&s->tx, as_dryrun_send, s->dryrun);
    else if (s->io.send != NULL)
        as_txsock_open_sink(&s->tx, s->io.send, s->io.impl);
    else if ((rc = as_txsock_open(&s->tx, s->nif.ifindex, s->nif.name, o->offline, err, errlen)) != 0)
        return rc;
    if (as_ring_init(&s->ring, 1 << 14, sizeof(as_result)) != 0) {
        snprintf(err, errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    if (!real)
        as_capture_attach(&s->cap, &s->ctx, &s->ring, AS_DLT_EN10MB);
    else if ((rc = as_capture_open(&s->cap, s->nif.name, &s->ctx, &s->ring, err, errlen)) != 0)
        return rc;
    if (o->os_detect) {
        s->osdb_nmap_ts = as_scan_os_db_is_nmaps(o->osdb);
        s->os_max_jobs = o->os_parallel ? o->os_parallel : AS_OS_DEFAULT_JOBS;
        s->os_tmpl = malloc(sizeof *s->os_tmpl);
        if (s->os_tmpl == NULL || as_osprobe_prepare(s->os_tmpl, &s->ctx, err, errlen) != 0) {
            if (s->os_tmpl == NULL)
                snprintf(err, errlen, "out of memory");
            return -AS_ERR_FAIL;
        }
        if (as_ring_init(&s->os_frames, 4096, sizeof(as_frame)) != 0) {
            snprintf(err, errlen, "out of memory");
            return -AS_ERR_FAIL;
        }
        s->cap.os_frames = &s->os_frames;
    }
    if (real && s->nif.gateway != 0 && !s->nif.have_gw_mac && (rc = resolve_gateway(s, err, errlen)) != 0)
        return rc;
    /* Everything privileged is open: give the rights up before any reply is parsed. A
     * simulated network opened nothing, and a test process keeps its own rights. */
    if (s->io.nif == NULL && as_drop_privileges(err, errlen) != 0)
        return -AS_ERR_PERM;
    if (real && (rc = as_capture_start(&s->cap, err, errlen)) != 0)
        return rc;
    char src[16], gw[16];
    ip_str(s->nif.src_ip, src, sizeof src);
    ip_str(s->nif.gateway, gw, sizeof gw);
    const uint8_t *m = s->nif.gw_mac;
    as_scan_log(s, 1, "net", "interface %s, source %s port %u, gateway %s (%02x:%02x:%02x:%02x:%02x:%02x)%s",
                s->nif.name, src, s->ctx.src_port, s->nif.gateway ? gw : "none", m[0], m[1], m[2], m[3],
                m[4], m[5], o->offline ? ", offline: nothing is sent" : o->dry_run ? ", dry run: nothing is sent" : "");
    return 0;
}

static int setup_state(as_scanner *s, char *err, size_t errlen)
{
    const as_scan_opts *o = s->o;
    s->naddr = as_targets_count(o->targets);
    s->port_index = calloc(2 * 65536, sizeof *s->port_index);
    s->port_records = calloc(o->nports ? o->nports : 1, sizeof *s->port_records);
    if (s->port_index == NULL || s->port_records == NULL ||
        build_slots(s) != 0 || as_hosttab_init(&s->hosts, o->nports) != 0) {
        snprintf(err, errlen, "out of memory (or nothing to probe)");
        return -AS_ERR_FAIL;
    }
    for (size_t i = 0; i < o->nports; i++)
        s->port_index[(as_scan_port_is_udp(s, i) ? 65536u : 0u) + o->ports[i]] = (uint32_t)i + 1;
    as_permute_init(&s->perm, s->naddr * s->nslots, o->seed ? o->seed : s->ctx.key.k0);
    s->port_perm_host = -1;
    as_reasons_init(&s->reasons);
    /* Liveness sends two different probes per address; one retry pass for the silent ones
     * makes losing all four very unlikely. -Pn sweeps every (address, port) and then once
     * more for the addresses that answered nothing (a host with one answering port must
     * not vanish with one lost reply); the unanswered ports of addresses that did answer
     * are retried one by one, statefully, afterwards. */
    s->passes = 1 + (unsigned)(o->max_retries > 0 ? 1 : 0);
    s->shard_k = o->shard_n > 1 ? o->shard_k : 0;
    s->shard_n = o->shard_n > 1 ? o->shard_n : 1;
    s->cursor = s->shard_k;
    /* Offline nothing can answer, so there is nothing to wait for. */
    if (o->offline || o->dry_run)
        as_rtt_init(&s->rtt, 0, 0, 0);
    else
        as_rtt_init(&s->rtt, o->initial_rtt_us, o->min_rtt_us, o->max_rtt_us);
    if (o->resolve && as_dns_open(&s->dns, o->dns_servers, 1000, 2, err, errlen) != 0)
        return -AS_ERR_USAGE;
    return 0;
}

static int loop_done(as_scanner *s, uint64_t now)
{
    uint64_t timeout = as_rtt_timeout(&s->rtt);
    if (s->stopping) {
        if (now < s->stop_us + timeout)
            return 0;
        return as_dns_pending(s->dns) == 0 || now >= s->stop_us + timeout + STOP_DNS_GRACE_US;
    }
    return !as_scan_sweep_pending(s, now) && s->sendq.count == 0 && s->waitq.count == 0 && s->retryq.count == 0 &&
           s->os_nactive == 0 && s->os_waiting.count == 0 && as_dns_pending(s->dns) == 0;
}

static int run_loop(as_scanner *s)
{
    as_ratelimit_init(&s->rl, s->o->max_rate, as_scan_now(s));
    s->cur_rate = s->o->max_rate;
    for (;;) {
        if (s->io.receive != NULL)
            s->io.receive(s->io.impl, &s->cap);
        uint64_t now = as_scan_now(s);
        as_result r;
        unsigned got = 0;
        while (got < 4096 && as_ring_pop(&s->ring, &r)) {
            as_scan_handle(s, &r);
            got++;
        }
        if (s->dns != NULL)
            as_dns_process(s->dns, 0);
        if (s->os_frames.slots != NULL)
            as_scan_os_replies(s);
        if (!s->stopping && s->o->interrupted != NULL && *s->o->interrupted) {
            s->stopping = 1;
            s->stop_us = now;
        }
        unsigned sent = 0;
        if (!s->stopping) {
            as_scan_congestion(s, now);
            as_scan_requeue_pn(s, now);
            as_scan_expire(s, now);
            unsigned budget = as_ratelimit_take(&s->rl, now, AS_TX_BATCH);
            sent = as_scan_fill_batch(s, now, budget);
            as_ratelimit_refund(&s->rl, budget - sent);
            as_txsock_flush(&s->tx);
        }
        if (now - s->last_flush_us >= FLUSH_EVERY_US && as_scan_flush(s) != 0)
            return -AS_ERR_DB;
        as_progress_update(s, now, 0);
        if (loop_done(s, now)) {
            as_scan_log(s, 1, "scan", "done: %llu probes, %llu replies, %llu hosts up, timeout %.0f ms, "
                        "%llu loss signals, %llu send errors, %llu ring drops",
                        (unsigned long long)s->tx.sent, (unsigned long long)s->replies,
                        (unsigned long long)s->hosts_up, as_rtt_timeout(&s->rtt) / 1000.0,
                        (unsigned long long)s->loss_signals, (unsigned long long)s->tx.errors,
                        (unsigned long long)atomic_load(&s->ring.dropped));
            as_scan_log(s, 1, "recv", "%llu frames captured, %llu answers accepted, %llu rejected "
                        "(not answers to our probes: wrong cookie, stale, forged or malformed)",
                        (unsigned long long)atomic_load(&s->cap.packets),
                        (unsigned long long)atomic_load(&s->cap.accepted),
                        (unsigned long long)atomic_load(&s->cap.rejected));
            if (s->o->os_detect)
                as_scan_log(s, 1, "os", "%llu jobs started, %llu finished, %llu replies late or without our "
                            "keyed numbers", (unsigned long long)s->os_started, (unsigned long long)s->os_finished,
                            (unsigned long long)s->os_unmatched);
            uint64_t lost = s->sendq.failed + s->waitq.failed + s->retryq.failed + s->doneq.failed +
                            s->port_slot_failures;
            if (lost > 0)
                as_scan_log(s, 0, "scan", "warning: %llu work items could not be queued (out of memory); "
                            "ports never asked are not reported", (unsigned long long)lost);
            return 0;
        }
        if (sent == 0 && got == 0) {
            uint64_t wait = as_ratelimit_wait_us(&s->rl);
            s->io.sleep_us(s->io.impl, wait > 0 && wait < 1000 ? wait : 500);
        }
    }
}

static void teardown(as_scanner *s)
{
    as_capture_close(&s->cap);
    as_txsock_close(&s->tx);
    as_dns_close(s->dns);
    s->dns = NULL;
    as_ring_free(&s->ring);
    as_ring_free(&s->os_frames);
    free(s->os_tmpl);
    as_dryrun_close(s->dryrun);
    s->dryrun = NULL;
    free(s->os_heap);
    as_fifo_free(&s->os_waiting);
    as_hosttab_free(&s->hosts);
    as_fifo_free(&s->sendq);
    as_fifo_free(&s->waitq);
    as_fifo_free(&s->retryq);
    as_fifo_free(&s->doneq);
    free(s->slots);
    free(s->port_index);
    free(s->port_records);
    as_scan_identify_free(s);
}

int as_scan_run(const as_scan_opts *o, as_scan_summary *sum, char *err, size_t errlen)
{
    as_scanner *s = calloc(1, sizeof *s);
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return -AS_ERR_FAIL;
    }
    memset(sum, 0, sizeof *sum);
    s->o = o;
    s->sum = sum;
    s->tx.fd = -1;
    int rc = setup_io(s, err, errlen);
    s->started_us = as_scan_now(s);
    if (rc == 0)
        rc = setup_network(s, err, errlen);
    if (rc == 0)
        rc = setup_state(s, err, errlen);
    if (rc == 0 && o->store != NULL) {
        s->scan_id = as_store_begin_scan(o->store, as_targets_describe(o->targets),
                                         o->options_text ? o->options_text : "", as_wall_time(), err, errlen);
        if (s->scan_id < 0)
            rc = -AS_ERR_DB;
    }
    if (rc == 0) {
        sum->scan_id = s->scan_id;
        rc = run_loop(s);
        as_progress_update(s, as_scan_now(s), 1);
        if (rc == 0) {
            /* Answers still in flight can no longer change anything stored. */
            as_dns_close(s->dns);
            s->dns = NULL;
            as_scan_finish_hosts(s);
            if (as_scan_flush(s) != 0 || as_scan_firewall_groups(s) != 0)
                rc = -AS_ERR_DB;
            else if (!s->stopping && as_scan_identify(s) != 0)
                rc = -AS_ERR_DB;
            else if (!s->stopping)
                as_scan_store_liveness(s);
        }
        if (rc == -AS_ERR_DB)
            snprintf(err, errlen, "%s", s->store_err);
        sum->addresses = s->naddr;
        sum->source_ip = s->nif.src_ip;
        sum->probes_sent = s->tx.sent;
        sum->replies = s->replies;
        sum->hosts_up = s->hosts_up;
        sum->port_hosts_peak = s->hosts.with_slots_peak;
        sum->interrupted = s->stopping;
        sum->seconds = (double)(as_scan_now(s) - s->started_us) / 1e6;
        as_scan_stats st = {s->naddr, s->hosts_up, s->tx.sent, s->replies};
        /* A store that stopped taking writes (full or read-only disk) cut the scan short:
         * what it holds is true but incomplete, as after a signal. */
        enum as_scan_status status = rc == -AS_ERR_DB || s->stopping ? AS_SCAN_INTERRUPTED
                                     : rc != 0 ? AS_SCAN_FAILED : AS_SCAN_COMPLETE;
        char e2[256];
        if (o->store != NULL && as_store_end_scan(o->store, s->scan_id, status, as_wall_time(), &st, e2, sizeof e2) != 0 && rc == 0) {
            snprintf(err, errlen, "%s", e2);
            rc = -AS_ERR_DB;
        }
        if (rc == 0 && s->stopping)
            rc = AS_ERR_INTERRUPTED;
    }
    teardown(s);
    free(s);
    return rc;
}
