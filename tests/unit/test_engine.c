/* test_engine.c — the engine's arithmetic: permutation, rate limiter, RTT estimator,
 * port lists, DNS name sanitising, the live-host table, the rings and the work queues. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capture.h"
#include "engine/dns.h"
#include "engine/fifo.h"
#include "engine/hostports.h"
#include "engine/hosttab.h"
#include "engine/sendtimes.h"
#include "engine/permute.h"
#include "engine/portspec.h"
#include "engine/ratelimit.h"
#include "engine/ring.h"
#include "engine/rtt.h"

START_TEST(permutation_is_a_bijection)
{
    static const uint64_t sizes[] = {1, 2, 3, 7, 16, 255, 256, 1000, 65536, 100003};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        uint64_t n = sizes[k];
        as_permute p;
        as_permute_init(&p, n, 12345 + k);
        uint8_t *seen = calloc(n, 1);
        uint64_t in_place = 0;
        for (uint64_t i = 0; i < n; i++) {
            uint64_t v = as_permute_at(&p, i);
            ck_assert_uint_lt(v, n);
            ck_assert_uint_eq(seen[v], 0);
            seen[v] = 1;
            in_place += v == i;
        }
        /* Scattered, not the identity. */
        if (n >= 1000)
            ck_assert_uint_lt(in_place, n / 100);
        free(seen);
    }
}
END_TEST

START_TEST(permutation_depends_on_seed)
{
    as_permute a, b;
    as_permute_init(&a, 65536, 1);
    as_permute_init(&b, 65536, 2);
    int same = 0;
    for (uint64_t i = 0; i < 1000; i++)
        same += as_permute_at(&a, i) == as_permute_at(&b, i);
    ck_assert_int_lt(same, 10);
    as_permute_init(&b, 65536, 1);
    for (uint64_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(as_permute_at(&a, i), as_permute_at(&b, i));
}
END_TEST

START_TEST(rate_limiter_tokens)
{
    as_ratelimit rl;
    as_ratelimit_init(&rl, 1000, 0);     /* burst = 10 packets */
    ck_assert_uint_eq(as_ratelimit_take(&rl, 0, 64), 1);
    ck_assert_uint_eq(as_ratelimit_take(&rl, 0, 64), 0);
    ck_assert_uint_eq(as_ratelimit_take(&rl, 5000, 64), 5);   /* 5 ms → 5 tokens */
    ck_assert_uint_eq(as_ratelimit_take(&rl, 1000000, 64), 10); /* capped at the burst */
    as_ratelimit_refund(&rl, 3);
    ck_assert_uint_eq(as_ratelimit_take(&rl, 1000000, 64), 3);
    ck_assert_uint_eq(as_ratelimit_wait_us(&rl), 1001);
    /* Over one simulated second in 1 ms steps, exactly the rate goes out (+ first token). */
    as_ratelimit_init(&rl, 1000, 0);
    unsigned total = 0;
    for (uint64_t t = 0; t <= 1000000; t += 1000)
        total += as_ratelimit_take(&rl, t, 64);
    ck_assert_uint_le(total, 1001);
    ck_assert_uint_ge(total, 999);
    as_ratelimit_init(&rl, 0, 0);       /* unlimited */
    ck_assert_uint_eq(as_ratelimit_take(&rl, 0, 64), 64);
}
END_TEST

START_TEST(rtt_estimator)
{
    as_rtt r;
    as_rtt_init(&r, 1000000, 100000, 10000000);
    ck_assert_uint_eq(as_rtt_timeout(&r), 1000000);
    as_rtt_sample(&r, 200000);
    ck_assert_int_eq(r.srtt_us, 200000);
    ck_assert_int_eq(r.rttvar_us, 100000);
    ck_assert_uint_eq(as_rtt_timeout(&r), 600000);
    as_rtt_sample(&r, 200000);
    ck_assert_int_eq(r.srtt_us, 200000);
    ck_assert_int_eq(r.rttvar_us, 75000);
    for (int i = 0; i < 100; i++)
        as_rtt_sample(&r, 100);
    ck_assert_uint_eq(as_rtt_timeout(&r), 100000);    /* clamped to the minimum */
}
END_TEST

START_TEST(port_lists)
{
    uint16_t *p;
    size_t n;
    char err[256];
    ck_assert_int_eq(as_portspec_parse("80,22,1000-1002,22", &p, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(p[0], 22);
    ck_assert_uint_eq(p[4], 1002);
    free(p);
    ck_assert_int_eq(as_portspec_parse("-", &p, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 65535);
    free(p);
    ck_assert_int_eq(as_portspec_parse("T:60000-", &p, &n, err, sizeof err), 0);
    ck_assert_uint_eq(n, 5536);
    free(p);
    static const struct {
        const char *spec, *msg;
    } bad[] = {
        {"", "bad port list '': empty"},
        {"70000", "bad port list '70000': port out of range (1-65535) at position 1"},
        {"0", "bad port list '0': port 0 cannot be scanned at position 1"},
        {"22,", "bad port list '22,': unexpected ',' at position 3"},
        {"22;80", "bad port list '22;80': unexpected ';' at position 3"},
        {"90-80", "bad port list '90-80': range 90-80 runs backwards at position 1"},
        {"a", "bad port list 'a': unknown preset 'a' at position 1 (known: odad)"},
        {"22,,80", "bad port list '22,,80': expected a port number at position 4"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(as_portspec_parse(bad[i].spec, &p, &n, err, sizeof err), -1);
        ck_assert_str_eq(err, bad[i].msg);
    }
}
END_TEST

START_TEST(dns_names_sanitised)
{
    char out[64];
    ck_assert_uint_eq(as_dns_sanitize("web01.lab.agentscan.test.", out, sizeof out), 24);
    ck_assert_str_eq(out, "web01.lab.agentscan.test");
    as_dns_sanitize("evil\x1b[31m\nname", out, sizeof out);
    ck_assert_str_eq(out, "evil\\027\\09131m\\010name");
    as_dns_sanitize("a<b>&\"'", out, sizeof out);
    ck_assert_str_eq(out, "a\\060b\\062\\038\\034\\039");
    /* Cut, never overflow, never half an escape. */
    char small[6];
    ck_assert_uint_eq(as_dns_sanitize("ab\x01xyz", small, sizeof small), 2);
    ck_assert_str_eq(small, "ab");
}
END_TEST

START_TEST(host_table)
{
    as_hosttab t;
    ck_assert_int_eq(as_hosttab_init(&t, 16), 0);
    int created;
    for (uint32_t i = 0; i < 5000; i++) {
        long h = as_hosttab_add(&t, 0xc6120000u + i * 7, &created);
        ck_assert_int_eq(h, (long)i);
        ck_assert_int_eq(created, 1);
    }
    ck_assert_int_eq(as_hosttab_add(&t, 0xc6120000u + 7, &created), 1);
    ck_assert_int_eq(created, 0);
    ck_assert_int_eq(as_hosttab_find(&t, 0xc6120000u + 4999 * 7), 4999);
    ck_assert_int_eq(as_hosttab_find(&t, 0xc6120001u), -1);
    ck_assert_uint_eq(t.hosts[3].unknown, 16);
    as_hosttab_free(&t);
}
END_TEST

/* A host's port state while probed: a bit per port, the answers only, sorted for the
 * store; held from the first probe until the host is stored. */
START_TEST(host_port_state_is_sparse)
{
    as_hosttab t;
    ck_assert_int_eq(as_hosttab_init(&t, 65535), 0);
    int created;
    long hn = as_hosttab_add(&t, 0xc6124001u, &created);
    ck_assert_int_eq(hn, 0);
    as_host *h = &t.hosts[hn];
    ck_assert_ptr_null(h->ports);
    ck_assert_int_eq(as_host_ports_alloc(&t, h), 0);
    ck_assert_uint_eq(t.with_slots, 1);
    as_hostports *p = h->ports;
    ck_assert_int_eq(as_hostports_answered(p, 65534), 0);
    ck_assert_int_eq(as_hostports_add(p, 65534, 2, 3, 64), 0);
    ck_assert_int_eq(as_hostports_add(p, 21, 1, 1, 128), 0);
    ck_assert_int_eq(as_hostports_add(p, 63, 2, 3, 64), 0);
    ck_assert_int_eq(as_hostports_add(p, 64, 2, 3, 64), 0);
    ck_assert_int_eq(as_hostports_answered(p, 65534), 1);
    ck_assert_int_eq(as_hostports_answered(p, 63), 1);
    ck_assert_int_eq(as_hostports_answered(p, 64), 1);
    ck_assert_int_eq(as_hostports_answered(p, 65), 0);
    ck_assert_int_eq(as_hostports_answered(p, 22), 0);
    /* Silent ports cost a bit each: 65,535 ports with four answers fit in 9 KB, where a
     * slot per port took 24 bytes each (1.5 MB). */
    ck_assert_uint_lt((p->cap * sizeof *p->list) + (65535 + 63) / 64 * 8, 9 * 1024);
    as_hostports_sort(p);
    ck_assert_uint_eq(p->list[0].pi, 21);
    ck_assert_uint_eq(p->list[0].ttl, 128);
    ck_assert_uint_eq(p->list[1].pi, 63);
    ck_assert_uint_eq(p->list[2].pi, 64);
    ck_assert_uint_eq(p->list[3].pi, 65534);
    /* Stored: the port state is freed, the host itself stays. */
    as_host_release(&t, h);
    ck_assert_ptr_null(h->ports);
    ck_assert_uint_eq(t.with_slots, 0);
    ck_assert_uint_eq(t.with_slots_peak, 1);
    as_hosttab_free(&t);
}
END_TEST

START_TEST(reasons_are_held_once)
{
    as_reasons r;
    as_reasons_init(&r);
    ck_assert_uint_eq(as_reasons_index(&r, NULL), 0);
    ck_assert_str_eq(r.text[0], "");
    uint8_t syn = as_reasons_index(&r, "syn-ack"), rst = as_reasons_index(&r, "reset");
    ck_assert_uint_ne(syn, rst);
    char copy[] = "syn-ack";     /* another pointer, the same text */
    ck_assert_uint_eq(as_reasons_index(&r, copy), syn);
    ck_assert_str_eq(r.text[rst], "reset");
    static char many[AS_REASONS_MAX][8];
    for (unsigned i = 0; i < AS_REASONS_MAX; i++)
        snprintf(many[i], sizeof many[i], "r%u", i);
    for (unsigned i = 0; i < AS_REASONS_MAX; i++)
        as_reasons_index(&r, many[i]);
    /* Full: a new reason reads as none rather than as another one. */
    ck_assert_uint_eq(as_reasons_index(&r, "one-too-many"), 0);
    ck_assert_uint_eq(as_reasons_index(&r, "reset"), rst);
}
END_TEST

START_TEST(send_times_give_exact_samples_or_none)
{
    static as_sendtimes t;
    memset(&t, 0, sizeof t);
    uint64_t sent;
    ck_assert_int_eq(as_sendtimes_take(&t, 0, &sent), 0);   /* item 0 is not "empty" */
    as_sendtimes_note(&t, 0, 1000);
    as_sendtimes_note(&t, 12345, 2000);
    ck_assert_int_eq(as_sendtimes_take(&t, 0, &sent), 1);
    ck_assert_uint_eq(sent, 1000);
    ck_assert_int_eq(as_sendtimes_take(&t, 0, &sent), 0);   /* taken once */
    /* A probe whose place another took gives no sample, never the other's time. */
    uint64_t other = 1;
    while (as_sendtimes_slot(other) != as_sendtimes_slot(12345))
        other++;
    as_sendtimes_note(&t, other, 3000);
    ck_assert_int_eq(as_sendtimes_take(&t, 12345, &sent), 0);
    ck_assert_int_eq(as_sendtimes_take(&t, other, &sent), 1);
    ck_assert_uint_eq(sent, 3000);
}
END_TEST

START_TEST(ring_order_and_overflow)
{
    as_ring r;
    ck_assert_int_eq(as_ring_init(&r, 4, sizeof(as_result)), 0);
    as_result in = {0}, out;
    for (uint32_t i = 0; i < 4; i++) {
        in.ip = i;
        ck_assert_int_eq(as_ring_push(&r, &in), 0);
    }
    ck_assert_int_eq(as_ring_push(&r, &in), -1);
    ck_assert_uint_eq(r.dropped, 1);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_int_eq(as_ring_pop(&r, &out), 1);
        ck_assert_uint_eq(out.ip, i);
    }
    ck_assert_int_eq(as_ring_pop(&r, &out), 0);
    as_ring_free(&r);
}
END_TEST

START_TEST(ring_frames_in_place_wrap)
{
    /* The same ring carries whole frames: filled in place, read in place, across the wrap. */
    as_ring r;
    ck_assert_int_eq(as_ring_init(&r, 3, sizeof(as_frame)), 0);     /* rounded up to 4 */
    for (unsigned round = 0; round < 10; round++) {
        for (unsigned i = 0; i < 3; i++) {
            as_frame *f = as_ring_reserve(&r);
            ck_assert_ptr_nonnull(f);
            f->len = (uint16_t)(round * 3 + i);
            f->bytes[AS_FRAME_CAP - 1] = (uint8_t)f->len;
            as_ring_publish(&r);
        }
        for (unsigned i = 0; i < 3; i++) {
            const as_frame *f = as_ring_peek(&r);
            ck_assert_ptr_nonnull(f);
            ck_assert_uint_eq(f->len, round * 3 + i);
            ck_assert_uint_eq(f->bytes[AS_FRAME_CAP - 1], (uint8_t)(round * 3 + i));
            as_ring_release(&r);
        }
        ck_assert_ptr_null(as_ring_peek(&r));
    }
    ck_assert_uint_eq(r.dropped, 0);
    as_ring_free(&r);
}
END_TEST

static void *ring_producer(void *arg)
{
    as_ring *r = arg;
    for (uint32_t i = 0; i < 20000;) {
        as_result res = {.ip = i};
        if (as_ring_push(r, &res) == 0)
            i++;
        else
            sched_yield();  /* full: let the consumer run (a loaded machine has few cores) */
    }
    return NULL;
}

START_TEST(ring_between_two_threads)
{
    as_ring r;
    ck_assert_int_eq(as_ring_init(&r, 64, sizeof(as_result)), 0);
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, ring_producer, &r), 0);
    as_result out;
    for (uint32_t want = 0; want < 20000;) {
        if (as_ring_pop(&r, &out)) {
            ck_assert_uint_eq(out.ip, want);
            want++;
        } else {
            sched_yield();
        }
    }
    pthread_join(t, NULL);
    ck_assert_int_eq(as_ring_pop(&r, &out), 0);
    as_ring_free(&r);
}
END_TEST

START_TEST(fifo_push_failure_is_counted)
{
    as_fifo f = {.limit = 3000};
    for (uint64_t i = 0; i < 3000; i++)
        ck_assert_int_eq(as_fifo_push(&f, i), 0);
    ck_assert_int_eq(as_fifo_push(&f, 3000), -1);
    ck_assert_int_eq(as_fifo_push(&f, 3001), -1);
    ck_assert_uint_eq(f.failed, 2);
    ck_assert_uint_eq(f.count, 3000);
    for (uint64_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(as_fifo_pop(&f), i);
    ck_assert_int_eq(as_fifo_push(&f, 7), 0);
    ck_assert_uint_eq(f.failed, 2);
    as_fifo_free(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, permutation_is_a_bijection);
    tcase_add_test(tc, permutation_depends_on_seed);
    tcase_add_test(tc, rate_limiter_tokens);
    tcase_add_test(tc, rtt_estimator);
    tcase_add_test(tc, port_lists);
    tcase_add_test(tc, dns_names_sanitised);
    tcase_add_test(tc, host_table);
    tcase_add_test(tc, host_port_state_is_sparse);
    tcase_add_test(tc, reasons_are_held_once);
    tcase_add_test(tc, send_times_give_exact_samples_or_none);
    tcase_add_test(tc, ring_order_and_overflow);
    tcase_add_test(tc, ring_frames_in_place_wrap);
    tcase_add_test(tc, ring_between_two_threads);
    tcase_add_test(tc, fifo_push_failure_is_counted);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
