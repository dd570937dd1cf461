/* template.c — what the probe kinds share: libnet as the template builder, Internet
 * checksums, and the per-target patch of the Ethernet and IPv4 headers. */
#include "probes/probe.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

#define ETH_LEN 14

uint32_t as_pseudo_header_sum(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

uint16_t as_inet_checksum(const uint8_t *data, size_t len, uint32_t initial)
{
    uint64_t sum = initial;
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)((data[i] << 8) | data[i + 1]);
    if (i < len)
        sum += (uint32_t)data[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

void as_patch_eth_ip(uint8_t *frame, const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t ip_id)
{
    uint8_t *ip = frame + ETH_LEN;
    memcpy(frame, dst_mac, 6);
    as_put16(ip + 4, ip_id);
    as_put32(ip + 16, dst_ip);
    as_put16(ip + 10, 0);
    as_put16(ip + 10, as_inet_checksum(ip, 20, 0));
}

libnet_t *as_libnet_builder(char *err, size_t errlen)
{
    char ebuf[LIBNET_ERRBUF_SIZE];
    libnet_t *l = libnet_init(LIBNET_NONE, NULL, ebuf);
    if (l == NULL)
        snprintf(err, errlen, "libnet: %s", ebuf);
    return l;
}

int as_template_from_libnet(libnet_t *l, as_template *t, char *err, size_t errlen)
{
    uint8_t *pkt = NULL;
    uint32_t len = 0;
    /* libnet hands out a coalesced packet only in an "advanced" mode, which would open a
     * socket; a LIBNET_NONE context switched to that mode builds without any privilege,
     * so templates (and the unit tests that check them) need no root. */
    l->injection_type = LIBNET_LINK_ADV;
    int rc = libnet_adv_cull_packet(l, &pkt, &len);
    l->injection_type = LIBNET_NONE;
    if (rc < 0 || pkt == NULL) {
        snprintf(err, errlen, "libnet: cannot assemble template: %s", libnet_geterror(l));
        return -1;
    }
    if (len > sizeof t->bytes) {
        snprintf(err, errlen, "libnet: template of %u bytes exceeds %zu", len, sizeof t->bytes);
        libnet_adv_free_packet(l, pkt);
        return -1;
    }
    memcpy(t->bytes, pkt, len);
    t->len = len;
    libnet_adv_free_packet(l, pkt);
    return 0;
}

int as_template_tcp(as_template *t, const as_probe_ctx *ctx, uint16_t sport, uint8_t flags,
                    const uint8_t *opts, size_t optlen, char *err, size_t errlen)
{
    libnet_t *l = as_libnet_builder(err, errlen);
    if (l == NULL)
        return -1;
    uint8_t zero_mac[6] = {0};
    uint16_t tcplen = (uint16_t)(LIBNET_TCP_H + optlen);
    int ok = (optlen == 0 || libnet_build_tcp_options(opts, (uint32_t)optlen, l, 0) != -1) &&
             libnet_build_tcp(sport, 0, 0, 0, flags, 1024, 0, 0, tcplen, NULL, 0, l, 0) != -1 &&
             libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + tcplen), 0, 0, 0, ctx->ttl, IPPROTO_TCP, 0,
                               htonl(ctx->src_ip), 0, NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(zero_mac, ctx->src_mac, ETHERTYPE_IP, NULL, 0, l, 0) != -1;
    int rc = -1;
    if (!ok)
        snprintf(err, errlen, "libnet: cannot build TCP template: %s", libnet_geterror(l));
    else
        rc = as_template_from_libnet(l, t, err, errlen);
    libnet_destroy(l);
    return rc;
}

const char *as_unreach_reason(uint8_t code)
{
    switch (code) {
    case 1: return "host-unreach";
    case 2: return "proto-unreach";
    case 3: return "port-unreach";
    case 9: return "net-prohibited";
    case 10: return "host-prohibited";
    case 13: return "admin-prohibited";
    default: return NULL;
    }
}

const as_probe_kind *const as_probe_kinds[] = {
    &as_probe_tcp_syn, &as_probe_tcp_ack, &as_probe_icmp_echo, &as_probe_arp, &as_probe_udp, NULL,
};

const as_probe_kind *as_probe_by_id(uint8_t id)
{
    for (size_t i = 0; as_probe_kinds[i] != NULL; i++)
        if (as_probe_kinds[i]->id == id)
            return as_probe_kinds[i];
    return NULL;
}

int as_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res)
{
    for (size_t i = 0; as_probe_kinds[i] != NULL; i++) {
        memset(res, 0, sizeof *res);
        if (as_probe_kinds[i]->classify(p, ctx, res))
            return 1;
    }
    memset(res, 0, sizeof *res);
    return 0;
}

void as_patch_tcp_checksum(uint8_t *frame, size_t len)
{
    uint8_t *ip = frame + ETH_LEN;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    uint8_t *tcp = ip + ihl;
    size_t tcplen = len - ETH_LEN - ihl;
    as_put16(tcp + 16, 0);
    uint32_t pseudo = as_pseudo_header_sum(as_get32(ip + 12), as_get32(ip + 16), 6, (uint16_t)tcplen);
    as_put16(tcp + 16, as_inet_checksum(tcp, tcplen, pseudo));
}
