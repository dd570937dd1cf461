/* lab-listen.c — aslab-listen PORT[/udp]...: real listeners for lab hosts, so that probes meet
 * the host's own kernel stack. TCP: accepts and closes at once. PORT/udp: a responder that
 * sends every datagram back as it came (its first bytes, a transaction id, echo the
 * request's, as a service's answer would). Prints "ready" when all listen. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 64

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Strict decimal 1..65535, optionally followed by "/udp" (*udp set); anything else (sign,
 * junk, empty, overflow) is rejected. */
static int parse_port(const char *s, int *udp)
{
    long v = 0;
    size_t len = strlen(s);
    *udp = len > 4 && strcmp(s + len - 4, "/udp") == 0;
    if (*udp)
        len -= 4;
    if (len == 0 || len > 5)
        return -1;
    for (const char *p = s; p < s + len; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
        if (v > 65535)
            return -1;
    }
    return v >= 1 ? (int)v : -1;
}

static int open_listener(int port, int udp)
{
    int fd = socket(AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0 || (!udp && listen(fd, 128) < 0)) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

/* Sends each waiting datagram back to where it came from (at most 64 a turn). */
static void echo_datagrams(int fd)
{
    uint8_t buf[1500];
    for (int k = 0; k < 64; k++) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t got = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (got < 0)
            return;
        sendto(fd, buf, (size_t)got, 0, (struct sockaddr *)&from, fl);
    }
}

int main(int argc, char **argv)
{
    struct pollfd pfd[MAX_PORTS];
    int udp[MAX_PORTS];
    int n = argc - 1;

    if (n < 1 || n > MAX_PORTS) {
        fprintf(stderr, "usage: aslab-listen PORT[/udp]... (1 to %d ports)\n", MAX_PORTS);
        return 2;
    }
    for (int i = 0; i < n; i++) {
        if (parse_port(argv[i + 1], &udp[i]) < 0) {
            fprintf(stderr, "aslab-listen: bad port '%s' (want 1-65535, or 1-65535/udp)\n", argv[i + 1]);
            return 2;
        }
    }

    /* Block the stop signals outside ppoll() so a signal cannot slip in between the flag
     * check and the wait; ppoll() unblocks them atomically while it sleeps. */
    sigset_t block, waitmask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, &waitmask);
    sigdelset(&waitmask, SIGTERM);
    sigdelset(&waitmask, SIGINT);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    for (int i = 0; i < n; i++) {
        int port = parse_port(argv[i + 1], &udp[i]);
        pfd[i].fd = open_listener(port, udp[i]);
        pfd[i].events = POLLIN;
        if (pfd[i].fd < 0) {
            fprintf(stderr, "aslab-listen: cannot listen on %s/%d: %s\n", udp[i] ? "udp" : "tcp", port,
                    strerror(errno));
            for (int j = 0; j < i; j++)
                close(pfd[j].fd);
            return 1;
        }
    }
    if (printf("ready\n") < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "aslab-listen: cannot write to stdout\n");
        return 1;
    }

    while (!stop_requested) {
        int r = ppoll(pfd, (nfds_t)n, NULL, &waitmask);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "aslab-listen: poll: %s\n", strerror(errno));
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if (!(pfd[i].revents & POLLIN))
                continue;
            if (udp[i]) {
                echo_datagrams(pfd[i].fd);
                continue;
            }
            /* Drain the backlog; the peer only needs the handshake to have completed. */
            for (int k = 0; k < 64; k++) {
                int c = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0)
                    break;
                close(c);
            }
        }
    }
    for (int i = 0; i < n; i++)
        close(pfd[i].fd);
    return 0;
}
