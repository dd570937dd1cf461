/* netif.c — interface, source and next-hop selection with libdnet. intf_get_dst() finds the
 * outgoing interface with a connected UDP socket, which sends nothing. */
#include "engine/netif.h"

#include <dumbnet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "probes/errors.h"

static void ip_str(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static uint32_t prefix_mask(unsigned bits)
{
    return bits == 0 ? 0 : bits >= 32 ? 0xffffffffu : ~((1u << (32 - bits)) - 1);
}

static int fill_from_entry(as_netif *nif, const struct intf_entry *e, char *err, size_t errlen)
{
    snprintf(nif->name, sizeof nif->name, "%s", e->intf_name);
    if (e->intf_addr.addr_type != ADDR_TYPE_IP) {
        snprintf(err, errlen, "interface %s has no IPv4 address (assign one or choose another with -e)",
                 nif->name);
        return -AS_ERR_IFACE;
    }
    if (e->intf_link_addr.addr_type != ADDR_TYPE_ETH) {
        snprintf(err, errlen, "interface %s is not Ethernet (agentscan sends Ethernet frames; choose "
                 "another with -e)", nif->name);
        return -AS_ERR_IFACE;
    }
    nif->addr = ntohl(e->intf_addr.addr_ip);
    nif->netmask = prefix_mask(e->intf_addr.addr_bits);
    memcpy(nif->mac, &e->intf_link_addr.addr_eth, 6);
    nif->mtu = e->intf_mtu;
    nif->ifindex = (int)if_nametoindex(nif->name);
    if (nif->ifindex == 0) {
        snprintf(err, errlen, "interface %s: %s", nif->name, strerror(errno));
        return -AS_ERR_IFACE;
    }
    return 0;
}

static int find_interface(as_netif *nif, intf_t *intf, const char *iface, uint32_t probe_ip,
                          char *err, size_t errlen)
{
    union {
        struct intf_entry e;
        uint8_t buf[1024];
    } u;
    memset(&u, 0, sizeof u);
    u.e.intf_len = sizeof u.buf;
    char ipbuf[16];
    if (iface != NULL) {
        snprintf(u.e.intf_name, sizeof u.e.intf_name, "%s", iface);
        if (intf_get(intf, &u.e) < 0) {
            if (if_nametoindex(iface) != 0)
                snprintf(err, errlen, "cannot read interface '%s': %s", iface, strerror(errno));
            else
                snprintf(err, errlen, "unknown interface '%s' (see 'ip link' for the names here)", iface);
            return -AS_ERR_IFACE;
        }
    } else {
        struct addr dst;
        addr_pack(&dst, ADDR_TYPE_IP, IP_ADDR_BITS, &(uint32_t){htonl(probe_ip)}, IP_ADDR_LEN);
        if (intf_get_dst(intf, &u.e, &dst) < 0) {
            ip_str(probe_ip, ipbuf, sizeof ipbuf);
            snprintf(err, errlen, "no route to %s: %s (add a route, or choose an interface with -e)",
                     ipbuf, strerror(errno));
            return -AS_ERR_ROUTE;
        }
    }
    return fill_from_entry(nif, &u.e, err, errlen);
}

static void find_gateway(as_netif *nif, uint32_t probe_ip)
{
    route_t *r = route_open();
    if (r == NULL)
        return;
    struct route_entry re;
    memset(&re, 0, sizeof re);
    addr_pack(&re.route_dst, ADDR_TYPE_IP, IP_ADDR_BITS, &(uint32_t){htonl(probe_ip)}, IP_ADDR_LEN);
    if (route_get(r, &re) == 0 && re.route_gw.addr_type == ADDR_TYPE_IP && re.route_gw.addr_ip != 0)
        nif->gateway = ntohl(re.route_gw.addr_ip);
    route_close(r);
}

int as_netif_lookup(as_netif *nif, const char *iface, uint32_t src_ip, uint32_t probe_ip,
                    char *err, size_t errlen)
{
    memset(nif, 0, sizeof *nif);
    intf_t *intf = intf_open();
    if (intf == NULL) {
        snprintf(err, errlen, "cannot list interfaces: %s", strerror(errno));
        return -AS_ERR_IFACE;
    }
    int rc = find_interface(nif, intf, iface, probe_ip, err, errlen);
    intf_close(intf);
    if (rc != 0)
        return rc;
    nif->src_ip = src_ip != 0 ? src_ip : nif->addr;
    if (!as_netif_onlink(nif, probe_ip))
        find_gateway(nif, probe_ip);
    if (!as_netif_onlink(nif, probe_ip) && nif->gateway == 0) {
        char ipbuf[16];
        ip_str(probe_ip, ipbuf, sizeof ipbuf);
        snprintf(err, errlen, "no route to %s through %s: no gateway and not on its network "
                 "(add a route, or choose another interface with -e)", ipbuf, nif->name);
        return -AS_ERR_ROUTE;
    }
    if (nif->gateway != 0 && as_netif_arp_cache(nif->gateway, nif->gw_mac) == 0)
        nif->have_gw_mac = 1;
    return 0;
}

int as_netif_onlink(const as_netif *nif, uint32_t ip)
{
    return nif->netmask != 0 && (ip & nif->netmask) == (nif->addr & nif->netmask);
}

int as_netif_arp_cache(uint32_t ip, uint8_t mac[6])
{
    arp_t *a = arp_open();
    if (a == NULL)
        return -1;
    struct arp_entry e;
    memset(&e, 0, sizeof e);
    addr_pack(&e.arp_pa, ADDR_TYPE_IP, IP_ADDR_BITS, &(uint32_t){htonl(ip)}, IP_ADDR_LEN);
    int rc = arp_get(a, &e);
    arp_close(a);
    if (rc < 0 || e.arp_ha.addr_type != ADDR_TYPE_ETH)
        return -1;
    memcpy(mac, &e.arp_ha.addr_eth, 6);
    static const uint8_t zero[6];
    return memcmp(mac, zero, 6) == 0 ? -1 : 0;
}
