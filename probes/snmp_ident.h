/* snmp_ident.h — SNMP v2c identity: a GET of sysDescr.0, sysObjectID.0 and sysName.0 and
 * its answer, both through net-snmp's PDU API (no BER of our own). Communities are input. */
#ifndef AS_SNMP_IDENT_H
#define AS_SNMP_IDENT_H

#include <stddef.h>
#include <stdint.h>

#define AS_SNMP_TEXT_MAX 256

/* Writes the GET request with request id reqid (the caller's cookie) into buf. Returns the
 * length, -E2BIG when buf is too small, -EINVAL for an empty or over-long (> 64) community,
 * -ENOMEM or -EIO when net-snmp fails to build it. */
int as_snmp_build_get(const char *community, int32_t reqid, uint8_t *buf, size_t len);

typedef struct as_snmp_info {
    int32_t reqid;
    long error_status;                  /* 0 noError; 2 noSuchName (v1), ... */
    char community[AS_SNMP_TEXT_MAX];   /* as the answer carries it, sanitized */
    char descr[AS_SNMP_TEXT_MAX];       /* sysDescr.0, sanitized; "" when absent */
    char name[AS_SNMP_TEXT_MAX];        /* sysName.0 */
    char object_id[AS_SNMP_TEXT_MAX];   /* sysObjectID.0 dotted, "1.3.6.1.4.1.8072.3.2.10" */
} as_snmp_info;

/* Parses a response to as_snmp_build_get. Returns 0, -EBADMSG when net-snmp cannot parse it
 * or it is not a v1/v2c RESPONSE. Varbinds are matched by OID, not position; a varbind of an
 * unexpected type (noSuchObject, ...) leaves its field empty. */
int as_snmp_parse_response(const uint8_t *buf, size_t len, as_snmp_info *out);

#endif
