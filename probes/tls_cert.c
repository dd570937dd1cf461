/* tls_cert.c — reading the names out of a server certificate with OpenSSL (d2i_X509): the
 * subject and issuer CN, subjectAltName DNS/IP entries and the validity period. */
#include "probes/tls_cert.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "probes/wire.h"

/* ASN1 string to sanitized UTF-8 (non-ASCII kept, control characters '?'). A NUL is one of
 * them, not the end: "trusted.example\0.evil.example" must not read as "trusted.example". */
static void asn1_text(const ASN1_STRING *s, char *dst, size_t len)
{
    unsigned char *u = NULL;
    int n = s ? ASN1_STRING_to_UTF8(&u, s) : -1;
    dst[0] = '\0';
    if (n < 0)
        return;
    size_t w = 0;
    for (int i = 0; i < n && w + 1 < len; i++)
        dst[w++] = u[i] < 0x20 || u[i] == 0x7f ? '?' : (char)u[i];
    dst[w] = '\0';
    OPENSSL_free(u);
}

static void name_cn(const X509_NAME *name, char *dst, size_t len)
{
    int i = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    dst[0] = '\0';
    if (i >= 0)
        asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)), dst, len);
}

static void name_line(const X509_NAME *name, char *dst, size_t len)
{
    BIO *b = BIO_new(BIO_s_mem());
    dst[0] = '\0';
    if (!b)
        return;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        as_text_sanitize((const uint8_t *)p, n > 0 ? (size_t)n : 0, dst, len);
    }
    BIO_free(b);
}

static void add_san(as_tls_cert *out, const GENERAL_NAME *g)
{
    char text[AS_TLS_TEXT_MAX];
    if (g->type == GEN_DNS) {
        char v[AS_TLS_TEXT_MAX - 4];
        asn1_text(g->d.dNSName, v, sizeof v);
        snprintf(text, sizeof text, "DNS:%s", v);
    } else if (g->type == GEN_IPADD && (g->d.iPAddress->length == 4 ||
                                        g->d.iPAddress->length == 16)) {
        char v[INET6_ADDRSTRLEN];
        inet_ntop(g->d.iPAddress->length == 4 ? AF_INET : AF_INET6, g->d.iPAddress->data, v,
                  sizeof v);
        snprintf(text, sizeof text, "IP:%s", v);
    } else {
        return;
    }
    out->sans_total++;
    if (out->nsans < AS_TLS_SANS_MAX)
        snprintf(out->sans[out->nsans++], AS_TLS_TEXT_MAX, "%s", text);
}

static time_t asn1_time(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return timegm(&tm);
}

int as_tls_cert_parse(const uint8_t *der, size_t len, as_tls_cert *out)
{
    memset(out, 0, sizeof *out);
    const unsigned char *p = der;
    if (!der || len == 0 || len > 1 << 20)
        return -EBADMSG;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x)
        return -EBADMSG;
    if ((size_t)(p - der) != len) {
        X509_free(x);
        return -EBADMSG;
    }
    const X509_NAME *sub = X509_get_subject_name(x), *iss = X509_get_issuer_name(x);
    name_cn(sub, out->subject_cn, sizeof out->subject_cn);
    name_cn(iss, out->issuer_cn, sizeof out->issuer_cn);
    name_line(sub, out->subject, sizeof out->subject);
    name_line(iss, out->issuer, sizeof out->issuer);
    out->self_issued = sub && iss && X509_NAME_cmp(sub, iss) == 0;
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++)
        add_san(out, sk_GENERAL_NAME_value(gens, i));
    GENERAL_NAMES_free(gens);
    out->not_before = asn1_time(X509_get0_notBefore(x));
    out->not_after = asn1_time(X509_get0_notAfter(x));
    X509_free(x);
    return 0;
}
