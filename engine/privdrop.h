/* privdrop.h — once the raw socket and the capture are open, the scan needs no privilege:
 * switch to an unprivileged user when started as root, give every capability up, forbid
 * regaining any (PR_SET_NO_NEW_PRIVS), confine writes to the database's directory
 * (Landlock) and allow only the system calls the scan uses (seccomp). */
#ifndef AS_PRIVDROP_H
#define AS_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* Process-wide settings the program hands down before the scan (like the store's target
 * parser): user is the account to become when running as root (NULL: "agentscan" when it
 * exists, else "nobody"), switched to only when switch_user; db_dir the one directory the scan may still write (NULL: no
 * write confinement); sandbox 0 turns the seccomp filter and Landlock off (a sweep that
 * runs a change command after its scan needs exec). selftest 1 makes the drop try what it
 * forbids afterwards (a raw socket, a file outside db_dir, exec) and report each on stderr:
 * a test hook, not a user feature. */
typedef struct as_privdrop_opts {
    const char *user;
    int switch_user;        /* 0: keep the uid even as root (the caller writes elsewhere later) */
    const char *db_dir;
    const char *out_dir;    /* a second directory that stays writable (-oX), or NULL */
    int sandbox;
    int selftest;
    pid_t parent;           /* > 0: die (SIGKILL) with this process, our parent; the user
                             * switch clears the kernel's parent-death signal, so the drop
                             * sets it again (a sweep's scanning process, tools/sweep_scan.c) */
} as_privdrop_opts;
void as_privdrop_configure(const as_privdrop_opts *o);

/* Drops everything, in order: user (root only: setgroups, setresgid, setresuid, each read
 * back), all capabilities (read back), no_new_privs, Landlock, seccomp. Threads started
 * later inherit all of it. Returns 0, or -1 with err; no step is skipped silently except
 * Landlock on a kernel without it (noted in note when not NULL). */
int as_drop_privileges(char *err, size_t errlen);

/* The capabilities alone (read back) and no_new_privs, the user kept: a sweep's own process
 * once its scanning process is done (its change command has always run so). 0 or -1. */
int as_drop_capabilities(char *err, size_t errlen);

#endif
