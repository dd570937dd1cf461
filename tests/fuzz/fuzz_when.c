/* fuzz_when.c — any bytes as an `export --since` / `prune --older-than` value. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (in == NULL)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    char err[256];
    as_when w;
    for (int allow = 0; allow < 2; allow++)
        if (as_when_parse(in, 1700000000.0, allow, &w, err, sizeof err) == 0 &&
            ((w.is_scan && (!allow || w.scan_id <= 0)) || (!w.is_scan && w.time != w.time)))
            abort();
    free(in);
    return 0;
}
