#include <stdio.h>
#include <string.h>
#include "probes/probe.h"
int main(int argc, char **argv) {
    as_probe_ctx ctx; memset(&ctx, 0, sizeof ctx);
    ctx.src_ip = 0xc613ff02u; ctx.src_port = 40000; as_cookie_key_init(&ctx.key, 7);
    for (int i = 1; i < argc; i++) {
        unsigned char b[2048]; FILE *f = fopen(argv[i], "rb"); size_t n = fread(b, 1, sizeof b, f); fclose(f);
        as_packet p; as_result r;
        int d = as_decode_frame(b, n, AS_DLT_EN10MB, &p);
        int c = d == 0 ? as_classify(&p, &ctx, &r) : -1;
        printf("%s decode=%d classify=%d probe=%d state=%d reason=%s port=%u\n", argv[i] + 13, d, c, c == 1 ? r.probe : 0, c == 1 ? r.state : 0, c == 1 ? r.reason : "-", c == 1 ? r.port : 0);
    }
}
