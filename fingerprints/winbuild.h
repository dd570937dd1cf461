/* winbuild.h — Windows build numbers to release names, from the text table
 * fingerprints/windows-builds.tab (every row with its public source). */
#ifndef AS_WINBUILD_H
#define AS_WINBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "fingerprints/oshint.h"

typedef struct as_winbuilds as_winbuilds;

/* Loads the table. Errors name "FILE:LINE: what": malformed version, missing field, a row
 * without a source key or with one not defined by an earlier "@source KEY URL", a build
 * listed twice, a row with neither a client nor a server name. */
int as_winbuild_load(as_winbuilds **out, const char *path, char *err, size_t errlen);
int as_winbuild_parse(as_winbuilds **out, const char *text, size_t len, const char *name,
                      char *err, size_t errlen);
void as_winbuild_free(as_winbuilds *t);
size_t as_winbuild_size(const as_winbuilds *t);

/* The release names of major.minor.build: "SERVER / CLIENT", or whichever exists.
 * Returns 0 for an exact row; 1 when the build is not listed and the nearest lower build of
 * the same major.minor is used (a newer update or preview: the text then ends " or later");
 * -ENOENT when nothing fits (text ""). */
int as_winbuild_lookup(const as_winbuilds *t, unsigned major, unsigned minor, unsigned build,
                       char *text, size_t len);

/* The same as an OS hint ("Windows", the lookup text; confidence 95 exact, 70 nearest). */
int as_winbuild_hint(const as_winbuilds *t, unsigned major, unsigned minor, unsigned build,
                     as_os_hint *hint);

/* AS_DATADIR/windows-builds.tab, else the source tree's copy. */
const char *as_default_winbuild_path(void);

#endif
