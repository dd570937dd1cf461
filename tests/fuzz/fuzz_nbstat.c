/* fuzz_nbstat.c — any bytes as a NetBIOS node-status answer: the table stays within its
 * bounds and every name is a terminated string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probes/nbstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_nbstat_info in;
    if (as_nbstat_parse(data, size, &in) != 0)
        return 0;
    if (in.nnames > AS_NBSTAT_NAMES_MAX || in.nusers > AS_NBSTAT_USERS_MAX)
        abort();
    for (size_t i = 0; i < in.nnames; i++)
        if (strnlen(in.names[i].name, sizeof in.names[i].name) >= sizeof in.names[i].name)
            abort();
    if (strlen(in.computer) > 15 || strlen(in.workgroup) > 15)
        abort();
    return 0;
}
