/* report_fixture.c — test and benchmark inventories for the HTML report, written through
 * the store API (no network): `hostile DB` holds names and texts that try to inject markup
 * and script; `bulk DB N` holds two sweeps of a job with N hosts in 198.18.0.0/16 in every
 * state (N up to 65,536), the second with 1% of the hosts gone and 1% changed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <time.h>

#include "db/reports.h"

#define BASE 0xC6120000u    /* 198.18.0.0 */

static char err[1024];

static int fail(const char *what)
{
    fprintf(stderr, "asreport-fixture: %s: %s\n", what, err);
    return 1;
}

static void port(as_host_record *h, as_port_record *p, uint16_t num, int state,
                 const char *service)
{
    as_port_record *r = &p[h->nports++];
    memset(r, 0, sizeof *r);
    r->port = num;
    r->proto = 6;
    r->state = (uint8_t)state;
    snprintf(r->reason, sizeof r->reason, "%s", state == AS_PORT_OPEN ? "syn-ack"
             : state == AS_PORT_CLOSED ? "reset" : "no-response");
    snprintf(r->service, sizeof r->service, "%s", service);
    h->ports = p;
}

/* Host i's state: 0 managed, 1 deployable (ssh), 2 blocked (ssh filtered), 3 no channel
 * (login ports closed), 4 deployable Windows (smb), 5 firewall suspect. */
static void make_host(as_host_record *h, as_port_record *p, uint32_t ip, unsigned kind,
                      unsigned i)
{
    memset(h, 0, sizeof *h);
    h->ip = ip;
    h->up = 1;
    snprintf(h->up_reason, sizeof h->up_reason, "echo-reply");
    h->reply_ttl = kind == 4 ? 128 : 64;
    h->rtt_us = 800 + i % 500;
    snprintf(h->name, sizeof h->name, "host-%u.bench.agentscan.test", i);
    h->os_passive = kind == 4 ? "Windows (passive: TTL 128)" : "Linux (passive: TTL 64)";
    h->os_passive_accuracy = 60;
    int ssh = kind == 0 || kind == 1 ? AS_PORT_OPEN : kind == 2 ? AS_PORT_FILTERED : AS_PORT_CLOSED;
    port(h, p, 22, ssh, "ssh");
    port(h, p, 80, AS_PORT_CLOSED, "");
    port(h, p, 445, kind == 4 ? AS_PORT_OPEN : AS_PORT_CLOSED, "smb");
    if (kind == 0) {
        port(h, p, 1002, AS_PORT_OPEN, "Opsware/HP Server Automation agent");
        h->managed = 1;
        snprintf(h->agent, sizeof h->agent, "Opsware/HP Server Automation agent");
    }
    snprintf(h->deploy, sizeof h->deploy, "%s", kind <= 1 ? "ssh" : kind == 4 ? "smb" : "");
    if (kind == 5) {
        h->firewall_suspect = 1;
        h->firewall_note = "many hosts, one SYN/ACK signature, same ports, no RST";
    }
}

static int sweep(as_store *st, const char *job, double t, size_t n, int second)
{
    int64_t id = as_store_begin_scan(st, "198.18.0.0/16", "sweep bench: -p 22,80,445,1002", t,
                                     err, sizeof err);
    if (id < 0 || as_store_begin_batch(st, err, sizeof err) != 0)
        return -1;
    size_t stride = n ? 65536 / n : 1, up = 0;
    for (size_t i = 0; i < n; i++) {
        if (second && i % 100 == 7)
            continue;       /* gone */
        as_host_record h;
        as_port_record p[8];
        unsigned kind = (unsigned)(i % 6);
        if (second && i % 100 == 11)
            kind = (kind + 1) % 6;  /* changed */
        make_host(&h, p, BASE + (uint32_t)(i * stride), kind, (unsigned)i);
        if (as_store_add_host(st, id, &h, t, err, sizeof err) != 0)
            return -1;
        up++;
        if (i % 2000 == 1999 && (as_store_commit_batch(st, err, sizeof err) != 0 ||
                                 as_store_begin_batch(st, err, sizeof err) != 0))
            return -1;
    }
    uint32_t lo = BASE, hi = BASE | 0xffff;
    as_scan_stats stats = {65536, up, 0, 0};
    as_origin o = {.gateway = "gw1", .job = job, .source_ip = 0xC613FF02u, .origin_scan = id};
    if (as_store_commit_batch(st, err, sizeof err) != 0 ||
        as_store_scan_ranges(st, id, &lo, &hi, 1, err, sizeof err) != 0 ||
        as_store_end_scan(st, id, AS_SCAN_COMPLETE, t + 42, &stats, err, sizeof err) != 0 ||
        as_origin_record(st, id, &o, err, sizeof err) != 0)
        return -1;
    return 0;
}

static const char *const hostile_names[] = {
    "<script>document.documentElement.setAttribute('data-pwned','script')</script>",
    "\"><img src=x onerror=\"document.documentElement.setAttribute('data-pwned','img')\">",
    "javascript:document.documentElement.setAttribute('data-pwned','js')",
    "'><svg onload=\"document.documentElement.setAttribute('data-pwned','svg')\">",
    "ctl\x01\x07\x1b[31mred\x7f\x08\145nd",   /* \145: an e the \x08 must not swallow */
    "</title></rect></svg><script>document.documentElement.setAttribute('data-pwned','title')</script>",
    "&lt;already&gt; &amp; escaped &#60;b&#62;",
};

static int hostile(as_store *st)
{
    double t = 1.8e9;
    const char *evil = "<script>document.documentElement.setAttribute('data-pwned','meta')</script>";
    int64_t id = as_store_begin_scan(st, "198.18.5.0/24 <b>targets</b>", evil, t, err, sizeof err);
    if (id < 0)
        return -1;
    size_t nnames = sizeof hostile_names / sizeof hostile_names[0];
    for (size_t i = 0; i <= nnames; i++) {
        as_host_record h;
        as_port_record p[8];
        make_host(&h, p, BASE | 5u << 8 | (uint32_t)(10 + i), (unsigned)(i % 6), (unsigned)i);
        if (i < nnames)
            snprintf(h.name, sizeof h.name, "%s", hostile_names[i]);
        else        /* made 1,000 characters long below, past what the engine stores */
            snprintf(h.name, sizeof h.name, "long");
        if (h.managed)
            snprintf(h.agent, sizeof h.agent, "%s", "<img src=x onerror=\"document."
                     "documentElement.setAttribute('data-pwned','agent')\">");
        h.os_passive = "<script>document.documentElement.setAttribute('data-pwned','os')</script> (passive)";
        if (i == 5) {
            h.firewall_suspect = 1;
            h.firewall_note = "\"><script>document.documentElement.setAttribute('data-pwned','note')</script>";
        }
        if (as_store_add_host(st, id, &h, t, err, sizeof err) != 0)
            return -1;
    }
    uint32_t lo = BASE | 5u << 8, hi = lo | 0xff;
    as_origin o = {.gateway = "<i>gw</i>\"'", .job = "<script>job</script>", .origin_scan = id};
    if (as_store_scan_ranges(st, id, &lo, &hi, 1, err, sizeof err) != 0 ||
        as_store_end_scan(st, id, AS_SCAN_COMPLETE, t + 3, NULL, err, sizeof err) != 0 ||
        as_origin_record(st, id, &o, err, sizeof err) != 0)
        return -1;
    return 0;
}

/* Another tool (or a merge of one) may write names longer than the engine ever does. */
static int long_name(const char *path)
{
    sqlite3 *db;
    char *msg = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "UPDATE observation SET name = printf('%.*c', 991, 'A') || "
                          "'<b>x</b>.' WHERE name = 'long'", NULL, NULL, &msg);
    snprintf(err, sizeof err, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (strcmp(argv[1], "hostile") != 0 && strcmp(argv[1], "bulk") != 0)) {
        fprintf(stderr, "usage: asreport-fixture hostile DB | bulk DB N\n");
        return 2;
    }
    as_store *st;
    if (as_store_open(&st, argv[2], 1, err, sizeof err) != 0)
        return fail("open");
    int rc;
    if (strcmp(argv[1], "hostile") == 0)
        rc = hostile(st);
    else {
        long n = argc > 3 ? strtol(argv[3], NULL, 10) : 1000;
        if (n < 1 || n > 65536) {
            fprintf(stderr, "asreport-fixture: N is 1 to 65536\n");
            return 2;
        }
        double t = (double)time(NULL) - 86400;
        rc = sweep(st, "bench", t, (size_t)n, 0);
        if (rc == 0)
            rc = sweep(st, "bench", t + 3600, (size_t)n, 1);
    }
    if (rc != 0) {
        as_store_close(st);
        return fail(argv[1]);
    }
    as_store_close(st);
    if (strcmp(argv[1], "hostile") == 0 && long_name(argv[2]) != 0)
        return fail("long name");
    return 0;
}
