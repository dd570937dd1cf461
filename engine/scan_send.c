/* scan_send.c — chooses what goes into the next transmit batch: first the port probes of
 * hosts that are known to be up (they are few and someone is waiting for them), then the
 * next entries of the sweep permutation. Also expires port probes that got no answer. */
#include "engine/scan_internal.h"

#include "db/record.h"

/* Skipping answered entries on retry passes is cheap, but bound it per call so that a
 * pass over a huge, mostly answered range still returns to the receive ring often. */
#define MAX_SKIPS_PER_FILL 65536

static const uint8_t *mac_for(const as_scanner *s, const as_host *h)
{
    if (h != NULL && (h->flags & AS_HOST_HAS_MAC))
        return h->mac;
    return s->nif.gw_mac;
}

static void emit(as_scanner *s, uint8_t probe, const uint8_t *mac, uint32_t ip, uint16_t port, unsigned attempt)
{
    const as_probe_kind *k = s->kind[probe];
    uint8_t *frame = as_txsock_slot(&s->tx);
    as_txsock_commit(&s->tx, k->make(&s->tmpl[probe], &s->ctx, frame, mac, ip, port, attempt));
}

/* A port probe of a live host: the one place that emits one, a SYN or the UDP probe by
 * the port's protocol (as_scan_port_probe). */
static void emit_port(as_scanner *s, const as_host *h, size_t pi, unsigned attempt)
{
    emit(s, as_scan_port_probe(s, pi), mac_for(s, h), h->ip, s->o->ports[pi], attempt);
}

/* A host's pass is sent: it times out from now (as_scan_expire). A host that cannot be
 * queued keeps its unanswered ports until the scan ends, then they are filtered. */
static void pass_sent(as_scanner *s, long hn, uint64_t now)
{
    s->hosts.hosts[hn].pass_sent_us = now;
    as_fifo_push(&s->waitq, AS_ITEM(hn, 0));
}

/* The next port of a host's cursor (the front of queue q): a pass over its unanswered
 * ports in a random order of their own, a keyed permutation, so no host sees its ports in
 * sequence. The host's port state appears with its first probe. 1 with *out the item to
 * send, or 0 (answered ports skipped count in *skips). */
static int next_from_cursor(as_scanner *s, as_fifo *q, uint64_t item, uint64_t now, uint64_t *out,
                            unsigned *skips)
{
    long hn = AS_ITEM_HOST(item);
    as_host *h = &s->hosts.hosts[hn];
    if (h->flags & AS_HOST_WRITTEN) {
        as_fifo_pop(q);     /* stored already: nothing left to ask */
        return 0;
    }
    if (h->ports == NULL && as_host_ports_alloc(&s->hosts, h) != 0) {
        /* No memory for its state: its ports are never asked, so never reported. */
        s->port_slot_failures++;
        as_fifo_pop(q);
        h->unknown = 0;
        as_scan_host_check_done(s, hn);
        return 0;
    }
    if (s->port_perm_host != hn) {
        as_permute_init(&s->port_perm, s->o->nports, s->ctx.key.k1 ^ h->ip);
        s->port_perm_host = hn;
    }
    int found = 0;
    while (h->next_port < s->o->nports && *skips <= MAX_SKIPS_PER_FILL) {
        uint64_t pi = as_permute_at(&s->port_perm, h->next_port++);
        if (!as_hostports_answered(h->ports, pi)) {
            *out = AS_ITEM(hn, pi);
            found = 1;
            break;
        }
        ++*skips;
    }
    if (h->next_port >= s->o->nports) {
        as_fifo_pop(q);
        pass_sent(s, hn, now);
    }
    return found;
}

/* A port probe of a live host; 1 if one was queued for sending. */
static int send_port_probe(as_scanner *s, uint64_t item, uint64_t now)
{
    as_host *h = &s->hosts.hosts[AS_ITEM_HOST(item)];
    size_t pi = AS_ITEM_PORT(item);
    if (h->ports == NULL)
        return 0;   /* stored already: a timing probe is moot */
    if (item & AS_ITEM_TIMING) {
        /* Not retried: without an answer the scan just keeps its current timeout. */
        emit_port(s, h, pi, 1);
        h->timing_sent_us = now;
        return 1;
    }
    if (as_hostports_answered(h->ports, pi))
        return 0;
    emit_port(s, h, pi, h->pass);
    /* Karn's rule: only an answer to a probe sent once measures the round trip. */
    if (h->pass == 0)
        as_sendtimes_note(&s->sendtimes, item, now);
    return 1;
}

/* The next item of a send or retry queue; 1 if a probe was queued for sending. */
static int send_from(as_scanner *s, as_fifo *q, uint64_t now, unsigned *skips)
{
    uint64_t item = as_fifo_front(q);
    if (item & AS_ITEM_CURSOR) {
        if (!next_from_cursor(s, q, item, now, &item, skips))
            return 0;
    } else {
        as_fifo_pop(q);
    }
    return send_port_probe(s, item, now);
}

static void advance_cursor(as_scanner *s, uint64_t now)
{
    s->cursor += s->shard_n;
    if (s->cursor < s->perm.n)
        return;
    s->cursor = s->shard_k;
    s->pass_end_us = now;
    as_scan_log(s, 1, "sweep", "pass %u of %u sent (%llu probes so far)", s->pass + 1, s->passes,
                (unsigned long long)s->tx.sent);
    if (++s->pass >= s->passes) {
        s->sweep_done = 1;
        s->last_sweep_us = now;
    }
}

/* The next sweep entry; 1 if a probe was queued, 0 if the entry was skipped. */
static int send_sweep_entry(as_scanner *s, uint64_t now)
{
    uint64_t v = as_permute_at(&s->perm, s->cursor);
    advance_cursor(s, now);
    uint64_t addr = v / s->nslots;
    const as_slot *slot = &s->slots[v % s->nslots];
    uint32_t ip = as_targets_get(s->o->targets, addr);
    long hn = as_hosttab_find(&s->hosts, ip);
    const as_host *h = hn >= 0 ? &s->hosts.hosts[hn] : NULL;

    if (as_netif_onlink(&s->nif, ip)) {
        /* On the local segment ARP is the liveness test (and gives the MAC); it takes
         * the first slot, and later passes ask only those that have not answered. */
        if (slot != &s->slots[0] || (h != NULL && (h->flags & AS_HOST_UP)))
            return 0;
        emit(s, AS_PROBE_ARP, NULL, ip, 0, s->pass);
        return 1;
    }
    /* A live host still gets its other liveness probe in the first pass (one more probe
     * per live host): which kinds it answers tells the deploy report what a firewall
     * blocks (scan_live.c). Later passes ask only the silent ones. */
    if (h != NULL && (h->flags & AS_HOST_UP) && s->pass > 0)
        return 0;
    emit(s, slot->probe, s->nif.gw_mac, ip, slot->port, s->pass);
    return 1;
}

int as_scan_sweep_pending(const as_scanner *s, uint64_t now)
{
    return !s->sweep_done || now < s->last_sweep_us + as_rtt_timeout(&s->rtt);
}

unsigned as_scan_fill_batch(as_scanner *s, uint64_t now, unsigned budget)
{
    unsigned n = as_scan_os_fill(s, now, budget), skips = 0;
    while (n < budget && !as_txsock_full(&s->tx) && skips <= MAX_SKIPS_PER_FILL) {
        if (s->retryq.count > 0) {
            n += (unsigned)send_from(s, &s->retryq, now, &skips);
            continue;
        }
        if (s->sendq.count > 0) {
            n += (unsigned)send_from(s, &s->sendq, now, &skips);
            continue;
        }
        if (s->sweep_done)
            break;
        /* A retry pass starts only once the last pass's replies have had time to come. */
        if (s->cursor == s->shard_k && s->pass > 0 && now < s->pass_end_us + as_rtt_timeout(&s->rtt))
            break;
        if (send_sweep_entry(s, now))
            n++;
        else
            skips++;
    }
    return n;
}

/* Hosts whose pass has timed out: another pass over their unanswered ports, or after the
 * last one (max_retries + 1 passes in all) those ports are filtered and the host is done. */
void as_scan_expire(as_scanner *s, uint64_t now)
{
    uint64_t timeout = as_rtt_timeout(&s->rtt);
    while (s->waitq.count > 0) {
        long hn = AS_ITEM_HOST(as_fifo_front(&s->waitq));
        as_host *h = &s->hosts.hosts[hn];
        if (h->ports != NULL && h->unknown > 0 && now < h->pass_sent_us + timeout)
            break;
        as_fifo_pop(&s->waitq);
        if (h->ports == NULL || h->unknown == 0)
            continue;   /* stored, or every port answered */
        if (h->pass < s->o->max_retries) {
            h->pass++;
            h->next_port = 0;
            if (as_fifo_push(&s->retryq, AS_ITEM(hn, 0) | AS_ITEM_CURSOR) == 0)
                continue;
        }
        h->flags |= AS_HOST_PORTS_FINAL;
        h->unknown = 0;
        as_scan_host_check_done(s, hn);
    }
}

void as_scan_requeue_pn(as_scanner *s, uint64_t now)
{
    if (!s->o->no_ping || s->pn_requeued || !s->sweep_done || now < s->last_sweep_us + as_rtt_timeout(&s->rtt))
        return;
    s->pn_requeued = 1;
    size_t queued = 0;
    for (size_t hn = 0; hn < s->hosts.count; hn++) {
        as_host *h = &s->hosts.hosts[hn];
        if (!(h->flags & AS_HOST_UP) || h->ports == NULL || h->unknown == 0)
            continue;
        /* The sweep sent the first probe of every port; these passes are retries. */
        h->pass = 1;
        h->next_port = 0;
        if (s->o->max_retries > 0 && as_fifo_push(&s->sendq, AS_ITEM(hn, 0) | AS_ITEM_CURSOR) == 0) {
            queued++;
            continue;
        }
        h->flags |= AS_HOST_PORTS_FINAL;
        h->unknown = 0;
        as_scan_host_check_done(s, (long)hn);
    }
    as_scan_log(s, 1, "sweep", "-Pn: silent ports of %zu of %llu answering hosts queued for retry", queued,
                (unsigned long long)s->hosts_up);
}

/* Congestion control, nmap's idea in a rate: an answer to a retransmission means a probe
 * or its answer was lost. Random loss of a few percent is not congestion and retries cover
 * it, so slow down by a quarter only when over the last LOSS_WINDOW answers more than
 * LOSS_CONGESTED of them needed a retransmission (at most once per timeout, never below
 * --min-rate); without loss, climb back by 5% of the maximum every 100 ms. */
#define LOSS_WINDOW 64
#define LOSS_CONGESTED 0.10

void as_scan_answer_seen(as_scanner *s, int retransmitted)
{
    s->window_answers++;
    s->window_losses += retransmitted != 0;
    if (s->window_answers < LOSS_WINDOW)
        return;
    s->window_congested = (double)s->window_losses / (double)s->window_answers > LOSS_CONGESTED;
    s->window_answers = s->window_losses = 0;
}

void as_scan_loss_signal(as_scanner *s, uint64_t now)
{
    s->loss_signals++;
    if (!s->window_congested || s->o->max_rate <= 0 || now < s->last_loss_us + as_rtt_timeout(&s->rtt))
        return;
    s->last_loss_us = now;
    double r = s->cur_rate * 0.75;
    double floor = s->o->min_rate > 0 ? s->o->min_rate : s->o->max_rate / 100;
    s->cur_rate = r < floor ? floor : r;
    as_ratelimit_set_rate(&s->rl, s->cur_rate);
    as_scan_log(s, 2, "rate", "loss seen: rate down to %.0f pps", s->cur_rate);
}

void as_scan_congestion(as_scanner *s, uint64_t now)
{
    if (s->o->max_rate <= 0 || s->cur_rate >= s->o->max_rate || now < s->last_raise_us + 100000)
        return;
    s->last_raise_us = now;
    s->cur_rate += s->o->max_rate * 0.05;
    if (s->cur_rate > s->o->max_rate)
        s->cur_rate = s->o->max_rate;
    as_ratelimit_set_rate(&s->rl, s->cur_rate);
}
