/* test_scan_sim.c — whole scans against the simulated network and its fake clock
 * (engine/simnet.h): the real send path, decode, cookie check, scan loop and store, no root,
 * milliseconds each. Retries and their timing, -Pn passes, congestion back-off and recovery,
 * the rate cap, OS probe spacing, interrupts, -p- -O, --dry-run. */
#include <check.h>
#include <pcap/pcap.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "engine/dryrun.h"
#include "engine/scan.h"
#include "engine/simnet.h"
#include "probes/errors.h"
#include "probes/packet.h"
#include "probes/portstate.h"
#include "probes/probe.h"

#define IP(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
#define SRC_PORT_OF(f) ((f)->sport)

typedef struct fixture {
    as_sim *sim;
    as_scan_opts o;
    as_store *st;
    char db[64];
    as_scan_summary sum;
    volatile sig_atomic_t stop;
} fixture;

static void fx_init(fixture *f, const char *targets, const as_sim_config *cfg)
{
    char err[256];
    memset(f, 0, sizeof *f);
    as_sim_config def = {.rtt_us = 10000, .seed = 7};
    f->sim = as_sim_new(cfg ? cfg : &def);
    ck_assert_ptr_nonnull(f->sim);
    as_scan_opts_defaults(&f->o);
    f->o.targets = as_targets_new();
    ck_assert_int_eq(as_targets_add(f->o.targets, targets, 0, err, sizeof err), 0);
    ck_assert_int_eq(as_targets_finish(f->o.targets, err, sizeof err), 0);
    f->o.resolve = 0;
    f->o.seed = 4242;
    f->o.netio = as_sim_netio(f->sim);
    f->o.interrupted = &f->stop;
    snprintf(f->db, sizeof f->db, "/tmp/as_sim_%d_XXXXXX", (int)getpid());
    int fd = mkstemp(f->db);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(as_store_open(&f->st, f->db, 1, err, sizeof err), 0);
    f->o.store = f->st;
}

static int fx_run(fixture *f)
{
    char err[256] = "";
    int rc = as_scan_run(&f->o, &f->sum, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "scan failed: %s\n", err);
    return rc;
}

static void fx_free(fixture *f)
{
    as_store_close(f->st);
    unlink(f->db);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", f->db);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", f->db);
    unlink(side);
    as_targets_free(f->o.targets);
    as_sim_free(f->sim);
}

/* One text value from the stored scan, "" if no row. */
static void fx_query(const fixture *f, const char *sql, char *out, size_t outlen)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    out[0] = '\0';
    ck_assert_int_eq(sqlite3_open_v2(f->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(out, outlen, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static const char *port_state(const fixture *f, const char *ip, unsigned port)
{
    static char buf[64];
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT p.state FROM port p JOIN host h ON h.id = p.host_id "
             "WHERE p.scan_id = %lld AND h.ip = '%s' AND p.port = %u", (long long)f->sum.scan_id, ip, port);
    fx_query(f, sql, buf, sizeof buf);
    return buf;
}

static long count_rows(const fixture *f, const char *sql)
{
    char buf[32];
    fx_query(f, sql, buf, sizeof buf);
    return atol(buf);
}

/* SYNs the scan sent to ip:port (not OS probes: those come from the OS port range). */
static unsigned syns_to(const fixture *f, uint32_t ip, uint16_t port, uint64_t *times, unsigned max)
{
    unsigned n = 0;
    for (size_t i = 0; i < as_sim_nsent(f->sim); i++) {
        const as_sim_sent *e = as_sim_sent_at(f->sim, i);
        if (e->l4 == AS_L4_TCP && e->flags == AS_TH_SYN && e->dst == ip && e->dport == port) {
            if (n < max && times != NULL)
                times[n] = e->t_us;
            n++;
        }
    }
    return n;
}

/* The most frames sent in any one-second window of the fake clock. */
static uint64_t max_per_second(const fixture *f, uint64_t from_us, uint64_t to_us)
{
    size_t n = as_sim_nsent(f->sim), lo = 0;
    uint64_t best = 0;
    for (size_t hi = 0; hi < n; hi++) {
        uint64_t t = as_sim_sent_at(f->sim, hi)->t_us;
        if (t < from_us || t >= to_us)
            continue;
        while (as_sim_sent_at(f->sim, lo)->t_us + 1000000 <= t || as_sim_sent_at(f->sim, lo)->t_us < from_us)
            lo++;
        if (hi - lo + 1 > best)
            best = hi - lo + 1;
    }
    return best;
}

START_TEST(liveness_and_ports_match_the_truth)
{
    fixture f;
    fx_init(&f, "198.18.1.0/24", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 10), AS_SIM_ECHO | AS_SIM_ACK_RST, AS_PORT_CLOSED, 64);
    as_sim_add_host(f.sim, IP(198, 18, 1, 20), AS_SIM_ECHO, AS_PORT_FILTERED, 128);
    as_sim_add_host(f.sim, IP(198, 18, 1, 30), AS_SIM_ACK_RST, AS_PORT_CLOSED, 255);
    as_sim_add_host(f.sim, IP(198, 18, 2, 1), AS_SIM_ECHO, AS_PORT_CLOSED, 64);     /* not a target */
    as_sim_set_port(f.sim, IP(198, 18, 1, 10), 22, AS_PORT_OPEN);
    as_sim_set_port(f.sim, IP(198, 18, 1, 10), 445, AS_PORT_FILTERED);
    as_sim_set_port(f.sim, IP(198, 18, 1, 20), 3389, AS_PORT_OPEN);
    as_sim_set_port(f.sim, IP(198, 18, 1, 20), 443, AS_SIM_UNREACH);
    as_sim_set_port(f.sim, IP(198, 18, 1, 30), 80, AS_PORT_OPEN);
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 3);
    ck_assert_uint_eq(f.sum.ports_open, 3);
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 22), "open");
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 23), "closed");
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 445), "filtered");
    ck_assert_str_eq(port_state(&f, "198.18.1.20", 3389), "open");
    ck_assert_str_eq(port_state(&f, "198.18.1.20", 443), "filtered");
    ck_assert_str_eq(port_state(&f, "198.18.1.20", 22), "filtered");
    ck_assert_str_eq(port_state(&f, "198.18.1.30", 80), "open");
    ck_assert_str_eq(port_state(&f, "198.18.1.30", 52028), "closed");
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port"), 3 * 16);
    char buf[64];
    fx_query(&f, "SELECT status FROM scan", buf, sizeof buf);
    ck_assert_str_eq(buf, "complete");
    /* Nothing left for addresses outside the targets. */
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++)
        ck_assert_uint_eq(as_sim_sent_at(f.sim, i)->dst >> 8, IP(198, 18, 1, 0) >> 8);
    fx_free(&f);
}
END_TEST

START_TEST(silent_port_retried_max_retries_times_from_fresh_ports)
{
    fixture f;
    fx_init(&f, "198.18.1.10", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 10), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 1, 10), 445, AS_PORT_FILTERED);
    f.o.max_retries = 3;
    ck_assert_int_eq(fx_run(&f), 0);
    uint64_t t[8];
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 10), 445, t, 8), 4);
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 10), 22, NULL, 0), 1);
    /* Each retry waits for the timeout: at least --min-rtt-timeout (100 ms) apart, and
     * with a 10 ms round trip never more than the initial 1 s. */
    for (int i = 1; i < 4; i++) {
        ck_assert_uint_ge(t[i] - t[i - 1], 100000);
        ck_assert_uint_le(t[i] - t[i - 1], 1000000 + 2000);
    }
    /* Every attempt from a source port of its own (Linux's duplicate-SYN limit). */
    uint16_t ports[8];
    unsigned n = 0;
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++) {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        if (e->l4 == AS_L4_TCP && e->dport == 445)
            ports[n++] = e->sport;
    }
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            ck_assert_uint_ne(ports[i], ports[j]);
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 445), "filtered");
    fx_free(&f);
}
END_TEST

START_TEST(no_retries_with_max_retries_zero)
{
    fixture f;
    fx_init(&f, "198.18.1.0/28", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 3), AS_SIM_ECHO, AS_PORT_FILTERED, 64);
    f.o.max_retries = 0;
    ck_assert_int_eq(fx_run(&f), 0);
    /* One sweep pass (16 × echo + ACK), one SYN per port. */
    ck_assert_uint_eq(f.sum.probes_sent, 16 * 2 + 16);
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 3), 80, NULL, 0), 1);
    fx_free(&f);
}
END_TEST

START_TEST(pn_sweeps_every_port_then_retries_the_silent)
{
    fixture f;
    fx_init(&f, "198.18.1.0/29", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 2), 0, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 1, 2), 80, AS_PORT_OPEN);
    as_sim_set_port(f.sim, IP(198, 18, 1, 2), 445, AS_PORT_FILTERED);
    static const uint16_t ports[] = {22, 80, 445};
    f.o.ports = ports;
    f.o.nports = 3;
    f.o.no_ping = 1;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 1);
    /* Silent addresses: the sweep and its one retry pass, nothing stateful. */
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 5), 22, NULL, 0), 2);
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 5), 445, NULL, 0), 2);
    /* The answering host: its silent port is retried statefully up to max_retries
     * (sweep + 2); an answered port is not asked again, but one answered port gets one
     * timing probe. */
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 2), 445, NULL, 0), 3);
    ck_assert_str_eq(port_state(&f, "198.18.1.2", 80), "open");
    ck_assert_str_eq(port_state(&f, "198.18.1.2", 22), "closed");
    ck_assert_str_eq(port_state(&f, "198.18.1.2", 445), "filtered");
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM host"), 1);
    fx_free(&f);
}
END_TEST

/* Many live hosts, so that there are enough port answers for the loss window. */
static void add_many(fixture *f, unsigned n)
{
    for (unsigned i = 1; i <= n; i++) {
        uint32_t ip = IP(198, 18, 1 + i / 250, i % 250 + 1);
        as_sim_add_host(f->sim, ip, AS_SIM_ECHO | AS_SIM_ACK_RST, AS_PORT_CLOSED, 64);
        as_sim_set_port(f->sim, ip, 22, AS_PORT_OPEN);
    }
}

START_TEST(loss_is_covered_by_retries)
{
    fixture f;
    as_sim_config cfg = {.rtt_us = 20000, .loss = 0.05, .seed = 11};
    fx_init(&f, "198.18.0.0/22", &cfg);
    add_many(&f, 200);
    ck_assert_int_eq(fx_run(&f), 0);
    as_sim_stats st = as_sim_get_stats(f.sim);
    ck_assert_uint_gt(st.probes_lost, 100);
    ck_assert_uint_gt(st.answers_lost, 100);
    /* With 5% loss each way all four liveness tries of a host fail about once in 10^4,
     * a port's three tries about once in 10^3 (this seed loses one host): allow a few. */
    ck_assert_uint_ge(f.sum.hosts_up, 198);
    ck_assert_uint_ge(f.sum.ports_open, 196);
    ck_assert_int_ge(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'closed'"), (long)f.sum.hosts_up * 15 - 6);
    fx_free(&f);
}
END_TEST

START_TEST(congestion_backs_off_and_recovers)
{
    fixture f;
    /* Heavy loss for the first 3 s of fake time, then a clean network. */
    as_sim_config cfg = {.rtt_us = 20000, .loss = 0.35, .loss_until_us = 4000000, .seed = 3};
    fx_init(&f, "198.18.0.0/22", &cfg);
    add_many(&f, 600);
    f.o.max_rate = 2000;
    ck_assert_int_eq(fx_run(&f), 0);
    uint64_t end = as_sim_now(f.sim);
    /* Slowed down while losing: some one-second window in the lossy part ran well under
     * the cap; and after it back at the cap. */
    uint64_t lossy_min = UINT64_MAX;
    for (uint64_t t = 2000000; t + 1000000 <= 4000000; t += 250000) {
        uint64_t n = 0;
        for (size_t i = 0; i < as_sim_nsent(f.sim); i++) {
            uint64_t ts = as_sim_sent_at(f.sim, i)->t_us;
            n += ts >= t && ts < t + 1000000;
        }
        if (n < lossy_min)
            lossy_min = n;
    }
    ck_assert_uint_lt(lossy_min, 2000 * 3 / 4);
    ck_assert_uint_gt(end, 6000000);
    ck_assert_uint_ge(max_per_second(&f, 5000000, end), 2000 * 9 / 10);
    ck_assert_uint_eq(f.sum.hosts_up, 600);
    fx_free(&f);
}
END_TEST

START_TEST(rate_cap_holds_in_every_second)
{
    fixture f;
    fx_init(&f, "198.18.0.0/20", NULL);
    add_many(&f, 100);
    f.o.max_rate = 3000;
    ck_assert_int_eq(fx_run(&f), 0);
    uint64_t peak = max_per_second(&f, 0, UINT64_MAX);
    /* The bucket holds 10 ms of tokens: at most 1% over in any window. */
    ck_assert_uint_le(peak, 3000 + 3000 / 100 + 1);
    ck_assert_uint_ge(peak, 3000 * 95 / 100);
    ck_assert_uint_gt(f.sum.probes_sent, 4096 * 2);
    fx_free(&f);
}
END_TEST

START_TEST(os_probes_are_sequenced)
{
    fixture f;
    fx_init(&f, "198.18.1.10", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 10), AS_SIM_ECHO | AS_SIM_ACK_RST, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 1, 10), 22, AS_PORT_OPEN);
    f.o.os_detect = 1;
    ck_assert_int_eq(fx_run(&f), 0);
    /* Sixteen probes from the OS source ports: the six SEQ SYNs to the open port, 100 ms
     * apart, each once (all answered). */
    uint64_t seq_t[6] = {0};
    unsigned seq_n[6] = {0}, os_frames = 0;
    uint16_t base = 0;
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++) {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        if (e->l4 == AS_L4_TCP && e->dport == 22 && e->flags == AS_TH_SYN && base == 0)
            base = e->sport;    /* the scan's own SYN: the base source port */
    }
    ck_assert_uint_ne(base, 0);
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++) {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        int k = (int)e->sport - (int)base - 8;
        if ((e->l4 == AS_L4_TCP || e->l4 == AS_L4_UDP) && k >= 0 && k < 14)
            os_frames++;
        if (e->l4 == AS_L4_ICMP && e->icmp_type == 8 && e->t_us > seq_t[0] && seq_t[0] != 0)
            os_frames++;
        if (e->l4 == AS_L4_TCP && k >= 0 && k < 6) {
            ck_assert_uint_eq(e->dport, 22);
            seq_t[k] = e->t_us;
            seq_n[k]++;
        }
    }
    for (int k = 0; k < 6; k++)
        ck_assert_uint_eq(seq_n[k], 1);
    for (int k = 1; k < 6; k++) {
        ck_assert_uint_ge(seq_t[k] - seq_t[k - 1], 100000);
        ck_assert_uint_le(seq_t[k] - seq_t[k - 1], 102000);
    }
    ck_assert_uint_ge(os_frames, 16);
    char fp[2048];
    fx_query(&f, "SELECT os_fingerprint FROM observation", fp, sizeof fp);
    ck_assert_ptr_nonnull(strstr(fp, "SEQ("));
    ck_assert_ptr_nonnull(strstr(fp, "T1(R=Y"));
    ck_assert_ptr_nonnull(strstr(fp, "IE(R=Y"));
    /* ACK probes answered by RSTs carrying our keyed acknowledgement; U1 by its quote. */
    ck_assert_ptr_nonnull(strstr(fp, "T4(R=Y"));
    ck_assert_ptr_nonnull(strstr(fp, "T5(R=Y"));
    ck_assert_ptr_nonnull(strstr(fp, "U1(R=Y"));
    fx_free(&f);
}
END_TEST

/* OS jobs run from a timer heap, at most os_parallel at once; the rest wait their turn. */
START_TEST(os_jobs_are_capped)
{
    fixture f;
    fx_init(&f, "198.18.1.0/27", NULL);
    for (unsigned i = 1; i <= 12; i++) {
        as_sim_add_host(f.sim, IP(198, 18, 1, i), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
        as_sim_set_port(f.sim, IP(198, 18, 1, i), 22, AS_PORT_OPEN);
    }
    f.o.os_detect = 1;
    f.o.os_parallel = 3;
    ck_assert_int_eq(fx_run(&f), 0);
    uint16_t base = 0;
    for (size_t i = 0; i < as_sim_nsent(f.sim) && base == 0; i++) {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        if (e->l4 == AS_L4_TCP && e->flags == AS_TH_SYN && e->dport == 22)
            base = e->sport;
    }
    /* Each host's OS probes (TCP and UDP from the OS source ports) span a window. */
    uint64_t first[13] = {0}, last[13] = {0};
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++) {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        int k = (int)e->sport - (int)base - 8, h = (int)(e->dst & 255);
        if ((e->l4 == AS_L4_TCP || e->l4 == AS_L4_UDP) && k >= 0 && k < 14 && h >= 1 && h <= 12) {
            if (first[h] == 0)
                first[h] = e->t_us;
            last[h] = e->t_us;
        }
    }
    unsigned most = 0;
    for (int h = 1; h <= 12; h++) {
        ck_assert_uint_ne(first[h], 0);
        unsigned overlap = 0;
        for (int g = 1; g <= 12; g++)
            overlap += first[g] <= first[h] && last[g] >= first[h];
        if (overlap > most)
            most = overlap;
    }
    ck_assert_uint_eq(most, 3);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM observation WHERE os_fingerprint LIKE '%SEQ(%'"), 12);
    fx_free(&f);
}
END_TEST

START_TEST(interrupt_stops_in_order_and_keeps_results)
{
    fixture f;
    fx_init(&f, "198.18.0.0/20", NULL);
    add_many(&f, 50);
    f.o.max_rate = 1000;
    as_sim_interrupt_after(f.sim, 3000, &f.stop);
    ck_assert_int_eq(fx_run(&f), AS_ERR_INTERRUPTED);
    ck_assert_int_eq(f.sum.interrupted, 1);
    /* Stopped sending within one batch of the flag. */
    ck_assert_uint_lt(as_sim_nsent(f.sim), 3000 + 64);
    ck_assert_uint_gt(f.sum.hosts_up, 0);
    ck_assert_uint_lt(f.sum.hosts_up, 50);
    char buf[64];
    fx_query(&f, "SELECT status FROM scan", buf, sizeof buf);
    ck_assert_str_eq(buf, "interrupted");
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM observation"), (long)f.sum.hosts_up);
    fx_free(&f);
}
END_TEST

START_TEST(all_ports_with_os_detection_finishes)
{
    fixture f;
    fx_init(&f, "198.18.1.10", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 10), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 1, 10), 22, AS_PORT_OPEN);
    uint16_t *ports = malloc(65535 * sizeof *ports);
    for (unsigned i = 0; i < 65535; i++)
        ports[i] = (uint16_t)(i + 1);
    f.o.ports = ports;
    f.o.nports = 65535;
    f.o.os_detect = 1;
    f.o.max_rate = 200000;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.ports_open, 1);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'closed'"), 65534);
    char fp[2048];
    fx_query(&f, "SELECT os_fingerprint FROM observation", fp, sizeof fp);
    ck_assert_ptr_nonnull(strstr(fp, "SEQ("));
    ck_assert_uint_lt(as_sim_now(f.sim), 30000000);
    free(ports);
    fx_free(&f);
}
END_TEST

/* The simulated Linux stack itself: a duplicate SYN to a half-open connection (its SYN/ACK
 * was lost) is answered at most once per 500 ms; a SYN from another port at once. */
START_TEST(sim_rate_limits_duplicate_syns)
{
    as_sim_config cfg = {.rtt_us = 1000, .answer_loss = 1.0, .loss_until_us = 1200000};
    as_sim *sim = as_sim_new(&cfg);
    as_sim_add_host(sim, IP(198, 18, 1, 10), 0, AS_PORT_CLOSED, 64);
    as_sim_set_port(sim, IP(198, 18, 1, 10), 22, AS_PORT_OPEN);
    const as_netio *io = as_sim_netio(sim);
    as_probe_ctx ctx = {.src_ip = io->nif->src_ip, .src_port = 40000, .ttl = 64};
    memcpy(ctx.src_mac, io->nif->mac, 6);
    as_cookie_key_init(&ctx.key, 99);
    as_template t;
    char err[128];
    ck_assert_int_eq(as_probe_tcp_syn.prepare(&t, &ctx, err, sizeof err), 0);
    static uint8_t frames[1][AS_FRAME_MAX];
    size_t len[1];
    /* t = 1.0 s: answered, answer lost; 1.3 s (loss over at 1.2 s): a duplicate inside
     * 500 ms, ignored; the next attempt's own port at once: answered. */
    len[0] = as_probe_tcp_syn.make(&t, &ctx, frames[0], io->nif->gw_mac, IP(198, 18, 1, 10), 22, 0);
    io->send(io->impl, frames, len, 1);
    ck_assert_uint_eq(as_sim_get_stats(sim).answers_lost, 1);
    io->sleep_us(io->impl, 300000);
    io->send(io->impl, frames, len, 1);
    ck_assert_uint_eq(as_sim_get_stats(sim).dup_syn_ignored, 1);
    ck_assert_uint_eq(as_sim_get_stats(sim).answers, 1);
    len[0] = as_probe_tcp_syn.make(&t, &ctx, frames[0], io->nif->gw_mac, IP(198, 18, 1, 10), 22, 1);
    io->send(io->impl, frames, len, 1);
    ck_assert_uint_eq(as_sim_get_stats(sim).answers, 2);
    /* 1.6 s: the duplicate of the first is answered again (600 ms after its last answer). */
    io->sleep_us(io->impl, 300000);
    len[0] = as_probe_tcp_syn.make(&t, &ctx, frames[0], io->nif->gw_mac, IP(198, 18, 1, 10), 22, 0);
    io->send(io->impl, frames, len, 1);
    ck_assert_uint_eq(as_sim_get_stats(sim).answers, 3);
    ck_assert_uint_eq(as_sim_get_stats(sim).dup_syn_ignored, 1);
    as_sim_free(sim);
}
END_TEST

/* Per-port state only while a host's ports are probed: many hosts with many ports never
 * hold their slots all at once, and every port still ends up stored. */
START_TEST(port_state_is_streamed)
{
    fixture f;
    fx_init(&f, "198.18.1.0/26", NULL);
    for (unsigned i = 1; i <= 40; i++) {
        as_sim_add_host(f.sim, IP(198, 18, 1, i), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
        as_sim_set_port(f.sim, IP(198, 18, 1, i), (uint16_t)(1000 + i), AS_PORT_OPEN);
        as_sim_set_port(f.sim, IP(198, 18, 1, i), 7, AS_PORT_FILTERED);
    }
    uint16_t *ports = malloc(4096 * sizeof *ports);
    for (unsigned i = 0; i < 4096; i++)
        ports[i] = (uint16_t)(i + 1);
    f.o.ports = ports;
    f.o.nports = 4096;
    f.o.max_rate = 100000;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 40);
    ck_assert_uint_eq(f.sum.ports_open, 40);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'closed'"), 40 * 4094);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'filtered'"), 40);
    ck_assert_str_eq(port_state(&f, "198.18.1.17", 1017), "open");
    /* All 40 were up within the first 100 ms; their slots came and went a few at a time
     * (41 ms of probes each at this rate, then retries of port 7 after the 100 ms minimum
     * timeout, then the 200 ms store batch: about 13 at once). */
    ck_assert_uint_le(f.sum.port_hosts_peak, 20);
    ck_assert_uint_ge(f.sum.port_hosts_peak, 1);
    free(ports);
    fx_free(&f);
}
END_TEST

static uint16_t *port_range(unsigned n)
{
    uint16_t *ports = malloc(n * sizeof *ports);
    ck_assert_ptr_nonnull(ports);
    for (unsigned i = 0; i < n; i++)
        ports[i] = (uint16_t)(i + 1);
    return ports;
}

/* Retries go by passes over a host's unanswered ports: an answered port is asked once, a
 * silent one once per pass, and a pass starts only once the one before has timed out
 * (after its last probe). */
START_TEST(retry_passes_ask_only_the_unanswered)
{
    fixture f;
    fx_init(&f, "198.18.1.10", NULL);
    uint32_t ip = IP(198, 18, 1, 10);
    as_sim_add_host(f.sim, ip, AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, ip, 7, AS_PORT_FILTERED);
    as_sim_set_port(f.sim, ip, 9, AS_PORT_FILTERED);
    as_sim_set_port(f.sim, ip, 300, AS_PORT_OPEN);
    uint16_t *ports = port_range(512);
    f.o.ports = ports;
    f.o.nports = 512;
    f.o.max_retries = 2;
    ck_assert_int_eq(fx_run(&f), 0);
    uint64_t last_first = 0, t[4];
    for (uint16_t p = 1; p <= 512; p++) {
        unsigned n = syns_to(&f, ip, p, t, 4);
        ck_assert_uint_eq(n, p == 7 || p == 9 ? 3 : 1);
        if (t[0] > last_first)
            last_first = t[0];
    }
    uint64_t t7[4], t9[4];
    ck_assert_uint_eq(syns_to(&f, ip, 7, t7, 4), 3);
    ck_assert_uint_eq(syns_to(&f, ip, 9, t9, 4), 3);
    ck_assert_uint_ge(t7[1], last_first + 100000);
    ck_assert_uint_ge(t9[1], last_first + 100000);
    uint64_t last_second = t7[1] > t9[1] ? t7[1] : t9[1];
    ck_assert_uint_ge(t7[2], last_second + 100000);
    ck_assert_uint_ge(t9[2], last_second + 100000);
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 7), "filtered");
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 300), "open");
    ck_assert_str_eq(port_state(&f, "198.18.1.10", 512), "closed");
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port"), 512);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'filtered' AND reason = 'no-response'"), 2);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'closed' AND reason = 'reset'"), 509);
    free(ports);
    fx_free(&f);
}
END_TEST

/* A host finishes when its last pass times out: its silent ports are filtered then, and
 * not before. Interrupted after its first pass, it keeps what answered and claims nothing
 * about the port that has not yet had all its tries. */
START_TEST(interrupted_host_claims_no_filtered_port_early)
{
    fixture f;
    fx_init(&f, "198.18.1.10", NULL);
    uint32_t ip = IP(198, 18, 1, 10);
    as_sim_add_host(f.sim, ip, AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, ip, 7, AS_PORT_FILTERED);
    uint16_t *ports = port_range(256);
    f.o.ports = ports;
    f.o.nports = 256;
    /* Liveness (echo, ACK/80) and the first pass over 256 ports, then the flag. */
    as_sim_interrupt_after(f.sim, 2 + 256, &f.stop);
    ck_assert_int_eq(fx_run(&f), AS_ERR_INTERRUPTED);
    ck_assert_uint_eq(syns_to(&f, ip, 7, NULL, 0), 1);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'closed'"), 255);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'filtered'"), 0);
    free(ports);
    fx_free(&f);
}
END_TEST

/* Hosts that answer every port are done (stored, their state freed) as soon as the last
 * answer comes, while a host with a silent port still waits for its passes: 30 hosts in
 * turn never hold their state all at once, and the silent one is filtered in the end. */
START_TEST(answered_hosts_finish_without_waiting_for_passes)
{
    fixture f;
    fx_init(&f, "198.18.1.0/27", NULL);
    for (unsigned i = 1; i <= 30; i++)
        as_sim_add_host(f.sim, IP(198, 18, 1, i), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 1, 5), 100, AS_PORT_FILTERED);
    uint16_t *ports = port_range(2048);
    f.o.ports = ports;
    f.o.nports = 2048;
    f.o.max_rate = 20000;   /* 100 ms of probes per host: longer than the 10 ms round trip */
    f.o.max_retries = 4;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 30);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE state = 'closed'"), 30 * 2048 - 1);
    ck_assert_str_eq(port_state(&f, "198.18.1.5", 100), "filtered");
    ck_assert_uint_eq(syns_to(&f, IP(198, 18, 1, 5), 100, NULL, 0), 5);
    /* One host's probes at a time, each stored within the 200 ms store batch. */
    ck_assert_uint_le(f.sum.port_hosts_peak, 6);
    free(ports);
    fx_free(&f);
}
END_TEST

START_TEST(dry_run_writes_the_frames_as_pcap)
{
    fixture f;
    fx_init(&f, "198.18.1.0/28", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 1, 3), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    char path[64];
    snprintf(path, sizeof path, "/tmp/as_dry_%d.pcap", (int)getpid());
    f.o.dry_run = 1;
    f.o.dry_run_pcap = path;
    f.o.store = NULL;
    ck_assert_int_eq(fx_run(&f), 0);
    /* Nothing reached the (simulated) wire and nothing answered: two liveness passes. */
    ck_assert_uint_eq(as_sim_nsent(f.sim), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 0);
    char ebuf[PCAP_ERRBUF_SIZE];
    pcap_t *p = pcap_open_offline(path, ebuf);
    ck_assert_ptr_nonnull(p);
    struct pcap_pkthdr *h;
    const u_char *bytes;
    unsigned echo = 0, ack = 0, other = 0;
    while (pcap_next_ex(p, &h, &bytes) == 1) {
        as_packet pk;
        ck_assert_int_eq(as_decode_frame(bytes, h->caplen, AS_DLT_EN10MB, &pk), 0);
        ck_assert_uint_eq(pk.ip_dst >> 4, IP(198, 18, 1, 0) >> 4);
        ck_assert_uint_eq(pk.ip_src, IP(198, 19, 0, 2));
        if (pk.l4 == AS_L4_ICMP && pk.icmp_type == 8)
            echo++;
        else if (pk.l4 == AS_L4_TCP && pk.flags == AS_TH_ACK && pk.dport == 80)
            ack++;
        else
            other++;
    }
    pcap_close(p);
    unlink(path);
    ck_assert_uint_eq(echo, 32);
    ck_assert_uint_eq(ack, 32);
    ck_assert_uint_eq(other, 0);
    fx_free(&f);
}
END_TEST

START_TEST(dry_run_describes_a_frame)
{
    /* An ACK probe as the text dry run prints it. */
    static const uint8_t frame[] = {
        0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
        0x45, 0, 0, 40, 0x12, 0x34, 0, 0, 64, 6, 0, 0, 198, 19, 0, 2, 198, 18, 1, 3,
        0x9c, 0x41, 0, 80, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 0x50, 0x10, 4, 0, 0, 0, 0, 0,
    };
    char line[256];
    as_dryrun_describe(frame, sizeof frame, line, sizeof line);
    ck_assert_str_eq(line, "tcp 198.19.0.2:40001 > 198.18.1.3:80 [A] seq 1 ack 3735928559 win 1024 ttl 64 id 4660 len 54");
}
END_TEST

/* UDP in the stateless engine, nmap's states: a UDP answer = open, ICMP port unreachable =
 * closed, admin-prohibited = filtered, silence after every retry = open|filtered; each stored
 * with proto udp beside a TCP port of the same number. */
START_TEST(udp_ports_get_nmaps_states)
{
    fixture f;
    fx_init(&f, "198.18.5.1-2", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 5, 1), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 5, 1), 137, AS_PORT_OPEN);
    as_sim_set_udp_port(f.sim, IP(198, 18, 5, 1), 137, AS_PORT_OPEN);
    as_sim_set_udp_port(f.sim, IP(198, 18, 5, 1), 161, AS_PORT_FILTERED);
    as_sim_set_udp_port(f.sim, IP(198, 18, 5, 1), 52311, AS_SIM_UNREACH);
    static const uint16_t ports[] = {137, 137, 161, 500, 52311};
    static const uint8_t proto[] = {6, 17, 17, 17, 17};
    f.o.ports = ports;
    f.o.port_proto = proto;
    f.o.nports = 5;
    f.o.max_retries = 1;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 1);
    char sql[256], got[64];
    static const struct { unsigned port; const char *proto, *state, *reason; } want[] = {
        {137, "tcp", "open", "syn-ack"},
        {137, "udp", "open", "udp-response"},
        {161, "udp", "open|filtered", "no-response"},
        {500, "udp", "closed", "port-unreach"},
        {52311, "udp", "filtered", "admin-prohibited"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        snprintf(sql, sizeof sql, "SELECT p.state || ' ' || p.reason FROM port p WHERE p.scan_id = %lld AND "
                 "p.port = %u AND p.proto = '%s'", (long long)f.sum.scan_id, want[i].port, want[i].proto);
        fx_query(&f, sql, got, sizeof got);
        char exp[64];
        snprintf(exp, sizeof exp, "%s %s", want[i].state, want[i].reason);
        ck_assert_msg(strcmp(got, exp) == 0, "%u/%s: '%s', want '%s'", want[i].port, want[i].proto, got, exp);
    }
    /* The silent UDP port was asked max_retries + 1 times, from one source port. */
    unsigned n161 = 0;
    uint16_t sport = 0;
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++) {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        if (e->l4 != AS_L4_UDP || e->dport != 161)
            continue;
        ck_assert(sport == 0 || e->sport == sport);
        sport = e->sport;
        n161++;
    }
    ck_assert_uint_eq(n161, 2);
    fx_free(&f);
}
END_TEST

/* -Pn with UDP ports only: a host that answers no liveness probe is found by its UDP answer. */
START_TEST(udp_answer_makes_a_pn_host_up)
{
    fixture f;
    fx_init(&f, "198.18.5.9", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 5, 9), 0, AS_PORT_FILTERED, 128);
    as_sim_set_udp_port(f.sim, IP(198, 18, 5, 9), 161, AS_PORT_OPEN);
    static const uint16_t ports[] = {137, 161};
    static const uint8_t proto[] = {17, 17};
    f.o.ports = ports;
    f.o.port_proto = proto;
    f.o.nports = 2;
    f.o.no_ping = 1;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 1);
    ck_assert_str_eq(port_state(&f, "198.18.5.9", 161), "open");
    ck_assert_str_eq(port_state(&f, "198.18.5.9", 137), "open|filtered");
    fx_free(&f);
}
END_TEST

/* TCP -p- and UDP ports in one scan: the UDP port indexes lie above 65,535, so the work
 * item's port field must hold them (AS_ITEM_PORT); each UDP port is asked with the UDP
 * probe and settled in the host's sparse answers, the silent one open|filtered. */
START_TEST(tcp_all_ports_and_udp_fit_the_work_item)
{
    fixture f;
    fx_init(&f, "198.18.5.3", NULL);
    as_sim_add_host(f.sim, IP(198, 18, 5, 3), AS_SIM_ECHO, AS_PORT_CLOSED, 64);
    as_sim_set_port(f.sim, IP(198, 18, 5, 3), 22, AS_PORT_OPEN);
    as_sim_set_udp_port(f.sim, IP(198, 18, 5, 3), 137, AS_PORT_OPEN);
    as_sim_set_udp_port(f.sim, IP(198, 18, 5, 3), 161, AS_PORT_FILTERED);
    size_t n = 65535 + 3;
    uint16_t *ports = malloc(n * sizeof *ports);
    uint8_t *proto = malloc(n);
    ck_assert_ptr_nonnull(ports);
    ck_assert_ptr_nonnull(proto);
    for (unsigned i = 0; i < 65535; i++) {
        ports[i] = (uint16_t)(i + 1);
        proto[i] = 6;
    }
    static const uint16_t udp[] = {137, 161, 500};
    for (size_t i = 0; i < 3; i++) {
        ports[65535 + i] = udp[i];
        proto[65535 + i] = 17;
    }
    f.o.ports = ports;
    f.o.port_proto = proto;
    f.o.nports = n;
    f.o.max_retries = 1;
    f.o.max_rate = 200000;
    ck_assert_int_eq(fx_run(&f), 0);
    ck_assert_uint_eq(f.sum.hosts_up, 1);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE proto = 'tcp' AND state = 'closed'"), 65534);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE proto = 'tcp' AND port = 22 AND state = 'open'"), 1);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE proto = 'udp'"), 3);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE proto = 'udp' AND port = 137 AND state = 'open'"), 1);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE proto = 'udp' AND port = 161 AND state = 'open|filtered'"), 1);
    ck_assert_int_eq(count_rows(&f, "SELECT count(*) FROM port WHERE proto = 'udp' AND port = 500 AND state = 'closed'"), 1);
    /* The UDP probes went out as UDP: 137 and 500 once, the silent 161 once per pass. */
    unsigned nudp = 0;
    for (size_t i = 0; i < as_sim_nsent(f.sim); i++)
    {
        const as_sim_sent *e = as_sim_sent_at(f.sim, i);
        nudp += e->l4 == AS_L4_UDP && e->dst == IP(198, 18, 5, 3) && (e->dport == 137 || e->dport == 161 || e->dport == 500);
    }
    ck_assert_uint_eq(nudp, 4);
    free(ports);
    free(proto);
    fx_free(&f);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("scan_sim");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, liveness_and_ports_match_the_truth);
    tcase_add_test(tc, silent_port_retried_max_retries_times_from_fresh_ports);
    tcase_add_test(tc, no_retries_with_max_retries_zero);
    tcase_add_test(tc, pn_sweeps_every_port_then_retries_the_silent);
    tcase_add_test(tc, loss_is_covered_by_retries);
    tcase_add_test(tc, congestion_backs_off_and_recovers);
    tcase_add_test(tc, rate_cap_holds_in_every_second);
    tcase_add_test(tc, os_probes_are_sequenced);
    tcase_add_test(tc, os_jobs_are_capped);
    tcase_add_test(tc, interrupt_stops_in_order_and_keeps_results);
    tcase_add_test(tc, all_ports_with_os_detection_finishes);
    tcase_add_test(tc, port_state_is_streamed);
    tcase_add_test(tc, retry_passes_ask_only_the_unanswered);
    tcase_add_test(tc, interrupted_host_claims_no_filtered_port_early);
    tcase_add_test(tc, answered_hosts_finish_without_waiting_for_passes);
    tcase_add_test(tc, sim_rate_limits_duplicate_syns);
    tcase_add_test(tc, dry_run_writes_the_frames_as_pcap);
    tcase_add_test(tc, dry_run_describes_a_frame);
    tcase_add_test(tc, udp_ports_get_nmaps_states);
    tcase_add_test(tc, udp_answer_makes_a_pn_host_up);
    tcase_add_test(tc, tcp_all_ports_and_udp_fit_the_work_item);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
