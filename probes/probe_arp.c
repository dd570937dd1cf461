/* probe_arp.c — ARP request (nmap -PR): liveness on a directly attached segment, and the
 * MAC address every later probe to that host is sent to. ARP has no room for a cookie, so
 * a reply counts only if it is addressed to our IP; the engine checks it is a target. */
#include "probes/probe.h"

#include <libnet.h>
#include <stdio.h>
#include <string.h>

#define ARP_AT 14

static int arp_prepare(as_template *t, const as_probe_ctx *ctx, char *err, size_t errlen)
{
    libnet_t *l = as_libnet_builder(err, errlen);
    if (l == NULL)
        return -1;
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t zero_mac[6] = {0};
    uint8_t spa[4], tpa[4] = {0};
    as_put32(spa, ctx->src_ip);
    int ok = libnet_build_arp(ARPHRD_ETHER, ETHERTYPE_IP, 6, 4, ARPOP_REQUEST, ctx->src_mac, spa,
                              zero_mac, tpa, NULL, 0, l, 0) != -1 &&
             libnet_build_ethernet(bcast, ctx->src_mac, ETHERTYPE_ARP, NULL, 0, l, 0) != -1;
    int rc = -1;
    if (!ok)
        snprintf(err, errlen, "libnet: cannot build ARP template: %s", libnet_geterror(l));
    else
        rc = as_template_from_libnet(l, t, err, errlen);
    libnet_destroy(l);
    return rc;
}

static size_t arp_make(const as_template *t, const as_probe_ctx *ctx, uint8_t *out,
                       const uint8_t dst_mac[6], uint32_t dst_ip, uint16_t dst_port, unsigned attempt)
{
    (void)attempt;
    (void)ctx;
    (void)dst_mac;
    (void)dst_port;
    memcpy(out, t->bytes, t->len);
    as_put32(out + ARP_AT + 24, dst_ip);
    return t->len;
}

static int arp_classify(const as_packet *p, const as_probe_ctx *ctx, as_result *res)
{
    if (p->l4 != AS_L4_ARP || p->arp_op != 2 || p->arp_tpa != ctx->src_ip)
        return 0;
    res->kind = AS_RES_HOST_UP;
    res->probe = AS_PROBE_ARP;
    res->reason = "arp-response";
    res->ip = p->arp_spa;
    res->has_mac = 1;
    memcpy(res->mac, p->arp_sha, 6);
    return 1;
}

const as_probe_kind as_probe_arp = {
    .name = "arp",
    .id = AS_PROBE_ARP,
    .port_offset = 0,
    .prepare = arp_prepare,
    .make = arp_make,
    .classify = arp_classify,
};
