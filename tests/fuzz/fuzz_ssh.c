/* fuzz_ssh.c — any bytes as what an SSH server sends first: identification found or not,
 * every field is a terminated string and the OS table takes whatever was found. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/ssh_os.h"
#include "probes/ssh_ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_ssh_ident id;
    if (as_ssh_parse_ident((const char *)data, size, &id) != 0)
        return 0;
    if (strlen(id.software) == 0 || strlen(id.software) > AS_SSH_LINE_MAX ||
        strlen(id.comments) > AS_SSH_LINE_MAX || strlen(id.product) > strlen(id.software))
        abort();
    as_os_hint h;
    (void)as_ssh_os_hint(&id, &h);
    if (strnlen(h.name, AS_OSHINT_TEXT) >= AS_OSHINT_TEXT)
        abort();
    return 0;
}
