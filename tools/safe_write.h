/* safe_write.h — replacing an output file whole and safely: written beside itself under a
 * temporary name and renamed over it, never through a symbolic link, the old file's mode
 * (and, for root, owner) kept, new files 0640. */
#ifndef AS_SAFE_WRITE_H
#define AS_SAFE_WRITE_H

#include <stddef.h>
#include <stdio.h>

/* Writes the content; returns 0, or -1 with a message in err. */
typedef int (*as_write_fn)(FILE *f, void *ctx, char *err, size_t errlen);

/* Returns 0; -1 when the file cannot be written (err says why: a symlink, a directory, no
 * write access, disk full); -2 when write() failed (its message in err). On failure the
 * destination is as it was and no temporary file is left. */
int as_replace_file(const char *path, as_write_fn write, void *ctx, char *err, size_t errlen);

#endif
