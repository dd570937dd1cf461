/* fuzz_rdp.c — any bytes as an X.224 Connection Confirm and as a CredSSP TSRequest answer;
 * names found through the NTLMSSP parser stay bounded strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/rdp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_rdp_confirm c;
    if (as_rdp_parse_confirm(data, size, &c) == 0 && c.failed && c.selected)
        abort();
    uint32_t v, e;
    as_ntlm_info in;
    if (as_credssp_parse_challenge(data, size, &v, &e, &in) == 0 &&
        (strnlen(in.nb_computer, AS_NTLM_NAME_MAX) >= AS_NTLM_NAME_MAX ||
         strnlen(in.dns_tree, AS_NTLM_NAME_MAX) >= AS_NTLM_NAME_MAX))
        abort();
    return 0;
}
