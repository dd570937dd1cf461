/* smb2.h — SMB2 as far as identifying a host goes, without credentials: the NetBIOS session
 * request (port 139), NEGOTIATE, and SESSION_SETUP carrying NTLMSSP NEGOTIATE; parsing the
 * answers (dialect, signing, server GUID and time, the NTLMSSP CHALLENGE). MS-SMB2 2.2. */
#ifndef AS_SMB2_H
#define AS_SMB2_H

#include <stddef.h>
#include <stdint.h>

#include "probes/ntlmssp.h"

/* Builders, like snprintf: return the size needed, write only when it fits. Every message
 * starts with the 4-byte session header (type 0, 24-bit length) of direct TCP (445) and
 * NetBIOS (139) transport alike. */

/* NetBIOS session request (RFC 1002 4.3.2) to "*SMBSERVER" from "AGENTSCAN". */
size_t as_nbss_session_request(uint8_t *buf, size_t len);
/* SMB2 NEGOTIATE offering 2.0.2, 2.1, 3.0, 3.0.2 and 3.1.1 (with the preauth-integrity
 * context 3.1.1 requires), signing enabled, message id 0. guid: 16 bytes of the caller's. */
size_t as_smb2_negotiate(uint8_t *buf, size_t len, const uint8_t guid[16]);
/* SMB2 SESSION_SETUP, message id 1, with an SPNEGO NegTokenInit wrapping NTLMSSP NEGOTIATE. */
size_t as_smb2_session_setup(uint8_t *buf, size_t len);

/* Stream framing: the size of the whole message starting at buf (header included), or
 * -EAGAIN when fewer than 4 bytes are there, -EBADMSG for a session-header type other than
 * 0 (message) or 0x82/0x83 (session responses, 4 + length bytes). */
long as_smb_frame_len(const uint8_t *buf, size_t len);

/* A positive session response (0x82) to the session request; 0 if buf is one, -EAGAIN for
 * fewer than 4 bytes, -ECONNREFUSED for a negative response (0x83), else -EBADMSG. */
int as_nbss_session_response(const uint8_t *buf, size_t len);

#define AS_SMB2_SIGNING_ENABLED  0x01
#define AS_SMB2_SIGNING_REQUIRED 0x02

typedef struct as_smb2_negotiate_info {
    uint16_t dialect;           /* 0x0202, 0x0210, 0x0300, 0x0302, 0x0311, or 0x02FF */
    uint16_t security_mode;
    int signing_required;
    uint32_t capabilities;
    uint8_t server_guid[16];
    uint64_t system_time;       /* FILETIME */
    uint64_t boot_time;         /* FILETIME, 0 on most servers */
    uint32_t status;            /* NT status of the header */
} as_smb2_negotiate_info;

/* Parses a NEGOTIATE response (session header included). Returns 0, -EAGAIN when the frame
 * is not complete, -EPROTO for an SMB1 answer ("\xFFSMB"), -EBADMSG for anything else that
 * is not a successful SMB2 NEGOTIATE response. */
int as_smb2_parse_negotiate(const uint8_t *buf, size_t len, as_smb2_negotiate_info *out);

/* Parses the SESSION_SETUP response (STATUS_MORE_PROCESSING_REQUIRED) and the NTLMSSP
 * CHALLENGE in its security buffer. Returns 0, -EAGAIN (frame incomplete), -ENOENT (an
 * answer without an NTLMSSP CHALLENGE, e.g. an error status; *status says which) or
 * -EBADMSG. */
int as_smb2_parse_session_setup(const uint8_t *buf, size_t len, uint32_t *status,
                                as_ntlm_info *out);

/* "2.0.2", "2.1", "3.0", "3.0.2", "3.1.1", "2.???" or "unknown". */
const char *as_smb2_dialect_name(uint16_t dialect);

#endif
