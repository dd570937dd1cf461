/* oui.h — MAC vendor lookup from the IEEE registries as Debian's ieee-data ships them
 * (/usr/share/ieee-data/oui.txt MA-L, mam.txt MA-M, oui36.txt MA-S; public domain), longest
 * prefix first. Read at run time, never shipped. */
#ifndef AS_OUI_H
#define AS_OUI_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_oui as_oui;

/* A registry text: entries are the lines "XX-XX-XX   (hex)   Organization". The "(base 16)"
 * line right after one is its twin: in MA-M and MA-S files it holds the range inside the
 * 24-bit block ("900000-9FFFFF": a 28-bit prefix; "F2F000-F2FFFF": 36 bits), in MA-L just
 * the prefix again. Other lines (addresses, headers) are skipped, as the format intends. A
 * malformed "(hex)" prefix or "(base 16)" range is an error "NAME:LINE: ..."; a prefix listed
 * twice keeps its first organization (the real registry has a few). Control bytes in names
 * become '?'. */
int as_oui_parse(as_oui **out, const char *text, size_t len, const char *name,
                 char *err, size_t errlen);

/* An empty table, and adding one more registry text to a table (as as_oui_parse reads it;
 * on error nothing of that text is added). Entries of earlier texts win duplicates. */
as_oui *as_oui_new(void);
int as_oui_add(as_oui *t, const char *text, size_t len, const char *name, char *err,
               size_t errlen);

/* Reads the file (at most 64 MiB each) and, when it is named "oui.txt", the MA-M and MA-S
 * files beside it (mam.txt, oui36.txt) if present. A missing oui.txt is not an error: *out
 * is then empty (or holds only the MA-M/MA-S entries) and *missing is set, so exports carry
 * empty vendors; other failures return -1. */
int as_oui_load(as_oui **out, const char *path, int *missing, char *err, size_t errlen);
void as_oui_free(as_oui *t);
size_t as_oui_size(const as_oui *t);

/* The organization of the longest registered prefix of mac (36, then 28, then 24 bits), or
 * NULL: also for locally administered addresses (bit 0x02 of the first byte), which IEEE
 * never assigns. t may be NULL. */
const char *as_oui_lookup(const as_oui *t, const uint8_t mac[6]);

/* Same for "aa:bb:cc:dd:ee:ff" text (either case, '-' or ':'); NULL if it does not parse. */
const char *as_oui_lookup_text(const as_oui *t, const char *mac);

/* $AGENTSCAN_OUI if set, else /usr/share/ieee-data/oui.txt. */
const char *as_default_oui_path(void);

#endif
