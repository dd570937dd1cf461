/* smb2_build.c — the requests of the SMB identity exchange: NetBIOS session request, SMB2
 * NEGOTIATE (with the 3.1.1 preauth context) and SESSION_SETUP with SPNEGO-wrapped NTLMSSP. */
#include "probes/smb2.h"

#include "probes/der.h"
#include "probes/wire.h"

#define SMB2_HDR 64
#define CMD_NEGOTIATE 0
#define CMD_SESSION_SETUP 1

/* RFC 1001 14.1 first-level encoding: 15 characters space-padded plus the suffix byte, each
 * byte as two letters 'A' + nibble, behind a length byte 32 and ended by the empty scope. */
static void nb_name(as_wr *w, const char *name, uint8_t suffix)
{
    as_wr_u8(w, 32);
    for (int i = 0; i < 16; i++) {
        uint8_t c = i == 15 ? suffix : ' ';
        if (i < 15 && *name)
            c = (uint8_t)*name++;
        as_wr_u8(w, (uint8_t)('A' + (c >> 4)));
        as_wr_u8(w, (uint8_t)('A' + (c & 0x0F)));
    }
    as_wr_u8(w, 0);
}

size_t as_nbss_session_request(uint8_t *buf, size_t len)
{
    as_wr w = {buf, len, 0};
    as_wr_u8(&w, 0x81);             /* SESSION REQUEST */
    as_wr_u8(&w, 0);
    as_wr_be16(&w, 68);             /* two encoded names of 34 bytes */
    nb_name(&w, "*SMBSERVER", 0x20);
    nb_name(&w, "AGENTSCAN", 0x00);
    return w.off;
}

/* Session header (type 0, 24-bit length patched at the end) and SMB2 header. */
static void smb2_header(as_wr *w, uint16_t cmd, uint16_t charge, uint64_t msg_id)
{
    static const uint8_t proto[4] = {0xFE, 'S', 'M', 'B'};
    static const uint8_t zero[16] = {0};
    as_wr_le32(w, 0);               /* session header, patched by finish() */
    as_wr_bytes(w, proto, 4);
    as_wr_le16(w, SMB2_HDR);
    as_wr_le16(w, charge);
    as_wr_le32(w, 0);               /* Status */
    as_wr_le16(w, cmd);
    as_wr_le16(w, 31);              /* CreditRequest */
    as_wr_le32(w, 0);               /* Flags */
    as_wr_le32(w, 0);               /* NextCommand */
    as_wr_le32(w, (uint32_t)msg_id);
    as_wr_le32(w, (uint32_t)(msg_id >> 32));
    as_wr_le32(w, 0xFEFF);          /* Reserved (process id) */
    as_wr_le32(w, 0);               /* TreeId */
    as_wr_bytes(w, zero, 8);        /* SessionId */
    as_wr_bytes(w, zero, 16);       /* Signature */
}

static size_t finish(as_wr *w)
{
    size_t body = w->off - 4;
    if (w->p && w->cap >= 4 && w->off <= w->cap) {
        w->p[0] = 0;
        w->p[1] = (uint8_t)(body >> 16);
        w->p[2] = (uint8_t)(body >> 8);
        w->p[3] = (uint8_t)body;
    }
    return w->off;
}

size_t as_smb2_negotiate(uint8_t *buf, size_t len, const uint8_t guid[16])
{
    static const uint16_t dialects[] = {0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
    const size_t nd = sizeof dialects / sizeof dialects[0];
    as_wr w = {buf, len, 0};
    smb2_header(&w, CMD_NEGOTIATE, 0, 0);
    /* offsets count from the SMB2 header; contexts are 8-byte aligned */
    size_t ctx_off = (SMB2_HDR + 36 + 2 * nd + 7) & ~(size_t)7;
    as_wr_le16(&w, 36);             /* StructureSize */
    as_wr_le16(&w, (uint16_t)nd);
    as_wr_le16(&w, 1);              /* SecurityMode: signing enabled */
    as_wr_le16(&w, 0);
    as_wr_le32(&w, 0);              /* Capabilities */
    as_wr_bytes(&w, guid, 16);
    as_wr_le32(&w, (uint32_t)ctx_off);
    as_wr_le16(&w, 1);              /* NegotiateContextCount */
    as_wr_le16(&w, 0);
    for (size_t i = 0; i < nd; i++)
        as_wr_le16(&w, dialects[i]);
    while (w.off - 4 < ctx_off)
        as_wr_u8(&w, 0);
    /* SMB2_PREAUTH_INTEGRITY_CAPABILITIES (2.2.3.1.1): SHA-512, a 32-byte salt */
    as_wr_le16(&w, 1);
    as_wr_le16(&w, 38);
    as_wr_le32(&w, 0);
    as_wr_le16(&w, 1);              /* HashAlgorithmCount */
    as_wr_le16(&w, 32);             /* SaltLength */
    as_wr_le16(&w, 1);              /* SHA-512 */
    as_wr_bytes(&w, guid, 16);
    as_wr_bytes(&w, guid, 16);
    return finish(&w);
}

/* RFC 4178 NegTokenInit: [APPLICATION 0] { SPNEGO OID, [0] { SEQUENCE { [0] mechTypes
 * { NTLMSSP OID }, [2] mechToken OCTET STRING } } } */
static void spnego_init(as_wr *w, const uint8_t *tok, size_t n)
{
    static const uint8_t spnego_oid[] = {0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
    static const uint8_t ntlm_mech[] = {0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01,
                                        0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a};
    size_t octets = as_der_header_size(n) + n;
    size_t token = as_der_header_size(octets) + octets;
    size_t seq = sizeof ntlm_mech + token;
    size_t init = as_der_header_size(seq) + seq;
    size_t app = sizeof spnego_oid + as_der_header_size(init) + init;
    as_der_header(w, 0x60, app);
    as_wr_bytes(w, spnego_oid, sizeof spnego_oid);
    as_der_header(w, 0xa0, init);
    as_der_header(w, 0x30, seq);
    as_wr_bytes(w, ntlm_mech, sizeof ntlm_mech);
    as_der_header(w, 0xa2, octets);
    as_der_header(w, 0x04, n);
    as_wr_bytes(w, tok, n);
}

size_t as_smb2_session_setup(uint8_t *buf, size_t len)
{
    uint8_t ntlm[64];
    size_t nl = as_ntlmssp_negotiate(ntlm, sizeof ntlm);
    as_wr w = {buf, len, 0};
    smb2_header(&w, CMD_SESSION_SETUP, 1, 1);
    size_t sec_at = w.off + 12;
    as_wr_le16(&w, 25);             /* StructureSize */
    as_wr_u8(&w, 0);                /* Flags */
    as_wr_u8(&w, 1);                /* SecurityMode: signing enabled */
    as_wr_le32(&w, 0);              /* Capabilities */
    as_wr_le32(&w, 0);              /* Channel */
    as_wr_le16(&w, SMB2_HDR + 24);  /* SecurityBufferOffset */
    as_wr_le16(&w, 0);              /* SecurityBufferLength, patched below */
    as_wr_le32(&w, 0);              /* PreviousSessionId */
    as_wr_le32(&w, 0);
    size_t start = w.off;
    spnego_init(&w, ntlm, nl);
    as_wr_put_le(&w, sec_at + 2, (uint32_t)(w.off - start), 2);
    return finish(&w);
}
