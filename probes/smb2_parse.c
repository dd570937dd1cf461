/* smb2_parse.c — reading the SMB2 answers of the identity exchange: stream framing, the
 * NEGOTIATE response and the SESSION_SETUP response with its NTLMSSP CHALLENGE. */
#include "probes/smb2.h"

#include <errno.h>
#include <string.h>

#include "probes/wire.h"

#define SMB2_HDR 64
#define STATUS_MORE_PROCESSING 0xC0000016u

long as_smb_frame_len(const uint8_t *buf, size_t len)
{
    if (len < 4)
        return -EAGAIN;
    if (buf[0] != 0 && buf[0] != 0x82 && buf[0] != 0x83)
        return -EBADMSG;
    return 4 + ((long)buf[1] << 16 | (long)buf[2] << 8 | buf[3]);
}

int as_nbss_session_response(const uint8_t *buf, size_t len)
{
    if (len < 4)
        return -EAGAIN;
    if (buf[0] == 0x83)
        return -ECONNREFUSED;
    return buf[0] == 0x82 ? 0 : -EBADMSG;
}

/* The SMB2 message of a complete frame, its header checked: *msg and *n bound the message
 * (SMB2 header first), *status and *cmd read from it. */
static int smb2_message(const uint8_t *buf, size_t len, const uint8_t **msg, size_t *n,
                        uint32_t *status, uint16_t *cmd)
{
    long fl = as_smb_frame_len(buf, len);
    if (fl < 0)
        return (int)fl;
    if (buf[0] != 0)
        return -EBADMSG;
    if ((size_t)fl > len)
        return -EAGAIN;
    as_rd r = as_rd_init(buf + 4, (size_t)fl - 4);
    uint8_t proto[4];
    uint16_t size;
    if (as_rd_bytes(&r, proto, 4))
        return -EBADMSG;
    if (memcmp(proto, "\xFFSMB", 4) == 0)
        return -EPROTO;
    if (memcmp(proto, "\xFESMB", 4) != 0 || as_rd_le16(&r, &size) || size != SMB2_HDR ||
        as_rd_skip(&r, 2) || as_rd_le32(&r, status) || as_rd_le16(&r, cmd) ||
        as_rd_left(&r) < SMB2_HDR - 14)
        return -EBADMSG;
    *msg = buf + 4;
    *n = (size_t)fl - 4;
    return 0;
}

int as_smb2_parse_negotiate(const uint8_t *buf, size_t len, as_smb2_negotiate_info *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *msg;
    size_t n;
    uint16_t cmd, size, ctx;
    int rc = smb2_message(buf, len, &msg, &n, &out->status, &cmd);
    if (rc)
        return rc;
    if (cmd != 0 || out->status != 0)
        return -EBADMSG;
    as_rd r = as_rd_init(msg, n);
    uint32_t skip32;
    if (as_rd_skip(&r, SMB2_HDR) || as_rd_le16(&r, &size) || size != 65 ||
        as_rd_le16(&r, &out->security_mode) || as_rd_le16(&r, &out->dialect) ||
        as_rd_le16(&r, &ctx) || as_rd_bytes(&r, out->server_guid, 16) ||
        as_rd_le32(&r, &out->capabilities) || as_rd_le32(&r, &skip32) ||
        as_rd_le32(&r, &skip32) || as_rd_le32(&r, &skip32) ||
        as_rd_le64(&r, &out->system_time) || as_rd_le64(&r, &out->boot_time))
        return -EBADMSG;
    out->signing_required = (out->security_mode & AS_SMB2_SIGNING_REQUIRED) != 0;
    return 0;
}

int as_smb2_parse_session_setup(const uint8_t *buf, size_t len, uint32_t *status,
                                as_ntlm_info *out)
{
    memset(out, 0, sizeof *out);
    *status = 0;
    const uint8_t *msg;
    size_t n;
    uint16_t cmd, size, flags, off, blen;
    int rc = smb2_message(buf, len, &msg, &n, status, &cmd);
    if (rc)
        return rc;
    if (cmd != 1)
        return -EBADMSG;
    if (*status != STATUS_MORE_PROCESSING && *status != 0)
        return -ENOENT;
    as_rd r = as_rd_init(msg, n);
    if (as_rd_skip(&r, SMB2_HDR) || as_rd_le16(&r, &size) || size != 9 ||
        as_rd_le16(&r, &flags) || as_rd_le16(&r, &off) || as_rd_le16(&r, &blen))
        return -EBADMSG;
    if (off > n || n - off < blen)
        return -EBADMSG;
    long at = as_ntlmssp_find(msg + off, blen);
    if (at < 0)
        return -ENOENT;
    rc = as_ntlmssp_parse_challenge(msg + off + at, blen - (size_t)at, out);
    return rc == -EAGAIN ? -EBADMSG : rc;
}

const char *as_smb2_dialect_name(uint16_t dialect)
{
    switch (dialect) {
    case 0x0202: return "2.0.2";
    case 0x0210: return "2.1";
    case 0x0300: return "3.0";
    case 0x0302: return "3.0.2";
    case 0x0311: return "3.1.1";
    case 0x02FF: return "2.???";
    default: return "unknown";
    }
}
