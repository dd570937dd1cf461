/* osprobe.h — the sixteen probes of second-generation OS detection (nmap's design, as its
 * documentation describes it): six SYNs with different options (SEQ/OPS/WIN/T1), ECN,
 * T2-T7, U1 to a closed UDP port, two ICMP echoes (IE); and what their replies hold. */
#ifndef AS_OSPROBE_H
#define AS_OSPROBE_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

enum as_os_probe {
    AS_OS_SEQ1 = 0,         /* ... AS_OS_SEQ1 + 5 = SEQ6 */
    AS_OS_ECN = 6,
    AS_OS_T2 = 7,           /* ... AS_OS_T2 + 5 = T7 */
    AS_OS_U1 = 13,
    AS_OS_IE1 = 14,
    AS_OS_IE2 = 15,
    AS_OS_NPROBES = 16
};

/* TCP OS probes use source ports ctx->src_port + AS_OS_PORT_BASE + index; U1 uses
 * + AS_OS_PORT_BASE + AS_OS_U1. The capture filter must admit that range. */
#define AS_OS_PORT_BASE 8
#define AS_OS_PORT_SPAN 32

typedef struct as_os_target {
    uint32_t ip;
    uint8_t mac[6];
    uint16_t open_port, closed_port, closed_udp;
} as_os_target;

/* Per-host numbers derived from the scan key, so replies can be recognised without state:
 * the base of the TCP sequence numbers and the ICMP identifier of IE1 (IE2 uses + 1). */
uint32_t as_os_seq_base(const as_probe_ctx *ctx, uint32_t ip);
uint16_t as_os_icmp_id(const as_probe_ctx *ctx, uint32_t ip);
uint32_t as_os_probe_seq(const as_probe_ctx *ctx, uint32_t ip, int idx);
uint32_t as_os_probe_ack(const as_probe_ctx *ctx, uint32_t ip, int idx);

/* The sixteen probes' constant bytes, built once per scan (as_osprobe_prepare, 0 or -1
 * with err); as_osprobe_make patches a target in (MAC, address, ports, keyed sequence,
 * acknowledgement, IP and ICMP ids, checksums) without allocating, and returns the length
 * (0 for a bad idx). as_osprobe_build does both for one probe (tests, tools). */
typedef struct as_os_templates {
    as_template t[AS_OS_NPROBES];
} as_os_templates;

int as_osprobe_prepare(as_os_templates *t, const as_probe_ctx *ctx, char *err, size_t errlen);
size_t as_osprobe_make(const as_os_templates *t, int idx, const as_probe_ctx *ctx, const as_os_target *tg,
                       uint8_t *out);
size_t as_osprobe_build(int idx, const as_probe_ctx *ctx, const as_os_target *t, uint8_t *out,
                        char *err, size_t errlen);

/* Which OS probe p answers (0..15), or -1. Cheap enough for the receive thread. */
int as_osprobe_reply_index(const as_packet *p, const as_probe_ctx *ctx);

/* Does p, which as_osprobe_reply_index() gave idx, answer our probe idx to t? TCP replies
 * must carry the probe's keyed sequence or acknowledgement number back, U1's quote its
 * keyed port; the port alone is not enough. */
int as_osprobe_reply_matches(const as_packet *p, const as_probe_ctx *ctx, const as_os_target *t, int idx);

/* What the OS tests need from one reply. */
typedef struct as_osreply {
    uint8_t present;
    uint64_t t_us;
    uint8_t ttl, df, tcp_flags, tcp_reserved, icmp_code, opts_len;
    uint16_t ip_id, ip_len, win, urp;
    uint32_t seq, ack, icmp_rest, rd_crc;
    uint8_t opts[40];
    /* U1: the quoted probe */
    uint8_t q_ttl;
    uint16_t q_ip_len, q_ip_id, q_udp_csum;
    char q_ipck, q_data;        /* 'G' good, 'Z' zero, 'I' invalid (checksum); 'G'/'I' data */
} as_osreply;

void as_osreply_fill(const as_packet *p, uint64_t t_us, as_osreply *r);

/* What U1 carried, for the RIPL/RID/RUCK comparisons. */
#define AS_OS_U1_IPLEN 328
#define AS_OS_U1_IPID 0x1042
#define AS_OS_U1_DATA 300
uint16_t as_os_u1_udp_csum(const as_probe_ctx *ctx, const as_os_target *t);

uint32_t as_crc32(const uint8_t *data, size_t len);

#endif
