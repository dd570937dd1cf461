/* errors.h — the error classes library calls return (as negative numbers) and the CLI
 * turns into exit codes; one class per thing a user must do differently. */
#ifndef AS_ERRORS_H
#define AS_ERRORS_H

enum as_error {
    AS_OK = 0,
    AS_ERR_FAIL = 1,        /* anything else */
    AS_ERR_USAGE = 2,       /* bad flags or arguments */
    AS_ERR_TARGET = 3,      /* malformed or unresolvable target, empty target set */
    AS_ERR_PERM = 4,        /* not root / no CAP_NET_RAW */
    AS_ERR_IFACE = 5,       /* unknown or unusable interface, bad source address */
    AS_ERR_ROUTE = 6,       /* no route to the targets, next hop does not answer ARP */
    AS_ERR_DB = 7,          /* database cannot be opened, created or written */
    AS_ERR_DATA = 8,        /* a data file (agent/deploy table) is malformed or missing */
    AS_ERR_NOSCAN = 9,      /* nothing to read: the database holds no scan yet, or not the
                             * one asked for (a reader's answer, not a broken database) */
    AS_ERR_INTERRUPTED = 130 /* scan stopped by a signal; what it found is stored */
};

#endif
