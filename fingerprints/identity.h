/* identity.h — "who is this host": one OS verdict from many pieces of evidence (protocol
 * answers outrank stack guesses; a disagreement is reported, not hidden), and one host name
 * from many candidates. The caller keeps the evidence and candidate lists; verdicts point
 * into them. */
#ifndef AS_IDENTITY_H
#define AS_IDENTITY_H

#include <stddef.h>

#include "fingerprints/oshint.h"

enum as_ev_source {
    AS_EV_NTLMSSP,      /* NTLMSSP VERSION via SMB, RDP or WinRM */
    AS_EV_SMB,
    AS_EV_RDP,
    AS_EV_SSH,
    AS_EV_SNMP,
    AS_EV_NBSTAT,
    AS_EV_TLS,
    AS_EV_HTTP,
    AS_EV_STACK,        /* TCP/IP fingerprint match (-O) */
    AS_EV_PASSIVE,      /* SYN/ACK-only guess */
    AS_EV_TTL,          /* initial-TTL guess */
    AS_EV_COUNT
};

#define AS_EV_VALUE_MAX 256

typedef struct as_evidence {
    int source;                     /* enum as_ev_source */
    as_os_hint hint;                /* what it says (family, name, version, confidence) */
    char value[AS_EV_VALUE_MAX];    /* what was seen: "SSH-2.0-OpenSSH_9.2p1 Debian-2", ... */
} as_evidence;

#define AS_ID_CONFLICT_STACK    0x1 /* protocol evidence and the stack guesses disagree */
#define AS_ID_CONFLICT_PROTOCOL 0x2 /* two protocol answers disagree on the family */

typedef struct as_os_verdict {
    as_os_hint os;                  /* the verdict; family unknown when nothing was known */
    int source;                     /* source of the deciding evidence, -1 if none */
    long chosen;                    /* its index in the list, -1 if none */
    unsigned conflict;              /* AS_ID_CONFLICT_* */
    char conflict_text[512];        /* "ntlmssp says windows (...), stack says unix (...)" */
} as_os_verdict;

/* Decides the OS. Protocol sources (every source before AS_EV_STACK) outrank the stack
 * match, which outranks the passive and TTL guesses; within a rank the higher confidence
 * wins, then the evidence naming a version, then the earlier in the list. Evidence of
 * unknown family with no name is ignored. A verdict naming no version takes one from other
 * evidence of the same family and name. Returns 0, or -ENOENT when no evidence counts. */
int as_identity_os(const as_evidence *ev, size_t n, as_os_verdict *out);

/* "ntlmssp", "smb", ..., "ttl"; "?" out of range. */
const char *as_ev_source_name(int source);

enum as_name_source {
    AS_NAME_SMB_DNS,    /* NTLMSSP MsvAvDnsComputerName: the host's own FQDN */
    AS_NAME_PTR,        /* reverse DNS */
    AS_NAME_SNMP,       /* sysName.0 */
    AS_NAME_TLS_SAN,    /* subjectAltName dNSName */
    AS_NAME_NETBIOS,    /* NBSTAT or MsvAvNbComputerName */
    AS_NAME_TLS_CN,     /* subject CN */
    AS_NAME_COUNT
};

#define AS_NAME_MAX 256

typedef struct as_name_cand {
    int source;                     /* enum as_name_source */
    char name[AS_NAME_MAX];
} as_name_cand;

typedef struct as_name_choice {
    long chosen;                    /* index of the chosen candidate, -1 if none */
    int agree;                      /* how many other sources name the same host */
    char name[AS_NAME_MAX];         /* the chosen name, lower case, no trailing dot */
} as_name_choice;

/* Picks the host name: each usable candidate scores its source's weight (SMB DNS name 50,
 * PTR 40, SNMP 30, TLS SAN 20, NetBIOS 15, TLS CN 10), +25 for every other source with a
 * candidate naming the same host (first labels equal, case ignored), +5 for a dotted name;
 * the first of equal scores wins.
 * Unusable: empty, "localhost...", wildcards, spaces or characters outside [A-Za-z0-9._-].
 * Returns 0, or -ENOENT when no candidate is usable. */
int as_identity_name(const as_name_cand *c, size_t n, as_name_choice *out);

const char *as_name_source_name(int source);

#endif
