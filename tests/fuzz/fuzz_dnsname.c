/* fuzz_dnsname.c — hostile PTR names through the sanitiser, into buffers of every size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    if (in == NULL)
        return 0;
    memcpy(in, data, size);
    in[size] = '\0';
    char out[300];
    for (size_t cap = 0; cap <= sizeof out; cap += 37) {
        size_t n = as_dns_sanitize(in, out, cap);
        if (cap > 0 && (n >= cap || strlen(out) != n))
            abort();
    }
    free(in);
    return 0;
}
