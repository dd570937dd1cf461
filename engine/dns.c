/* dns.c — c-ares reverse lookups (see dns.h). */
#include "engine/dns.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/record.h"

struct as_dns {
    ares_channel channel;
    size_t pending;
};

struct lookup {
    as_dns *dns;
    uint32_t ip;
    as_dns_cb cb;
    void *arg;
};

size_t as_dns_sanitize(const char *in, char *out, size_t out_len)
{
    size_t n = 0;
    if (out_len == 0)
        return 0;
    for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    *p == '-' || *p == '_' || *p == '.';
        if (*p == '.' && p[1] == '\0')
            break;
        size_t need = plain ? 1 : 4;
        if (n + need >= out_len)
            break;
        if (plain)
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, out_len - n, "\\%03u", *p);
    }
    out[n] = '\0';
    return n;
}

int as_dns_open(as_dns **out, const char *servers, int timeout_ms, int tries, char *err, size_t errlen)
{
    static int lib_ready;
    if (!lib_ready) {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
            snprintf(err, errlen, "c-ares: library initialisation failed");
            return -1;
        }
        lib_ready = 1;
    }
    as_dns *d = calloc(1, sizeof *d);
    if (d == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct ares_options opts;
    memset(&opts, 0, sizeof opts);
    opts.timeout = timeout_ms;
    opts.tries = tries;
    int rc = ares_init_options(&d->channel, &opts, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (rc != ARES_SUCCESS) {
        snprintf(err, errlen, "c-ares: %s", ares_strerror(rc));
        free(d);
        return -1;
    }
    if (servers != NULL && (rc = ares_set_servers_csv(d->channel, servers)) != ARES_SUCCESS) {
        snprintf(err, errlen, "bad --dns-servers '%s': %s (give IPv4 addresses separated by commas)",
                 servers, ares_strerror(rc));
        ares_destroy(d->channel);
        free(d);
        return -1;
    }
    *out = d;
    return 0;
}

void as_dns_close(as_dns *d)
{
    if (d == NULL)
        return;
    ares_destroy(d->channel);
    free(d);
}

static void on_answer(void *arg, int status, int timeouts, struct hostent *he)
{
    (void)timeouts;
    struct lookup *lk = arg;
    char name[AS_NAME_MAX];
    const char *result = NULL;
    if (status == ARES_SUCCESS && he != NULL && he->h_name != NULL &&
        as_dns_sanitize(he->h_name, name, sizeof name) > 0)
        result = name;
    lk->dns->pending--;
    lk->cb(lk->arg, lk->ip, result);
    free(lk);
}

void as_dns_lookup(as_dns *d, uint32_t ip, as_dns_cb cb, void *arg)
{
    struct lookup *lk = malloc(sizeof *lk);
    if (lk == NULL) {
        cb(arg, ip, NULL);
        return;
    }
    *lk = (struct lookup){d, ip, cb, arg};
    struct in_addr a = {htonl(ip)};
    d->pending++;
    ares_gethostbyaddr(d->channel, &a, sizeof a, AF_INET, on_answer, lk);
}

void as_dns_process(as_dns *d, int wait_ms)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    struct pollfd pfd[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(d->channel, socks, ARES_GETSOCK_MAXNUM);
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
        short ev = (short)((ARES_GETSOCK_READABLE(bits, i) ? POLLIN : 0) |
                           (ARES_GETSOCK_WRITABLE(bits, i) ? POLLOUT : 0));
        if (ev == 0)
            continue;
        pfd[n].fd = socks[i];
        pfd[n].events = ev;
        pfd[n].revents = 0;
        n++;
    }
    if (n == 0 || poll(pfd, n, wait_ms) <= 0) {
        /* Nothing readable: let c-ares run its timeouts and retries. */
        ares_process_fd(d->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        return;
    }
    for (nfds_t i = 0; i < n; i++) {
        ares_socket_t r = (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) ? pfd[i].fd : ARES_SOCKET_BAD;
        ares_socket_t w = (pfd[i].revents & POLLOUT) ? pfd[i].fd : ARES_SOCKET_BAD;
        ares_process_fd(d->channel, r, w);
    }
}

size_t as_dns_pending(const as_dns *d)
{
    return d == NULL ? 0 : d->pending;
}
