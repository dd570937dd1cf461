/* text.c — strings from the network made safe for one output (UTF-8 repair, control bytes),
 * the short form of a passive OS guess, and the comma lists the store keeps agents and deploy
 * channels in. */
#include <stdlib.h>
#include <string.h>

#include "db/store_internal.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. Overlong forms,
 * surrogates and code points past U+10FFFF are invalid, as in RFC 3629. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned min, cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, min = 0x80, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, min = 0x800, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, min = 0x10000, cp = c & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static int bad_control(unsigned char c, int ctrl)
{
    if (ctrl == 2)
        return c < 0x20 || c == 0x7f;
    if (ctrl == 1)
        return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
    return 0;
}

char *as_text_clean(const char *s, int ctrl)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0 || (n == 1 && bad_control(*p, ctrl))) {
            d[w++] = '?';
            p++;
            continue;
        }
        memcpy(d + w, p, n);
        w += n;
        p += n;
    }
    d[w] = '\0';
    return d;
}

char *as_passive_family(const char *passive)
{
    if (!passive || !*passive)
        return NULL;
    const char *cut = strstr(passive, " (passive");
    return strndup(passive, cut ? (size_t)(cut - passive) : strlen(passive));
}

int as_list_each(const char *list, int (*fn)(void *ctx, const char *item), void *ctx)
{
    if (!list)
        return 0;
    char *copy = strdup(list);
    if (!copy)
        return -1;
    int rc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n > 0 && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (n > 0)
            rc = fn(ctx, tok);
    }
    free(copy);
    return rc;
}

static int is_item(void *ctx, const char *item)
{
    return strcmp(item, (const char *)ctx) == 0;
}

int as_list_has(const char *list, const char *item)
{
    return as_list_each(list, is_item, (void *)item) == 1;
}
