/* fuzz_portspec.c — any bytes as a -p port list. */
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
    uint16_t *ports;
    size_t n;
    char err[256];
    if (as_portspec_parse(in, &ports, &n, err, sizeof err) == 0) {
        for (size_t i = 1; i < n; i++)
            if (ports[i] <= ports[i - 1])
                abort();
        free(ports);
    }
    free(in);
    return 0;
}
