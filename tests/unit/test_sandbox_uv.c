/* test_sandbox_uv.c — the identity phase's event loop under the scan's sandbox: once
 * as_drop_privileges has entered Landlock and the seccomp allow-list (engine/sandbox.c), a
 * libuv loop still connects over TCP, writes, reads to EOF, sends and receives UDP and runs
 * a timer; a raw socket stays refused. The peers are opened before the drop, in a helper
 * process outside the sandbox. No root needed (no user switch). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include "engine/privdrop.h"

static char dir[64];

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_sandbox_uv_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    rmdir(dir);
}

/* The peers: a TCP listener that reads "hi" and answers "hello" then closes, and a UDP
 * socket that answers "ping" with "pong". Loopback, ports chosen by the kernel. */
typedef struct peers {
    struct sockaddr_in tcp, udp;
    pid_t pid;
} peers;

static void serve(int ls, int us)
{
    char b[16];
    int c = accept(ls, NULL, NULL);
    if (c < 0 || read(c, b, 2) != 2 || write(c, "hello", 5) != 5)
        _exit(1);
    close(c);
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    if (recvfrom(us, b, sizeof b, 0, (struct sockaddr *)&from, &fl) != 4 ||
        sendto(us, "pong", 4, 0, (struct sockaddr *)&from, fl) != 4)
        _exit(1);
    _exit(0);
}

static void start_peers(peers *p)
{
    int ls = socket(AF_INET, SOCK_STREAM, 0), us = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(ls, 0);
    ck_assert_int_ge(us, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(ls, 4), 0);
    ck_assert_int_eq(bind(us, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t l = sizeof p->tcp;
    ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&p->tcp, &l), 0);
    l = sizeof p->udp;
    ck_assert_int_eq(getsockname(us, (struct sockaddr *)&p->udp, &l), 0);
    p->pid = fork();
    ck_assert_int_ge(p->pid, 0);
    if (p->pid == 0)
        serve(ls, us);
    close(ls);
    close(us);
}

/* The loop's state; a failure is recorded as the first message. */
static struct {
    uv_tcp_t tcp;
    uv_udp_t udp;
    uv_timer_t deadline;
    uv_connect_t conn;
    uv_write_t wr;
    uv_udp_send_t send;
    size_t tcp_bytes, udp_bytes;
    char tcp_text[16], udp_text[16];
    char fail[600];
    int timed_out;
} L;

static void failf(const char *what, int rc)
{
    if (!L.fail[0])
        snprintf(L.fail, sizeof L.fail, "%s: %s", what, uv_strerror(rc));
}

static void on_alloc(uv_handle_t *h, size_t want, uv_buf_t *b)
{
    (void)h, (void)want;
    static char buf[2048];
    *b = uv_buf_init(buf, sizeof buf);
}

static void on_tcp_read(uv_stream_t *s, ssize_t n, const uv_buf_t *b)
{
    if (n > 0 && L.tcp_bytes + (size_t)n < sizeof L.tcp_text) {
        memcpy(L.tcp_text + L.tcp_bytes, b->base, (size_t)n);
        L.tcp_bytes += (size_t)n;
    } else if (n < 0) {
        if (n != UV_EOF)
            failf("tcp read", (int)n);
        uv_close((uv_handle_t *)s, NULL);
    }
}

static void on_written(uv_write_t *w, int rc)
{
    (void)w;
    if (rc)
        failf("tcp write", rc);
}

static void on_connect(uv_connect_t *c, int rc)
{
    if (rc) {
        failf("tcp connect", rc);
        uv_close((uv_handle_t *)c->handle, NULL);
        return;
    }
    uv_buf_t b = uv_buf_init("hi", 2);
    if ((rc = uv_write(&L.wr, c->handle, &b, 1, on_written)) != 0 ||
        (rc = uv_read_start(c->handle, on_alloc, on_tcp_read)) != 0)
        failf("tcp write/read start", rc);
}

static void on_udp_recv(uv_udp_t *u, ssize_t n, const uv_buf_t *b, const struct sockaddr *a,
                        unsigned flags)
{
    (void)a, (void)flags;
    if (n < 0)
        failf("udp recv", (int)n);
    if (n == 0)
        return;                 /* nothing more to read for now */
    if (n > 0 && (size_t)n < sizeof L.udp_text) {
        memcpy(L.udp_text, b->base, (size_t)n);
        L.udp_bytes = (size_t)n;
    }
    uv_udp_recv_stop(u);
    uv_close((uv_handle_t *)u, NULL);
}

static void on_sent(uv_udp_send_t *s, int rc)
{
    (void)s;
    if (rc)
        failf("udp send", rc);
}

static void on_deadline(uv_timer_t *t)
{
    L.timed_out = 1;
    uv_stop(t->loop);
}

/* Drops into the sandbox, then runs the loop; returns 0 or a message in L.fail. */
static int sandboxed_loop(const peers *p)
{
    as_privdrop_opts o = {.switch_user = 0, .db_dir = dir, .sandbox = 1};
    as_privdrop_configure(&o);
    char err[512];
    if (as_drop_privileges(err, sizeof err) != 0) {
        snprintf(L.fail, sizeof L.fail, "drop: %s", err);
        return 1;
    }
    int raw = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    if (raw >= 0 || errno != EPERM) {
        snprintf(L.fail, sizeof L.fail, "a raw socket was not refused (the filter is off)");
        return 1;
    }
    uv_loop_t loop;
    int rc;
    if ((rc = uv_loop_init(&loop)) != 0) {
        failf("uv_loop_init", rc);
        return 1;
    }
    uv_timer_init(&loop, &L.deadline);
    uv_timer_start(&L.deadline, on_deadline, 10000, 0);
    uv_unref((uv_handle_t *)&L.deadline);       /* the loop ends when the sockets are done */
    if ((rc = uv_tcp_init(&loop, &L.tcp)) != 0 || (rc = uv_tcp_nodelay(&L.tcp, 1)) != 0 ||
        (rc = uv_tcp_connect(&L.conn, &L.tcp, (const struct sockaddr *)&p->tcp, on_connect)) != 0)
        failf("tcp", rc);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_buf_t b = uv_buf_init("ping", 4);
    const struct sockaddr *to = (const struct sockaddr *)&p->udp;
    if ((rc = uv_udp_init(&loop, &L.udp)) != 0 ||
        (rc = uv_udp_send(&L.send, &L.udp, &b, 1, to, on_sent)) != 0 ||
        (rc = uv_udp_recv_start(&L.udp, on_alloc, on_udp_recv)) != 0)
        failf("udp", rc);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&L.deadline, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    if ((rc = uv_loop_close(&loop)) != 0)
        failf("uv_loop_close", rc);
    if (L.timed_out && !L.fail[0])
        snprintf(L.fail, sizeof L.fail, "the loop timed out (tcp '%s', udp '%s')", L.tcp_text,
                 L.udp_text);
    if (!L.fail[0] && (strcmp(L.tcp_text, "hello") != 0 || strcmp(L.udp_text, "pong") != 0))
        snprintf(L.fail, sizeof L.fail, "read tcp '%s' (want hello), udp '%s' (want pong)",
                 L.tcp_text, L.udp_text);
    return L.fail[0] != 0;
}

START_TEST(libuv_loop_under_the_sandbox)
{
    peers p;
    start_peers(&p);
    int msg[2];
    ck_assert_int_eq(pipe(msg), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(msg[0]);
        int rc = sandboxed_loop(&p);
        (void)!write(msg[1], L.fail, strlen(L.fail));
        _exit(rc);
    }
    close(msg[1]);
    char fail[600] = "";
    ssize_t n = read(msg[0], fail, sizeof fail - 1);
    fail[n > 0 ? n : 0] = '\0';
    close(msg[0]);
    int st, pst;
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!ok)
        kill(p.pid, SIGKILL);       /* a peer still waiting for the loop */
    ck_assert_int_eq(waitpid(p.pid, &pst, 0), p.pid);
    /* libuv aborts (SIGABRT) when a call its loop cannot do without is refused */
    ck_assert_msg(ok, "sandboxed libuv loop: %s (%s %d)", fail,
                  WIFSIGNALED(st) ? "killed by signal" : "exit status",
                  WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
    ck_assert_msg(WIFEXITED(pst) && WEXITSTATUS(pst) == 0, "peer status %d", pst);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sandbox_uv");
    TCase *tc = tcase_create("loop");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, libuv_loop_under_the_sandbox);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
