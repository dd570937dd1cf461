/* fuzz_snmp.c — any bytes as an SNMP answer through net-snmp's parser, our varbind reading
 * and the sysDescr/sysObjectID OS table: fields stay terminated and bounded. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/snmp_os.h"
#include "probes/snmp_ident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_snmp_info in;
    if (as_snmp_parse_response(data, size, &in) != 0)
        return 0;
    if (strnlen(in.descr, AS_SNMP_TEXT_MAX) >= AS_SNMP_TEXT_MAX ||
        strnlen(in.name, AS_SNMP_TEXT_MAX) >= AS_SNMP_TEXT_MAX ||
        strnlen(in.object_id, AS_SNMP_TEXT_MAX) >= AS_SNMP_TEXT_MAX ||
        strnlen(in.community, AS_SNMP_TEXT_MAX) >= AS_SNMP_TEXT_MAX)
        abort();
    as_os_hint h;
    if (as_snmp_os_hint(in.descr, in.object_id, NULL, &h) &&
        strnlen(h.version, AS_OSHINT_TEXT) >= AS_OSHINT_TEXT)
        abort();
    return 0;
}
