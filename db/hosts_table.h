/* hosts_table.h — what hosts_print.c and hosts_table.c share: the filters and the table. */
#ifndef AS_HOSTS_TABLE_H
#define AS_HOSTS_TABLE_H

#include <stdio.h>
#include "db/store_internal.h"

/* 1 if the host passes the filters of o. */
int as_hosts_keep(const as_hosts_opts *o, const as_host_view *h);
/* A copy for a terminal: valid printable UTF-8 as itself, controls and stray bytes '?',
 * empty as "-". */
char *as_hosts_cell_safe(const char *s);
/* A stored PTR name for the table: its \DDD escapes decoded where they form printable
 * UTF-8 (so "s\195\169rveur" shows as "serveur" with its accent), every other byte \DDD. */
char *as_hosts_name_safe(const char *s);
/* The table of the hosts that pass o (libsmartcols), fitted to o->width when it is > 0.
 * os_cell and ports_cell make those cells (malloc'd). */
int as_hosts_table(const as_scan_view *v, const as_hosts_opts *o,
                   char *(*os_cell)(const as_host_view *), char *(*ports_cell)(const as_host_view *),
                   FILE *out);

/* The mark after a deploy channel or agent whose port answered a SYN but whose protocol
 * did not answer as itself ("ssh?"); the legend under the table explains it. */
#define AS_HOSTS_UNCONFIRMED "?"
/* 1 if the host's row carries that mark. */
int as_hosts_has_unconfirmed(const as_host_view *h);

/* `hosts --gone`: the hosts seen up before scan v started that are not up in it, as a
 * table or JSON (status "gone"). Returns 0, -1 on a write failure, -2 with err set on a
 * database error. */
int as_hosts_gone(as_store *st, const as_scan_view *v, int json, FILE *out, char *err,
                  size_t errlen);

#endif
