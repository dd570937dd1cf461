/* export.h — the inventory for other tools: CSV, JSON, NDJSON, nmap XML and a CMDB-shaped
 * JSON, one host per row/object, filtered; and the changes between two scans (`diff`). */
#ifndef AS_EXPORT_H
#define AS_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "db/store.h"
#include "db/when.h"
#include "fingerprints/agents.h"
#include "fingerprints/oui.h"

enum as_export_format {
    AS_EXPORT_CSV,          /* RFC 4180, CRLF, header row; cells neutralised against formulas */
    AS_EXPORT_JSON,         /* an array of host objects */
    AS_EXPORT_NDJSON,       /* one host object a line */
    AS_EXPORT_XML,          /* nmap's -oX format (nmap.dtd), written with libxml2 */
    AS_EXPORT_CMDB,         /* identification / classification / relations per host */
};

/* "csv", "json", "ndjson", "nmap-xml" (or "xml"), "cmdb". Returns 0 or -1. */
int as_export_format_parse(const char *name, enum as_export_format *out);

typedef struct as_export_opts {
    enum as_export_format format;
    int64_t scan_id;            /* 0: the latest scan */
    /* Filters, all that are set must hold: managed (an agent port open), unmanaged,
     * deployable (a deploy channel reachable), up (answered in that scan). */
    int managed, unmanaged, deployable, up_only;
    /* Only hosts that changed since: a scan, or the last complete scan started by then
     * (every host counts as changed when there is none). */
    int has_since;
    as_when since;
    const as_oui *oui;          /* MAC vendors; NULL: empty vendors */
    const as_port_table *deploy;/* login ports and their OS family; NULL: none known */
    const char *stylesheet;     /* nmap-xml: an xml-stylesheet href; NULL: none */
    int gone;                   /* instead: the machines seen up before the scan, not up in it */
} as_export_opts;

/* Writes the hosts of one scan (down ones too unless up_only), ordered by address. Reads in
 * one transaction, so a scan writing meanwhile shows up to its last committed batch. */
int as_store_export(as_store *st, const as_export_opts *o, FILE *out, char *err, size_t errlen);
/* export --gone: the machines seen up before the scan (0: the latest) that are not up in it,
 * as CSV, JSON, NDJSON or the CMDB form (items with identification and status "gone"). */
int as_store_export_gone(as_store *st, const as_export_opts *o, FILE *out, char *err,
                         size_t errlen);

/* The scans `diff` compares by default: the newest pair of complete scans whose covered
 * address spaces overlap (b the newer). Given a only: b is the newest overlapping scan after
 * it; given b only: a is the newest overlapping one before it. In: *a, *b as given (0 =
 * choose). Returns 0; 1 when neither was given and there is no pair yet (a first scan:
 * nothing to compare, with a message); or -1 with a message. */
int as_store_diff_pick(as_store *st, int64_t *a, int64_t *b, char *err, size_t errlen);

/* Writes the changes from scan a to scan b as "table" or "json" and counts them. */
int as_store_diff(as_store *st, int64_t a, int64_t b, const char *format, FILE *out,
                  size_t *changes, char *err, size_t errlen);

/* Retention: deletes scans (with their observations, ports, OS guesses and coverage) but
 * never host rows, whose first/last-seen and seen count stay. keep > 0 deletes all but the
 * newest keep finished scans; has_before deletes scans started before `before`; with both, a scan
 * goes only when both say so ("older than 30 days, but keep the last 10"). A running scan
 * is never deleted. dry_run counts without deleting. */
typedef struct as_prune_result {
    int64_t scans, observations, ports;
    int64_t first_id, last_id;  /* range of deleted scan ids, 0 when none */
} as_prune_result;
int as_store_prune(as_store *st, int keep, int has_before, double before, int dry_run,
                   as_prune_result *r, char *err, size_t errlen);

#endif
