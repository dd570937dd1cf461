/* simnet.c — the simulated network (see simnet.h): decodes each frame the scan sends,
 * answers from the truth table as a Linux stack would, and delivers the answers through
 * the real validation path once the fake clock reaches their arrival time. */
#include "engine/simnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capture.h"
#include "probes/packet.h"
#include "probes/portstate.h"
#include "probes/splitmix.h"
#include "probes/vec.h"

#define SIM_FRAME 420
#define ETH 14
#define MAX_DELIVER 4096    /* per loop turn: the scan's ring holds 16384 */

typedef struct sim_port {
    uint32_t port;          /* UDP ports are SIM_UDP + port */
    uint8_t state;
} sim_port;

#define SIM_UDP 0x10000u

typedef struct sim_host {
    uint32_t ip;
    unsigned flags;
    uint8_t default_state, ttl;
    sim_port *ports;
    size_t nports, cap;
    int sorted;
} sim_host;

typedef struct sim_reply {
    uint64_t due_us;
    uint64_t order;         /* equal times leave in the order they were made */
    uint16_t len;
    uint8_t bytes[SIM_FRAME];
} sim_reply;

typedef struct half_open {
    uint32_t ip;
    uint16_t sport, dport;
    uint64_t last_us;       /* when the last SYN/ACK for it left */
} half_open;

struct as_sim {
    as_sim_config cfg;
    as_netif nif;
    as_netio io;
    uint64_t now_us;
    uint64_t rng;
    sim_host *hosts;
    size_t nhosts, hcap;
    int hosts_sorted;
    sim_reply *heap;        /* min-heap on (due_us, order) */
    size_t nheap, heapcap;
    uint64_t order;
    half_open *half;
    size_t nhalf, halfcap;
    as_sim_sent *sent;
    size_t nsent, sentcap;
    uint64_t interrupt_after;
    volatile sig_atomic_t *interrupt_flag;
    uint16_t icmp_id;
    as_sim_stats st;
};

static double draw(as_sim *sim)
{
    return (double)(as_splitmix64(&sim->rng) >> 11) / 9007199254740992.0;
}

static int lost(as_sim *sim, double extra)
{
    if (sim->cfg.loss_until_us != 0 && sim->now_us >= sim->cfg.loss_until_us)
        return 0;
    return (sim->cfg.loss > 0 && draw(sim) < sim->cfg.loss) || (extra > 0 && draw(sim) < extra);
}

/* The heap of answers in flight. */
static int earlier(const sim_reply *a, const sim_reply *b)
{
    return a->due_us < b->due_us || (a->due_us == b->due_us && a->order < b->order);
}

static void swap_replies(sim_reply *a, sim_reply *b)
{
    sim_reply t = *a;
    *a = *b;
    *b = t;
}

static sim_reply *heap_push(as_sim *sim, uint64_t due)
{
    if (AS_VEC_RESERVE(sim->heap, sim->heapcap, sim->nheap + 1) != 0)
        return NULL;
    size_t i = sim->nheap++;
    sim->heap[i].due_us = due;
    sim->heap[i].order = sim->order++;
    return &sim->heap[i];
}

/* Called once the new last element is filled in. */
static void heap_up(as_sim *sim)
{
    for (size_t i = sim->nheap - 1; i > 0;) {
        size_t parent = (i - 1) / 2;
        if (!earlier(&sim->heap[i], &sim->heap[parent]))
            break;
        swap_replies(&sim->heap[i], &sim->heap[parent]);
        i = parent;
    }
}

static void heap_pop(as_sim *sim)
{
    sim->heap[0] = sim->heap[--sim->nheap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < sim->nheap && earlier(&sim->heap[l], &sim->heap[m]))
            m = l;
        if (r < sim->nheap && earlier(&sim->heap[r], &sim->heap[m]))
            m = r;
        if (m == i)
            break;
        swap_replies(&sim->heap[i], &sim->heap[m]);
        i = m;
    }
}

/* The truth table. */
static int by_ip(const void *a, const void *b)
{
    uint32_t x = ((const sim_host *)a)->ip, y = ((const sim_host *)b)->ip;
    return x < y ? -1 : x > y;
}

static int by_port(const void *a, const void *b)
{
    uint32_t x = ((const sim_port *)a)->port, y = ((const sim_port *)b)->port;
    return x < y ? -1 : x > y;
}

static sim_host *find_host(as_sim *sim, uint32_t ip)
{
    if (sim->nhosts == 0)
        return NULL;
    if (!sim->hosts_sorted) {
        qsort(sim->hosts, sim->nhosts, sizeof *sim->hosts, by_ip);
        sim->hosts_sorted = 1;
    }
    sim_host key = {.ip = ip};
    return bsearch(&key, sim->hosts, sim->nhosts, sizeof *sim->hosts, by_ip);
}

static const sim_port *find_port(sim_host *h, uint32_t port)
{
    if (h->nports == 0)
        return NULL;
    if (!h->sorted) {
        qsort(h->ports, h->nports, sizeof *h->ports, by_port);
        h->sorted = 1;
    }
    sim_port key = {.port = port};
    return bsearch(&key, h->ports, h->nports, sizeof *h->ports, by_port);
}

static uint8_t port_state(sim_host *h, uint32_t port)
{
    const sim_port *p = find_port(h, port);
    return p ? p->state : h->default_state;
}

/* Reply frames: Ethernet from the gateway, IPv4 from the host to the scanner. */
static size_t put_ip(const as_sim *sim, uint8_t *f, const sim_host *h, uint8_t proto, size_t l4len,
                     uint16_t id, int df)
{
    memcpy(f, sim->nif.mac, 6);
    memcpy(f + 6, sim->nif.gw_mac, 6);
    as_put16(f + 12, 0x0800);
    uint8_t *ip = f + ETH;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    as_put16(ip + 2, (uint16_t)(20 + l4len));
    as_put16(ip + 4, id);
    as_put16(ip + 6, df ? 0x4000 : 0);
    ip[8] = h->ttl;
    ip[9] = proto;
    as_put32(ip + 12, h->ip);
    as_put32(ip + 16, sim->nif.src_ip);
    as_put16(ip + 10, as_inet_checksum(ip, 20, 0));
    return ETH + 20 + l4len;
}

static size_t tcp_reply(as_sim *sim, uint8_t *f, const sim_host *h, const as_packet *p, uint8_t flags,
                        uint32_t seq, uint32_t ack, int with_opts)
{
    uint8_t opts[20] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 7};
    size_t optlen = with_opts ? sizeof opts : 0;
    as_put32(opts + 8, (uint32_t)(sim->now_us / 1000) + h->ip);    /* TSval, 1 kHz */
    uint8_t *tcp = f + ETH + 20;
    memset(tcp, 0, 20);
    as_put16(tcp, p->dport);
    as_put16(tcp + 2, p->sport);
    as_put32(tcp + 4, seq);
    as_put32(tcp + 8, ack);
    tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4);
    tcp[13] = flags;
    as_put16(tcp + 14, flags & AS_TH_RST ? 0 : 64240);
    memcpy(tcp + 20, opts, optlen);
    size_t len = put_ip(sim, f, h, 6, 20 + optlen, 0, 1);
    uint32_t pseudo = as_pseudo_header_sum(h->ip, sim->nif.src_ip, 6, (uint16_t)(20 + optlen));
    as_put16(tcp + 16, as_inet_checksum(tcp, 20 + optlen, pseudo));
    return len;
}

/* ICMP: an echo reply carries the request's identifier, sequence and data; an error
 * quotes the probe's IP header and as much of its data as fits (Linux: up to 576 bytes). */
static size_t icmp_reply(as_sim *sim, uint8_t *f, const sim_host *h, const uint8_t *probe, size_t plen,
                         uint8_t type, uint8_t code)
{
    const uint8_t *pip = probe + ETH;
    size_t iplen = as_get16(pip + 2), ihl = (size_t)(pip[0] & 15) * 4;
    if (iplen > plen - ETH)
        iplen = plen - ETH;
    uint8_t *icmp = f + ETH + 20;
    size_t l4len;
    if (type == 0) {
        l4len = iplen - ihl;
        memcpy(icmp, pip + ihl, l4len);
        icmp[0] = 0;
    } else {
        size_t quote = iplen;
        if (quote > SIM_FRAME - ETH - 20 - 8)
            quote = SIM_FRAME - ETH - 20 - 8;
        memset(icmp, 0, 8);
        icmp[0] = type;
        icmp[1] = code;
        memcpy(icmp + 8, pip, quote);
        l4len = 8 + quote;
    }
    as_put16(icmp + 2, 0);
    as_put16(icmp + 2, as_inet_checksum(icmp, l4len, 0));
    return put_ip(sim, f, h, 1, l4len, sim->icmp_id++, 0);
}

/* An answering UDP service: a datagram back that starts with the request's first two bytes
 * (NBSTAT's and DNS's transaction id), as a real responder's would. */
static size_t udp_reply(as_sim *sim, uint8_t *f, const sim_host *h, const as_packet *p)
{
    uint8_t *udp = f + ETH + 20;
    uint8_t data[8] = {0, 0, 0x84, 0, 0, 0, 0, 1};
    if (p->payload_len >= 2)
        memcpy(data, p->payload, 2);
    as_put16(udp, p->dport);
    as_put16(udp + 2, p->sport);
    as_put16(udp + 4, 8 + sizeof data);
    as_put16(udp + 6, 0);
    memcpy(udp + 8, data, sizeof data);
    return put_ip(sim, f, h, 17, 8 + sizeof data, 0, 1);
}

/* A UDP datagram: a port set with as_sim_set_udp_port answers as its state says; any other
 * is closed unless the host's TCP table filters it (the OS probe U1 relies on that). */
static size_t answer_udp(as_sim *sim, uint8_t *out, sim_host *h, const uint8_t *frame, size_t flen,
                         const as_packet *p)
{
    const sim_port *sp = find_port(h, SIM_UDP + p->dport);
    uint8_t st = sp ? sp->state : port_state(h, p->dport) == AS_PORT_FILTERED ? AS_PORT_FILTERED : AS_PORT_CLOSED;
    if (st == AS_PORT_OPEN)
        return udp_reply(sim, out, h, p);
    if (st == AS_PORT_CLOSED)
        return icmp_reply(sim, out, h, frame, flen, 3, 3);
    if (st == AS_SIM_UNREACH)
        return icmp_reply(sim, out, h, frame, flen, 3, 13);
    return 0;
}

/* A SYN to an open port leaves a half-open connection when its SYN/ACK is lost (the
 * scanner's kernel resets it otherwise); Linux answers a duplicate SYN for it at most
 * once per dup_syn_gap_us. 1 if this SYN is answered. */
static int syn_answered(as_sim *sim, uint32_t ip, const as_packet *p)
{
    uint64_t gap = sim->cfg.dup_syn_gap_us ? sim->cfg.dup_syn_gap_us : 500000;
    for (size_t i = 0; i < sim->nhalf; i++) {
        half_open *ho = &sim->half[i];
        if (ho->ip != ip || ho->sport != p->sport || ho->dport != p->dport)
            continue;
        if (sim->now_us < ho->last_us + gap) {
            sim->st.dup_syn_ignored++;
            return 0;
        }
        ho->last_us = sim->now_us;
        return 1;
    }
    return 1;
}

static void note_half_open(as_sim *sim, uint32_t ip, const as_packet *p)
{
    for (size_t i = 0; i < sim->nhalf; i++)
        if (sim->half[i].ip == ip && sim->half[i].sport == p->sport && sim->half[i].dport == p->dport)
            return;
    half_open ho = {ip, p->sport, p->dport, sim->now_us};
    AS_VEC_PUSH(sim->half, sim->nhalf, sim->halfcap, ho);
}

/* What a Linux host answers to a TCP segment; 0 if nothing. */
static size_t answer_tcp(as_sim *sim, uint8_t *out, sim_host *h, const uint8_t *frame, size_t flen,
                         const as_packet *p, int *synack)
{
    uint8_t state = port_state(h, p->dport);
    uint8_t fl = p->flags;
    if (state == AS_PORT_FILTERED || (fl & AS_TH_RST))
        return 0;
    if (state == AS_SIM_UNREACH)
        return icmp_reply(sim, out, h, frame, flen, 3, 13);
    if (fl & AS_TH_ACK)     /* no connection: RST with the segment's ack as sequence */
        return tcp_reply(sim, out, h, p, AS_TH_RST, p->ack, 0, 0);
    if (state == AS_PORT_OPEN) {
        if (!(fl & AS_TH_SYN))
            return 0;       /* a bare FIN or a null segment to a listener: dropped */
        if (!syn_answered(sim, h->ip, p))
            return 0;
        *synack = 1;
        uint32_t isn = (uint32_t)(h->ip * 2654435761u) ^ ((uint32_t)p->sport << 16 | p->dport);
        return tcp_reply(sim, out, h, p, AS_TH_SYN | AS_TH_ACK, isn, p->seq + 1, 1);
    }
    /* Closed: RST acking what the segment occupied. */
    uint32_t span = (fl & AS_TH_SYN ? 1u : 0u) + (fl & AS_TH_FIN ? 1u : 0u) + (uint32_t)p->payload_len;
    return tcp_reply(sim, out, h, p, AS_TH_RST | AS_TH_ACK, 0, p->seq + span, 0);
}

static void log_sent(as_sim *sim, const as_packet *p, int was_lost)
{
    as_sim_sent e = {
        .t_us = sim->now_us, .dst = p->l4 == AS_L4_ARP ? p->arp_tpa : p->ip_dst, .sport = p->sport,
        .dport = p->dport, .l4 = (uint8_t)p->l4, .flags = p->flags, .icmp_type = p->icmp_type,
        .lost = (uint8_t)was_lost, .seq = p->seq, .ack = p->ack,
    };
    AS_VEC_PUSH(sim->sent, sim->nsent, sim->sentcap, e);
}

static void one_frame(as_sim *sim, const uint8_t *frame, size_t len)
{
    as_packet p;
    if (as_decode_frame(frame, len, AS_DLT_EN10MB, &p) != 0)
        return;
    sim->st.probes++;
    int probe_lost = lost(sim, 0);
    log_sent(sim, &p, probe_lost);
    if (probe_lost) {
        sim->st.probes_lost++;
        return;
    }
    if (p.l4 == AS_L4_ARP)
        return;     /* the simulated targets are all behind the gateway */
    sim_host *h = find_host(sim, p.ip_dst);
    if (h == NULL)
        return;
    uint8_t out[SIM_FRAME];
    size_t n = 0;
    int synack = 0;
    if (p.l4 == AS_L4_TCP)
        n = answer_tcp(sim, out, h, frame, len, &p, &synack);
    else if (p.l4 == AS_L4_ICMP && p.icmp_type == 8 && (h->flags & AS_SIM_ECHO))
        n = icmp_reply(sim, out, h, frame, len, 0, 0);
    else if (p.l4 == AS_L4_UDP)
        n = answer_udp(sim, out, h, frame, len, &p);
    if (n == 0)
        return;
    sim->st.answers++;
    if (lost(sim, sim->cfg.answer_loss)) {
        sim->st.answers_lost++;
        if (synack)
            note_half_open(sim, h->ip, &p);
        return;
    }
    sim_reply *r = heap_push(sim, sim->now_us + sim->cfg.rtt_us);
    if (r == NULL)
        return;
    memcpy(r->bytes, out, n);
    r->len = (uint16_t)n;
    heap_up(sim);
}

static unsigned sim_send(void *impl, uint8_t (*frames)[AS_FRAME_MAX], const size_t *lens, unsigned n)
{
    as_sim *sim = impl;
    for (unsigned i = 0; i < n; i++)
        one_frame(sim, frames[i], lens[i]);
    if (sim->interrupt_flag != NULL && sim->nsent >= sim->interrupt_after)
        *sim->interrupt_flag = 1;
    return n;
}

static void sim_receive(void *impl, as_capture *rx)
{
    as_sim *sim = impl;
    for (unsigned k = 0; k < MAX_DELIVER && sim->nheap > 0 && sim->heap[0].due_us <= sim->now_us; k++) {
        as_capture_frame(rx, sim->heap[0].bytes, sim->heap[0].len, sim->heap[0].due_us);
        heap_pop(sim);
    }
}

static uint64_t sim_now(void *impl)
{
    return ((as_sim *)impl)->now_us;
}

static void sim_sleep(void *impl, uint64_t us)
{
    ((as_sim *)impl)->now_us += us;
}

as_sim *as_sim_new(const as_sim_config *cfg)
{
    as_sim *sim = calloc(1, sizeof *sim);
    if (sim == NULL)
        return NULL;
    sim->cfg = *cfg;
    sim->rng = cfg->seed ? cfg->seed : 1;
    sim->now_us = 1000000;      /* not zero: the scan treats 0 as "never" */
    snprintf(sim->nif.name, sizeof sim->nif.name, "sim0");
    sim->nif.ifindex = 1;
    memcpy(sim->nif.mac, "\x02\x00\x00\x00\x00\x02", 6);
    sim->nif.addr = sim->nif.src_ip = 0xc6130002;       /* 198.19.0.2 */
    sim->nif.netmask = 0xffffff00;
    sim->nif.gateway = 0xc6130001;
    sim->nif.have_gw_mac = 1;
    memcpy(sim->nif.gw_mac, "\x02\x00\x00\x00\x00\x01", 6);
    sim->nif.mtu = 1500;
    sim->io = (as_netio){sim, sim_now, sim_sleep, sim_send, sim_receive, &sim->nif};
    return sim;
}

void as_sim_free(as_sim *sim)
{
    if (sim == NULL)
        return;
    for (size_t i = 0; i < sim->nhosts; i++)
        free(sim->hosts[i].ports);
    free(sim->hosts);
    free(sim->heap);
    free(sim->half);
    free(sim->sent);
    free(sim);
}

int as_sim_add_host(as_sim *sim, uint32_t ip, unsigned flags, uint8_t default_state, uint8_t ttl)
{
    sim_host h = {.ip = ip, .flags = flags, .default_state = default_state, .ttl = ttl ? ttl : 64};
    sim->hosts_sorted = 0;
    return AS_VEC_PUSH(sim->hosts, sim->nhosts, sim->hcap, h);
}

int as_sim_set_port(as_sim *sim, uint32_t ip, uint16_t port, uint8_t state)
{
    sim_host *h = find_host(sim, ip);
    if (h == NULL)
        return -1;
    h->sorted = 0;
    sim_port p = {port, state};
    return AS_VEC_PUSH(h->ports, h->nports, h->cap, p);
}

int as_sim_set_udp_port(as_sim *sim, uint32_t ip, uint16_t port, uint8_t state)
{
    sim_host *h = find_host(sim, ip);
    if (h == NULL)
        return -1;
    h->sorted = 0;
    sim_port p = {SIM_UDP + port, state};
    return AS_VEC_PUSH(h->ports, h->nports, h->cap, p);
}

const as_netio *as_sim_netio(as_sim *sim)
{
    return &sim->io;
}

void as_sim_interrupt_after(as_sim *sim, uint64_t n, volatile sig_atomic_t *flag)
{
    sim->interrupt_after = n;
    sim->interrupt_flag = flag;
}

size_t as_sim_nsent(const as_sim *sim)
{
    return sim->nsent;
}

const as_sim_sent *as_sim_sent_at(const as_sim *sim, size_t i)
{
    return i < sim->nsent ? &sim->sent[i] : NULL;
}

uint64_t as_sim_now(const as_sim *sim)
{
    return sim->now_us;
}

as_sim_stats as_sim_get_stats(const as_sim *sim)
{
    return sim->st;
}
