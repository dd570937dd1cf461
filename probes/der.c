/* der.c — DER tag-length headers written and read with every length bounded by the parent
 * element, as the SPNEGO and CredSSP wrappers need. */
#include "probes/der.h"

size_t as_der_header_size(size_t len)
{
    size_t k = 2;
    for (size_t v = len; len >= 0x80 && v; v >>= 8)
        k++;
    return k;
}

void as_der_header(as_wr *w, uint8_t tag, size_t len)
{
    as_wr_u8(w, tag);
    if (len < 0x80) {
        as_wr_u8(w, (uint8_t)len);
        return;
    }
    size_t k = as_der_header_size(len) - 2;
    as_wr_u8(w, (uint8_t)(0x80 | k));
    for (size_t i = k; i > 0; i--)
        as_wr_u8(w, (uint8_t)(len >> (8 * (i - 1))));
}

int as_der_read(as_rd *r, as_der_elem *e)
{
    as_rd t = *r;
    uint8_t tag, l0;
    if (as_rd_u8(&t, &tag) || as_rd_u8(&t, &l0) || (tag & 0x1F) == 0x1F)
        return -1;
    size_t len = l0;
    if (l0 & 0x80) {
        size_t k = l0 & 0x7F;
        if (k == 0 || k > 4)
            return -1;
        len = 0;
        for (size_t i = 0; i < k; i++) {
            uint8_t b;
            if (as_rd_u8(&t, &b))
                return -1;
            len = len << 8 | b;
        }
    }
    if (as_rd_left(&t) < len)
        return -1;
    e->tag = tag;
    e->body = t.p + t.off;
    e->len = len;
    t.off += len;
    *r = t;
    return 0;
}

int as_der_find(const as_der_elem *parent, uint8_t tag, as_der_elem *e)
{
    as_rd r = as_rd_init(parent->body, parent->len);
    while (as_rd_left(&r) > 0) {
        if (as_der_read(&r, e))
            return -1;
        if (e->tag == tag)
            return 0;
    }
    return -1;
}
