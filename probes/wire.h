/* wire.h — a bounded reader over bytes from the wire: every read checks the length first and
 * assembles multi-byte fields from bytes, so no parser casts a buffer to a struct. */
#ifndef AS_WIRE_H
#define AS_WIRE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct as_rd {
    const uint8_t *p;
    size_t n;       /* bytes available */
    size_t off;     /* next byte to read */
} as_rd;

static inline as_rd as_rd_init(const uint8_t *p, size_t n)
{
    as_rd r = {p, p ? n : 0, 0};
    return r;
}

static inline size_t as_rd_left(const as_rd *r)
{
    return r->n - r->off;
}

/* Each reader returns 0, or -1 without moving when fewer bytes are left than it needs. */
static inline int as_rd_skip(as_rd *r, size_t k)
{
    if (as_rd_left(r) < k)
        return -1;
    r->off += k;
    return 0;
}

static inline int as_rd_u8(as_rd *r, uint8_t *v)
{
    if (as_rd_left(r) < 1)
        return -1;
    *v = r->p[r->off++];
    return 0;
}

static inline int as_rd_be16(as_rd *r, uint16_t *v)
{
    if (as_rd_left(r) < 2)
        return -1;
    *v = (uint16_t)(r->p[r->off] << 8 | r->p[r->off + 1]);
    r->off += 2;
    return 0;
}

static inline int as_rd_le16(as_rd *r, uint16_t *v)
{
    if (as_rd_left(r) < 2)
        return -1;
    *v = (uint16_t)(r->p[r->off] | r->p[r->off + 1] << 8);
    r->off += 2;
    return 0;
}

static inline int as_rd_le32(as_rd *r, uint32_t *v)
{
    if (as_rd_left(r) < 4)
        return -1;
    const uint8_t *b = r->p + r->off;
    *v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    r->off += 4;
    return 0;
}

static inline int as_rd_le64(as_rd *r, uint64_t *v)
{
    uint32_t lo, hi;
    if (as_rd_left(r) < 8)
        return -1;
    as_rd_le32(r, &lo);
    as_rd_le32(r, &hi);
    *v = (uint64_t)hi << 32 | lo;
    return 0;
}

static inline int as_rd_bytes(as_rd *r, void *dst, size_t k)
{
    if (as_rd_left(r) < k)
        return -1;
    memcpy(dst, r->p + r->off, k);
    r->off += k;
    return 0;
}

/* A bounded writer for request builders: writes past the end are counted, not done, so a
 * builder can report the size it needs (snprintf's contract). */
typedef struct as_wr {
    uint8_t *p;
    size_t cap;
    size_t off;
} as_wr;

static inline void as_wr_bytes(as_wr *w, const void *src, size_t k)
{
    if (w->p && w->off <= w->cap && w->cap - w->off >= k)
        memcpy(w->p + w->off, src, k);
    w->off += k;
}

static inline void as_wr_u8(as_wr *w, uint8_t v)
{
    as_wr_bytes(w, &v, 1);
}

static inline void as_wr_be16(as_wr *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    as_wr_bytes(w, b, 2);
}

static inline void as_wr_le16(as_wr *w, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    as_wr_bytes(w, b, 2);
}

static inline void as_wr_le32(as_wr *w, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    as_wr_bytes(w, b, 4);
}

/* Patches a field written earlier (e.g. a length known only at the end). */
static inline void as_wr_put_be16(as_wr *w, size_t at, uint16_t v)
{
    if (w->p && at + 2 <= w->cap && at + 2 <= w->off) {
        w->p[at] = (uint8_t)(v >> 8);
        w->p[at + 1] = (uint8_t)v;
    }
}

/* Fills a field written earlier with up to 4 little-endian bytes. */
static inline void as_wr_put_le(as_wr *w, size_t at, uint32_t v, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (w->p && at + i < w->cap && at + i < w->off)
            w->p[at + i] = (uint8_t)(v >> (8 * i));
}

/* Copies a wire string into a C string: printable ASCII kept, every other byte '?'; stops
 * at a NUL. Always terminates dst (dstlen > 0). */
void as_text_sanitize(const uint8_t *src, size_t n, char *dst, size_t dstlen);

/* UTF-16LE (as SMB, NTLMSSP and RDP carry names) to UTF-8: surrogate pairs joined, a lone
 * surrogate or an odd trailing byte becomes U+FFFD, control characters become '?'. Stops at
 * a U+0000. Truncates on a character boundary; always terminates dst (dstlen > 0). Returns
 * the length written. */
size_t as_utf16le_to_utf8(const uint8_t *src, size_t n, char *dst, size_t dstlen);

#endif
