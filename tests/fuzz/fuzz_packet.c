/* fuzz_packet.c — any bytes as a captured frame of each link type: decode, classify against
 * a fixed scan context, extract as an OS reply, compute test lines. Never out of bounds. */
#include <stdint.h>
#include <string.h>

#include "fingerprints/os_tests.h"
#include "probes/osprobe.h"
#include "probes/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int dlts[] = {AS_DLT_EN10MB, AS_DLT_LINUX_SLL, AS_DLT_RAW};
    as_probe_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.src_ip = 0xc613ff02u;
    ctx.src_port = 40000;
    as_cookie_key_init(&ctx.key, 7);
    for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
        as_packet p;
        as_result r;
        if (as_decode_frame(data, size, dlts[i], &p) != 0)
            continue;
        as_classify(&p, &ctx, &r);
        /* The OS path keeps every field: extract it and compute test lines from it as
         * if it answered each probe. */
        static as_os_observation o;
        memset(&o, 0, sizeof o);
        as_osprobe_reply_index(&p, &ctx);
        for (int k = 0; k < AS_OS_NPROBES; k++) {
            as_osreply_fill(&p, 1000 + (uint64_t)k, &o.r[k]);
            o.sent_us[k] = (uint64_t)k * 100000;
        }
        char fp[4096];
        as_os_fingerprint(&o, fp, sizeof fp);
    }
    return 0;
}
