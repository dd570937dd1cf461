/* record.h — what one scan learned about one host, as handed from the engine to the store.
 * Plain data: the engine fills it, db/ stores it, readers get it back from db/. */
#ifndef AS_RECORD_H
#define AS_RECORD_H

#include <stdint.h>
#include <stddef.h>

#include "probes/portstate.h"

/* One probed port. `reason` is nmap's vocabulary: "syn-ack", "reset", "no-response",
 * "host-unreach", "net-unreach", "proto-unreach", "port-unreach", "admin-prohibited",
 * "host-prohibited", "net-prohibited". `service` is the agent product or deploy channel
 * that this port means to us ("ssh", "smb", "Opsware/HP Server Automation agent"), or "". */
typedef struct as_port_record {
    uint16_t port;
    uint8_t proto;          /* IPPROTO_TCP or IPPROTO_UDP */
    uint8_t state;          /* enum as_port_state */
    uint8_t reason_ttl;     /* TTL of the reply that decided the state, 0 if none */
    char reason[24];        /* UDP adds "udp-response" */
    char service[64];
    /* What the identity phase learned on this port (all "" and confirmed -1 without it):
     * the product and version the service named ("OpenSSH", "9.2p1"), and whether the
     * protocol the port stands for answered as itself (1), did not (0), or was not asked
     * (-1). A deploy channel is "confirmed" at 1, only "open" otherwise. */
    char product[64];
    char version[64];
    int8_t confirmed;
} as_port_record;

/* One OS guess from the fingerprint matcher; strings live as long as the record. */
typedef struct as_os_guess {
    const char *name;
    int accuracy;           /* percent */
    const char *vendor, *family, *generation, *type, *cpe;   /* NULL or "" when unknown */
} as_os_guess;

#define AS_NAME_MAX 256     /* DNS names: 253 characters at most, sanitised by the engine */
#define AS_TEXT_MAX 256

/* One piece of identity evidence as stored: kind "os" (it says what OS the host runs) or
 * "name" (a candidate for the host's name); source "ntlmssp", "smb", "rdp", "ssh", "snmp",
 * "nbstat", "tls", "http", "stack", "passive", "ttl", "ptr"; the raw value seen (a banner
 * line, a sysDescr, a certificate SAN) and what it says ("Debian 12", "idhost.lab"). Every
 * string is printable text, cut to its size by the producer. */
typedef struct as_evidence_record {
    char kind[8];
    char source[16];
    uint16_t port;          /* port it came from, 0 if none */
    uint8_t proto;          /* IPPROTO_TCP or IPPROTO_UDP, 0 if none */
    char value[AS_TEXT_MAX];
    char verdict[128];
    int confidence;         /* percent, 0-100 */
} as_evidence_record;

/* What the services told about the host (issue 9): "" or -1 where a field is unknown. The
 * fused OS verdict is the best of all evidence; os_conflict says when protocol answers and
 * the stack fingerprint disagree (the firewall-suspect note uses it). */
typedef struct as_identity_record {
    char netbios_name[16];          /* NBSTAT or NTLMSSP MsvAvNbComputerName */
    char netbios_domain[16];        /* workgroup or domain */
    char netbios_users[AS_TEXT_MAX];    /* logged-on user names NBSTAT publishes, "," */
    int has_netbios_mac;
    uint8_t netbios_mac[6];         /* the MAC NBSTAT reports */
    char dns_name[AS_NAME_MAX];     /* NTLMSSP MsvAvDnsComputerName */
    char dns_domain[AS_NAME_MAX];
    char dns_forest[AS_NAME_MAX];
    char os_version[32];            /* NTLMSSP VERSION "10.0.17763", "" if none */
    char ssh[AS_TEXT_MAX];          /* the SSH identification line, without CR LF */
    char smb_dialect[8];            /* "3.1.1", "2.1", ... */
    int smb_signing_required;       /* 1, 0, or -1 when SMB did not answer */
    char snmp_sysdescr[AS_TEXT_MAX];
    char snmp_sysname[AS_NAME_MAX];
    char snmp_sysobjectid[128];
    char tls_subject[AS_TEXT_MAX];
    char tls_sans[512];             /* ","-separated */
    char tls_issuer[AS_TEXT_MAX];
    char http_server[AS_TEXT_MAX];  /* the Server header of the first web port answering */
    char agent_possible[AS_TEXT_MAX];   /* agents whose shared port is open but unconfirmed */
    /* The fused verdict. */
    char os[128];                   /* "Windows Server 2019", "Debian 12", "" */
    char os_family[16];             /* "windows", "unix", "network", "" */
    char os_source[16];             /* evidence source that decided it */
    int os_confidence;              /* percent */
    char os_conflict[512];          /* "" when the evidence agrees */
    char name[AS_NAME_MAX];         /* the chosen host name, "" if none */
    char name_source[16];
    size_t nevidence;
    const as_evidence_record *evidence;     /* owned by the producer */
} as_identity_record;

typedef struct as_host_record {
    uint32_t ip;            /* host byte order */
    int up;                 /* 1 if the host answered (or -Pn and something answered) */
    char up_reason[24];     /* "echo-reply", "reset", "syn-ack", "arp-response", "user-set"... */
    uint8_t reply_ttl;      /* TTL of the reply that showed it up */
    int64_t rtt_us;         /* round trip of that reply, -1 if unknown */
    int has_mac;
    uint8_t mac[6];
    char name[AS_NAME_MAX]; /* reverse DNS, "" when none or DNS unreachable */
    int managed;            /* an agent port is open */
    char agent[AS_TEXT_MAX];  /* agent products, ", "-separated, "" if none */
    char deploy[AS_TEXT_MAX]; /* reachable deploy channels, ","-separated: "ssh,smb,rdp" */
    size_t nports;
    as_port_record *ports;  /* owned by the caller */
    /* OS: the guesses of full detection (-O) best first, the observed fingerprint in nmap's
     * syntax, the SYN/ACK-only guess, and whether replies may come from a firewall. */
    size_t nos;
    const as_os_guess *os;
    const char *os_fingerprint;     /* NULL when OS detection did not run */
    const char *os_passive;         /* NULL or "" when none */
    int os_passive_accuracy;
    int firewall_suspect;
    const char *firewall_note;      /* why, when firewall_suspect */
    /* The identity phase's findings; NULL when it did not run (--no-identify, or no port
     * of the host answered one of its protocols). When set, `deploy` lists the confirmed
     * channels, deploy_open those whose port answered a SYN but whose protocol did not. */
    const as_identity_record *identity;
    char deploy_open[AS_TEXT_MAX];
} as_host_record;

#endif
