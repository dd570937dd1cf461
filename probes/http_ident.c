/* http_ident.c — the HTTP requests of the identity probe and the parser of the response
 * head: status line, Server, Content-Type and WWW-Authenticate, with a byte cap. */
#include "probes/http_ident.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "probes/wire.h"

static int token_ok(const char *s, int is_path)
{
    if (!s || !*s || strlen(s) > 1024 || (is_path && *s != '/'))
        return 0;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        int ok = is_path ? c > 0x20 && c < 0x7f
                         : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                           (c >= 'A' && c <= 'Z') || strchr(".:-[]", c);
        if (!ok)
            return 0;
    }
    return 1;
}

static long request(uint8_t *buf, size_t len, const char *method, const char *host,
                    const char *path, const char *extra)
{
    if (!token_ok(host, 0) || !token_ok(path, 1))
        return -EINVAL;
    int n = snprintf((char *)buf, len, "%s %s HTTP/1.1\r\nHost: %s\r\n"
                     "User-Agent: agentscan/" AS_VERSION "\r\n%sConnection: close\r\n\r\n",
                     method, path, host, extra);
    return n < 0 ? -EINVAL : n;
}

long as_http_get(uint8_t *buf, size_t len, const char *host, const char *path)
{
    return request(buf, len, "GET", host, path, "Accept: */*\r\n");
}

long as_http_wsman_probe(uint8_t *buf, size_t len, const char *host)
{
    uint8_t tok[64];
    char b64[128], extra[256];
    size_t tn = as_ntlmssp_negotiate(tok, sizeof tok);
    EVP_EncodeBlock((unsigned char *)b64, tok, (int)tn);
    snprintf(extra, sizeof extra, "Authorization: Negotiate %s\r\nContent-Length: 0\r\n"
             "Content-Type: application/soap+xml;charset=UTF-8\r\n", b64);
    return request(buf, len, "POST", host, "/wsman", extra);
}

static int is_base64(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' || s[i] == '='))
            return 0;
    return 1;
}

/* One challenge list of a WWW-Authenticate value: schemes are the tokens that start the
 * value or follow a comma and are not "name=value" parameters. */
static void auth_header(const char *v, size_t n, as_http_resp *out)
{
    static const struct { const char *name; unsigned bit; } schemes[] = {
        {"Basic", AS_HTTP_AUTH_BASIC}, {"Digest", AS_HTTP_AUTH_DIGEST},
        {"NTLM", AS_HTTP_AUTH_NTLM}, {"Negotiate", AS_HTTP_AUTH_NEGOTIATE},
        {"Kerberos", AS_HTTP_AUTH_KERBEROS}, {"CredSSP", AS_HTTP_AUTH_CREDSSP},
    };
    size_t i = 0;
    while (i < n) {
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ' ' && v[i] != ',' && v[i] != '=' && v[i] != '\t')
            i++;
        size_t tl = i - s;
        int param = i < n && v[i] == '=';
        if (tl && !param) {
            unsigned bit = AS_HTTP_AUTH_OTHER;
            for (size_t k = 0; k < sizeof schemes / sizeof schemes[0]; k++)
                if (strlen(schemes[k].name) == tl && !strncasecmp(v + s, schemes[k].name, tl))
                    bit = schemes[k].bit;
            out->auth |= bit;
            size_t used = strlen(out->auth_text);
            snprintf(out->auth_text + used, sizeof out->auth_text - used, "%s%.*s",
                     used ? ", " : "", (int)tl, v + s);
            while (i < n && v[i] == ' ')
                i++;
        }
        size_t ts = i;          /* the rest up to an unquoted comma */
        for (int quoted = 0; i < n && (quoted || v[i] != ','); i++)
            if (v[i] == '"' && (i == 0 || v[i - 1] != '\\'))
                quoted = !quoted;
        size_t te = i;          /* a token68 after Negotiate: "Negotiate TlRMTVNT..." */
        while (te > ts && v[te - 1] == ' ')
            te--;
        if (!param && tl == 9 && !strncasecmp(v + s, "Negotiate", 9) && te > ts &&
            te - ts < sizeof out->negotiate && is_base64(v + ts, te - ts))
            snprintf(out->negotiate, sizeof out->negotiate, "%.*s", (int)(te - ts), v + ts);
    }
}

static void header(const char *name, size_t nl, const char *v, size_t vl, as_http_resp *out)
{
    while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
    while (vl && (*v == ' ' || *v == '\t')) {
        v++;
        vl--;
    }
    if (nl == 6 && !strncasecmp(name, "Server", 6))
        as_text_sanitize((const uint8_t *)v, vl, out->server, sizeof out->server);
    else if (nl == 12 && !strncasecmp(name, "Content-Type", 12))
        as_text_sanitize((const uint8_t *)v, vl, out->content_type, sizeof out->content_type);
    else if (nl == 16 && !strncasecmp(name, "WWW-Authenticate", 16))
        auth_header(v, vl, out);
}

/* "HTTP/1.x SP 3DIGIT [SP reason]" */
static int status_line(const char *s, size_t n, as_http_resp *out)
{
    if (n < 12 || memcmp(s, "HTTP/1.", 7) || s[7] < '0' || s[7] > '9' || s[8] != ' ')
        return -EBADMSG;
    for (int i = 9; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return -EBADMSG;
    out->status = (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
    if (out->status < 100 || (n > 12 && s[12] != ' '))
        return -EBADMSG;
    memcpy(out->version, s, 8);
    if (n > 13)
        as_text_sanitize((const uint8_t *)s + 13, n - 13, out->reason, sizeof out->reason);
    return 0;
}

int as_http_parse(const char *buf, size_t len, as_http_resp *out)
{
    memset(out, 0, sizeof *out);
    size_t cap = len < AS_HTTP_HEAD_MAX ? len : AS_HTTP_HEAD_MAX;
    if (cap >= 5 && memcmp(buf, "HTTP/", 5) != 0)
        return -EBADMSG;
    for (size_t pos = 0, line = 0; pos < cap; line++) {
        const char *s = buf + pos, *nl = memchr(s, '\n', cap - pos);
        if (!nl)
            break;
        size_t n = (size_t)(nl - s);
        pos += n + 1;
        if (n && s[n - 1] == '\r')
            n--;
        if (line == 0) {
            if (status_line(s, n, out))
                return -EBADMSG;
            continue;
        }
        if (n == 0) {
            out->head_len = pos;
            return 0;
        }
        const char *colon = memchr(s, ':', n);
        if (*s == ' ' || *s == '\t' || !colon || colon == s)
            return -EBADMSG;
        header(s, (size_t)(colon - s), colon + 1, n - (size_t)(colon - s) - 1, out);
    }
    if (len < 5 && memcmp(buf, "HTTP/", len) != 0)
        return -EBADMSG;
    return len >= AS_HTTP_HEAD_MAX ? -E2BIG : -EAGAIN;
}

int as_http_is_winrm(const as_http_resp *r)
{
    if (strncmp(r->server, "Microsoft-HTTPAPI/", 18) != 0)
        return 0;
    unsigned wsman_auth = AS_HTTP_AUTH_NEGOTIATE | AS_HTTP_AUTH_KERBEROS | AS_HTTP_AUTH_BASIC |
                          AS_HTTP_AUTH_CREDSSP;
    if (r->status == 401)
        return (r->auth & wsman_auth) != 0;
    if (r->status == 405)
        return 1;
    return r->status == 200 && strstr(r->content_type, "application/soap+xml") != NULL;
}

int as_http_negotiate_challenge(const as_http_resp *r, as_ntlm_info *out)
{
    memset(out, 0, sizeof *out);
    size_t n = strlen(r->negotiate);
    if (n == 0)
        return -ENOENT;
    if (n % 4)
        return -EBADMSG;
    uint8_t raw[AS_HTTP_TOKEN_MAX / 4 * 3 + 3];
    int k = EVP_DecodeBlock(raw, (const unsigned char *)r->negotiate, (int)n);
    if (k < 0)
        return -EBADMSG;
    /* DecodeBlock counts padding as zero bytes; base64 has at most two of them, and a token
     * of nothing but '=' must not take the length below zero. */
    for (int pad = 0; pad < 2 && n && r->negotiate[n - 1] == '=' && k > 0; pad++) {
        n--;
        k--;
    }
    if (k <= 0 || (size_t)k > sizeof raw)
        return -EBADMSG;
    long at = as_ntlmssp_find(raw, (size_t)k);
    if (at < 0)
        return -EBADMSG;
    int rc = as_ntlmssp_parse_challenge(raw + at, (size_t)k - (size_t)at, out);
    return rc == -EAGAIN ? -EBADMSG : rc;
}
