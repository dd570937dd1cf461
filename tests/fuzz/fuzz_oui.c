/* fuzz_oui.c — any bytes as an IEEE registry (MA-L, MA-M or MA-S), read once and then
 * added again as a second file; every entry found must look up to a bounded string. */
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
    size_t n = as_oui_size(t);
    if (as_oui_add(t, (const char *)data, size, "again", err, sizeof err) != 0 ||
        as_oui_size(t) != n)        /* the same entries again: duplicates, nothing new */
        abort();
    /* Probe the prefixes the input mentions, with each of the 16 values of the next
     * nibble so 28- and 36-bit entries are reached too; a name must be a string. */
    for (size_t i = 0; i + 8 <= size; i++) {
        for (int nib = 0; nib < 16; nib += 5) {
            char text[18];
            memcpy(text, data + i, 8);
            memcpy(text + 8, "-00-00-01", 10);
            text[9] = "0123456789abcdef"[nib];
            const char *v = as_oui_lookup_text(t, text);
            if (v && strlen(v) > size)
                abort();
        }
    }
    uint8_t mac[6] = {0, 0x22, 0x72, 0, 0, 1};
    (void)as_oui_lookup(t, mac);
    as_oui_free(t);
    return 0;
}
