/* fuzz_osreply.c — the OS path from captured replies to a fingerprint: up to sixteen
 * different replies (each its own IP packet, as a host under test might send them) are
 * extracted into an observation, turned into test lines, parsed back as a subject and
 * matched; the SYN/ACK's fields also feed the passive guess. Never out of bounds, and what
 * we print must parse.
 *
 * Input: records of [probe index byte][time byte][length byte][that many IP bytes]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/os_tests.h"
#include "fingerprints/osfp.h"
#include "fingerprints/passive.h"
#include "probes/osprobe.h"
#include "probes/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static as_os_observation o;
    static as_osfp fp;
    memset(&o, 0, sizeof o);
    o.sent_ttl = 64;
    o.u1_udp_csum = 0x1234;
    for (int k = 0; k < AS_OS_NPROBES; k++) {
        o.sent_us[k] = (uint64_t)k * 100000 + 1;
        o.probe_seq[k] = 0x10000u * (uint32_t)k;
        o.probe_ack[k] = 0x20000u * (uint32_t)k;
    }
    as_passive_obs pobs;
    int have_passive = 0;
    size_t i = 0;
    while (i + 3 <= size) {
        int idx = data[i] % AS_OS_NPROBES;
        o.nmap_ts = data[i] >> 7;
        uint64_t t = o.sent_us[idx] + (uint64_t)data[i + 1] * 997;
        size_t len = data[i + 2];
        i += 3;
        if (len > size - i)
            len = size - i;
        as_packet p;
        if (as_decode_frame(data + i, len, AS_DLT_RAW, &p) == 0) {
            as_osreply_fill(&p, t, &o.r[idx]);
            if (!have_passive && p.l4 == AS_L4_TCP) {
                memset(&pobs, 0, sizeof pobs);
                pobs.ttl = o.r[idx].ttl;
                pobs.df = o.r[idx].df;
                pobs.win = o.r[idx].win;
                as_os_options_string(o.r[idx].opts, o.r[idx].opts_len, pobs.opts, sizeof pobs.opts);
                have_passive = 1;
            }
        }
        i += len;
    }
    char text[4096], err[256], guess[256];
    int n = as_os_fingerprint(&o, text, sizeof text);
    if (n >= (int)sizeof text)
        abort();
    if (n > 0 && as_osfp_parse_subject(&fp, text, (size_t)n, "fuzz", err, sizeof err) != 0)
        abort();       /* we printed something our own parser refuses */
    if (have_passive) {
        int c = as_passive_guess(&pobs, guess, sizeof guess);
        if (c < 0 || c > 100 || strlen(guess) >= sizeof guess)
            abort();
    }
    return 0;
}
