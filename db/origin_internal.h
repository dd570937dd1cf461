/* origin_internal.h — what origin.c shares with merge and the deploy report: the
 * scan_origin table's creation and a prepare that reports SQLite's message. */
#ifndef AS_ORIGIN_INTERNAL_H
#define AS_ORIGIN_INTERNAL_H

#include "db/reports.h"
#include "db/store_internal.h"

/* CREATE TABLE IF NOT EXISTS scan_origin (needs a writable database). */
int as_origin_ensure(as_store *st, char *err, size_t errlen);
/* 1 if the table exists (read-only databases never get one created). */
int as_origin_exists(as_store *st);
/* NULL with err set on failure. */
sqlite3_stmt *as_origin_prepare(as_store *st, const char *sql, char *err, size_t errlen);

#endif
