/* privdrop.h — once the raw socket and the capture are open, the scan needs no privilege:
 * give every capability up and forbid regaining any (PR_SET_NO_NEW_PRIVS). */
#ifndef AS_PRIVDROP_H
#define AS_PRIVDROP_H

#include <stddef.h>

/* Drops all capabilities of the calling thread (threads started later inherit that) and
 * sets no_new_privs. The user id stays, so files the scan writes keep their owner. Returns
 * 0, or -1 with err; each step is checked, and the result verified. */
int as_drop_privileges(char *err, size_t errlen);

#endif
