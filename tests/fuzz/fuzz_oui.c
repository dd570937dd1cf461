/* fuzz_oui.c — any bytes as an IEEE OUI registry; every entry found must look up to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/oui.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_oui *t;
    char err[256];
    if (as_oui_parse(&t, (const char *)data, size, "fuzz", err, sizeof err) != 0)
        return 0;
    /* Probe the prefixes the input mentions and a few fixed ones; a name must be a string. */
    for (size_t i = 0; i + 8 <= size; i++) {
        char text[18];
        memcpy(text, data + i, 8);
        memcpy(text + 8, "-00-00-01", 10);
        const char *v = as_oui_lookup_text(t, text);
        if (v && strlen(v) > size)
            abort();
    }
    uint8_t mac[6] = {0, 0x22, 0x72, 0, 0, 1};
    (void)as_oui_lookup(t, mac);
    as_oui_free(t);
    return 0;
}
