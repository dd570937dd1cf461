/* os_class.c — what a host is, decided once: OS family for deployment (windows / unix) and
 * device class (server / network / printer), from the strongest evidence stored. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/os_class.h"
#include "probes/packet.h"

/* "Windows" / "Linux" / "FreeBSD" ... from an OS match or a passive guess. */
static const char *map_os(const char *name)
{
    static const char *const unixes[] = {"Linux", "BSD", "Solaris", "SunOS", "AIX", "HP-UX",
                                         "Mac OS", "macOS", "Unix", "illumos"};
    if (name == NULL)
        return NULL;
    if (strstr(name, "old Windows"))
        return NULL;    /* "embedded device or old Windows": a guess between two */
    if (strstr(name, "Windows"))
        return "windows";
    if (strstr(name, "network device"))
        return NULL;    /* "network device, Solaris or AIX" */
    for (size_t i = 0; i < sizeof unixes / sizeof unixes[0]; i++)
        if (strstr(name, unixes[i]))
            return "unix";
    return NULL;
}

/* nmap's device types of network gear. */
static int network_type(const char *type)
{
    static const char *const network[] = {
        "router", "switch", "firewall", "WAP", "broadband router", "load balancer", "bridge",
        "hub", "VoIP adapter", "security-misc", "proxy server",
    };
    for (size_t i = 0; type && i < sizeof network / sizeof network[0]; i++)
        if (strcmp(type, network[i]) == 0)
            return 1;
    return 0;
}

static int initial_ttl(const as_host_view *h)
{
    int ttl = h->reply_ttl;
    for (size_t i = 0; ttl == 0 && i < h->nports; i++)
        ttl = h->ports[i].reason_ttl;
    return ttl == 0 ? 0 : as_initial_ttl((uint8_t)ttl);
}

static int open_tcp(const as_host_view *h, int port)
{
    for (size_t i = 0; i < h->nports; i++)
        if (h->ports[i].port == port && strcmp(h->ports[i].state, "open") == 0 &&
            strcmp(h->ports[i].proto, "tcp") == 0)
            return 1;
    return 0;
}

static uint8_t proto_num(const char *proto)
{
    return strcmp(proto, "udp") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
}

static const char *login_family(const as_port_table *deploy, const as_port_view *p)
{
    if (!deploy || p->port <= 0 || p->port > 65535 || strcmp(p->state, "open") != 0)
        return NULL;
    return as_port_table_family(deploy, (uint16_t)p->port, proto_num(p->proto));
}

static void family(const as_host_view *h, const as_port_table *deploy, as_os_class *c)
{
    /* The services' own words (the identity phase's verdict) outrank every guess. */
    const as_identity_view *d = h->identity;
    if (d && d->os && d->os_family && (strcmp(d->os_family, "windows") == 0 ||
                                       strcmp(d->os_family, "unix") == 0)) {
        c->family = strcmp(d->os_family, "windows") == 0 ? "windows" : "unix";
        snprintf(c->basis, sizeof c->basis, "%.16s says %.60s", d->os_source ? d->os_source
                 : "identity", d->os);
        return;
    }
    const as_os_view *os = h->nos > 0 ? &h->os[0] : NULL;
    if (os && (c->family = map_os(os->family ? os->family : os->name))) {
        snprintf(c->basis, sizeof c->basis, "OS match %s, %d%%", os->name, os->accuracy);
        return;
    }
    char *passive = as_passive_family(h->os_passive);
    c->family = map_os(passive);
    if (c->family)
        snprintf(c->basis, sizeof c->basis, "passive guess %s", passive);
    free(passive);
    if (c->family)
        return;
    const char *fam = NULL;
    int mixed = 0;
    for (size_t i = 0; i < h->nports; i++) {
        const char *f = login_family(deploy, &h->ports[i]);
        if (f) {
            mixed |= fam && strcmp(fam, f) != 0;
            fam = f;
        }
    }
    if (fam && !mixed) {
        c->family = fam;
        snprintf(c->basis, sizeof c->basis, "open %s ports", fam);
        return;
    }
    if (open_tcp(h, 135)) {
        c->family = "windows";
        snprintf(c->basis, sizeof c->basis, "tcp/135 (MS RPC) open");
        return;
    }
    /* Mixed login ports (SSH on a Windows box) leave the TTL to decide. */
    int ttl = initial_ttl(h);
    if (ttl == 64 || ttl == 128 || ttl == 255) {
        c->family = ttl == 128 ? "windows" : "unix";
        snprintf(c->basis, sizeof c->basis, "TTL %d%s", ttl,
                 ttl == 255 ? ": network device or Solaris/AIX" : "");
    }
}

static void device(const as_host_view *h, const as_port_table *deploy, as_os_class *c)
{
    const as_os_view *os = h->nos > 0 ? &h->os[0] : NULL;
    if (os && os->type) {
        if (network_type(os->type)) {
            c->device = "network";
            return;
        }
        if (strcmp(os->type, "printer") == 0 || strcmp(os->type, "print server") == 0) {
            c->device = "printer";
            return;
        }
    }
    if (!h->managed && h->identity && h->identity->os_family &&
        strcmp(h->identity->os_family, "network") == 0) {
        c->device = "network";      /* e.g. a sysDescr naming a switch's OS */
        return;
    }
    /* A passive "network device" guess (TTL 255) and no agent: gear that answers SSH is
     * still gear, not a server (its family may still say how to log in). */
    char *passive = as_passive_family(h->os_passive);
    int gear = !os && !h->managed && passive && strstr(passive, "network device");
    free(passive);
    if (gear) {
        c->device = "network";
        return;
    }
    int login = 0;
    for (size_t i = 0; i < h->nports; i++)
        login |= login_family(deploy, &h->ports[i]) != NULL;
    if (login || h->managed || (os && os->type && strcmp(os->type, "general purpose") == 0) ||
        c->family)
        c->device = "server";
    else if (open_tcp(h, 9100) || open_tcp(h, 515) || open_tcp(h, 631))
        c->device = "printer";
}

void as_os_classify(const as_host_view *h, const as_port_table *deploy, as_os_class *c)
{
    memset(c, 0, sizeof *c);
    family(h, deploy, c);
    device(h, deploy, c);
}
