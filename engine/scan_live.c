/* scan_live.c — after a complete scan, which liveness probes each live host answered
 * (echo, ACK), stored beside the inventory for the deploy report's "echo blocked". */
#include "engine/scan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/liveness.h"

void as_scan_note_live(as_host *h, int probe)
{
    if (probe == AS_PROBE_ICMP_ECHO)
        h->live_seen |= 1;
    else if (probe == AS_PROBE_TCP_ACK)
        h->live_seen |= 2;
}

void as_scan_store_liveness(as_scanner *s)
{
    const as_scan_opts *o = s->o;
    /* With one probe kind (or none, -Pn) there is nothing to tell apart. */
    if (o->no_ping || !o->ping_echo || o->nack == 0 || s->hosts.count == 0 || o->store == NULL)
        return;
    as_live *rows = calloc(s->hosts.count, sizeof *rows);
    if (rows == NULL)
        return;
    char ports[64] = "";
    for (size_t i = 0, used = 0; i < o->nack && used < sizeof ports; i++)
        used += (size_t)snprintf(ports + used, sizeof ports - used, "%s%u", i ? "," : "", o->ack_ports[i]);
    size_t n = 0;
    for (size_t i = 0; i < s->hosts.count; i++) {
        const as_host *h = &s->hosts.hosts[i];
        /* Hosts found by ARP on our own segment never needed the two probes. */
        if (!(h->flags & AS_HOST_UP) || h->live_seen == 0)
            continue;
        rows[n] = (as_live){.ip = h->ip, .echo = h->live_seen & 1, .ack = (h->live_seen & 2) != 0};
        snprintf(rows[n].ack_ports, sizeof rows[n].ack_ports, "%s", ports);
        n++;
    }
    char err[256];
    if (n > 0 && as_store_liveness(o->store, s->scan_id, rows, n, err, sizeof err) != 0)
        as_scan_log(s, 0, "db", "liveness details not stored: %s", err);
    free(rows);
}
