/* decode.c — parses captured frames into as_packet: Ethernet/cooked/raw → IPv4 → TCP,
 * ICMP (with the quoted datagram of errors) or UDP; and ARP. Every read is length-checked. */
#include "probes/packet.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP 0x0806
#define ETHERTYPE_VLAN 0x8100

static int decode_tcp(const uint8_t *p, size_t len, as_packet *out)
{
    if (len < 20)
        return -1;
    size_t off = (size_t)(p[12] >> 4) * 4;
    if (off < 20 || off > len)
        return -1;
    out->sport = as_get16(p);
    out->dport = as_get16(p + 2);
    out->seq = as_get32(p + 4);
    out->ack = as_get32(p + 8);
    out->flags = p[13];
    out->tcp_reserved = p[12] & 0x0f;
    out->payload = p + off;
    out->payload_len = len - off;
    out->win = as_get16(p + 14);
    out->urp = as_get16(p + 18);
    out->tcp_opts = p + 20;
    out->tcp_opts_len = (uint8_t)(off - 20);
    out->l4 = AS_L4_TCP;
    return 0;
}

/* The quoted datagram: an IP header of its own and at least 8 bytes of its payload. A
 * router may quote more, and truncate the quote anywhere, so check each field's reach. */
static int decode_quote(const uint8_t *p, size_t len, as_quoted *q)
{
    if (len < 20 || (p[0] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    if (ihl < 20 || ihl + 8 > len)
        return -1;
    memset(q, 0, sizeof *q);
    q->raw = p;
    q->raw_len = len;
    q->ip_len = as_get16(p + 2);
    q->ip_id = as_get16(p + 4);
    q->ttl = p[8];
    q->ip_csum = as_get16(p + 10);
    q->proto = p[9];
    q->src = as_get32(p + 12);
    q->dst = as_get32(p + 16);
    const uint8_t *l4 = p + ihl;
    if (q->proto == 6 || q->proto == 17) {
        q->sport = as_get16(l4);
        q->dport = as_get16(l4 + 2);
        if (q->proto == 17)
            q->udp_csum = as_get16(l4 + 6);
        if (q->proto == 6)
            q->seq = as_get32(l4 + 4);
    } else if (q->proto == 1) {
        q->icmp_type = l4[0];
        q->echo_id = as_get16(l4 + 4);
        q->echo_seq = as_get16(l4 + 6);
    }
    return 0;
}

static int decode_icmp(const uint8_t *p, size_t len, as_packet *out)
{
    if (len < 8)
        return -1;
    out->icmp_type = p[0];
    out->icmp_code = p[1];
    out->echo_id = as_get16(p + 4);
    out->echo_seq = as_get16(p + 6);
    out->icmp_rest = as_get32(p + 4);
    out->l4 = AS_L4_ICMP;
    /* Destination unreachable, source quench, redirect, time exceeded, parameter problem. */
    if (p[0] == 3 || p[0] == 4 || p[0] == 5 || p[0] == 11 || p[0] == 12)
        out->has_quote = decode_quote(p + 8, len - 8, &out->quote) == 0;
    return 0;
}

static int decode_ipv4(const uint8_t *p, size_t caplen, as_packet *out)
{
    if (caplen < 20 || (p[0] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(p[0] & 0x0f) * 4;
    size_t total = as_get16(p + 2);
    /* Honour a total length shorter than what was captured: Ethernet padding (and
     * etherleak-style trailing garbage) is not part of the datagram. */
    if (ihl < 20 || total < ihl || ihl > caplen)
        return -1;
    size_t len = total < caplen ? total : caplen;
    uint16_t frag = as_get16(p + 6);
    if ((frag & 0x1fff) != 0)
        return -1;
    out->tos = p[1];
    out->ip_len = (uint16_t)total;
    out->ip_id = as_get16(p + 4);
    out->df = (frag & 0x4000) != 0;
    out->ttl = p[8];
    out->proto = p[9];
    out->ip_src = as_get32(p + 12);
    out->ip_dst = as_get32(p + 16);
    const uint8_t *l4 = p + ihl;
    size_t l4len = len - ihl;
    switch (out->proto) {
    case 6:
        return decode_tcp(l4, l4len, out);
    case 1:
        return decode_icmp(l4, l4len, out);
    case 17: {
        if (l4len < 8)
            return -1;
        /* As with IP: a UDP length shorter than what arrived wins; a longer or impossible
         * one (< 8) leaves what arrived. */
        size_t ulen = as_get16(l4 + 4);
        if (ulen >= 8 && ulen < l4len)
            l4len = ulen;
        out->sport = as_get16(l4);
        out->dport = as_get16(l4 + 2);
        out->payload = l4 + 8;
        out->payload_len = l4len - 8;
        out->l4 = AS_L4_UDP;
        return 0;
    }
    default:
        return -1;
    }
}

static int decode_arp(const uint8_t *p, size_t len, as_packet *out)
{
    /* Ethernet/IPv4 ARP only: htype 1, ptype 0x0800, hlen 6, plen 4. */
    if (len < 28 || as_get16(p) != 1 || as_get16(p + 2) != ETHERTYPE_IPV4 || p[4] != 6 || p[5] != 4)
        return -1;
    out->arp_op = as_get16(p + 6);
    memcpy(out->arp_sha, p + 8, 6);
    out->arp_spa = as_get32(p + 14);
    out->arp_tpa = as_get32(p + 24);
    out->l4 = AS_L4_ARP;
    return 0;
}

static int decode_ethertype(uint16_t type, const uint8_t *p, size_t len, as_packet *out)
{
    if (type == ETHERTYPE_IPV4)
        return decode_ipv4(p, len, out);
    if (type == ETHERTYPE_ARP)
        return decode_arp(p, len, out);
    return -1;
}

int as_decode_frame(const uint8_t *frame, size_t caplen, int dlt, as_packet *out)
{
    memset(out, 0, sizeof *out);
    if (frame == NULL)
        return -1;
    switch (dlt) {
    case AS_DLT_EN10MB: {
        if (caplen < 14)
            return -1;
        memcpy(out->eth_src, frame + 6, 6);
        uint16_t type = as_get16(frame + 12);
        size_t off = 14;
        if (type == ETHERTYPE_VLAN) {
            if (caplen < 18)
                return -1;
            type = as_get16(frame + 16);
            off = 18;
        }
        return decode_ethertype(type, frame + off, caplen - off, out);
    }
    case AS_DLT_LINUX_SLL:
        if (caplen < 16)
            return -1;
        if (as_get16(frame + 4) == 6)
            memcpy(out->eth_src, frame + 6, 6);
        return decode_ethertype(as_get16(frame + 14), frame + 16, caplen - 16, out);
    case AS_DLT_RAW:
        return decode_ipv4(frame, caplen, out);
    default:
        return -1;
    }
}
