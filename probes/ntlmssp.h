/* ntlmssp.h — NTLMSSP (MS-NLMP) as SMB and RDP carry it before any credential: the
 * NEGOTIATE message we send, and the server's CHALLENGE, which names the host unasked. */
#ifndef AS_NTLMSSP_H
#define AS_NTLMSSP_H

#include <stddef.h>
#include <stdint.h>

#define AS_NTLM_NAME_MAX 256        /* UTF-8, NUL included */

/* MS-NLMP 2.2.2.5 flags we send or read. */
#define AS_NTLM_UNICODE      0x00000001u
#define AS_NTLM_OEM          0x00000002u
#define AS_NTLM_REQ_TARGET   0x00000004u
#define AS_NTLM_NTLM         0x00000200u
#define AS_NTLM_ALWAYS_SIGN  0x00008000u
#define AS_NTLM_ESS          0x00080000u
#define AS_NTLM_TARGET_INFO  0x00800000u
#define AS_NTLM_VERSION      0x02000000u
#define AS_NTLM_128          0x20000000u
#define AS_NTLM_56           0x80000000u

/* What a CHALLENGE says about its server. Strings are UTF-8, "" when absent. */
typedef struct as_ntlm_info {
    uint32_t flags;
    char target_name[AS_NTLM_NAME_MAX];
    char nb_computer[AS_NTLM_NAME_MAX];     /* MsvAvNbComputerName (1) */
    char nb_domain[AS_NTLM_NAME_MAX];       /* MsvAvNbDomainName (2) */
    char dns_computer[AS_NTLM_NAME_MAX];    /* MsvAvDnsComputerName (3) */
    char dns_domain[AS_NTLM_NAME_MAX];      /* MsvAvDnsDomainName (4) */
    char dns_tree[AS_NTLM_NAME_MAX];        /* MsvAvDnsTreeName (5) */
    int has_timestamp;
    uint64_t timestamp;                     /* MsvAvTimestamp (7): FILETIME, 100 ns since 1601 */
    int has_version;                        /* the VERSION structure (2.2.2.10) */
    uint8_t major, minor, ntlm_revision;
    uint16_t build;
} as_ntlm_info;

/* Writes a NEGOTIATE message (2.2.1.1, 40 bytes: Unicode, NTLM, target info, version
 * requested; no domain or workstation). Like snprintf: returns the size it needs and writes
 * only when it fits. */
size_t as_ntlmssp_negotiate(uint8_t *buf, size_t len);

/* Parses a CHALLENGE message (2.2.1.2) at the start of buf. Every offset and length is
 * checked against len; names are converted from UTF-16LE (or copied as OEM bytes when the
 * server did not set the Unicode flag) and sanitized. Returns 0, -EBADMSG for what is not
 * a CHALLENGE (bad signature, type or field), -EAGAIN when the fixed header is cut short. */
int as_ntlmssp_parse_challenge(const uint8_t *buf, size_t len, as_ntlm_info *out);

/* Finds an NTLMSSP message inside a wrapper (SPNEGO or a CredSSP TSRequest): the offset of
 * the first "NTLMSSP\0" signature, or -1. Fields stay bounded by the wrapper's end. */
long as_ntlmssp_find(const uint8_t *buf, size_t len);

#endif
