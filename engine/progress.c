/* progress.c — the one-line progress display on stderr: probes sent of the estimated
 * total, replies, hosts up, current rate, ETA. Drawn only when stderr is a terminal. */
#include "engine/scan_internal.h"

#include <stdio.h>

#include "engine/clock.h"

#define PROGRESS_EVERY_US 250000

static uint64_t estimate_total(const as_scanner *s)
{
    /* Retry passes only re-ask silent addresses; count the first pass of the sweep, each
     * retry pass as what is still unanswered, and the port probes of live hosts. */
    uint64_t sweep = s->perm.n;
    uint64_t ports = s->o->no_ping ? 0 : s->hosts_up * s->o->nports;
    return sweep * s->passes + ports;
}

void as_progress_update(as_scanner *s, uint64_t now, int final)
{
    if (!s->o->progress)
        return;
    if (!final && now - s->last_progress_us < PROGRESS_EVERY_US)
        return;
    uint64_t sent = s->tx.sent;
    double dt = (double)(now - s->progress_t) / 1e6;
    if (dt > 0.2) {
        double inst = (double)(sent - s->progress_sent) / dt;
        s->progress_rate = s->progress_rate == 0 ? inst : 0.7 * s->progress_rate + 0.3 * inst;
        s->progress_sent = sent;
        s->progress_t = now;
    }
    s->last_progress_us = now;
    uint64_t total = estimate_total(s);
    double done;
    if (s->sweep_done)
        done = 1.0;
    else
        done = ((double)s->pass + (double)s->cursor / (double)s->perm.n) / (double)s->passes;
    double elapsed = (double)(now - s->started_us) / 1e6;
    double eta = done > 0.001 ? elapsed / done - elapsed : 0;
    fprintf(stderr, "\r\033[K%s pass %u/%u %3.0f%%, %llu/~%llu probes, %llu replies, %llu up, "
            "%.0f/%.0f pps, ETA %d:%02d",
            s->stopping ? "stopping:" : "scanning:", s->pass + (s->sweep_done ? 0 : 1), s->passes,
            done * 100.0, (unsigned long long)sent, (unsigned long long)total,
            (unsigned long long)s->replies, (unsigned long long)s->hosts_up, s->progress_rate,
            s->cur_rate, (int)eta / 60, (int)eta % 60);
    if (final)
        fputc('\n', stderr);
    fflush(stderr);
}
