/* test_smb2.c — SMB2 and NTLMSSP identity: the requests byte for byte, answers captured from
 * Debian's Samba 4.17 (smbd in a private namespace, 198.18.77.2), the MS-NLMP example, and
 * hostile and truncated inputs. Also the UTF-16LE and text helpers of probes/wire.c. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "probes/ntlmssp.h"
#include "probes/smb2.h"
#include "probes/wire.h"

/* Samba 4.17.12 (Debian 12), "server signing = mandatory", netbios name IDHOST, workgroup
 * AGENTLAB, host name "vm": its answer to as_smb2_negotiate() on 445 ... */
static const uint8_t samba_negotiate[258] = {
    0x00, 0x00, 0x00, 0xfe, 0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x41, 0x00, 0x03, 0x00, 0x11, 0x03, 0x01, 0x00, 0x69, 0x64, 0x68, 0x6f,
    0x73, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80, 0x00, 0xc2, 0xe5, 0x26, 0x6f,
    0x4d, 0x86, 0xdd, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x4a, 0x00,
    0xd0, 0x00, 0x00, 0x00, 0x60, 0x48, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x3e,
    0x30, 0x3c, 0xa0, 0x0e, 0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02,
    0x02, 0x0a, 0xa3, 0x2a, 0x30, 0x28, 0xa0, 0x26, 0x1b, 0x24, 0x6e, 0x6f, 0x74, 0x5f, 0x64, 0x65,
    0x66, 0x69, 0x6e, 0x65, 0x64, 0x5f, 0x69, 0x6e, 0x5f, 0x52, 0x46, 0x43, 0x34, 0x31, 0x37, 0x38,
    0x40, 0x70, 0x6c, 0x65, 0x61, 0x73, 0x65, 0x5f, 0x69, 0x67, 0x6e, 0x6f, 0x72, 0x65, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x26, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x20, 0x00,
    0x01, 0x00, 0x93, 0x56, 0xb9, 0x97, 0x3f, 0x5f, 0xb0, 0x64, 0x9e, 0x25, 0xd2, 0x6b, 0xfd, 0x5b,
    0x5b, 0x94, 0xe1, 0x69, 0xde, 0x79, 0x97, 0xa4, 0x77, 0x5a, 0x0c, 0xd3, 0x8c, 0x25, 0xcc, 0xae,
    0xe5, 0x61,
};
/* ... and to as_smb2_session_setup(): STATUS_MORE_PROCESSING_REQUIRED, SPNEGO NegTokenResp. */
static const uint8_t samba_session[235] = {
    0x00, 0x00, 0x00, 0xe7, 0xfe, 0x53, 0x4d, 0x42, 0x40, 0x00, 0x01, 0x00, 0x16, 0x00, 0x00, 0xc0,
    0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x47, 0x85, 0xa7, 0x87,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x48, 0x00, 0x9f, 0x00, 0xa1, 0x81, 0x9c, 0x30,
    0x81, 0x99, 0xa0, 0x03, 0x0a, 0x01, 0x01, 0xa1, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01,
    0x82, 0x37, 0x02, 0x02, 0x0a, 0xa2, 0x81, 0x83, 0x04, 0x81, 0x80, 0x4e, 0x54, 0x4c, 0x4d, 0x53,
    0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00, 0x38, 0x00, 0x00, 0x00, 0x05,
    0x82, 0x8a, 0xa2, 0xc6, 0x7f, 0xfc, 0xcf, 0x5b, 0x2f, 0x3d, 0x52, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x3c, 0x00, 0x3c, 0x00, 0x44, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x0f, 0x49, 0x00, 0x44, 0x00, 0x48, 0x00, 0x4f, 0x00, 0x53, 0x00, 0x54, 0x00, 0x02,
    0x00, 0x0c, 0x00, 0x49, 0x00, 0x44, 0x00, 0x48, 0x00, 0x4f, 0x00, 0x53, 0x00, 0x54, 0x00, 0x01,
    0x00, 0x0c, 0x00, 0x49, 0x00, 0x44, 0x00, 0x48, 0x00, 0x4f, 0x00, 0x53, 0x00, 0x54, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x76, 0x00, 0x6d, 0x00, 0x07, 0x00, 0x08, 0x00, 0x44,
    0x9a, 0x2c, 0x6f, 0x4d, 0x86, 0xdd, 0x01, 0x00, 0x00, 0x00, 0x00,
};

/* MS-NLMP 4.2.4.3 (the specification's NTLMv2 example): CHALLENGE from "Server" in "Domain",
 * VERSION 6.0.6000, OEM flag clear. */
static const uint8_t spec_challenge[] = {
    0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x0c, 0x00,
    0x38, 0x00, 0x00, 0x00, 0x33, 0x82, 0x8a, 0xe2, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24, 0x00, 0x24, 0x00, 0x44, 0x00, 0x00, 0x00,
    0x06, 0x00, 0x70, 0x17, 0x00, 0x00, 0x00, 0x0f, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x02, 0x00, 0x0c, 0x00, 0x44, 0x00, 0x6f, 0x00, 0x6d, 0x00, 0x61, 0x00,
    0x69, 0x00, 0x6e, 0x00, 0x01, 0x00, 0x0c, 0x00, 0x53, 0x00, 0x65, 0x00, 0x72, 0x00, 0x76, 0x00,
    0x65, 0x00, 0x72, 0x00, 0x00, 0x00, 0x00, 0x00,
};

START_TEST(ntlmssp_negotiate_bytes)
{
    static const uint8_t want[40] = {
        'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0, 0x07, 0x82, 0x88, 0xa2,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        6, 1, 0xb1, 0x1d, 0, 0, 0, 0x0f,
    };
    uint8_t b[64];
    ck_assert_uint_eq(as_ntlmssp_negotiate(NULL, 0), 40);
    ck_assert_uint_eq(as_ntlmssp_negotiate(b, 39), 40);
    ck_assert_uint_eq(as_ntlmssp_negotiate(b, sizeof b), 40);
    ck_assert_mem_eq(b, want, sizeof want);
}
END_TEST

START_TEST(ntlmssp_spec_example)
{
    as_ntlm_info in;
    ck_assert_int_eq(as_ntlmssp_parse_challenge(spec_challenge, sizeof spec_challenge, &in), 0);
    ck_assert_uint_eq(in.flags, 0xe28a8233);
    ck_assert_str_eq(in.target_name, "Server");
    ck_assert_str_eq(in.nb_domain, "Domain");
    ck_assert_str_eq(in.nb_computer, "Server");
    ck_assert_str_eq(in.dns_computer, "");
    ck_assert_int_eq(in.has_version, 1);
    ck_assert_uint_eq(in.major, 6);
    ck_assert_uint_eq(in.minor, 0);
    ck_assert_uint_eq(in.build, 6000);
    ck_assert_uint_eq(in.ntlm_revision, 15);
    ck_assert_int_eq(in.has_timestamp, 0);
}
END_TEST

/* Each change makes the message lie about itself; the answer must be an error, not a read
 * past the end. */
START_TEST(ntlmssp_hostile)
{
    uint8_t m[sizeof spec_challenge];
    as_ntlm_info in;
    static const struct { size_t at; uint8_t v; int want; } rows[] = {
        {0, 'X', -EBADMSG},         /* signature */
        {8, 3, -EBADMSG},           /* message type AUTHENTICATE */
        {12, 0x60, -EBADMSG},       /* target name length past the end */
        {16, 0x68, -EBADMSG},       /* target name offset = end, length 12 */
        {19, 0x80, -EBADMSG},       /* target name offset 2^31 */
        {40, 0xff, -EBADMSG},       /* target info length past the end */
        {44, 0x45, -EBADMSG},       /* target info one byte late: its end passes the message */
        {44, 0x43, 0},              /* one byte early: pairs misread, but bounded */
        {0x46, 0xff, 0},            /* first AV pair claims 0xff bytes: list cut */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memcpy(m, spec_challenge, sizeof m);
        m[rows[i].at] = rows[i].v;
        ck_assert_msg(as_ntlmssp_parse_challenge(m, sizeof m, &in) == rows[i].want, "row %zu", i);
    }
    memcpy(m, spec_challenge, sizeof m);
    m[0x46] = 0xff;                 /* NbDomainName too long: nothing after it is read */
    ck_assert_int_eq(as_ntlmssp_parse_challenge(m, sizeof m, &in), 0);
    ck_assert_str_eq(in.nb_domain, "");
    ck_assert_str_eq(in.nb_computer, "");
    /* every prefix: short header -EAGAIN, later cuts -EBADMSG, never a crash */
    for (size_t n = 0; n < sizeof spec_challenge; n++) {
        int rc = as_ntlmssp_parse_challenge(spec_challenge, n, &in);
        ck_assert_msg(rc == (n < 48 ? -EAGAIN : -EBADMSG), "n=%zu rc=%d", n, rc);
    }
    ck_assert_int_eq(as_ntlmssp_find(spec_challenge, sizeof spec_challenge), 0);
    ck_assert_int_eq(as_ntlmssp_find(spec_challenge + 1, sizeof spec_challenge - 1), -1);
    ck_assert_int_eq(as_ntlmssp_find(NULL, 10), -1);
}
END_TEST

START_TEST(utf16_and_text)
{
    char out[16];
    static const uint8_t plain[] = {'H', 0, 0xe9, 0, 0x3b, 0x26};           /* Hé☻ */
    ck_assert_uint_eq(as_utf16le_to_utf8(plain, sizeof plain, out, sizeof out), 6);
    ck_assert_str_eq(out, "H\xc3\xa9\xe2\x98\xbb");
    static const uint8_t pair[] = {0x3d, 0xd8, 0x00, 0xde, 'x', 0};          /* U+1F600 x */
    as_utf16le_to_utf8(pair, sizeof pair, out, sizeof out);
    ck_assert_str_eq(out, "\xf0\x9f\x98\x80x");
    static const uint8_t lone[] = {0x00, 0xdc, 0x3d, 0xd8, 'a', 0, 'b'};     /* lone lo, hi, odd */
    as_utf16le_to_utf8(lone, sizeof lone, out, sizeof out);
    ck_assert_str_eq(out, "\xef\xbf\xbd\xef\xbf\xbd" "a\xef\xbf\xbd");
    static const uint8_t ctl[] = {'a', 0, 0x1b, 0, 0x85, 0, 0, 0, 'z', 0};  /* stops at U+0000 */
    as_utf16le_to_utf8(ctl, sizeof ctl, out, sizeof out);
    ck_assert_str_eq(out, "a??");
    /* truncation on a character boundary */
    ck_assert_uint_eq(as_utf16le_to_utf8(plain, sizeof plain, out, 4), 3);
    ck_assert_str_eq(out, "H\xc3\xa9");
    ck_assert_uint_eq(as_utf16le_to_utf8(plain, sizeof plain, out, 1), 0);
    ck_assert_str_eq(out, "");
    as_text_sanitize((const uint8_t *)"ab\x01\xff" "c\0d", 7, out, sizeof out);
    ck_assert_str_eq(out, "ab??c");
    as_text_sanitize((const uint8_t *)"abcdef", 6, out, 4);
    ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(smb_requests)
{
    uint8_t b[512];
    const uint8_t guid[16] = "agentscan-guid!";
    size_t n = as_smb2_negotiate(b, sizeof b, guid);
    ck_assert_uint_eq(n, 162);
    ck_assert_uint_eq(as_smb2_negotiate(NULL, 0, guid), n);
    ck_assert_mem_eq(b, "\x00\x00\x00\x9e\xfeSMB\x40\x00", 10);
    ck_assert_uint_eq(b[4 + 12], 0);                        /* NEGOTIATE */
    ck_assert_uint_eq(b[4 + 64], 36);                       /* StructureSize */
    ck_assert_uint_eq(b[4 + 66], 5);                        /* five dialects */
    ck_assert_mem_eq(b + 4 + 100, "\x02\x02\x10\x02\x00\x03\x02\x03\x11\x03", 10);
    ck_assert_uint_eq(b[4 + 92], 112);                      /* context offset, aligned */
    ck_assert_mem_eq(b + 4 + 112, "\x01\x00\x26\x00", 4);   /* preauth integrity, 38 bytes */
    n = as_smb2_session_setup(b, sizeof b);
    ck_assert_uint_eq(n, 166);
    ck_assert_uint_eq(b[4 + 12], 1);                        /* SESSION_SETUP */
    ck_assert_uint_eq(b[4 + 64], 25);
    ck_assert_uint_eq(b[4 + 76] | b[4 + 77] << 8, 88);      /* security buffer offset */
    ck_assert_uint_eq(b[4 + 78] | b[4 + 79] << 8, 74);      /* and length */
    ck_assert_mem_eq(b + 4 + 88, "\x60\x48\x06\x06\x2b\x06\x01\x05\x05\x02", 10);
    ck_assert_int_eq(as_ntlmssp_find(b, n), 166 - 40);
    n = as_nbss_session_request(b, sizeof b);
    ck_assert_uint_eq(n, 72);
    /* "*SMBSERVER<20>" and "AGENTSCAN<00>", RFC 1001 first-level encoding */
    ck_assert_mem_eq(b, "\x81\x00\x00\x44\x20" "CKFDENECFDEFFCFGEFFCCACACACACACA\x00", 38);
    ck_assert_mem_eq(b + 38, "\x20" "EBEHEFEOFEFDEDEBEOCACACACACACAAA\x00", 34);
}
END_TEST

START_TEST(smb_samba_answers)
{
    as_smb2_negotiate_info ng;
    ck_assert_int_eq(as_smb_frame_len(samba_negotiate, 3), -EAGAIN);
    ck_assert_int_eq(as_smb_frame_len(samba_negotiate, 4), sizeof samba_negotiate);
    ck_assert_int_eq(as_smb2_parse_negotiate(samba_negotiate, sizeof samba_negotiate, &ng), 0);
    ck_assert_uint_eq(ng.dialect, 0x0311);
    ck_assert_str_eq(as_smb2_dialect_name(ng.dialect), "3.1.1");
    ck_assert_uint_eq(ng.security_mode, 3);
    ck_assert_int_eq(ng.signing_required, 1);
    ck_assert_mem_eq(ng.server_guid, "idhost\0\0\0\0\0\0\0\0\0\0", 16);
    ck_assert_uint_gt(ng.system_time, 133000000000000000ull);   /* after 2022 */

    as_ntlm_info in;
    uint32_t st;
    ck_assert_int_eq(as_smb2_parse_session_setup(samba_session, sizeof samba_session, &st, &in), 0);
    ck_assert_uint_eq(st, 0xC0000016);
    ck_assert_str_eq(in.target_name, "IDHOST");
    ck_assert_str_eq(in.nb_computer, "IDHOST");
    ck_assert_str_eq(in.nb_domain, "IDHOST");
    ck_assert_str_eq(in.dns_computer, "vm");
    ck_assert_str_eq(in.dns_domain, "");
    ck_assert_int_eq(in.has_timestamp, 1);
    ck_assert_int_eq(in.has_version, 1);
    ck_assert_uint_eq(in.major, 6);
    ck_assert_uint_eq(in.minor, 1);
    ck_assert_uint_eq(in.build, 0);

    /* the wrong parser for each answer */
    ck_assert_int_eq(as_smb2_parse_negotiate(samba_session, sizeof samba_session, &ng), -EBADMSG);
    ck_assert_int_eq(as_smb2_parse_session_setup(samba_negotiate, sizeof samba_negotiate, &st,
                                                 &in), -EBADMSG);
}
END_TEST

START_TEST(smb_cut_and_hostile)
{
    as_smb2_negotiate_info ng;
    as_ntlm_info in;
    uint32_t st;
    for (size_t n = 0; n < sizeof samba_session; n++)
        ck_assert_int_eq(as_smb2_parse_session_setup(samba_session, n, &st, &in), -EAGAIN);
    for (size_t n = 0; n < sizeof samba_negotiate; n++)
        ck_assert_int_eq(as_smb2_parse_negotiate(samba_negotiate, n, &ng), -EAGAIN);
    uint8_t m[sizeof samba_session];
    memcpy(m, samba_session, sizeof m);
    m[4] = 0xff;                            /* SMB1 */
    ck_assert_int_eq(as_smb2_parse_session_setup(m, sizeof m, &st, &in), -EPROTO);
    memcpy(m, samba_session, sizeof m);
    m[4 + 8] = 0x22;                        /* STATUS_ACCESS_DENIED */
    m[4 + 9] = 0;
    ck_assert_int_eq(as_smb2_parse_session_setup(m, sizeof m, &st, &in), -ENOENT);
    ck_assert_uint_eq(st, 0xC0000022);
    memcpy(m, samba_session, sizeof m);
    m[4 + 70] = 0xff;                       /* security buffer length past the frame */
    ck_assert_int_eq(as_smb2_parse_session_setup(m, sizeof m, &st, &in), -EBADMSG);
    memcpy(m, samba_session, sizeof m);
    m[4 + 68] = 0xf0;                       /* security buffer offset past the frame */
    ck_assert_int_eq(as_smb2_parse_session_setup(m, sizeof m, &st, &in), -EBADMSG);
    memcpy(m, samba_session, sizeof m);
    m[0] = 0x85;                            /* keepalive type is not a message */
    ck_assert_int_eq(as_smb2_parse_session_setup(m, sizeof m, &st, &in), -EBADMSG);

    ck_assert_int_eq(as_nbss_session_response((const uint8_t *)"\x82\0\0\0", 4), 0);
    ck_assert_int_eq(as_nbss_session_response((const uint8_t *)"\x83\0\0\1\x80", 5),
                     -ECONNREFUSED);
    ck_assert_int_eq(as_nbss_session_response((const uint8_t *)"\x82", 1), -EAGAIN);
    ck_assert_int_eq(as_nbss_session_response((const uint8_t *)"\x00\0\0\0", 4), -EBADMSG);
    ck_assert_str_eq(as_smb2_dialect_name(0x0202), "2.0.2");
    ck_assert_str_eq(as_smb2_dialect_name(0x1234), "unknown");
}
END_TEST

static Suite *smb_suite(void)
{
    Suite *s = suite_create("smb2");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ntlmssp_negotiate_bytes);
    tcase_add_test(tc, ntlmssp_spec_example);
    tcase_add_test(tc, ntlmssp_hostile);
    tcase_add_test(tc, utf16_and_text);
    tcase_add_test(tc, smb_requests);
    tcase_add_test(tc, smb_samba_answers);
    tcase_add_test(tc, smb_cut_and_hostile);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(smb_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
