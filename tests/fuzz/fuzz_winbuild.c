/* fuzz_winbuild.c — any bytes as a Windows build table; whatever loads answers lookups of
 * the versions the input mentions with terminated text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/winbuild.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_winbuilds *t;
    char err[256], text[160];
    if (as_winbuild_parse(&t, (const char *)data, size, "fuzz", err, sizeof err) != 0) {
        if (strnlen(err, sizeof err) >= sizeof err)
            abort();
        return 0;
    }
    for (size_t i = 0; i + 4 <= size; i += 4) {
        unsigned b = (unsigned)data[i + 2] << 8 | data[i + 3];
        if (as_winbuild_lookup(t, data[i], data[i + 1], b, text, sizeof text) >= 0 &&
            strnlen(text, sizeof text) >= sizeof text)
            abort();
    }
    as_winbuild_free(t);
    return 0;
}
