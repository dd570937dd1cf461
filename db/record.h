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
    char reason[24];
    char service[64];
} as_port_record;

/* One OS guess from the fingerprint matcher; strings live as long as the record. */
typedef struct as_os_guess {
    const char *name;
    int accuracy;           /* percent */
    const char *vendor, *family, *generation, *type, *cpe;   /* NULL or "" when unknown */
} as_os_guess;

#define AS_NAME_MAX 256     /* DNS names: 253 characters at most, sanitised by the engine */
#define AS_TEXT_MAX 256

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
} as_host_record;

#endif
