/* test_rdp.c — RDP negotiation and CredSSP: the request bytes, xrdp 0.9.21's Connection
 * Confirms (Debian 12, captured in a private namespace), the failure form of MS-RDPBCGR,
 * and TSRequests around the NTLMSSP CHALLENGE Samba sent; hostile DER. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/der.h"
#include "probes/rdp.h"

/* xrdp answering as_rdp_connection_request(SSL | HYBRID): RDP_NEG_RSP, flags 0x01
 * (EXTENDED_CLIENT_DATA_SUPPORTED), PROTOCOL_SSL; and answering a request for plain RDP */
static const uint8_t xrdp_ssl[19] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x01, 0x08, 0x00,
    0x01, 0x00, 0x00, 0x00,
};
static const uint8_t xrdp_rdp[19] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x02, 0x01, 0x08, 0x00,
    0x00, 0x00, 0x00, 0x00,
};
/* MS-RDPBCGR 2.2.1.2.2: RDP_NEG_FAILURE, HYBRID_REQUIRED_BY_SERVER (5) */
static const uint8_t neg_failure[19] = {
    0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, 0x03, 0x00, 0x08, 0x00,
    0x05, 0x00, 0x00, 0x00,
};

/* The NTLMSSP CHALLENGE inside Samba 4.17's SESSION_SETUP answer (test_smb2.c) */
static const uint8_t samba_challenge[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00,
    0x38, 0x00, 0x00, 0x00, 0x05, 0x82, 0x8a, 0xa2, 0xc6, 0x7f, 0xfc, 0xcf, 0x5b, 0x2f, 0x3d, 0x52,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x3c, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x49, 0x00, 0x44, 0x00, 0x48, 0x00, 0x4f, 0x00,
    0x53, 0x00, 0x54, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x49, 0x00, 0x44, 0x00, 0x48, 0x00, 0x4f, 0x00,
    0x53, 0x00, 0x54, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x49, 0x00, 0x44, 0x00, 0x48, 0x00, 0x4f, 0x00,
    0x53, 0x00, 0x54, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x76, 0x00, 0x6d, 0x00,
    0x07, 0x00, 0x08, 0x00, 0x44, 0x9a, 0x2c, 0x6f, 0x4d, 0x86, 0xdd, 0x01, 0x00, 0x00, 0x00, 0x00,
};

START_TEST(connection_request)
{
    uint8_t b[32];
    ck_assert_uint_eq(as_rdp_connection_request(b, sizeof b, AS_RDP_PROTOCOL_SSL |
                                                 AS_RDP_PROTOCOL_HYBRID), 19);
    ck_assert_mem_eq(b, "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x03\x00\x00"
                        "\x00", 19);
    ck_assert_uint_eq(as_rdp_connection_request(NULL, 0, 0), 19);
}
END_TEST

START_TEST(confirms)
{
    as_rdp_confirm c;
    ck_assert_int_eq(as_rdp_parse_confirm(xrdp_ssl, sizeof xrdp_ssl, &c), 0);
    ck_assert_int_eq(c.has_neg, 1);
    ck_assert_int_eq(c.failed, 0);
    ck_assert_uint_eq(c.flags, 1);
    ck_assert_uint_eq(c.selected, AS_RDP_PROTOCOL_SSL);
    ck_assert_int_eq(as_rdp_parse_confirm(xrdp_rdp, sizeof xrdp_rdp, &c), 0);
    ck_assert_uint_eq(c.selected, AS_RDP_PROTOCOL_RDP);
    ck_assert_int_eq(as_rdp_parse_confirm(neg_failure, sizeof neg_failure, &c), 0);
    ck_assert_int_eq(c.failed, 1);
    ck_assert_uint_eq(c.failure, 5);
    /* an old server: CC without negotiation data */
    static const uint8_t old[] = {0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0, 0, 0x12, 0x34, 0};
    ck_assert_int_eq(as_rdp_parse_confirm(old, sizeof old, &c), 0);
    ck_assert_int_eq(c.has_neg, 0);
    for (size_t n = 0; n < sizeof xrdp_ssl; n++)
        ck_assert_int_eq(as_rdp_parse_confirm(xrdp_ssl, n, &c), -EAGAIN);
    static const struct { size_t at; uint8_t v; } bad[] = {
        {0, 4},         /* TPKT version */
        {3, 6},         /* TPKT length under 7 */
        {4, 0x20},      /* LI past the packet */
        {4, 5},         /* LI under a CC's fixed part */
        {5, 0xe0},      /* a CR, not a CC */
        {11, 0x01},     /* RDP_NEG_REQ in a confirm */
        {13, 0x09},     /* negotiation length not 8 */
        {4, 0x0d},      /* LI one short: the structure is cut inside the TPDU */
    };
    uint8_t m[sizeof xrdp_ssl];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memcpy(m, xrdp_ssl, sizeof m);
        m[bad[i].at] = bad[i].v;
        ck_assert_msg(as_rdp_parse_confirm(m, sizeof m, &c) == -EBADMSG, "row %zu", i);
    }
    ck_assert_int_eq(as_tpkt_len(xrdp_ssl, 4), 19);
}
END_TEST

START_TEST(tsrequest_out)
{
    uint8_t b[128];
    size_t n = as_credssp_negotiate(b, sizeof b);
    ck_assert_uint_eq(n, 57);
    ck_assert_mem_eq(b, "\x30\x37\xa0\x03\x02\x01\x02\xa1\x30\x30\x2e\x30\x2c\xa0\x2a\x04\x28"
                        "NTLMSSP\0\x01", 26);
    /* and it reads back as a TSRequest whose token is not a CHALLENGE */
    uint32_t v, e;
    as_ntlm_info in;
    ck_assert_int_eq(as_credssp_parse_challenge(b, n, &v, &e, &in), -EBADMSG);
    ck_assert_uint_eq(v, 2);
}
END_TEST

/* TSRequest { [0] version, [1] { { [0] OCTET STRING token } } } as a server would send it */
static size_t tsrequest(uint8_t *buf, size_t cap, uint8_t version, const uint8_t *tok, size_t tn)
{
    as_wr w = {buf, cap, 0};
    size_t octets = as_der_header_size(tn) + tn;
    size_t ctx0 = as_der_header_size(octets) + octets;
    size_t item = as_der_header_size(ctx0) + ctx0;
    size_t seqof = as_der_header_size(item) + item;
    as_der_header(&w, 0x30, 5 + as_der_header_size(seqof) + seqof);
    as_wr_bytes(&w, "\xa0\x03\x02\x01", 4);
    as_wr_u8(&w, version);
    as_der_header(&w, 0xa1, seqof);
    as_der_header(&w, 0x30, item);
    as_der_header(&w, 0x30, ctx0);
    as_der_header(&w, 0xa0, octets);
    as_der_header(&w, 0x04, tn);
    as_wr_bytes(&w, tok, tn);
    return w.off;
}

START_TEST(tsrequest_in)
{
    uint8_t b[512];
    uint32_t v, e;
    as_ntlm_info in;
    size_t n = tsrequest(b, sizeof b, 6, samba_challenge, sizeof samba_challenge);
    ck_assert_int_eq(as_credssp_parse_challenge(b, n, &v, &e, &in), 0);
    ck_assert_uint_eq(v, 6);
    ck_assert_uint_eq(e, 0);
    ck_assert_str_eq(in.nb_computer, "IDHOST");
    ck_assert_str_eq(in.dns_computer, "vm");
    for (size_t k = 0; k < n; k++)
        ck_assert_int_eq(as_credssp_parse_challenge(b, k, &v, &e, &in), -EAGAIN);
    /* errorCode only: STATUS_LOGON_FAILURE as a 4-byte INTEGER */
    static const uint8_t err[] = {0x30, 0x0d, 0xa0, 0x03, 0x02, 0x01, 0x06,
                                  0xa4, 0x06, 0x02, 0x04, 0xc0, 0x00, 0x00, 0x6d};
    ck_assert_int_eq(as_credssp_parse_challenge(err, sizeof err, &v, &e, &in), -ENOENT);
    ck_assert_uint_eq(e, 0xc000006d);
    static const struct { const char *hex; size_t n; int want; } bad[] = {
        {"\x31\x00", 2, -EBADMSG},                          /* SET, not SEQUENCE */
        {"\x30\x80\x00\x00", 4, -EBADMSG},                  /* indefinite length */
        {"\x30\x85\x01\x00\x00\x00\x00", 7, -EBADMSG},      /* 5 length bytes */
        {"\x30\x84\x7f\xff\xff\xff", 6, -EAGAIN},           /* 2 GB: "more", capped by caller */
        {"\x30\x03\x02\x01\x06", 5, -EBADMSG},              /* no [0] version */
        {"\x30\x05\xa0\x03\x04\x01\x06", 7, -EBADMSG},      /* version not INTEGER */
        {"\x30\x07\xa0\x03\x02\x01\x06\xa1\x00", 9, -EBADMSG},   /* [1] empty */
        {"\x30\x05\xa0\x03\x02\x01\x06", 7, -ENOENT},       /* no token */
        {"\x30\x05\xa0\x1f\x02\x01\x06", 7, -EBADMSG},      /* [0] longer than the SEQUENCE */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(as_credssp_parse_challenge((const uint8_t *)bad[i].hex, bad[i].n, &v, &e,
                                                 &in) == bad[i].want, "row %zu", i);
}
END_TEST

START_TEST(der_lengths)
{
    uint8_t b[8];
    static const struct { size_t len; const char *hdr; size_t hn; } rows[] = {
        {0, "\x04\x00", 2}, {127, "\x04\x7f", 2}, {128, "\x04\x81\x80", 3},
        {255, "\x04\x81\xff", 3}, {256, "\x04\x82\x01\x00", 4}, {70000, "\x04\x83\x01\x11\x70", 5},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        as_wr w = {b, sizeof b, 0};
        as_der_header(&w, 0x04, rows[i].len);
        ck_assert_uint_eq(w.off, rows[i].hn);
        ck_assert_uint_eq(as_der_header_size(rows[i].len), rows[i].hn);
        ck_assert_mem_eq(b, rows[i].hdr, rows[i].hn);
    }
    as_rd r = as_rd_init((const uint8_t *)"\x1f\x01\x00", 3);    /* multi-byte tag */
    as_der_elem e;
    ck_assert_int_eq(as_der_read(&r, &e), -1);
    ck_assert_uint_eq(r.off, 0);
}
END_TEST

static Suite *rdp_suite(void)
{
    Suite *s = suite_create("rdp");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, connection_request);
    tcase_add_test(tc, confirms);
    tcase_add_test(tc, tsrequest_out);
    tcase_add_test(tc, tsrequest_in);
    tcase_add_test(tc, der_lengths);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rdp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
