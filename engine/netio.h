/* netio.h — what the scan loop needs from the world, as zmap's recv-internal.h keeps
 * validation apart from the capture backend: a clock, a way out for frames, a way in for
 * replies. Production: the monotonic clock, PF_PACKET (txsock.c) and libpcap on its own
 * thread (capture.c); tests: a simulated network and a fake clock (simnet.h); --dry-run:
 * a frame printer (dryrun.c). */
#ifndef AS_NETIO_H
#define AS_NETIO_H

#include <stddef.h>
#include <stdint.h>

#include "engine/netif.h"
#include "probes/probe.h"

struct as_capture;

typedef struct as_netio {
    void *impl;
    /* Monotonic microseconds. Time passes only through sleep_us for a fake clock. */
    uint64_t (*now_us)(void *impl);
    void (*sleep_us)(void *impl, uint64_t us);
    /* A batch of frames leaves; returns how many were taken (the rest count as errors).
     * NULL: the PF_PACKET socket. */
    unsigned (*send)(void *impl, uint8_t (*frames)[AS_FRAME_MAX], const size_t *lens, unsigned n);
    /* Called once per loop turn on the scan thread: hands what has arrived by now to
     * as_capture_frame(rx, ...). NULL: libpcap's thread does it. */
    void (*receive)(void *impl, struct as_capture *rx);
    /* The interface as the scan must see it (source, MACs, gateway and its MAC); NULL:
     * looked up from the routing table. With it nothing privileged is opened or dropped. */
    const as_netif *nif;
} as_netio;

/* The real clock, for backends that only replace the wire. */
uint64_t as_netio_real_now(void *impl);
void as_netio_real_sleep(void *impl, uint64_t us);

#endif
