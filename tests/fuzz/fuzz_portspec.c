/* fuzz_portspec.c — any bytes as a -p port list (T:/U: prefixes, presets), with each choice
 * of what unprefixed ports are; the list must come out sorted per protocol and format back. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/portspec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (in == NULL)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    char err[256];
    for (int plain = 1; plain <= 3; plain++) {
        as_portspec ps;
        if (as_portspec_parse_proto(in, plain, &ps, err, sizeof err) != 0)
            continue;
        for (size_t i = 1; i < ps.n; i++)
            if (ps.proto[i] == ps.proto[i - 1] && ps.ports[i] <= ps.ports[i - 1])
                abort();
        for (size_t i = 0; i < ps.n; i++)
            if ((i < ps.ntcp) != (ps.proto[i] == IPPROTO_TCP))
                abort();
        char text[64];
        as_portspec_format(&ps, text, sizeof text);
        as_portspec_free(&ps);
    }
    uint16_t *ports;
    size_t n;
    if (as_portspec_parse(in, &ports, &n, err, sizeof err) == 0)
        free(ports);
    free(in);
    return 0;
}
