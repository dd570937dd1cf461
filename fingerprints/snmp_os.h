/* snmp_os.h — the OS that sysDescr.0 and sysObjectID.0 name: Windows (with its build),
 * Linux and BSD kernels, network operating systems; the enterprise number as a fallback. */
#ifndef AS_SNMP_OS_H
#define AS_SNMP_OS_H

#include "fingerprints/oshint.h"
#include "fingerprints/winbuild.h"

/* Fills *hint from sysDescr (descr) first, then the sysObjectID enterprise (object_id,
 * dotted). builds may be NULL (a Windows build then stays a number). Returns 1 when
 * something was recognised, else 0. */
int as_snmp_os_hint(const char *descr, const char *object_id, const as_winbuilds *builds,
                    as_os_hint *hint);

#endif
