/* fuzz_smb2.c — any bytes as an SMB2 NEGOTIATE or SESSION_SETUP answer, and as an NTLMSSP
 * CHALLENGE on its own; every name must come back a terminated string of bounded length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/ntlmssp.h"
#include "probes/smb2.h"

static void check_names(const as_ntlm_info *in)
{
    const char *names[] = {in->target_name, in->nb_computer, in->nb_domain, in->dns_computer,
                           in->dns_domain, in->dns_tree};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strnlen(names[i], AS_NTLM_NAME_MAX) >= AS_NTLM_NAME_MAX)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_smb2_negotiate_info ng;
    as_ntlm_info in;
    uint32_t st;
    (void)as_smb_frame_len(data, size);
    (void)as_nbss_session_response(data, size);
    (void)as_smb2_parse_negotiate(data, size, &ng);
    if (as_smb2_parse_session_setup(data, size, &st, &in) == 0)
        check_names(&in);
    long at = as_ntlmssp_find(data, size);
    if (at >= 0 && as_ntlmssp_parse_challenge(data + at, size - (size_t)at, &in) == 0)
        check_names(&in);
    return 0;
}
