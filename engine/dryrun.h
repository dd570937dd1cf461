/* dryrun.h — --dry-run: the frames a scan would send, printed one line each on stdout or
 * written as a pcap file (-w), with nothing sent and no privilege needed (zmap's --dryrun). */
#ifndef AS_DRYRUN_H
#define AS_DRYRUN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/probe.h"

typedef struct as_dryrun as_dryrun;

/* pcap_path NULL: text lines on out; "-": pcap on stdout. 0, or -1 with err. */
int as_dryrun_open(as_dryrun **d, const char *pcap_path, FILE *out, char *err, size_t errlen);
/* The netio send callback: records the frames, takes them all. */
unsigned as_dryrun_send(void *impl, uint8_t (*frames)[AS_FRAME_MAX], const size_t *lens, unsigned n);
/* One frame as a line of text (no newline), as the dry run prints it. */
void as_dryrun_describe(const uint8_t *frame, size_t len, char *buf, size_t buflen);
void as_dryrun_close(as_dryrun *d);

#endif
