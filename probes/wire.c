/* wire.c — text from the wire made safe for the inventory: sanitized ASCII and UTF-16LE to
 * UTF-8, never writing past the caller's buffer. */
#include "probes/wire.h"

void as_text_sanitize(const uint8_t *src, size_t n, char *dst, size_t dstlen)
{
    size_t w = 0;
    if (dstlen == 0)
        return;
    for (size_t i = 0; i < n && src[i] && w + 1 < dstlen; i++)
        dst[w++] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[w] = '\0';
}

static size_t utf8_len(uint32_t c)
{
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

static void utf8_put(uint32_t c, char *d)
{
    size_t k = utf8_len(c);
    if (k == 1) {
        d[0] = (char)c;
        return;
    }
    static const uint8_t lead[5] = {0, 0, 0xC0, 0xE0, 0xF0};
    for (size_t i = k - 1; i > 0; i--) {
        d[i] = (char)(0x80 | (c & 0x3F));
        c >>= 6;
    }
    d[0] = (char)(lead[k] | c);
}

/* The code point at src[*i] (advancing *i), U+FFFD for what does not decode. */
static uint32_t utf16_next(const uint8_t *src, size_t n, size_t *i)
{
    if (n - *i < 2) {
        *i = n;
        return 0xFFFD;
    }
    uint32_t u = (uint32_t)src[*i] | (uint32_t)src[*i + 1] << 8;
    *i += 2;
    if (u < 0xD800 || u > 0xDFFF)
        return u;
    if (u >= 0xDC00 || n - *i < 2)
        return 0xFFFD;
    uint32_t lo = (uint32_t)src[*i] | (uint32_t)src[*i + 1] << 8;
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 0xFFFD;
    *i += 2;
    return 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
}

size_t as_utf16le_to_utf8(const uint8_t *src, size_t n, char *dst, size_t dstlen)
{
    size_t w = 0, i = 0;
    if (dstlen == 0)
        return 0;
    while (i < n) {
        uint32_t c = utf16_next(src, n, &i);
        if (c == 0)
            break;
        if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0))
            c = '?';
        size_t k = utf8_len(c);
        if (w + k + 1 > dstlen)
            break;
        utf8_put(c, dst + w);
        w += k;
    }
    dst[w] = '\0';
    return w;
}
