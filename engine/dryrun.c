/* dryrun.c — the dry-run backend (see dryrun.h): each frame decoded back and described,
 * or dumped through libpcap's savefile writer (which needs no capture handle). */
#include "engine/dryrun.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "probes/packet.h"

struct as_dryrun {
    FILE *out;
    pcap_t *dead;
    pcap_dumper_t *dump;
};

int as_dryrun_open(as_dryrun **d, const char *pcap_path, FILE *out, char *err, size_t errlen)
{
    as_dryrun *r = calloc(1, sizeof *r);
    if (r == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    r->out = out;
    if (pcap_path != NULL) {
        r->dead = pcap_open_dead(DLT_EN10MB, AS_FRAME_MAX);
        if (r->dead != NULL)
            r->dump = pcap_dump_open(r->dead, pcap_path);
        if (r->dump == NULL) {
            snprintf(err, errlen, "cannot write %s: %s", pcap_path, r->dead ? pcap_geterr(r->dead) : "no memory");
            as_dryrun_close(r);
            return -1;
        }
    }
    *d = r;
    return 0;
}

static void ip_str(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

void as_dryrun_describe(const uint8_t *frame, size_t len, char *buf, size_t buflen)
{
    as_packet p;
    char src[16], dst[16];
    if (as_decode_frame(frame, len, AS_DLT_EN10MB, &p) != 0) {
        snprintf(buf, buflen, "undecodable frame of %zu bytes", len);
        return;
    }
    if (p.l4 == AS_L4_ARP) {
        ip_str(p.arp_tpa, dst, sizeof dst);
        ip_str(p.arp_spa, src, sizeof src);
        snprintf(buf, buflen, "arp who-has %s tell %s len %zu", dst, src, len);
        return;
    }
    ip_str(p.ip_src, src, sizeof src);
    ip_str(p.ip_dst, dst, sizeof dst);
    if (p.l4 == AS_L4_TCP) {
        static const char names[] = "FSRPAUEC";
        char fl[9];
        size_t k = 0;
        for (int b = 0; b < 8; b++)
            if (p.flags & (1 << b))
                fl[k++] = names[b];
        fl[k] = '\0';
        snprintf(buf, buflen, "tcp %s:%u > %s:%u [%s] seq %u ack %u win %u ttl %u id %u len %zu", src, p.sport,
                 dst, p.dport, fl, p.seq, p.ack, p.win, p.ttl, p.ip_id, len);
    } else if (p.l4 == AS_L4_ICMP) {
        snprintf(buf, buflen, "icmp %s > %s type %u code %u id %u seq %u ttl %u len %zu", src, dst, p.icmp_type,
                 p.icmp_code, p.echo_id, p.echo_seq, p.ttl, len);
    } else if (p.l4 == AS_L4_UDP) {
        snprintf(buf, buflen, "udp %s:%u > %s:%u ttl %u len %zu", src, p.sport, dst, p.dport, p.ttl, len);
    } else {
        snprintf(buf, buflen, "ip %s > %s proto %u len %zu", src, dst, p.proto, len);
    }
}

unsigned as_dryrun_send(void *impl, uint8_t (*frames)[AS_FRAME_MAX], const size_t *lens, unsigned n)
{
    as_dryrun *d = impl;
    for (unsigned i = 0; i < n; i++) {
        if (d->dump != NULL) {
            struct pcap_pkthdr h;
            memset(&h, 0, sizeof h);
            gettimeofday(&h.ts, NULL);
            h.caplen = h.len = (bpf_u_int32)lens[i];
            pcap_dump((u_char *)d->dump, &h, frames[i]);
        } else {
            char line[256];
            as_dryrun_describe(frames[i], lens[i], line, sizeof line);
            fprintf(d->out, "%s\n", line);
        }
    }
    return n;
}

void as_dryrun_close(as_dryrun *d)
{
    if (d == NULL)
        return;
    if (d->dump != NULL)
        pcap_dump_close(d->dump);
    if (d->dead != NULL)
        pcap_close(d->dead);
    if (d->out != NULL)
        fflush(d->out);
    free(d);
}
