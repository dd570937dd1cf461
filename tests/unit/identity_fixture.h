/* identity_fixture.h — a store holding what the identity phase writes (schema 4: identity
 * and evidence rows, port product/version/confirmed, observation.deploy_open), for the tests
 * of everything that reads it. The rows are written with plain SQL, as the store's writer
 * (db/store_identity.c) lays them out: the readers are tested on their own. */
#ifndef AS_IDENTITY_FIXTURE_H
#define AS_IDENTITY_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/export.h"
#include "db/store_internal.h"

static char dir[64], dbpath[128], err[512];
static as_store *st;
static as_port_table *deploy;
static as_oui *oui;

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))
#define STARTED 1700000000.0
#define WIN 1       /* host ids, in the order fill() stores them */
#define LNX 2
#define OLD 3

static const char deploy_tab[] =
    "22/tcp ssh unix\n23/tcp telnet unix\n139/tcp smb windows\n445/tcp smb windows\n"
    "3389/tcp rdp windows\n";
static const char oui_txt[] = "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\r\n";

static as_port_record port(uint16_t n, uint8_t proto, uint8_t state, const char *reason,
                           const char *service)
{
    as_port_record p;
    memset(&p, 0, sizeof p);
    p.port = n;
    p.proto = proto;
    p.state = state;
    p.reason_ttl = 64;
    p.confirmed = -1;
    strcpy(p.reason, reason);
    strcpy(p.service, service);
    return p;
}

static void sql(const char *q)
{
    char *msg = NULL;
    ck_assert_msg(sqlite3_exec(st->db, q, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", q,
                  msg ? msg : "?");
}

/* What the identity phase learned in scan `scan` about the Windows and the Linux host. */
static void identity_rows(int64_t scan, const char *win_os, const char *lnx_deploy,
                          const char *lnx_open)
{
    char q[4096];
    snprintf(q, sizeof q,
        "UPDATE port SET product = 'Microsoft Windows SMB', version = '3.1.1', confirmed = 1"
        "  WHERE scan_id = %lld AND host_id = %d AND port = 445;"
        "UPDATE port SET confirmed = 0 WHERE scan_id = %lld AND host_id = %d AND port = 3389;"
        "UPDATE port SET confirmed = 1 WHERE scan_id = %lld AND host_id = %d AND port = 137;"
        "UPDATE port SET product = 'OpenSSH', version = '9.2p1 Debian 2+deb12u3', confirmed ="
        "  (%s) WHERE scan_id = %lld AND host_id = %d AND port = 22;"
        "UPDATE port SET confirmed = 1 WHERE scan_id = %lld AND host_id = %d AND port = 161;"
        "UPDATE port SET confirmed = 0 WHERE scan_id = %lld AND host_id = %d AND port = 8081;"
        "UPDATE observation SET deploy = 'smb', deploy_open = 'rdp'"
        "  WHERE scan_id = %lld AND host_id = %d;"
        "UPDATE observation SET deploy = %s, deploy_open = %s WHERE scan_id = %lld AND host_id = %d;",
        (long long)scan, WIN, (long long)scan, WIN, (long long)scan, WIN,
        *lnx_deploy ? "1" : "0", (long long)scan, LNX, (long long)scan, LNX, (long long)scan, LNX,
        (long long)scan, WIN, *lnx_deploy ? "'ssh'" : "NULL", *lnx_open ? "'ssh'" : "NULL",
        (long long)scan, LNX);
    sql(q);
    snprintf(q, sizeof q,
        "INSERT INTO identity(scan_id, host_id, netbios_name, netbios_domain, netbios_users,"
        "  netbios_mac, dns_name, dns_domain, dns_forest, os_version, smb_dialect,"
        "  smb_signing_required, os, os_family, os_source, os_confidence, name, name_source)"
        "  VALUES(%lld, %d, 'WIN01', 'CORP', 'ADMINISTRATOR,bob', '00:22:72:00:00:0b',"
        "  'win01.corp.example.com', 'corp.example.com', 'corp.example.com', '10.0.17763',"
        "  '3.1.1', 1, '%s', 'windows', 'ntlmssp', 95, 'win01.corp.example.com', 'ntlmssp');"
        "INSERT INTO evidence VALUES(%lld, %d, 0, 'os', 'ntlmssp', 'tcp', 445,"
        "  'Windows 10.0 build 17763', '%s', 95);"
        "INSERT INTO evidence VALUES(%lld, %d, 1, 'name', 'ntlmssp', 'tcp', 445,"
        "  'win01.corp.example.com', 'win01.corp.example.com', 90);"
        "INSERT INTO evidence VALUES(%lld, %d, 2, 'os', 'ttl', NULL, NULL, 'TTL 128',"
        "  'Windows', 40);"
        "INSERT INTO identity(scan_id, host_id, ssh, snmp_sysdescr, snmp_sysname,"
        "  snmp_sysobjectid, tls_subject, tls_sans, tls_issuer, http_server, agent_possible,"
        "  os, os_family, os_source, os_confidence, os_conflict, name, name_source)"
        "  VALUES(%lld, %d, 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3',"
        "  'Linux idhost 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1 x86_64', 'idhost',"
        "  '1.3.6.1.4.1.8072.3.2.10', 'CN=idhost.lab', 'idhost.lab,www.idhost.lab',"
        "  'CN=Lab CA', 'nginx/1.22.1', 'BMC Client Management agent', 'Debian 12', 'unix',"
        "  'ssh', 90, 'the stack fingerprint says FreeBSD 13', 'idhost.lab', 'snmp');"
        "INSERT INTO evidence VALUES(%lld, %d, 0, 'os', 'ssh', 'tcp', 22,"
        "  'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3', 'Debian 12', 90);",
        (long long)scan, WIN, win_os, (long long)scan, WIN, win_os, (long long)scan, WIN,
        (long long)scan, WIN, (long long)scan, LNX, (long long)scan, LNX);
    sql(q);
}

/* One scan: a Windows host (SMB confirmed, RDP only open, NBSTAT on 137/udp), a Linux host
 * (SSH, SNMP, an agent port answering as something else) and a host scanned with the
 * identity phase off. */
static int64_t scan(double started, const char *win_os, const char *lnx_deploy,
                    const char *lnx_open)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "-p 22,137,139,161,445,3389,8081",
                                     started, err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    as_port_record pw[] = {
        port(445, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "smb"),
        port(139, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "smb"),
        port(3389, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "rdp"),
        port(137, IPPROTO_UDP, AS_PORT_OPEN, "udp-response", ""),
    };
    as_host_record w = { .ip = IP(198, 18, 1, 10), .up = 1, .rtt_us = 800, .has_mac = 1,
                         .mac = {0x00, 0x22, 0x72, 0, 0, 0x0b}, .ports = pw, .nports = 4 };
    strcpy(w.up_reason, "arp-response");
    strcpy(w.deploy, "smb,rdp");
    as_port_record pl[] = {
        port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "ssh"),
        port(8081, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", ""),
        port(161, IPPROTO_UDP, AS_PORT_OPEN, "udp-response", ""),
    };
    as_host_record l = { .ip = IP(198, 18, 1, 20), .up = 1, .rtt_us = 900, .ports = pl,
                         .nports = 3 };
    strcpy(l.up_reason, "echo-reply");
    strcpy(l.name, "idhost.lab");
    strcpy(l.deploy, "ssh");
    as_port_record po[] = { port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", "ssh") };
    as_host_record o = { .ip = IP(198, 18, 1, 30), .up = 1, .rtt_us = 700, .ports = po,
                         .nports = 1 };
    strcpy(o.up_reason, "echo-reply");
    strcpy(o.deploy, "ssh");
    as_host_record *all[] = {&w, &l, &o};
    for (int i = 0; i < 3; i++)
        ck_assert_msg(as_store_add_host(st, id, all[i], started + 1, err, sizeof err) == 0, "%s",
                      err);
    identity_rows(id, win_os, lnx_deploy, lnx_open);
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, started + 60, NULL, err,
                                       sizeof err), 0);
    return id;
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_ident_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_port_table_parse(&deploy, deploy_tab, strlen(deploy_tab), "deploy", 1,
                                         err, sizeof err), 0);
    ck_assert_int_eq(as_oui_parse(&oui, oui_txt, strlen(oui_txt), "oui", err, sizeof err), 0);
    scan(STARTED, "Windows Server 2019", "ssh", "");
}

static int rm_entry(const char *p, const struct stat *sb, int f, struct FTW *ftw)
{
    (void)sb, (void)f, (void)ftw;
    return remove(p);
}

static void teardown(void)
{
    as_store_close(st);
    as_port_table_free(deploy);
    as_oui_free(oui);
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* Runs f(out) into memory; the caller frees. */
#define CAPTURE(buf, call)                                                 \
    do {                                                                   \
        size_t n_ = 0;                                                     \
        FILE *out = open_memstream(&(buf), &n_);                           \
        ck_assert_ptr_nonnull(out);                                        \
        ck_assert_msg((call) == 0, "%s", err);                             \
        fclose(out);                                                       \
    } while (0)

#endif
