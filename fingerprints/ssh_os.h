/* ssh_os.h — the OS an SSH identification line gives away: distribution package revisions
 * in the comment (Debian, Ubuntu, Raspbian), vendor builds in the software version. */
#ifndef AS_SSH_OS_H
#define AS_SSH_OS_H

#include "fingerprints/oshint.h"
#include "probes/ssh_ident.h"

/* Fills *hint from the table in ssh_os.c (first matching row) and the Debian "+debNN"
 * rule. Returns 1 when something was recognised, 0 when not (*hint is then unknown). */
int as_ssh_os_hint(const as_ssh_ident *id, as_os_hint *hint);

#endif
