/* report.h — the HTML report: one self-contained page per sweep (summary, a picture of the
 * network, the firewall requests, changes since the previous sweep, the hosts), read from
 * the inventory only. */
#ifndef AS_REPORT_H
#define AS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/store.h"
#include "fingerprints/agents.h"

typedef struct as_report_opts {
    int64_t scan_id;            /* 0: the latest scan (of job, when job is set) */
    const char *job;            /* NULL: none; else the job's newest complete sweep */
    const as_port_table *deploy;/* login ports and their families (deploy.tab) */
    uint32_t source;            /* the scanner's address; 0: as recorded for the scan */
    size_t trend_max;           /* sweeps in the job's trend chart; 0: 30 */
    double now;                 /* "generated at"; 0: time(NULL) */
} as_report_opts;

/* Writes the page to out. Reads in one transaction; st may be read-only
 * (as_store_open_read). Returns 0, or -1 with err naming what failed. */
int as_report_html(as_store *st, const as_report_opts *o, FILE *out, char *err, size_t errlen);

/* The same into path, replaced atomically: a temporary file in path's directory, then
 * rename, so a reader never sees half a page. */
int as_report_save(as_store *st, const as_report_opts *o, const char *path, char *err,
                   size_t errlen);

#endif
