/* netif.h — where packets leave from: interface, source address and MAC, next hop and its
 * MAC, found with libdnet (intf, route, arp) unless -e/-S say otherwise. */
#ifndef AS_NETIF_H
#define AS_NETIF_H

#include <stdint.h>
#include <stddef.h>

typedef struct as_netif {
    char name[32];
    int ifindex;
    uint8_t mac[6];
    uint32_t addr;          /* interface address (host order) */
    uint32_t netmask;       /* of the interface's network: targets inside are on-link */
    uint32_t src_ip;        /* source address for probes (-S or addr) */
    uint32_t gateway;       /* next hop for routed targets, 0 if none */
    int have_gw_mac;
    uint8_t gw_mac[6];
    unsigned mtu;
} as_netif;

/* Chooses the interface for reaching `probe_ip` (a target), or `iface` if given, and the
 * source address (`src_ip` if non-zero). Returns 0 or -AS_ERR_IFACE / -AS_ERR_ROUTE. */
int as_netif_lookup(as_netif *nif, const char *iface, uint32_t src_ip, uint32_t probe_ip,
                    char *err, size_t errlen);

/* 1 if ip is on the interface's own network (reached by ARP, not through the gateway). */
int as_netif_onlink(const as_netif *nif, uint32_t ip);

/* Looks ip up in the kernel's ARP cache (libdnet arp_get). 0 and mac filled, or -1. */
int as_netif_arp_cache(uint32_t ip, uint8_t mac[6]);

#endif
