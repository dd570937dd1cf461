/* txsock.c — PF_PACKET + sendmmsg (see txsock.h). ENOBUFS means the qdisc is full: retry
 * the rest of the batch briefly instead of dropping probes the scan believes were sent. */
#include "engine/txsock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "probes/errors.h"

int as_txsock_open(as_txsock *tx, int ifindex, const char *ifname, int offline, char *err, size_t errlen)
{
    memset(tx, 0, sizeof *tx);
    tx->fd = -1;
    tx->offline = offline;
    if (offline)
        return 0;
    /* Protocol 0: this socket only sends, so the kernel queues nothing to it. */
    tx->fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (tx->fd < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot open raw socket on %s: %s%s", ifname, strerror(e),
                 e == EPERM || e == EACCES ? " (run as root or grant CAP_NET_RAW)" : "");
        return e == EPERM || e == EACCES ? -AS_ERR_PERM : -AS_ERR_IFACE;
    }
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_ifindex = ifindex;
    sll.sll_protocol = 0;
    if (bind(tx->fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        snprintf(err, errlen, "cannot bind raw socket to %s: %s", ifname, strerror(errno));
        close(tx->fd);
        tx->fd = -1;
        return -AS_ERR_IFACE;
    }
    int sndbuf = 4 << 20;
    setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    return 0;
}

void as_txsock_open_sink(as_txsock *tx, unsigned (*sink)(void *, uint8_t (*)[AS_FRAME_MAX], const size_t *, unsigned),
                         void *impl)
{
    memset(tx, 0, sizeof *tx);
    tx->fd = -1;
    tx->sink = sink;
    tx->sink_impl = impl;
}

void as_txsock_close(as_txsock *tx)
{
    if (tx->fd >= 0)
        close(tx->fd);
    tx->fd = -1;
}

unsigned as_txsock_flush(as_txsock *tx)
{
    unsigned n = tx->count, done = 0;
    tx->count = 0;
    if (n == 0)
        return 0;
    if (tx->sink != NULL) {
        done = tx->sink(tx->sink_impl, tx->frames, tx->lens, n);
        tx->sent += done;
        tx->errors += n - done;
        return done;
    }
    if (tx->offline) {
        tx->sent += n;
        return n;
    }
    struct mmsghdr msgs[AS_TX_BATCH];
    struct iovec iov[AS_TX_BATCH];
    memset(msgs, 0, sizeof(msgs[0]) * n);
    for (unsigned i = 0; i < n; i++) {
        iov[i].iov_base = tx->frames[i];
        iov[i].iov_len = tx->lens[i];
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    for (int attempt = 0; done < n && attempt < 100; attempt++) {
        int rc = sendmmsg(tx->fd, msgs + done, n - done, 0);
        if (rc > 0) {
            done += (unsigned)rc;
            continue;
        }
        if (rc < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR)
            break;
        nanosleep(&(struct timespec){0, 100000}, NULL);
    }
    tx->sent += done;
    tx->errors += n - done;
    return done;
}
