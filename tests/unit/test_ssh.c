/* test_ssh.c — SSH identification: Debian 12's sshd banner (captured in a private namespace),
 * preludes, line-end and length rules, and the OS table row by row. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/ssh_os.h"
#include "probes/ssh_ident.h"

/* openssh-server 1:9.2p1-2+deb12u10 (Debian 12), the first bytes it sent */
static const char debian12[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n";

START_TEST(real_banner)
{
    as_ssh_ident id;
    ck_assert_int_eq(as_ssh_parse_ident(debian12, strlen(debian12), &id), 0);
    ck_assert_str_eq(id.proto, "2.0");
    ck_assert_str_eq(id.software, "OpenSSH_9.2p1");
    ck_assert_str_eq(id.comments, "Debian-2+deb12u10");
    ck_assert_str_eq(id.product, "OpenSSH");
    ck_assert_str_eq(id.version, "9.2p1");
    ck_assert_uint_eq(id.quirks, 0);
    as_os_hint h;
    ck_assert_int_eq(as_ssh_os_hint(&id, &h), 1);
    ck_assert_int_eq(h.family, AS_OSFAM_UNIX);
    ck_assert_str_eq(h.name, "Debian");
    ck_assert_str_eq(h.version, "12");
    for (size_t n = 0; n < strlen(debian12); n++)
        ck_assert_int_eq(as_ssh_parse_ident(debian12, n, &id), -EAGAIN);
}
END_TEST

START_TEST(lines_and_limits)
{
    as_ssh_ident id;
    static const char pre[] = "Welcome\r\nSSH is here\r\nSSH-1.99-Cisco-1.25\n";
    ck_assert_int_eq(as_ssh_parse_ident(pre, strlen(pre), &id), 0);
    ck_assert_str_eq(id.proto, "1.99");
    ck_assert_str_eq(id.product, "Cisco");
    ck_assert_str_eq(id.version, "1.25");
    ck_assert_uint_eq(id.quirks, AS_SSH_QUIRK_PRELUDE | AS_SSH_QUIRK_LF_ONLY);
    static const char ctl[] = "SSH-2.0-x\x1b[31m y\xff\r\n";
    ck_assert_int_eq(as_ssh_parse_ident(ctl, strlen(ctl), &id), 0);
    ck_assert_str_eq(id.software, "x?[31m");
    ck_assert_str_eq(id.comments, "y?");
    ck_assert_uint_eq(id.quirks, AS_SSH_QUIRK_CONTROL);
    char big[400];
    memset(big, 'a', sizeof big);
    memcpy(big, "SSH-2.0-", 8);
    big[253] = '\r';
    big[254] = '\n';                        /* 255 bytes with CR LF: allowed */
    ck_assert_int_eq(as_ssh_parse_ident(big, 255, &id), 0);
    big[253] = 'a';
    big[254] = '\r';
    big[255] = '\n';                        /* 256: too long */
    ck_assert_int_eq(as_ssh_parse_ident(big, 256, &id), -EBADMSG);
    ck_assert_int_eq(as_ssh_parse_ident(big, 300, &id), -EBADMSG);   /* no end in sight */
    static const char *bad[] = {"SSH-\r\n", "SSH-2.0\r\n", "SSH--x\r\n", "SSH-2.0- y\r\n",
                                "SSH-12345678901234567-x\r\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(as_ssh_parse_ident(bad[i], strlen(bad[i]), &id) == -EBADMSG, "%s", bad[i]);
    static char http[AS_SSH_PRELUDE_MAX + 100];
    for (size_t i = 0; i < sizeof http; i++)
        http[i] = i % 50 == 49 ? '\n' : 'h';
    ck_assert_int_eq(as_ssh_parse_ident(http, sizeof http, &id), -EPROTO);
    ck_assert_int_eq(as_ssh_parse_ident("HTTP/1.1 400\r\n", 14, &id), -EAGAIN);
}
END_TEST

START_TEST(split)
{
    static const struct { const char *sw, *product, *version; } rows[] = {
        {"OpenSSH_for_Windows_8.1", "OpenSSH_for_Windows", "8.1"},
        {"dropbear_2022.83", "dropbear", "2022.83"},
        {"libssh-0.9.6", "libssh", "0.9.6"},
        {"ROSSSH", "ROSSSH", ""},
        {"Sun_SSH_1.1.5", "Sun_SSH", "1.1.5"},
        {"9.99", "9.99", ""},
        {"x_", "x_", ""},
    };
    char p[64], v[64];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        as_ssh_split_software(rows[i].sw, p, v, sizeof p);
        ck_assert_str_eq(p, rows[i].product);
        ck_assert_str_eq(v, rows[i].version);
    }
}
END_TEST

/* Banners as the public sources cited in ssh_os.c show them. */
static const struct { const char *line; int family; const char *name, *version; } os_rows[] = {
    {"SSH-2.0-OpenSSH_9.2p1 Debian-2", AS_OSFAM_UNIX, "Debian", "12"},
    {"SSH-2.0-OpenSSH_7.9p1 Debian-10+deb10u2", AS_OSFAM_UNIX, "Debian", "10"},
    {"SSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u3", AS_OSFAM_UNIX, "Debian", "11"},
    {"SSH-2.0-OpenSSH_7.4p1 Debian-10", AS_OSFAM_UNIX, "Debian", "9"},
    {"SSH-2.0-OpenSSH_10.0p2 Debian-7", AS_OSFAM_UNIX, "Debian", ""},
    {"SSH-2.0-OpenSSH_7.9p1 Raspbian-10+deb10u2", AS_OSFAM_UNIX, "Raspbian", "10"},
    {"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10", AS_OSFAM_UNIX, "Ubuntu", "22.04"},
    {"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5", AS_OSFAM_UNIX, "Ubuntu", "24.04"},
    {"SSH-2.0-OpenSSH_8.2p1 Ubuntu-4ubuntu0.11", AS_OSFAM_UNIX, "Ubuntu", "20.04"},
    {"SSH-2.0-OpenSSH_7.6p1 Ubuntu-4ubuntu0.7", AS_OSFAM_UNIX, "Ubuntu", "18.04"},
    {"SSH-2.0-OpenSSH_7.2p2 Ubuntu-4ubuntu2.10", AS_OSFAM_UNIX, "Ubuntu", "16.04"},
    {"SSH-2.0-OpenSSH_9.9p1 Ubuntu-3ubuntu3", AS_OSFAM_UNIX, "Ubuntu", ""},
    {"SSH-2.0-OpenSSH_9.6 FreeBSD-20240104", AS_OSFAM_UNIX, "FreeBSD", ""},
    {"SSH-2.0-OpenSSH_8.0 NetBSD_Secure_Shell-20190418-hpn13v14-lpk", AS_OSFAM_UNIX, "NetBSD", ""},
    {"SSH-2.0-OpenSSH_for_Windows_8.1", AS_OSFAM_WINDOWS, "Windows", ""},
    {"SSH-2.0-OpenSSH_for_Windows_9.5", AS_OSFAM_WINDOWS, "Windows", ""},
    {"SSH-1.99-Cisco-1.25", AS_OSFAM_NETDEV, "Cisco IOS", ""},
    {"SSH-2.0-ROSSSH", AS_OSFAM_NETDEV, "MikroTik RouterOS", ""},
    {"SSH-2.0-HUAWEI-1.5", AS_OSFAM_NETDEV, "Huawei VRP", ""},
    {"SSH-2.0-Comware-7.1.064", AS_OSFAM_NETDEV, "HPE Comware", ""},
    {"SSH-2.0-NetScreen", AS_OSFAM_NETDEV, "Juniper ScreenOS", ""},
    {"SSH-2.0-Sun_SSH_1.1", AS_OSFAM_UNIX, "Solaris", ""},
    {"SSH-2.0-dropbear_2022.83", AS_OSFAM_UNIX, "Linux (embedded)", ""},
    {"SSH-2.0-OpenSSH_8.0", AS_OSFAM_UNIX, "", ""},
    {"SSH-2.0-libssh_0.9.6", AS_OSFAM_UNKNOWN, "", ""},
    {"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb0u1", AS_OSFAM_UNIX, "Debian", ""},
    {"SSH-2.0-OpenSSH_9.2p1 Debian-2+debXu1", AS_OSFAM_UNIX, "Debian", ""},
};

START_TEST(os_table)
{
    char line[300];
    snprintf(line, sizeof line, "%s\r\n", os_rows[_i].line);
    as_ssh_ident id;
    as_os_hint h;
    ck_assert_int_eq(as_ssh_parse_ident(line, strlen(line), &id), 0);
    ck_assert_int_eq(as_ssh_os_hint(&id, &h), os_rows[_i].family != AS_OSFAM_UNKNOWN);
    ck_assert_msg(h.family == os_rows[_i].family, "%s: family %d", line, h.family);
    ck_assert_str_eq(h.name, os_rows[_i].name);
    ck_assert_str_eq(h.version, os_rows[_i].version);
    ck_assert_str_eq(as_os_family_name(h.family),
                     h.family == AS_OSFAM_UNKNOWN ? "unknown" : h.family == AS_OSFAM_WINDOWS
                     ? "windows" : h.family == AS_OSFAM_UNIX ? "unix" : "network device");
}
END_TEST

static Suite *ssh_suite(void)
{
    Suite *s = suite_create("ssh");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, real_banner);
    tcase_add_test(tc, lines_and_limits);
    tcase_add_test(tc, split);
    tcase_add_loop_test(tc, os_table, 0, sizeof os_rows / sizeof os_rows[0]);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ssh_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
