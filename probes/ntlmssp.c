/* ntlmssp.c — building the NTLMSSP NEGOTIATE and reading the CHALLENGE (MS-NLMP 2.2.1):
 * target name, target-info AV pairs and VERSION, every field bounded by the message. */
#include "probes/ntlmssp.h"

#include <errno.h>
#include <string.h>

#include "probes/wire.h"

static const uint8_t sig[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

#define NEG_FLAGS (AS_NTLM_UNICODE | AS_NTLM_OEM | AS_NTLM_REQ_TARGET | AS_NTLM_NTLM | \
                   AS_NTLM_ALWAYS_SIGN | AS_NTLM_ESS | AS_NTLM_TARGET_INFO | AS_NTLM_VERSION | \
                   AS_NTLM_128 | AS_NTLM_56)

size_t as_ntlmssp_negotiate(uint8_t *buf, size_t len)
{
    as_wr w = {buf, len, 0};
    static const uint8_t version[8] = {6, 1, 0xB1, 0x1D, 0, 0, 0, 0x0F};  /* 6.1.7601, rev 15 */
    static const uint8_t empty_fields[16] = {0};    /* DomainNameFields, WorkstationFields */
    as_wr_bytes(&w, sig, sizeof sig);
    as_wr_le32(&w, 1);                              /* MessageType: NEGOTIATE */
    as_wr_le32(&w, NEG_FLAGS);
    as_wr_bytes(&w, empty_fields, sizeof empty_fields);
    as_wr_bytes(&w, version, sizeof version);
    return w.off;
}

long as_ntlmssp_find(const uint8_t *buf, size_t len)
{
    for (size_t i = 0; buf && i + sizeof sig <= len; i++)
        if (memcmp(buf + i, sig, sizeof sig) == 0)
            return (long)i;
    return -1;
}

/* A (length, maxlength, offset) field pointing into the message; 0 with *p and *n set, or -1
 * when it points outside the message. */
static int field(as_rd *r, const uint8_t *msg, size_t len, const uint8_t **p, size_t *n)
{
    uint16_t flen, fmax;
    uint32_t foff;
    if (as_rd_le16(r, &flen) || as_rd_le16(r, &fmax) || as_rd_le32(r, &foff))
        return -1;
    if (flen == 0) {
        *p = NULL;
        *n = 0;
        return 0;
    }
    if (foff > len || len - foff < flen)
        return -1;
    *p = msg + foff;
    *n = flen;
    return 0;
}

static void name_copy(const uint8_t *p, size_t n, int unicode, char *dst)
{
    if (unicode)
        as_utf16le_to_utf8(p, n, dst, AS_NTLM_NAME_MAX);
    else
        as_text_sanitize(p, n, dst, AS_NTLM_NAME_MAX);
}

/* MS-NLMP 2.2.2.1: AV_PAIRs until MsvAvEOL; AV names are always Unicode. A list cut short
 * keeps what was read before the cut. */
static void av_pairs(const uint8_t *p, size_t n, as_ntlm_info *out)
{
    as_rd r = as_rd_init(p, n);
    uint16_t id, alen;
    while (as_rd_le16(&r, &id) == 0 && as_rd_le16(&r, &alen) == 0 && id != 0) {
        if (as_rd_left(&r) < alen)
            return;
        const uint8_t *v = r.p + r.off;
        char *dst[6] = {NULL, out->nb_computer, out->nb_domain, out->dns_computer,
                        out->dns_domain, out->dns_tree};
        if (id >= 1 && id <= 5)
            as_utf16le_to_utf8(v, alen, dst[id], AS_NTLM_NAME_MAX);
        else if (id == 7 && alen == 8) {
            as_rd t = as_rd_init(v, 8);
            as_rd_le64(&t, &out->timestamp);
            out->has_timestamp = 1;
        }
        as_rd_skip(&r, alen);
    }
}

/* The VERSION structure follows TargetInfoFields when NEGOTIATE_VERSION is set; older
 * servers leave it out, and then their payload can start right at offset 48. */
static void version(as_rd *r, size_t payload_start, as_ntlm_info *out)
{
    if (!(out->flags & AS_NTLM_VERSION) || payload_start < 56)
        return;
    uint8_t v[8];
    if (as_rd_bytes(r, v, sizeof v))
        return;
    out->major = v[0];
    out->minor = v[1];
    out->build = (uint16_t)(v[2] | v[3] << 8);
    out->ntlm_revision = v[7];
    out->has_version = 1;
}

int as_ntlmssp_parse_challenge(const uint8_t *buf, size_t len, as_ntlm_info *out)
{
    memset(out, 0, sizeof *out);
    /* what is there of signature and type must be right before a short one means "more" */
    static const uint8_t head[12] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0};
    if (!buf || memcmp(buf, head, len < sizeof head ? len : sizeof head) != 0)
        return -EBADMSG;
    if (len < 48)
        return -EAGAIN;
    as_rd r = as_rd_init(buf, len);
    const uint8_t *tn, *ti;
    size_t tnl, til;
    as_rd_skip(&r, sizeof head);
    if (field(&r, buf, len, &tn, &tnl) || as_rd_le32(&r, &out->flags) || as_rd_skip(&r, 16) ||
        field(&r, buf, len, &ti, &til))
        return -EBADMSG;
    size_t payload = len;       /* the lowest payload offset bounds the fixed part */
    if (tn && (size_t)(tn - buf) < payload)
        payload = (size_t)(tn - buf);
    if (ti && (size_t)(ti - buf) < payload)
        payload = (size_t)(ti - buf);
    version(&r, payload, out);
    if (tn)
        name_copy(tn, tnl, out->flags & AS_NTLM_UNICODE, out->target_name);
    if (ti)
        av_pairs(ti, til, out);
    return 0;
}
