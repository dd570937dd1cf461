/* packet.h — a received frame, decoded once at the trust boundary with every field
 * bounds-checked; after as_decode_frame() succeeds the fields can be used freely. */
#ifndef AS_PACKET_H
#define AS_PACKET_H

#include <stdint.h>
#include <stddef.h>

enum as_l4 { AS_L4_NONE = 0, AS_L4_TCP, AS_L4_ICMP, AS_L4_UDP, AS_L4_ARP };

/* TCP flag bits, as on the wire. */
#define AS_TH_FIN 0x01
#define AS_TH_SYN 0x02
#define AS_TH_RST 0x04
#define AS_TH_PSH 0x08
#define AS_TH_ACK 0x10
#define AS_TH_URG 0x20
#define AS_TH_ECE 0x40
#define AS_TH_CWR 0x80

/* The first bytes of the datagram an ICMP error quotes (RFC 792: IP header + 8 bytes). */
typedef struct as_quoted {
    const uint8_t *raw;     /* the quoted IP header and what follows, in the caller's frame */
    size_t raw_len;
    uint16_t ip_len, ip_id, ip_csum;
    uint8_t ttl;
    uint16_t udp_csum;      /* UDP */
    uint32_t src, dst;      /* host byte order */
    uint8_t proto;
    uint16_t sport, dport;  /* TCP/UDP */
    uint32_t seq;           /* TCP */
    uint16_t echo_id, echo_seq;
    uint8_t icmp_type;
} as_quoted;

typedef struct as_packet {
    int l4;                 /* enum as_l4 */
    uint8_t eth_src[6];
    /* IPv4 */
    uint32_t ip_src, ip_dst;
    uint8_t ttl, proto, tos;
    uint16_t ip_id, ip_len;
    int df;
    /* TCP */
    uint16_t sport, dport, win, urp;
    uint32_t seq, ack;
    uint8_t flags;
    uint8_t tcp_reserved;       /* the 4 bits between data offset and CWR */
    const uint8_t *tcp_opts;    /* points into the caller's frame */
    uint8_t tcp_opts_len;
    const uint8_t *payload;     /* TCP or UDP data, points into the caller's frame */
    size_t payload_len;
    /* ICMP */
    uint8_t icmp_type, icmp_code;
    uint32_t icmp_rest;         /* bytes 4-7 of the ICMP header ("unused" in errors) */
    uint16_t echo_id, echo_seq;
    int has_quote;
    as_quoted quote;
    /* ARP */
    uint16_t arp_op;
    uint8_t arp_sha[6];
    uint32_t arp_spa, arp_tpa;
} as_packet;

/* DLT values we accept (pcap link types). */
#define AS_DLT_EN10MB 1
#define AS_DLT_RAW 12
#define AS_DLT_LINUX_SLL 113

/* Decodes an Ethernet (or raw IPv4, or Linux cooked) frame of caplen bytes. Trusts the
 * smaller of caplen and the IP total length; rejects IHL < 5, TCP data offset < 5 or past
 * the end, fragments after the first. Returns 0 when the packet is usable, -1 otherwise. */
int as_decode_frame(const uint8_t *frame, size_t caplen, int dlt, as_packet *out);

/* The initial TTL a reply most likely left with: the common defaults 32, 64, 128, 255
 * (RFC 1700; nmap's TG, p0f's "ittl"); the difference to the TTL seen is the hop count. */
static inline int as_initial_ttl(uint8_t ttl)
{
    return ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

/* Big-endian readers for callers that already checked the length. */
static inline uint16_t as_get16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t as_get32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void as_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void as_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#endif
