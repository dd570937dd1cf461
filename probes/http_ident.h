/* http_ident.h — HTTP as far as identification goes: a minimal request, the status line and
 * the headers that name a server (Server, WWW-Authenticate), WinRM recognised from its
 * /wsman answer, and the NTLMSSP CHALLENGE a Negotiate 401 carries. */
#ifndef AS_HTTP_IDENT_H
#define AS_HTTP_IDENT_H

#include <stddef.h>
#include <stdint.h>

#include "probes/ntlmssp.h"

#define AS_HTTP_HEAD_MAX 16384      /* status line and headers; more is -E2BIG */
#define AS_HTTP_TEXT_MAX 256
#define AS_HTTP_TOKEN_MAX 4096      /* a base64 Negotiate token */

/* WWW-Authenticate schemes seen, one bit each */
#define AS_HTTP_AUTH_BASIC     0x01
#define AS_HTTP_AUTH_DIGEST    0x02
#define AS_HTTP_AUTH_NTLM      0x04
#define AS_HTTP_AUTH_NEGOTIATE 0x08
#define AS_HTTP_AUTH_KERBEROS  0x10
#define AS_HTTP_AUTH_CREDSSP   0x20
#define AS_HTTP_AUTH_OTHER     0x80

/* "GET <path> HTTP/1.1", Host, User-Agent, "Connection: close". host: a name or address
 * ([A-Za-z0-9.:-], or "[v6]"), path starting with '/', both without spaces or control
 * characters. Returns the length (writes only when it fits), or -EINVAL. */
long as_http_get(uint8_t *buf, size_t len, const char *host, const char *path);

/* "POST /wsman" with Content-Length 0 and "Authorization: Negotiate <NTLMSSP NEGOTIATE>": a
 * WinRM listener answers 401 with its CHALLENGE (no credential is ever sent). */
long as_http_wsman_probe(uint8_t *buf, size_t len, const char *host);

typedef struct as_http_resp {
    int status;                         /* 100..599 */
    char version[16];                   /* "HTTP/1.1" */
    char reason[AS_HTTP_TEXT_MAX];
    char server[AS_HTTP_TEXT_MAX];      /* Server header, sanitized; "" when absent */
    char content_type[AS_HTTP_TEXT_MAX];
    unsigned auth;                      /* AS_HTTP_AUTH_* from every WWW-Authenticate */
    char auth_text[AS_HTTP_TEXT_MAX];   /* the challenges' scheme names, ", "-joined */
    char negotiate[AS_HTTP_TOKEN_MAX];  /* the base64 token of "Negotiate xxx", or "" */
    size_t head_len;                    /* bytes up to and including the blank line */
} as_http_resp;

/* Parses the status line and headers. Returns 0; -EAGAIN before the blank line (read
 * more); -E2BIG when the head passes AS_HTTP_HEAD_MAX; -EBADMSG for what is not HTTP/1.x.
 * Obsolete line folding is refused (-EBADMSG), bare LF line ends are accepted. */
int as_http_parse(const char *buf, size_t len, as_http_resp *out);

/* 1 if r is WinRM's answer to a request for /wsman: Server "Microsoft-HTTPAPI/..." and
 * either 401 offering Negotiate, Kerberos, Basic or CredSSP, or 405 (GET on the SOAP
 * endpoint), or 200 with a SOAP body type. A 404 from HTTP.sys is not WinRM. */
int as_http_is_winrm(const as_http_resp *r);

/* Decodes r->negotiate and parses the NTLMSSP CHALLENGE in it (directly, or inside SPNEGO).
 * Returns 0, -ENOENT (no token), -EBADMSG (bad base64 or not a CHALLENGE). */
int as_http_negotiate_challenge(const as_http_resp *r, as_ntlm_info *out);

#endif
