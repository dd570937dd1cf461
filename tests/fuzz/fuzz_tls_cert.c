/* fuzz_tls_cert.c — any bytes as a DER certificate through OpenSSL and our name reading:
 * names stay terminated, the SAN list within its bound. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/tls_cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_tls_cert c;
    if (as_tls_cert_parse(data, size, &c) != 0)
        return 0;
    if (c.nsans > AS_TLS_SANS_MAX || c.nsans > c.sans_total ||
        strnlen(c.subject_cn, AS_TLS_TEXT_MAX) >= AS_TLS_TEXT_MAX ||
        strnlen(c.issuer, AS_TLS_TEXT_MAX) >= AS_TLS_TEXT_MAX)
        abort();
    return 0;
}
