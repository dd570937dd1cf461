/* capture.c — the receive side (see capture.h): as_capture_frame validates a frame from any
 * backend; the rest is the libpcap backend and its thread. Immediate mode so replies are not held
 * in the kernel buffer; a poll() timeout so the thread notices the stop flag. */
#include "engine/capture.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "engine/clock.h"
#include "db/record.h"
#include "probes/errors.h"
#include "fingerprints/os_tests.h"
#include "probes/osprobe.h"

int as_capture_frame(as_capture *c, const uint8_t *bytes, size_t caplen, uint64_t t_us)
{
    as_packet p;
    as_result res;
    atomic_fetch_add_explicit(&c->packets, 1, memory_order_relaxed);
    if (as_decode_frame(bytes, caplen, c->dlt, &p) != 0) {
        atomic_fetch_add_explicit(&c->rejected, 1, memory_order_relaxed);
        return 0;
    }
    if (c->os_frames != NULL && as_osprobe_reply_index(&p, c->ctx) >= 0) {
        as_frame *f = as_ring_reserve(c->os_frames);
        if (f != NULL) {
            f->len = (uint16_t)(caplen > AS_FRAME_CAP ? AS_FRAME_CAP : caplen);
            f->t_us = t_us;
            memcpy(f->bytes, bytes, f->len);
            as_ring_publish(c->os_frames);
        }
        return 1;
    }
    if (!as_classify(&p, c->ctx, &res)) {
        atomic_fetch_add_explicit(&c->rejected, 1, memory_order_relaxed);
        return 0;
    }
    res.t_us = t_us;
    if (p.l4 == AS_L4_TCP && res.kind == AS_RES_PORT && res.state == AS_PORT_OPEN) {
        res.win = p.win;
        res.df = (uint8_t)p.df;
        as_os_options_string(p.tcp_opts, p.tcp_opts_len, res.opts, sizeof res.opts);
    }
    if (!res.has_mac && p.eth_src[0] | p.eth_src[1] | p.eth_src[2] | p.eth_src[3] | p.eth_src[4] | p.eth_src[5]) {
        /* The frame's source MAC is the replying host's only on its own segment; the scan
         * loop keeps it only for on-link targets. */
        memcpy(res.mac, p.eth_src, 6);
        res.has_mac = 2;
    }
    atomic_fetch_add_explicit(&c->accepted, 1, memory_order_relaxed);
    as_ring_push(c->ring, &res);
    return 1;
}

void as_capture_attach(as_capture *c, const as_probe_ctx *ctx, as_ring *ring, int dlt)
{
    memset(c, 0, sizeof *c);
    c->ctx = ctx;
    c->ring = ring;
    c->dlt = dlt;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
    as_capture_frame((as_capture *)user, bytes, h->caplen, as_now_us());
}

static int perm_error(int rc)
{
    return rc == PCAP_ERROR_PERM_DENIED ? -AS_ERR_PERM : -AS_ERR_IFACE;
}

int as_capture_open(as_capture *c, const char *ifname, const as_probe_ctx *ctx, as_ring *ring,
                    char *err, size_t errlen)
{
    char ebuf[PCAP_ERRBUF_SIZE] = "";
    as_capture_attach(c, ctx, ring, AS_DLT_EN10MB);
    pcap_t *p = pcap_create(ifname, ebuf);
    if (p == NULL) {
        snprintf(err, errlen, "cannot capture on %s: %s", ifname, ebuf);
        return -AS_ERR_IFACE;
    }
    pcap_set_snaplen(p, AS_FRAME_CAP);
    pcap_set_promisc(p, 0);
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, 8 << 20);
    pcap_set_timeout(p, 10);
    int rc = pcap_activate(p);
    if (rc < 0) {
        snprintf(err, errlen, "cannot capture on %s: %s%s", ifname, pcap_geterr(p),
                 rc == PCAP_ERROR_PERM_DENIED ? " (run as root or grant CAP_NET_RAW)" : "");
        pcap_close(p);
        return perm_error(rc);
    }
    c->pcap = p;
    c->dlt = pcap_datalink(p);
    /* Only what can answer us: ARP, ICMP, and TCP or UDP to our source ports, to our address.
     * (OS detection's UDP probe is answered by ICMP only.) */
    char filter[256];
    struct in_addr a = {htonl(ctx->src_ip)};
    snprintf(filter, sizeof filter,
             "arp or (dst host %s and (icmp or (tcp and dst portrange %u-%u) or (udp and dst portrange %u-%u)))",
             inet_ntoa(a), ctx->src_port, ctx->src_port + AS_OS_PORT_SPAN - 1,
             ctx->src_port + AS_UDP_PORT_BASE, ctx->src_port + AS_UDP_PORT_BASE + AS_UDP_PORT_SPAN - 1);
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0 || pcap_setfilter(p, &prog) < 0) {
        snprintf(err, errlen, "cannot set capture filter on %s: %s", ifname, pcap_geterr(p));
        pcap_close(p);
        c->pcap = NULL;
        return -AS_ERR_IFACE;
    }
    pcap_freecode(&prog);
    pcap_setdirection(p, PCAP_D_IN);
    /* libpcap 1.10 filters our own probes out in user space only; tell the kernel not to
     * copy them to this socket at all (Linux 4.20+; harmless where unsupported). */
    int one = 1;
    setsockopt(pcap_fileno(p), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    if (pcap_setnonblock(p, 1, ebuf) < 0) {
        snprintf(err, errlen, "cannot capture on %s: %s", ifname, ebuf);
        pcap_close(p);
        c->pcap = NULL;
        return -AS_ERR_IFACE;
    }
    return 0;
}

int as_capture_poll(as_capture *c, int timeout_ms)
{
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(c->pcap), .events = POLLIN};
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc > 0)
        pcap_dispatch(c->pcap, -1, on_packet, (u_char *)c);
    return rc;
}

static void *capture_main(void *arg)
{
    as_capture *c = arg;
    while (!atomic_load(&c->stop))
        as_capture_poll(c, 20);
    /* Whatever arrived before the stop still counts. */
    pcap_dispatch(c->pcap, -1, on_packet, (u_char *)c);
    return NULL;
}

int as_capture_start(as_capture *c, char *err, size_t errlen)
{
    atomic_store(&c->stop, 0);
    int rc = pthread_create(&c->thread, NULL, capture_main, c);
    if (rc != 0) {
        snprintf(err, errlen, "cannot start the receive thread: %s", strerror(rc));
        return -AS_ERR_FAIL;
    }
    c->running = 1;
    return 0;
}

void as_capture_close(as_capture *c)
{
    if (c->running) {
        atomic_store(&c->stop, 1);
        pthread_join(c->thread, NULL);
        c->running = 0;
    }
    if (c->pcap != NULL)
        pcap_close(c->pcap);
    c->pcap = NULL;
}
