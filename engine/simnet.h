/* simnet.h — a simulated network and a fake clock behind the scan's netio interface, for
 * tests that run whole scans without root in milliseconds. A truth table (hosts, their
 * port states, whether they answer echo and the ACK ping) decides the answers; the
 * answers are real frames (SYN/ACK acking the probe's cookie, RST, echo reply, ICMP
 * unreachable quoting the probe, OS-probe answers), so the real decode and cookie check
 * run. Loss, round trip and Linux's rate limit on answers to a duplicate SYN (one per
 * 500 ms for a half-open connection) are modelled. Time moves only when the scan sleeps. */
#ifndef AS_SIMNET_H
#define AS_SIMNET_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/netio.h"

/* Port behaviour beyond enum as_port_state: an ICMP admin-prohibited answer. */
#define AS_SIM_UNREACH 9

enum as_sim_host_flags {
    AS_SIM_ECHO = 1,        /* answers ICMP echo requests */
    AS_SIM_ACK_RST = 2,     /* answers a bare ACK (the ACK ping) with RST */
};

typedef struct as_sim_config {
    uint64_t rtt_us;        /* round trip of every answer */
    double loss;            /* chance that a probe, and separately its answer, is lost */
    double answer_loss;     /* chance that an answer (only) is lost, on top of loss */
    uint64_t loss_until_us; /* loss stops at this fake time; 0: never (the clock starts at 1 s) */
    uint64_t seed;          /* the loss draws */
    uint64_t dup_syn_gap_us;/* Linux's tcp_invalid_ratelimit; 0: 500 ms */
} as_sim_config;

/* One frame the scan sent, as the simulated wire saw it. */
typedef struct as_sim_sent {
    uint64_t t_us;
    uint32_t dst;
    uint16_t sport, dport;
    uint8_t l4;             /* enum as_l4 */
    uint8_t flags;          /* TCP flags */
    uint8_t icmp_type;
    uint8_t lost;           /* the probe never arrived */
    uint32_t seq, ack;
} as_sim_sent;

typedef struct as_sim as_sim;

as_sim *as_sim_new(const as_sim_config *cfg);
void as_sim_free(as_sim *sim);
/* A live host whose unlisted ports are in default_state (AS_PORT_CLOSED, _FILTERED, ...). */
int as_sim_add_host(as_sim *sim, uint32_t ip, unsigned flags, uint8_t default_state, uint8_t ttl);
int as_sim_set_port(as_sim *sim, uint32_t ip, uint16_t port, uint8_t state);
/* A UDP port: AS_PORT_OPEN answers with a datagram, _CLOSED with ICMP port unreachable,
 * _FILTERED is silent, AS_SIM_UNREACH admin-prohibited. Unset UDP ports are closed (unless
 * the host's TCP state for the number is filtered). */
int as_sim_set_udp_port(as_sim *sim, uint32_t ip, uint16_t port, uint8_t state);
/* The interface, clock and wire to put in as_scan_opts.netio. */
const as_netio *as_sim_netio(as_sim *sim);
/* Sets *flag once the scan has sent n frames (an interrupt mid-scan). */
void as_sim_interrupt_after(as_sim *sim, uint64_t n, volatile sig_atomic_t *flag);

size_t as_sim_nsent(const as_sim *sim);
const as_sim_sent *as_sim_sent_at(const as_sim *sim, size_t i);
uint64_t as_sim_now(const as_sim *sim);

typedef struct as_sim_stats {
    uint64_t probes, probes_lost, answers, answers_lost, dup_syn_ignored;
} as_sim_stats;
as_sim_stats as_sim_get_stats(const as_sim *sim);

#endif
