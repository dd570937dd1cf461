/* test_identity.c — fusing identity evidence: the OS verdict's ranking, version borrowing and
 * conflict reports; the host-name choice; sysDescr/sysObjectID hints (snmpd's real sysDescr
 * from test_snmp_ident.c, the shapes vendors document). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/identity.h"
#include "fingerprints/snmp_os.h"

static as_evidence ev(int source, int family, const char *name, const char *version, int conf,
                      const char *value)
{
    as_evidence e;
    memset(&e, 0, sizeof e);
    e.source = source;
    e.hint.family = family;
    snprintf(e.hint.name, sizeof e.hint.name, "%s", name);
    snprintf(e.hint.version, sizeof e.hint.version, "%s", version);
    e.hint.confidence = conf;
    snprintf(e.value, sizeof e.value, "%s", value);
    return e;
}

START_TEST(protocol_outranks_stack)
{
    as_evidence list[] = {
        ev(AS_EV_STACK, AS_OSFAM_UNIX, "Linux", "2.6.32", 98, "Linux 2.6.32 (98%)"),
        ev(AS_EV_TTL, AS_OSFAM_WINDOWS, "Windows", "", 30, "TTL 128"),
        ev(AS_EV_NTLMSSP, AS_OSFAM_WINDOWS, "Windows", "Windows Server 2019 / Windows 10 1809",
           95, "10.0.17763"),
        ev(AS_EV_SMB, AS_OSFAM_UNKNOWN, "", "", 0, "dialect 3.1.1"),
    };
    as_os_verdict v;
    ck_assert_int_eq(as_identity_os(list, 4, &v), 0);
    ck_assert_int_eq(v.chosen, 2);
    ck_assert_int_eq(v.source, AS_EV_NTLMSSP);
    ck_assert_int_eq(v.os.family, AS_OSFAM_WINDOWS);
    ck_assert_str_eq(v.os.version, "Windows Server 2019 / Windows 10 1809");
    ck_assert_uint_eq(v.conflict, AS_ID_CONFLICT_STACK);
    ck_assert_str_eq(v.conflict_text, "ntlmssp says windows (Windows Windows Server 2019 / "
                     "Windows 10 1809), but stack says unix (Linux 2.6.32)");
    /* without protocol evidence the stack decides, and nothing is a conflict */
    ck_assert_int_eq(as_identity_os(list, 2, &v), 0);
    ck_assert_int_eq(v.chosen, 0);
    ck_assert_uint_eq(v.conflict, 0);
    /* the TTL guess alone */
    ck_assert_int_eq(as_identity_os(list + 1, 1, &v), 0);
    ck_assert_str_eq(v.os.name, "Windows");
    /* nothing that counts */
    ck_assert_int_eq(as_identity_os(list + 3, 1, &v), -ENOENT);
    ck_assert_int_eq(v.chosen, -1);
    ck_assert_int_eq(v.os.family, AS_OSFAM_UNKNOWN);
    ck_assert_int_eq(as_identity_os(NULL, 0, &v), -ENOENT);
}
END_TEST

START_TEST(ties_versions_and_protocol_conflicts)
{
    as_evidence list[] = {
        ev(AS_EV_SNMP, AS_OSFAM_UNIX, "Linux", "6.1.0-18-amd64", 85, "Linux h 6.1.0-18-amd64"),
        ev(AS_EV_SSH, AS_OSFAM_UNIX, "Debian", "", 85, "SSH-2.0-OpenSSH_9.2p1 Debian-2"),
        ev(AS_EV_SSH, AS_OSFAM_UNIX, "Debian", "12", 80, "SSH-2.0-OpenSSH_9.2p1 Debian-2"),
        ev(AS_EV_HTTP, AS_OSFAM_WINDOWS, "Windows", "", 50, "Microsoft-HTTPAPI/2.0"),
        ev(AS_EV_PASSIVE, AS_OSFAM_UNIX, "Linux", "", 40, "S4 window"),
    };
    as_os_verdict v;
    /* SNMP and SSH tie at 85: the one naming a version wins */
    ck_assert_int_eq(as_identity_os(list, 2, &v), 0);
    ck_assert_int_eq(v.chosen, 0);
    /* a verdict without version borrows one from the same family and name */
    ck_assert_int_eq(as_identity_os(list + 1, 4, &v), 0);
    ck_assert_int_eq(v.chosen, 0);                      /* list[1] */
    ck_assert_str_eq(v.os.name, "Debian");
    ck_assert_str_eq(v.os.version, "12");
    ck_assert_uint_eq(v.conflict, AS_ID_CONFLICT_PROTOCOL);
    ck_assert_str_eq(v.conflict_text, "ssh says unix (Debian), but http says windows (Windows)");
    /* equal rank, confidence and version: the earlier one */
    as_evidence same[] = {
        ev(AS_EV_SSH, AS_OSFAM_UNIX, "A", "1", 50, ""),
        ev(AS_EV_SNMP, AS_OSFAM_UNIX, "B", "1", 50, ""),
    };
    ck_assert_int_eq(as_identity_os(same, 2, &v), 0);
    ck_assert_str_eq(v.os.name, "A");
    /* evidence of an unknown source number is ignored */
    same[0].source = 99;
    ck_assert_int_eq(as_identity_os(same, 2, &v), 0);
    ck_assert_str_eq(v.os.name, "B");
    ck_assert_str_eq(as_ev_source_name(AS_EV_TTL), "ttl");
    ck_assert_str_eq(as_ev_source_name(99), "?");
}
END_TEST

START_TEST(host_names)
{
    as_name_cand c[] = {
        {AS_NAME_NETBIOS, "WS01"},
        {AS_NAME_PTR, "host-198-18-0-7.isp.example."},
        {AS_NAME_SMB_DNS, "ws01.corp.example"},
        {AS_NAME_TLS_SAN, "*.corp.example"},
        {AS_NAME_SNMP, "localhost"},
        {AS_NAME_TLS_CN, "WS01.corp.example"},
    };
    as_name_choice ch;
    ck_assert_int_eq(as_identity_name(c, 6, &ch), 0);
    ck_assert_int_eq(ch.chosen, 2);
    ck_assert_int_eq(ch.agree, 2);              /* NetBIOS and the TLS CN */
    ck_assert_str_eq(ch.name, "ws01.corp.example");
    /* PTR against a lone NetBIOS name: PTR's weight wins, trailing dot dropped */
    ck_assert_int_eq(as_identity_name(c, 2, &ch), 0);
    ck_assert_int_eq(ch.chosen, 1);
    ck_assert_str_eq(ch.name, "host-198-18-0-7.isp.example");
    /* agreement beats weight: SNMP and NetBIOS name the same host, PTR another */
    as_name_cand d[] = {
        {AS_NAME_PTR, "old-name.corp.example"},
        {AS_NAME_SNMP, "ws02"},
        {AS_NAME_NETBIOS, "WS02"},
    };
    ck_assert_int_eq(as_identity_name(d, 3, &ch), 0);
    ck_assert_int_eq(ch.chosen, 1);
    ck_assert_str_eq(ch.name, "ws02");
    as_name_cand bad[] = {
        {AS_NAME_PTR, ""}, {AS_NAME_SNMP, "has space"}, {AS_NAME_TLS_SAN, "*.x"},
        {AS_NAME_NETBIOS, "LOCALHOST"}, {AS_NAME_COUNT, "x"}, {AS_NAME_TLS_CN, "a\x1b"},
    };
    ck_assert_int_eq(as_identity_name(bad, 6, &ch), -ENOENT);
    ck_assert_int_eq(ch.chosen, -1);
    ck_assert_str_eq(as_name_source_name(AS_NAME_SMB_DNS), "smb-dns");
}
END_TEST

static const struct { const char *descr, *oid; int family; const char *name, *version; } snmp[] = {
    /* Debian 12 snmpd in the lab (test_snmp_ident.c) */
    {"Linux vm 6.18.44-fc-v1272 #1 SMP PREEMPT_DYNAMIC @0 x86_64", "1.3.6.1.4.1.8072.3.2.10",
     AS_OSFAM_UNIX, "Linux", "6.18.44-fc-v1272"},
    {"Hardware: Intel64 Family 6 Model 85 Stepping 4 AT/AT COMPATIBLE - Software: Windows "
     "Version 6.3 (Build 17763 Multiprocessor Free)", "1.3.6.1.4.1.311.1.1.3.1.2",
     AS_OSFAM_WINDOWS, "Windows", "10.0.17763"},
    {"Hardware: x86 Family 6 - Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)",
     "", AS_OSFAM_WINDOWS, "Windows", "6.1.7601"},
    {"Hardware: x86 - Software: Windows 2000 Version 5.0", "", AS_OSFAM_WINDOWS, "Windows", ""},
    {"Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(4)E10, RELEASE "
     "SOFTWARE (fc2)", "1.3.6.1.4.1.9.1.1208", AS_OSFAM_NETDEV, "Cisco IOS", "15.2(4)E10"},
    {"Cisco NX-OS(tm) n9000, Software (n9000-dk9), Version 9.3(8), RELEASE SOFTWARE", "",
     AS_OSFAM_NETDEV, "Cisco NX-OS", "9.3(8)"},
    {"Juniper Networks, Inc. ex2300-24t Ethernet Switch, kernel JUNOS 20.4R3-S1.3, Build date",
     "", AS_OSFAM_NETDEV, "Juniper Junos", "20.4R3-S1.3"},
    {"RouterOS RB750Gr3", "1.3.6.1.4.1.14988.1", AS_OSFAM_NETDEV, "MikroTik RouterOS", ""},
    {"FreeBSD fw 13.2-RELEASE FreeBSD 13.2-RELEASE releng/13.2-n254617 GENERIC amd64", "",
     AS_OSFAM_UNIX, "FreeBSD", "13.2-RELEASE"},
    {"FortiGate-60F", "1.3.6.1.4.1.12356.101.1.1", AS_OSFAM_NETDEV, "Fortinet FortiOS", ""},
    {"", "1.3.6.1.4.1.8072.3.2.10", AS_OSFAM_UNIX, "", ""},
    {"something else", "1.3.6.1.4.1.99999.1", AS_OSFAM_UNKNOWN, "", ""},
};

START_TEST(snmp_hints)
{
    as_os_hint h;
    int rc = as_snmp_os_hint(snmp[_i].descr, snmp[_i].oid, NULL, &h);
    ck_assert_int_eq(rc, snmp[_i].family != AS_OSFAM_UNKNOWN);
    ck_assert_int_eq(h.family, snmp[_i].family);
    ck_assert_str_eq(h.name, snmp[_i].name);
    ck_assert_str_eq(h.version, snmp[_i].version);
}
END_TEST

START_TEST(snmp_windows_build_names)
{
    as_winbuilds *t;
    char err[256];
    ck_assert_int_eq(as_winbuild_load(&t, as_default_winbuild_path(), err, sizeof err), 0);
    as_os_hint h;
    ck_assert_int_eq(as_snmp_os_hint(snmp[1].descr, NULL, t, &h), 1);
    ck_assert_str_eq(h.version, "Windows Server 2019 / Windows 10 1809");
    ck_assert_int_eq(h.confidence, 95);
    ck_assert_int_eq(as_snmp_os_hint(NULL, NULL, t, &h), 0);
    as_winbuild_free(t);
}
END_TEST

static Suite *identity_suite(void)
{
    Suite *s = suite_create("identity");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, protocol_outranks_stack);
    tcase_add_test(tc, ties_versions_and_protocol_conflicts);
    tcase_add_test(tc, host_names);
    tcase_add_loop_test(tc, snmp_hints, 0, sizeof snmp / sizeof snmp[0]);
    tcase_add_test(tc, snmp_windows_build_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(identity_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
