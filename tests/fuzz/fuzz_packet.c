/* fuzz_packet.c — any bytes as a captured frame of each link type: decode, then classify
 * against a fixed scan context. Must never read out of bounds or crash. */
#include <stdint.h>
#include <string.h>

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
        if (as_decode_frame(data, size, dlts[i], &p) == 0)
            as_classify(&p, &ctx, &r);
    }
    return 0;
}
