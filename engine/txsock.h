/* txsock.h — the transmit side: a PF_PACKET socket bound to the interface, frames handed
 * to the kernel in batches with sendmmsg(). --offline keeps the whole path but the syscall. */
#ifndef AS_TXSOCK_H
#define AS_TXSOCK_H

#include <stddef.h>
#include <stdint.h>

#include "probes/probe.h"

#define AS_TX_BATCH 64

typedef struct as_txsock {
    int fd;
    int offline;
    uint8_t frames[AS_TX_BATCH][AS_FRAME_MAX];
    size_t lens[AS_TX_BATCH];
    unsigned count;
    uint64_t sent, errors;
    /* Another way out (engine/netio.h): a simulated network or the dry-run printer. */
    unsigned (*sink)(void *impl, uint8_t (*frames)[AS_FRAME_MAX], const size_t *lens, unsigned n);
    void *sink_impl;
} as_txsock;

/* Returns 0, or -AS_ERR_PERM (no CAP_NET_RAW) / -AS_ERR_IFACE. */
int as_txsock_open(as_txsock *tx, int ifindex, const char *ifname, int offline, char *err, size_t errlen);
void as_txsock_close(as_txsock *tx);
/* Frames go to sink instead of a socket (nothing privileged is opened). */
void as_txsock_open_sink(as_txsock *tx, unsigned (*sink)(void *, uint8_t (*)[AS_FRAME_MAX], const size_t *, unsigned),
                         void *impl);
/* The next free frame of the batch (the caller writes it and calls as_txsock_commit). */
static inline uint8_t *as_txsock_slot(as_txsock *tx) { return tx->frames[tx->count]; }
static inline void as_txsock_commit(as_txsock *tx, size_t len) { tx->lens[tx->count++] = len; }
static inline int as_txsock_full(const as_txsock *tx) { return tx->count == AS_TX_BATCH; }
/* Sends the batch; returns how many frames the kernel took (the rest count as errors). */
unsigned as_txsock_flush(as_txsock *tx);

#endif
