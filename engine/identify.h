/* identify.h — the identity phase: after the raw sweep, ordinary kernel sockets on one libuv
 * loop ask the open ports of live hosts who they are (SSH, SMB2 + NTLMSSP, RDP, HTTP, TLS,
 * WinRM, shared agent ports; NBSTAT and SNMP over UDP). No login, no credential is sent.
 * Every connection has a time cap and a byte cap; the phase stops on an interrupt. */
#ifndef AS_IDENTIFY_H
#define AS_IDENTIFY_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "fingerprints/winbuild.h"
#include "probes/http_ident.h"
#include "probes/nbstat.h"
#include "probes/ntlmssp.h"
#include "probes/rdp.h"
#include "probes/smb2.h"
#include "probes/snmp_ident.h"
#include "probes/ssh_ident.h"
#include "probes/tls_cert.h"

#define AS_ID_DEFAULT_CONNECTIONS 256
#define AS_ID_DEFAULT_TIMEOUT_MS 2000
#define AS_ID_READ_CAP 65536            /* bytes a connection may receive in all */
#define AS_ID_COMMUNITIES_MAX 8

/* What one port answered. confirmed: 1 the protocol the port stands for answered as itself,
 * 0 it was asked and did not, -1 not asked (no exchange for that port). */
typedef struct as_id_port {
    uint16_t port;
    int8_t confirmed;
    char product[64];
    char version[64];
} as_id_port;

/* Everything one host told; filled by the phase, read by as_id_fuse. */
typedef struct as_id_result {
    size_t nports;
    as_id_port *ports;                  /* one per open TCP port asked, caller's order */
    int has_ssh;
    as_ssh_ident ssh;
    uint16_t ssh_port;
    int has_smb;
    as_smb2_negotiate_info smb;
    int has_ntlm;                       /* first CHALLENGE: SMB, then RDP, then WinRM */
    as_ntlm_info ntlm;
    int ntlm_source;                    /* AS_EV_SMB, AS_EV_RDP or AS_EV_HTTP */
    uint16_t ntlm_port;
    int has_rdp;
    as_rdp_confirm rdp;
    int has_tls;
    as_tls_cert tls;
    uint16_t tls_port;
    char http_server[AS_HTTP_TEXT_MAX];
    uint16_t http_port;
    int has_nbstat;
    as_nbstat_info nbstat;
    int has_snmp;
    as_snmp_info snmp;
} as_id_result;

/* One host to ask: its address and open TCP ports; res is written by the phase. */
typedef struct as_id_host {
    uint32_t ip;                        /* host byte order */
    size_t nports;
    const uint16_t *ports;
    const uint8_t *protos;              /* enum as_id_proto per port; NULL: by port number */
    as_id_result res;                   /* ports allocated by the phase: as_id_result_free */
} as_id_host;

typedef struct as_id_opts {
    unsigned max_connections;           /* 0: AS_ID_DEFAULT_CONNECTIONS */
    unsigned timeout_ms;                /* per connection; 0: AS_ID_DEFAULT_TIMEOUT_MS */
    const char *communities[AS_ID_COMMUNITIES_MAX];     /* SNMP v2c; none: "public" */
    size_t ncommunities;
    int udp;                            /* ask NBSTAT and SNMP of every host */
    uint16_t nbstat_port, snmp_port;    /* 0: 137 and 161 (tests use others) */
    volatile sig_atomic_t *interrupted; /* polled every 50 ms */
    int verbose;
} as_id_opts;

typedef struct as_id_stats {
    uint64_t connections, answered, timeouts, capped, refused, udp_answers;
    double seconds;
    int interrupted;
} as_id_stats;

/* The protocol a TCP port is asked in; also which ports the engine keeps for the phase. */
enum as_id_proto {
    AS_IDP_NONE = 0, AS_IDP_SSH, AS_IDP_SMB, AS_IDP_SMB139, AS_IDP_RDP, AS_IDP_HTTP,
    AS_IDP_HTTPS, AS_IDP_WSMAN, AS_IDP_WSMANS, AS_IDP_BANNER, AS_IDP_AGENT_HTTP,
    AS_IDP_AGENT_HTTPS,
};
int as_id_port_proto(uint16_t port);

/* Runs the phase over hosts[0..n). Returns 0 (also when interrupted: stats->interrupted),
 * or -1 with err set when the event loop cannot start. */
int as_identify_run(as_id_host *hosts, size_t n, const as_id_opts *o, as_id_stats *stats,
                    char *err, size_t errlen);
void as_id_result_free(as_id_result *r);

/* A shared agent port (8081, 8089): what its agent's own answer contains. NULL if the port
 * is not shared. */
const char *as_id_agent_marker(uint16_t port);



/* ---- Fusion: what a host told, and what the sweep knew of it, as the store's record. ---- */
#include "db/record.h"
#include "fingerprints/agents.h"

/* What the sweep learned of a host, kept for the phase (strings may be NULL). */
typedef struct as_id_subject {
    uint32_t ip;
    uint8_t reply_ttl;
    const char *ptr_name;
    const char *passive;            /* the SYN/ACK-only guess */
    int passive_conf;
    const char *stack;              /* the best -O guess, its family ("Linux"), accuracy */
    const char *stack_family;
    int stack_accuracy;
} as_id_subject;

#define AS_ID_EVIDENCE_MAX 32

typedef struct as_id_record {
    as_host_record rec;             /* ip, ports, managed/agent/deploy/deploy_open, identity */
    as_identity_record id;
    as_evidence_record ev[AS_ID_EVIDENCE_MAX];
    as_port_record *ports;          /* rec.ports: allocated, as_id_record_free */
    unsigned conflict;              /* AS_ID_CONFLICT_* of the OS verdict */
} as_id_record;

/* Builds the record of one host: each open port's product/version/confirmed, deploy
 * channels confirmed (deploy) or only open (deploy_open), agents (an agent on a shared port
 * counts only when its own answer was recognised; otherwise agent_possible), and the fused
 * OS verdict and name with every piece of evidence. builds may be NULL. Returns 0 or -1
 * (out of memory). */
int as_id_fuse(const as_id_host *h, const as_id_subject *s, const as_port_table *agents,
               const as_port_table *deploy, const as_winbuilds *builds, as_id_record *out);
void as_id_record_free(as_id_record *r);
#endif
