/* ssh_ident.c — finding and splitting the SSH identification line: other lines may precede
 * it, it is at most 255 bytes, and everything in it is sanitized before it is kept. */
#include "probes/ssh_ident.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "probes/wire.h"

void as_ssh_split_software(const char *software, char *product, char *version, size_t len)
{
    size_t n = strlen(software), cut = n;
    for (size_t i = n; i > 1; i--) {
        char sep = software[i - 1], d = i < n ? software[i] : 0;
        if ((sep == '_' || sep == '-') && d >= '0' && d <= '9') {
            cut = i - 1;
            break;
        }
    }
    snprintf(product, len, "%.*s", (int)cut, software);
    snprintf(version, len, "%s", cut < n ? software + cut + 1 : "");
}

/* "SSH-protoversion-softwareversion[ SP comments]" without its line end. */
static int split_line(const char *s, size_t n, as_ssh_ident *out)
{
    char line[AS_SSH_LINE_MAX + 1];
    as_text_sanitize((const uint8_t *)s, n, line, sizeof line);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            out->quirks |= AS_SSH_QUIRK_CONTROL;
    const char *proto = line + 4, *dash = strchr(proto, '-');
    if (!dash || dash == proto || (size_t)(dash - proto) >= sizeof out->proto)
        return -EBADMSG;
    snprintf(out->proto, sizeof out->proto, "%.*s", (int)(dash - proto), proto);
    const char *sw = dash + 1, *sp = strchr(sw, ' ');
    size_t swn = sp ? (size_t)(sp - sw) : strlen(sw);
    if (swn == 0)
        return -EBADMSG;
    snprintf(out->software, sizeof out->software, "%.*s", (int)swn, sw);
    snprintf(out->comments, sizeof out->comments, "%s", sp ? sp + 1 : "");
    as_ssh_split_software(out->software, out->product, out->version, sizeof out->product);
    return 0;
}

int as_ssh_parse_ident(const char *buf, size_t len, as_ssh_ident *out)
{
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    while (pos < len && pos < AS_SSH_PRELUDE_MAX) {
        const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
        int ident = len - pos >= 4 ? memcmp(s, "SSH-", 4) == 0 : memcmp(s, "SSH-", len - pos) == 0;
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        if (ident && (n + 1 > AS_SSH_LINE_MAX || (!nl && n >= AS_SSH_LINE_MAX)))
            return -EBADMSG;
        if (!nl)
            return -EAGAIN;
        if (ident && n >= 4) {
            if (n > 0 && s[n - 1] == '\r')
                n--;
            else
                out->quirks |= AS_SSH_QUIRK_LF_ONLY;
            if (pos > 0)
                out->quirks |= AS_SSH_QUIRK_PRELUDE;
            return split_line(s, n, out);
        }
        pos += n + 1;
    }
    return pos >= AS_SSH_PRELUDE_MAX ? -EPROTO : -EAGAIN;
}
