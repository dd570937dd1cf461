/* fuzz_http.c — any bytes as an HTTP response head: status, headers, WWW-Authenticate and a
 * Negotiate token decoded into NTLMSSP; fields stay terminated and bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/http_ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_http_resp r;
    if (as_http_parse((const char *)data, size, &r) != 0)
        return 0;
    if (r.status < 100 || r.status > 999 || r.head_len > size ||
        strnlen(r.server, AS_HTTP_TEXT_MAX) >= AS_HTTP_TEXT_MAX ||
        strnlen(r.negotiate, AS_HTTP_TOKEN_MAX) >= AS_HTTP_TOKEN_MAX)
        abort();
    (void)as_http_is_winrm(&r);
    as_ntlm_info in;
    (void)as_http_negotiate_challenge(&r, &in);
    return 0;
}
