/* test_engine.c — the engine's arithmetic: permutation, rate limiter, RTT estimator,
 * port lists, DNS name sanitising, the live-host table, the rings and the work queues. */
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "engine/capture.h"
#include "engine/dns.h"
#include "engine/fifo.h"
#include "engine/hosttab.h"
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
