/* probe.h — the probe kinds agentscan sends: each is a const struct of callbacks in its own
 * file (probe_*.c). A kind builds a template once, patches per-target fields, and decides
 * whether a decoded packet answers one of its probes, by the cookie the probe carried. */
#ifndef AS_PROBE_H
#define AS_PROBE_H

#include <stdint.h>
#include <stddef.h>

#include "probes/cookie.h"
#include "probes/packet.h"

#define AS_FRAME_MAX 384    /* the largest probe: OS detection U1, 14 + 20 + 8 + 300 */

enum as_probe_id {
    AS_PROBE_ICMP_ECHO = 1,
    AS_PROBE_TCP_ACK = 2,
    AS_PROBE_TCP_SYN = 3,
    AS_PROBE_ARP = 4,
    AS_PROBE_OS = 5,        /* OS detection (probes/osprobe.c), keyed per host */
    AS_PROBE_UDP = 6,       /* UDP port scan (probe_udp.c) */
    AS_PROBE_COUNT
};

/* Everything a probe needs to know about the scan, passed in (no globals). */
typedef struct as_probe_ctx {
    uint8_t src_mac[6];
    uint32_t src_ip;            /* host byte order */
    uint16_t src_port;          /* base source port; TCP kinds use base + their own offset */
    uint8_t ttl;
    as_cookie_key key;
} as_probe_ctx;

/* A frame with its constant bytes filled in once (Ethernet, IP, L4 header). */
typedef struct as_template {
    uint8_t bytes[AS_FRAME_MAX];
    size_t len;
    /* Constant bytes a kind keeps beside the frame: the UDP kind's SNMP GET, with the offset
     * of its 4-byte request id. */
    uint8_t aux[112];
    uint16_t aux_len, aux_mark;
} as_template;

enum as_result_kind {
    AS_RES_NONE = 0,    /* not ours, or a forged/stale reply */
    AS_RES_HOST_UP,     /* the target answered a liveness probe */
    AS_RES_PORT,        /* a port's state (and, if open/closed, that the host is up) */
    AS_RES_UNREACH,     /* an ICMP error about a liveness probe: says nothing of the host */
};

/* What a reply told us, small enough to pass through the receive ring by value. */
typedef struct as_result {
    uint8_t kind;           /* enum as_result_kind */
    uint8_t probe;          /* enum as_probe_id that it answers */
    uint8_t state;          /* enum as_port_state, for AS_RES_PORT */
    uint8_t ttl;            /* IP TTL of the reply */
    uint8_t proto;          /* IPPROTO_TCP for port results */
    uint8_t has_mac;
    uint16_t port;
    uint32_t ip;            /* the target the probe was sent to, host byte order */
    uint8_t mac[6];
    const char *reason;     /* static string: "syn-ack", "reset", "echo-reply", ... */
    uint16_t win;           /* TCP replies: window, DF and option layout, for the passive */
    uint8_t df;             /* OS guess (fingerprints/passive.c) */
    char opts[21];
    uint64_t t_us;          /* receive time (monotonic), filled by the capture loop */
} as_result;

typedef struct as_probe_kind {
    const char *name;
    uint8_t id;                             /* enum as_probe_id */
    uint16_t port_offset;                   /* source port = ctx->src_port + port_offset */
    /* Build the constant bytes; returns 0 or -1 with err. */
    int (*prepare)(as_template *t, const as_probe_ctx *ctx, char *err, size_t errlen);
    /* Write the probe for one target into out (AS_FRAME_MAX bytes); returns its length.
     * Allocates nothing; only addresses, ports, cookie and checksums change. attempt counts
     * retransmissions from 0 (the SYN probe sends each from another source port). */
    size_t (*make)(const as_template *t, const as_probe_ctx *ctx, uint8_t *out,
                   const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port, unsigned attempt);
    /* Does p answer a probe of this kind? Returns 1 and fills res, or 0. */
    int (*classify)(const as_packet *p, const as_probe_ctx *ctx, as_result *res);
} as_probe_kind;

extern const as_probe_kind as_probe_icmp_echo;
extern const as_probe_kind as_probe_tcp_ack;
extern const as_probe_kind as_probe_tcp_syn;
extern const as_probe_kind as_probe_arp;
extern const as_probe_kind as_probe_udp;

/* The UDP kind's source ports: ctx->src_port + AS_UDP_PORT_BASE + 8 bits of the probe's cookie
 * (the capture filter admits the range). Above the OS probes' span (probes/osprobe.h). */
#define AS_UDP_PORT_BASE 32
#define AS_UDP_PORT_SPAN 256
/* The payload a UDP probe to port carries (empty for ports without one) and the cookie field
 * in it; for tests and `ports`: "nbstat", "snmp" or NULL. */
const char *as_udp_payload_name(uint16_t port);

/* All kinds, NULL-terminated, and lookup by id. */
extern const as_probe_kind *const as_probe_kinds[];
const as_probe_kind *as_probe_by_id(uint8_t id);

/* Source-port offset of the SYN probe's attempt a (0 for the first; the retransmissions use
 * offsets the other kinds leave free), and the attempt an offset belongs to (-1: none). */
uint16_t as_syn_port_offset(unsigned attempt);
int as_syn_attempt_of(uint16_t offset);

/* Runs every kind's classify over p; returns 1 with res filled by the first that claims it. */
int as_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res);

/* Helpers shared by the kinds (probes/template.c). */
uint16_t as_inet_checksum(const uint8_t *data, size_t len, uint32_t initial);
uint32_t as_pseudo_header_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);
/* Finishes an Ethernet+IPv4 frame: dst MAC, dst IP, IP id, IP checksum. */
void as_patch_eth_ip(uint8_t *frame, const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t ip_id);
/* Copies libnet's built packet into t (libnet builds; we patch). Returns 0 or -1. */
struct libnet_context;
int as_template_from_libnet(struct libnet_context *l, as_template *t, char *err, size_t errlen);
struct libnet_context *as_libnet_builder(char *err, size_t errlen);
/* A TCP template (window 1024, addresses and ports to be patched) with these options. */
int as_template_tcp(as_template *t, const as_probe_ctx *ctx, uint16_t sport, uint8_t flags,
                    const uint8_t *opts, size_t optlen, char *err, size_t errlen);
/* Recomputes the TCP checksum of an Ethernet+IPv4+TCP frame of len bytes. */
void as_patch_tcp_checksum(uint8_t *frame, size_t len);
/* ICMP unreachable codes that make a TCP port filtered (nmap: 3/1,2,3,9,10,13); name or
 * NULL. For UDP, code 3 (port unreachable) means closed and the others filtered. */
const char *as_unreach_reason(uint8_t code);

#endif
