/* scan_reply.c — what a validated reply means for the scan: a host is up (queue its port
 * probes, ask DNS), a port has a state, a host is complete and can be stored. */
#include "engine/scan_internal.h"

#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "engine/clock.h"
#include "fingerprints/passive.h"

static void on_name(void *arg, uint32_t ip, const char *name)
{
    as_scanner *s = arg;
    long hn = as_hosttab_find(&s->hosts, ip);
    if (hn < 0)
        return;
    as_host *h = &s->hosts.hosts[hn];
    h->flags &= ~(uint32_t)AS_HOST_DNS_PENDING;
    if (name != NULL && h->name == NULL)
        h->name = strdup(name);
    as_scan_host_check_done(s, hn);
}

/* A live host's port probes: one cursor item in the send queue; scan_send.c makes the
 * probes from it, in a random order per host, when their turn comes. */
static void queue_ports(as_scanner *s, long hn)
{
    if (s->o->nports > 0 && as_fifo_push(&s->sendq, AS_ITEM(hn, 0) | AS_ITEM_CURSOR) != 0)
        s->hosts.hosts[hn].unknown = 0;     /* never asked, so nothing to report */
}

static void mark_up(as_scanner *s, long hn, const as_result *r)
{
    as_host *h = &s->hosts.hosts[hn];
    h->flags |= AS_HOST_UP;
    h->up_reason = r->reason;
    h->reply_ttl = r->ttl;
    s->hosts_up++;
    if (s->dns != NULL) {
        h->flags |= AS_HOST_DNS_PENDING;
        as_dns_lookup(s->dns, h->ip, on_name, s);
    }
}

static void take_mac(as_scanner *s, as_host *h, const as_result *r)
{
    /* A frame's source MAC is the host's own only when it is on our segment. */
    if (r->has_mac == 1 || (r->has_mac == 2 && as_netif_onlink(&s->nif, r->ip))) {
        memcpy(h->mac, r->mac, 6);
        h->flags |= AS_HOST_HAS_MAC;
    }
}

static void handle_host_up(as_scanner *s, const as_result *r)
{
    if (!as_targets_contains(s->o->targets, r->ip))
        return;
    if (r->probe == AS_PROBE_ARP && !as_netif_onlink(&s->nif, r->ip))
        return;
    int created;
    long hn = as_hosttab_add(&s->hosts, r->ip, &created);
    if (hn < 0)
        return;
    as_host *h = &s->hosts.hosts[hn];
    take_mac(s, h, r);
    as_scan_note_live(h, r->probe);
    if (h->flags & AS_HOST_UP)
        return;
    mark_up(s, hn, r);
    queue_ports(s, hn);
    as_scan_host_check_done(s, hn);
}

static void handle_port(as_scanner *s, const as_result *r)
{
    long hn = as_hosttab_find(&s->hosts, r->ip);
    if (hn < 0) {
        /* Without -Pn a port reply from a host that never passed liveness is stale. */
        if (!s->o->no_ping || !as_targets_contains(s->o->targets, r->ip))
            return;
        int created;
        hn = as_hosttab_add(&s->hosts, r->ip, &created);
        if (hn < 0)
            return;
        /* -Pn: every port of it is already asked, so its port state is needed at once. */
        if (as_host_ports_alloc(&s->hosts, &s->hosts.hosts[hn]) != 0) {
            s->port_slot_failures++;
            return;
        }
    }
    uint32_t pi = as_scan_port_slot(s, r->proto, r->port);
    if (pi == 0)
        return;
    as_host *h = &s->hosts.hosts[hn];
    /* No port state: its port probes have not started (a stale reply) or it is stored. */
    if (h->ports == NULL)
        return;
    take_mac(s, h, r);
    size_t idx = pi - 1;
    int answered = as_hostports_answered(h->ports, idx);
    if ((h->flags & AS_HOST_TIMING) && h->timing_port == idx && h->timing_sent_us != 0 &&
        r->t_us > h->timing_sent_us && answered) {
        h->flags &= ~(uint32_t)AS_HOST_TIMING;
        as_rtt_sample(&s->rtt, r->t_us - h->timing_sent_us);
        h->rtt_us = (int64_t)(r->t_us - h->timing_sent_us);
        return;
    }
    if (answered)
        return;
    /* Without memory for the answer the port is neither retried nor reported. */
    if (as_hostports_add(h->ports, idx, r->state, as_reasons_index(&s->reasons, r->reason), r->ttl) != 0)
        s->port_slot_failures++;
    h->unknown--;
    /* An answer during a retry pass came after a probe was lost (or late). */
    int retransmitted = h->pass > 0;
    as_scan_answer_seen(s, retransmitted);
    if (retransmitted)
        as_scan_loss_signal(s, r->t_us);
    uint64_t sent_us;
    if (!retransmitted && as_sendtimes_take(&s->sendtimes, AS_ITEM(hn, idx), &sent_us) && r->t_us > sent_us) {
        as_rtt_sample(&s->rtt, r->t_us - sent_us);
        if (h->rtt_us < 0)
            h->rtt_us = (int64_t)(r->t_us - sent_us);
    }
    if (r->state == AS_PORT_OPEN && r->proto == IPPROTO_TCP && h->os_passive == NULL) {
        as_passive_obs po = {.ttl = r->ttl, .df = r->df, .win = r->win};
        memcpy(po.opts, r->opts, sizeof r->opts);
        char guess[160];
        int conf = as_passive_guess(&po, guess, sizeof guess);
        if (conf > 0) {
            h->os_passive = strdup(guess);
            h->passive_conf = (uint8_t)conf;
        }
    }
    if (r->state == AS_PORT_OPEN || r->state == AS_PORT_CLOSED) {
        h->flags |= AS_HOST_ANSWERED_PORT;
        if (!(h->flags & AS_HOST_UP)) {
            mark_up(s, hn, r);
            /* The -Pn sweep keeps no send times, so ask this port once more, statefully:
             * its answer measures the round trip that paces retries and the cool-down. */
            if (s->o->no_ping && s->rtt.samples < 64) {
                h->timing_port = pi - 1;
                if (as_fifo_push(&s->sendq, AS_ITEM(hn, pi - 1) | AS_ITEM_TIMING) == 0)
                    h->flags |= AS_HOST_TIMING;
            }
        }
    }
    as_scan_host_check_done(s, hn);
}

void as_scan_handle(as_scanner *s, const as_result *r)
{
    s->replies++;
    if (r->kind == AS_RES_HOST_UP)
        handle_host_up(s, r);
    else if (r->kind == AS_RES_PORT)
        handle_port(s, r);
}

void as_scan_host_check_done(as_scanner *s, long hn)
{
    as_host *h = &s->hosts.hosts[hn];
    if ((h->flags & (AS_HOST_WRITTEN | AS_HOST_OS_PENDING)) || !(h->flags & AS_HOST_UP) || h->unknown > 0)
        return;
    /* Ports known: OS detection can start (it needs an open and ideally a closed port). */
    if (s->o->os_detect && !(h->flags & AS_HOST_OS_DONE) && !s->stopping) {
        if (as_scan_os_start(s, hn))
            return;
        h->flags |= AS_HOST_OS_DONE;
    }
    if (h->flags & AS_HOST_DNS_PENDING)
        return;
    /* If it cannot be queued now, as_scan_finish_hosts() stores it at the end. */
    if (as_fifo_push(&s->doneq, (uint64_t)hn) == 0)
        h->flags |= AS_HOST_WRITTEN;
}

void as_scan_finish_hosts(as_scanner *s)
{
    as_scan_os_abandon(s);
    for (size_t hn = 0; hn < s->hosts.count; hn++) {
        as_host *h = &s->hosts.hosts[hn];
        if ((h->flags & AS_HOST_WRITTEN) || !(h->flags & AS_HOST_UP))
            continue;
        /* A finished sweep has asked every port max_retries + 1 times; an interrupted
         * one leaves unasked ports unknown rather than claim they are filtered. */
        if (!s->stopping && h->ports != NULL) {
            h->flags |= AS_HOST_PORTS_FINAL;
            h->unknown = 0;
        }
        h->flags &= ~(uint32_t)AS_HOST_DNS_PENDING;
        if (as_fifo_push(&s->doneq, (uint64_t)hn) == 0)
            h->flags |= AS_HOST_WRITTEN;
        else if (as_scan_flush(s) == 0 && as_fifo_push(&s->doneq, (uint64_t)hn) == 0)
            h->flags |= AS_HOST_WRITTEN;    /* room made by storing what was queued */
    }
}
