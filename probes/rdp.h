/* rdp.h — RDP up to the point where a server names itself: the X.224 Connection Request
 * with RDP_NEG_REQ (MS-RDPBCGR 2.2.1.1), its Connection Confirm (2.2.1.2), and the CredSSP
 * TSRequest (MS-CSSP 2.2.1) that carries NTLMSSP once TLS is up. */
#ifndef AS_RDP_H
#define AS_RDP_H

#include <stddef.h>
#include <stdint.h>

#include "probes/ntlmssp.h"

#define AS_RDP_PROTOCOL_RDP       0x00000000u
#define AS_RDP_PROTOCOL_SSL       0x00000001u
#define AS_RDP_PROTOCOL_HYBRID    0x00000002u
#define AS_RDP_PROTOCOL_RDSTLS    0x00000004u
#define AS_RDP_PROTOCOL_HYBRID_EX 0x00000008u

/* Writes TPKT + X.224 CR + RDP_NEG_REQ asking for protocols (e.g. SSL | HYBRID); 19 bytes,
 * no cookie. Like snprintf: returns the size needed, writes only when it fits. */
size_t as_rdp_connection_request(uint8_t *buf, size_t len, uint32_t protocols);

typedef struct as_rdp_confirm {
    int has_neg;                /* an RDP_NEG_RSP or RDP_NEG_FAILURE was present */
    int failed;                 /* RDP_NEG_FAILURE */
    uint8_t flags;              /* RDP_NEG_RSP flags (EXTENDED_CLIENT_DATA_SUPPORTED, ...) */
    uint32_t selected;          /* RDP_NEG_RSP selectedProtocol */
    uint32_t failure;           /* RDP_NEG_FAILURE failureCode (1 SSL_REQUIRED_BY_SERVER, ...) */
} as_rdp_confirm;

/* TPKT framing (RFC 1006): total length of the packet at buf, -EAGAIN under 4 bytes,
 * -EBADMSG when it is not TPKT version 3 or claims fewer than 7 bytes. */
long as_tpkt_len(const uint8_t *buf, size_t len);

/* Parses the Connection Confirm. Returns 0, -EAGAIN (packet incomplete), -EBADMSG (not a
 * CC TPDU, or a negotiation structure that lies about its size). A CC without negotiation
 * data is an old server (standard RDP security only): has_neg 0. */
int as_rdp_parse_confirm(const uint8_t *buf, size_t len, as_rdp_confirm *out);

/* Writes a TSRequest (version 2) whose negoTokens carry an NTLMSSP NEGOTIATE. */
size_t as_credssp_negotiate(uint8_t *buf, size_t len);

/* Parses the server's TSRequest: version, errorCode if any, and the NTLMSSP CHALLENGE from
 * negoTokens[0].negoToken. Returns 0 with *out filled; -EAGAIN when the outer SEQUENCE is
 * incomplete; -ENOENT for a TSRequest without a token (*error_code tells why, 0 if absent);
 * -EBADMSG for malformed DER or a token that is not a CHALLENGE. */
int as_credssp_parse_challenge(const uint8_t *buf, size_t len, uint32_t *version,
                               uint32_t *error_code, as_ntlm_info *out);

#endif
