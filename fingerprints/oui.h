/* oui.h — MAC vendor lookup from the IEEE MA-L registry as Debian's ieee-data ships it
 * (/usr/share/ieee-data/oui.txt, public domain). Read at export time, never shipped. */
#ifndef AS_OUI_H
#define AS_OUI_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_oui as_oui;

/* The registry text: entries are the lines "XX-XX-XX   (hex)   Organization"; every other
 * line (the "(base 16)" twin, addresses, headers) is skipped, as the format intends. A "(hex)"
 * line with a malformed prefix is an error "NAME:LINE: ..."; a prefix listed twice keeps its
 * first organization (the real registry has a few). Control bytes in names become '?'. */
int as_oui_parse(as_oui **out, const char *text, size_t len, const char *name,
                 char *err, size_t errlen);

/* Reads the file (at most 64 MiB). A missing file is not an error: *out is an empty table
 * and *missing is set, so exports carry empty vendors; other failures return -1. */
int as_oui_load(as_oui **out, const char *path, int *missing, char *err, size_t errlen);
void as_oui_free(as_oui *t);
size_t as_oui_size(const as_oui *t);

/* The organization for a MAC's first three bytes, or NULL: also for locally administered
 * addresses (bit 0x02 of the first byte), which IEEE never assigns. t may be NULL. */
const char *as_oui_lookup(const as_oui *t, const uint8_t mac[6]);

/* Same for "aa:bb:cc:dd:ee:ff" text (either case, '-' or ':'); NULL if it does not parse. */
const char *as_oui_lookup_text(const as_oui *t, const char *mac);

/* $AGENTSCAN_OUI if set, else /usr/share/ieee-data/oui.txt. */
const char *as_default_oui_path(void);

#endif
