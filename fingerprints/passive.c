/* passive.c — SYN/ACK rules. Sources: initial TTLs and option layouts as published for
 * p0f 3 (p0f.fp, "tcp:response" signatures) and RFC 1700 TTL defaults; each rule says
 * what it keys on. The guess is a family, never a version. */
#include "fingerprints/passive.h"

#include <stdio.h>
#include <string.h>

#include "probes/packet.h"

/* Option layout without the values: "M5B4ST11NW7" → "MSTNW". */
static void layout(const char *opts, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = opts; *p != '\0' && n + 1 < outlen; p++)
        if (*p == 'M' || *p == 'S' || *p == 'T' || *p == 'N' || *p == 'W' || *p == 'L')
            out[n++] = *p;
    out[n] = '\0';
}

static const struct {
    int ttl;
    const char *layout;     /* exact layout, or NULL for any */
    const char *family;
    int confidence;
} rules[] = {
    /* Linux answers MSS, SACK-permitted, timestamps, NOP, window scale (since 2.6). */
    {64, "MSTNW", "Linux", 70},
    {64, "MNNSNW", "Linux (timestamps off)", 55},
    {64, "MSTN", "Linux (window scaling off)", 55},
    /* FreeBSD and macOS: MSS, NOP, WS, SACK or NOPs, TS, EOLs. */
    {64, "MNWSTLL", "FreeBSD", 55},
    {64, "MNWNNTSLL", "macOS or FreeBSD", 55},
    {64, "MNWNNTSL", "macOS or FreeBSD", 55},
    {64, NULL, "Unix-like", 35},
    /* Windows since Vista: MSS, NOP, WS, NOP, NOP, SACK-permitted (no timestamps). */
    {128, "MNWNNS", "Windows", 70},
    {128, NULL, "Windows", 45},
    {255, NULL, "network device, Solaris or AIX", 30},
    {32, NULL, "embedded device or old Windows", 20},
};

int as_passive_guess(const as_passive_obs *o, char *out, size_t outlen)
{
    if (o->ttl == 0) {
        snprintf(out, outlen, "%s", "");
        return 0;
    }
    int ittl = as_initial_ttl(o->ttl);
    char lay[24];
    layout(o->opts, lay, sizeof lay);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].ttl != ittl || (rules[i].layout != NULL && strcmp(rules[i].layout, lay) != 0))
            continue;
        int hops = ittl - o->ttl;
        snprintf(out, outlen, "%s (passive: TTL %d, %d hop%s, window %u, options %s%s)", rules[i].family, ittl,
                 hops, hops == 1 ? "" : "s", o->win, o->opts[0] ? o->opts : "none", o->df ? ", DF" : "");
        return rules[i].confidence;
    }
    snprintf(out, outlen, "%s", "");
    return 0;
}
