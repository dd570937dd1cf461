/* capture.h — the receive side: libpcap on the scan interface with a BPF filter for
 * replies to our address, decoded and classified on a thread of its own; validated
 * results go through an SPSC ring to the scan loop. */
#ifndef AS_CAPTURE_H
#define AS_CAPTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "engine/ring.h"
#include "probes/probe.h"

/* A whole captured frame, for the few replies (OS detection) whose every field matters and
 * which cannot be summarised on the receive thread. */
#define AS_FRAME_CAP 400

typedef struct as_frame {
    uint64_t t_us;
    uint16_t len;
    uint8_t bytes[AS_FRAME_CAP];
} as_frame;

typedef struct as_capture {
    void *pcap;                 /* pcap_t */
    int dlt;
    const as_probe_ctx *ctx;
    as_ring *ring;
    as_ring *os_frames;         /* OS-detection replies, whole (as_frame); NULL without -O */
    pthread_t thread;
    int running;
    atomic_int stop;
    _Atomic uint64_t packets, accepted;
    _Atomic uint64_t rejected;      /* not a reply to our probes: wrong cookie, stale, forged,
                                     * malformed (a flood shows here, -v) */
} as_capture;

/* Without a capture handle: frames come from another backend (engine/netio.h). */
void as_capture_attach(as_capture *c, const as_probe_ctx *ctx, as_ring *ring, int dlt);
/* Validation, apart from any backend: decodes one frame received at t_us, checks its
 * cookie and hands the result (or, for OS probes, the whole frame) to the scan loop.
 * Safe on one producer thread at a time. Returns 1 if it was ours. */
int as_capture_frame(as_capture *c, const uint8_t *bytes, size_t caplen, uint64_t t_us);
/* Opens and filters the capture (0, or -AS_ERR_PERM / -AS_ERR_IFACE). */
int as_capture_open(as_capture *c, const char *ifname, const as_probe_ctx *ctx, as_ring *ring,
                    char *err, size_t errlen);
int as_capture_start(as_capture *c, char *err, size_t errlen);
/* Stops the thread (if started) and closes the handle. */
void as_capture_close(as_capture *c);
/* Reads pending packets on the calling thread for up to timeout_ms (used before the thread
 * starts, e.g. to wait for the gateway's ARP reply). */
int as_capture_poll(as_capture *c, int timeout_ms);

#endif
