/* privdrop_internal.h — the sandbox steps behind as_drop_privileges (sandbox.c). */
#ifndef AS_PRIVDROP_INTERNAL_H
#define AS_PRIVDROP_INTERNAL_H

#include <stddef.h>

/* Opens db_dir and out_dir (either NULL) while they can still be reached. */
int as_sandbox_prepare(const char *db_dir, const char *out_dir, char *err, size_t errlen);
/* Landlock (writes only beneath the prepared directories, no exec; skipped on kernels
 * without it) then the seccomp allow-list. Returns 0, or -1 with err. */
int as_sandbox_enter(char *err, size_t errlen);
/* Tries what the sandbox forbids and prints one "sandbox selftest: ..." line each. */
void as_sandbox_selftest(const char *db_dir);

#endif
