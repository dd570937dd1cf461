/* rdp.c — X.224 connection request and confirm with RDP negotiation, and the CredSSP
 * TSRequest around NTLMSSP: DER read through probes/der.c, every length bounded. */
#include "probes/rdp.h"

#include <errno.h>
#include <string.h>

#include "probes/der.h"
#include "probes/wire.h"

#define TYPE_NEG_REQ 0x01
#define TYPE_NEG_RSP 0x02
#define TYPE_NEG_FAILURE 0x03

size_t as_rdp_connection_request(uint8_t *buf, size_t len, uint32_t protocols)
{
    as_wr w = {buf, len, 0};
    as_wr_u8(&w, 3);                /* TPKT version */
    as_wr_u8(&w, 0);
    as_wr_be16(&w, 19);
    as_wr_u8(&w, 14);               /* X.224 length indicator: the rest of the TPDU */
    as_wr_u8(&w, 0xE0);             /* CR, class 0 */
    as_wr_be16(&w, 0);              /* DST-REF */
    as_wr_be16(&w, 0);              /* SRC-REF */
    as_wr_u8(&w, 0);                /* class option */
    as_wr_u8(&w, TYPE_NEG_REQ);
    as_wr_u8(&w, 0);                /* flags */
    as_wr_le16(&w, 8);
    as_wr_le32(&w, protocols);
    return w.off;
}

long as_tpkt_len(const uint8_t *buf, size_t len)
{
    if (len < 4)
        return -EAGAIN;
    long n = (long)buf[2] << 8 | buf[3];
    if (buf[0] != 3 || n < 7)
        return -EBADMSG;
    return n;
}

int as_rdp_parse_confirm(const uint8_t *buf, size_t len, as_rdp_confirm *out)
{
    memset(out, 0, sizeof *out);
    long n = as_tpkt_len(buf, len);
    if (n < 0)
        return (int)n;
    if ((size_t)n > len)
        return -EAGAIN;
    as_rd r = as_rd_init(buf + 4, (size_t)n - 4);
    uint8_t li, code, type;
    uint16_t nlen;
    if (as_rd_u8(&r, &li) || li < 6 || (size_t)li + 1 > r.n)
        return -EBADMSG;
    r.n = (size_t)li + 1;           /* the TPDU's own bytes; anything after is not ours */
    if (as_rd_u8(&r, &code) || (code & 0xF0) != 0xD0 || as_rd_skip(&r, 5))
        return -EBADMSG;
    if (as_rd_left(&r) == 0)
        return 0;
    if (as_rd_u8(&r, &type) || as_rd_u8(&r, &out->flags) || as_rd_le16(&r, &nlen) ||
        nlen != 8 || (type != TYPE_NEG_RSP && type != TYPE_NEG_FAILURE))
        return -EBADMSG;
    uint32_t v;
    if (as_rd_le32(&r, &v))
        return -EBADMSG;
    out->has_neg = 1;
    out->failed = type == TYPE_NEG_FAILURE;
    if (out->failed)
        out->failure = v;
    else
        out->selected = v;
    return 0;
}

/* TSRequest ::= SEQUENCE { version [0] INTEGER, negoTokens [1] NegoData OPTIONAL, ... }
 * NegoData ::= SEQUENCE OF SEQUENCE { negoToken [0] OCTET STRING } */
size_t as_credssp_negotiate(uint8_t *buf, size_t len)
{
    uint8_t tok[64];
    size_t tn = as_ntlmssp_negotiate(tok, sizeof tok);
    size_t octets = as_der_header_size(tn) + tn;
    size_t ctx0 = as_der_header_size(octets) + octets;
    size_t item = as_der_header_size(ctx0) + ctx0;
    size_t seqof = as_der_header_size(item) + item;
    size_t ctx1 = as_der_header_size(seqof) + seqof;
    size_t body = 5 + ctx1;                 /* [0] { INTEGER 2 } is a0 03 02 01 02 */
    as_wr w = {buf, len, 0};
    as_der_header(&w, 0x30, body);
    as_wr_bytes(&w, "\xa0\x03\x02\x01\x02", 5);
    as_der_header(&w, 0xa1, seqof);
    as_der_header(&w, 0x30, item);
    as_der_header(&w, 0x30, ctx0);
    as_der_header(&w, 0xa0, octets);
    as_der_header(&w, 0x04, tn);
    as_wr_bytes(&w, tok, tn);
    return w.off;
}

/* A small non-negative INTEGER inside an explicit tag; -1 when it is not one. */
static int der_uint(const as_der_elem *ctx, uint32_t *v)
{
    as_der_elem e;
    as_rd r = as_rd_init(ctx->body, ctx->len);
    if (as_der_read(&r, &e) || e.tag != 0x02 || e.len == 0 || e.len > 5)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < e.len; i++)
        x = x << 8 | e.body[i];
    if (x > 0xFFFFFFFFu)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

/* The first negoToken's OCTET STRING inside negoTokens [1]. */
static int first_token(const as_der_elem *ctx1, as_der_elem *tok)
{
    as_der_elem seqof, item, ctx0;
    as_rd r = as_rd_init(ctx1->body, ctx1->len);
    if (as_der_read(&r, &seqof) || seqof.tag != 0x30)
        return -1;
    r = as_rd_init(seqof.body, seqof.len);
    if (as_der_read(&r, &item) || item.tag != 0x30 || as_der_find(&item, 0xa0, &ctx0))
        return -1;
    r = as_rd_init(ctx0.body, ctx0.len);
    return as_der_read(&r, tok) || tok->tag != 0x04 ? -1 : 0;
}

/* Why the outer SEQUENCE did not read: cut short (-EAGAIN) or not DER at all (-EBADMSG). */
static int outer_incomplete(const uint8_t *buf, size_t len)
{
    if (len == 0)
        return -EAGAIN;
    if (buf[0] != 0x30)
        return -EBADMSG;
    if (len < 2)
        return -EAGAIN;
    int k = buf[1] & 0x80 ? buf[1] & 0x7F : -1;    /* long form: k length bytes */
    return k == 0 || k > 4 ? -EBADMSG : -EAGAIN;
}

int as_credssp_parse_challenge(const uint8_t *buf, size_t len, uint32_t *version,
                               uint32_t *error_code, as_ntlm_info *out)
{
    memset(out, 0, sizeof *out);
    *version = 0;
    *error_code = 0;
    as_rd r = as_rd_init(buf, len);
    as_der_elem req, ctx, tok;
    if (as_der_read(&r, &req))
        return outer_incomplete(buf, len);
    if (req.tag != 0x30 || as_der_find(&req, 0xa0, &ctx) || der_uint(&ctx, version))
        return -EBADMSG;
    if (as_der_find(&req, 0xa4, &ctx) == 0 && der_uint(&ctx, error_code))
        return -EBADMSG;
    if (as_der_find(&req, 0xa1, &ctx))
        return -ENOENT;
    if (first_token(&ctx, &tok))
        return -EBADMSG;
    int rc = as_ntlmssp_parse_challenge(tok.body, tok.len, out);
    return rc == -EAGAIN ? -EBADMSG : rc;
}
