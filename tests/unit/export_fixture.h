/* export_fixture.h — the store contents the export tests share (test_export.c byte for
 * byte, test_export_parse.c through real parsers): fixed times, one hostile name. */
#ifndef AS_EXPORT_FIXTURE_H
#define AS_EXPORT_FIXTURE_H

#include <check.h>
#include <ftw.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "db/export.h"

static char dir[64], dbpath[128], err[512];
static as_store *st;
static as_port_table *deploy;
static as_oui *oui;

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((c) << 8) | (d))
#define STARTED 1700000000.0    /* 2023-11-14T22:13:20Z */
#define HOSTILE "=cmd|' /C calc'!A0,\"x\"\n<b>&amp;\x01\x1f\r;"
/* nmap syntax: one test a line, with the characters XML and CSV must carry */
#define FPRINT "OS:SCAN(V=7.93%E=4%D=11/14%OT=22%CT=443%CU=1%PV=Y%DS=0%DC=L%G=Y)\n" \
               "OS:SEQ(SP=105%GCD=1%ISR=10A%TI=Z%CI=Z%II=I%TS=A)\nOS:T1(R=Y%DF=Y%T=40%F=AS)"
#define WIN_PASSIVE "Windows (passive: TTL 128, 1 hops, window 8192, options MNWNNS, DF)"

static const as_os_guess linux_os[] = {
    { "Linux 5.0 - 5.14", 95, "Linux", "Linux", "5.X", "general purpose",
      "cpe:/o:linux:linux_kernel:5" },
    { "Linux 4.15", 90, "Linux", "Linux", "4.X", "general purpose", NULL },
};
static const as_os_guess hostile_os[] = {
    { HOSTILE, 88, "Ev\"il <&>\x02", NULL, NULL, "WAP", "cpe:/h:<&>\x03" },
};

static const char deploy_tab[] =
    "22/tcp ssh unix\n23/tcp telnet unix\n139/tcp smb windows\n445/tcp smb windows\n"
    "3389/tcp rdp windows\n";
static const char oui_txt[] = "00-22-72   (hex)\t\tAmerican Micro-Fuel Device Corp.\r\n";

static as_port_record port(uint16_t n, uint8_t proto, uint8_t state, const char *reason,
                           uint8_t ttl, const char *service)
{
    as_port_record p;
    memset(&p, 0, sizeof p);
    p.port = n;
    p.proto = proto;
    p.state = state;
    p.reason_ttl = ttl;
    strcpy(p.reason, reason);
    strcpy(p.service, service);
    return p;
}

static void add(int64_t scan, as_host_record *h)
{
    ck_assert_msg(as_store_add_host(st, scan, h, STARTED + 1, err, sizeof err) == 0, "%s", err);
}

/* Scan 1: a managed host with a MAC, two OS guesses, a fingerprint and every port state; a
 * host with a hostile PTR name, OS guess and firewall note; a host recorded down; a host
 * with only a passive OS guess. Added out of address order. */
static void fill(void)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/24", "-p 22,80 198.18.1.0/24", STARTED,
                                     err, sizeof err);
    ck_assert_msg(id == 1, "%s", err);
    as_port_record pm[] = {
        port(1002, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "Opsware/HP Server Automation agent"),
        port(22, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, "ssh"),
        port(80, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 64, ""),
        port(53, IPPROTO_UDP, AS_PORT_OPEN, "udp-response", 64, ""),
        port(445, IPPROTO_TCP, AS_PORT_FILTERED, "no-response", 0, "smb"),
        port(443, IPPROTO_TCP, AS_PORT_CLOSED, "reset", 64, ""),
    };
    as_host_record m = { .ip = IP(198, 18, 1, 10), .up = 1, .reply_ttl = 64, .rtt_us = 1500,
                         .has_mac = 1, .mac = { 0x00, 0x22, 0x72, 0, 0, 0x0A }, .managed = 1,
                         .ports = pm, .nports = 6 };
    strcpy(m.up_reason, "echo-reply");
    strcpy(m.name, "managed.lab");
    strcpy(m.agent, "Opsware/HP Server Automation agent");
    strcpy(m.deploy, "ssh");
    m.os = linux_os;
    m.nos = 2;
    m.os_fingerprint = FPRINT;
    m.os_passive = "Linux (passive: TTL 64, 0 hops, window 64240, options M5B4ST11NW7, DF)";
    m.os_passive_accuracy = 70;
    add(id, &m);
    as_port_record pe[] = { port(23, IPPROTO_TCP, AS_PORT_FILTERED, "admin-prohibited", 63, "telnet") };
    as_host_record evil = { .ip = IP(198, 18, 1, 9), .up = 1, .rtt_us = -1, .ports = pe,
                            .nports = 1, .os = hostile_os, .nos = 1, .firewall_suspect = 1,
                            .firewall_note = HOSTILE };
    strcpy(evil.up_reason, "reset");
    strcpy(evil.name, HOSTILE);
    add(id, &evil);
    as_host_record down = { .ip = IP(198, 18, 1, 100), .up = 0, .rtt_us = -1 };
    strcpy(down.up_reason, "no-response");
    add(id, &down);
    as_port_record pw[] = { port(3389, IPPROTO_TCP, AS_PORT_OPEN, "syn-ack", 128, "rdp") };
    as_host_record win = { .ip = IP(198, 18, 1, 11), .up = 1, .rtt_us = 900, .ports = pw,
                           .nports = 1, .os_passive = WIN_PASSIVE, .os_passive_accuracy = 70 };
    strcpy(win.up_reason, "syn-ack");
    strcpy(win.deploy, "rdp");
    add(id, &win);
    as_scan_stats stats = { 256, 3, 1000, 20 };
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, STARTED + 60, &stats, err,
                                       sizeof err), 0);
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_export_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/inv.db", dir);
    ck_assert_msg(as_store_open(&st, dbpath, 1, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(as_port_table_parse(&deploy, deploy_tab, strlen(deploy_tab), "deploy", 1,
                                         err, sizeof err), 0);
    ck_assert_int_eq(as_oui_parse(&oui, oui_txt, strlen(oui_txt), "oui", err, sizeof err), 0);
    fill();
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

/* Runs one export into memory; the caller frees. */
static char *export_to_string(as_export_opts *o, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_ptr_nonnull(f);
    o->deploy = deploy;
    o->oui = oui;
    ck_assert_msg(as_store_export(st, o, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

static char *export_fmt(enum as_export_format fmt)
{
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = fmt;
    return export_to_string(&o, NULL);
}

#endif
