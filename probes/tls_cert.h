/* tls_cert.h — what a server's TLS certificate says about the host: subject CN, the DNS and
 * IP names of subjectAltName, the issuer, validity. Parsed by OpenSSL from DER bytes. */
#ifndef AS_TLS_CERT_H
#define AS_TLS_CERT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define AS_TLS_TEXT_MAX 256
#define AS_TLS_SANS_MAX 16

typedef struct as_tls_cert {
    char subject_cn[AS_TLS_TEXT_MAX];   /* UTF-8, control characters as '?'; "" if none */
    char subject[AS_TLS_TEXT_MAX];      /* RFC 2253 one-line form, truncated */
    char issuer_cn[AS_TLS_TEXT_MAX];
    char issuer[AS_TLS_TEXT_MAX];
    char sans[AS_TLS_SANS_MAX][AS_TLS_TEXT_MAX];    /* "DNS:host.example", "IP:198.18.0.1" */
    size_t nsans;                       /* kept; more names are counted in sans_total */
    size_t sans_total;
    int self_issued;                    /* subject equals issuer */
    time_t not_before, not_after;       /* 0 when unreadable */
} as_tls_cert;

/* Parses one DER certificate. Returns 0, -EBADMSG when OpenSSL does not read it as an
 * X.509 certificate (trailing bytes after it included), -ENOMEM. */
int as_tls_cert_parse(const uint8_t *der, size_t len, as_tls_cert *out);

#endif
