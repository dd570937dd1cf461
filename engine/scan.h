/* scan.h — one scan from target set to stored inventory: liveness, SYN scan of the live
 * hosts, reverse DNS, agent and deploy flags, streamed into the store in batches. */
#ifndef AS_SCAN_H
#define AS_SCAN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "engine/targets.h"
#include "fingerprints/agents.h"

#define AS_MAX_PORTS 65536
#define AS_MAX_ACK_PORTS 16
#define AS_OS_DEFAULT_JOBS 1024     /* about 1.5 KB each; 16 probes per job */

typedef struct as_scan_opts {
    as_targets *targets;
    const uint16_t *ports;          /* ports to probe: SYN for TCP, a datagram for UDP */
    const uint8_t *port_proto;      /* per port: IPPROTO_TCP or IPPROTO_UDP; NULL: all TCP */
    size_t nports;
    int ping_echo;                  /* -PE */
    uint16_t ack_ports[AS_MAX_ACK_PORTS];   /* -PA<ports> */
    size_t nack;
    int no_ping;                    /* -Pn: every address is probed on every port */
    int resolve;                    /* reverse DNS (-n turns it off) */
    const char *dns_servers;        /* NULL: the system's resolvers */
    const char *iface;              /* -e */
    uint32_t src_ip;                /* -S, 0 = the interface's */
    int max_retries;
    double max_rate;                /* packets per second, <= 0 unlimited */
    double min_rate;                /* congestion control never goes below this */
    unsigned shard_k, shard_n;      /* --shard K/N (1-based K stored 0-based); n = 0 or 1: all */
    uint64_t initial_rtt_us, min_rtt_us, max_rtt_us;
    uint64_t seed;                  /* 0 = random */
    int verbose;
    int progress;                   /* draw the progress line on stderr */
    int offline;                    /* build and pace, do not send */
    int os_detect;                  /* -O */
    const struct as_osdb *osdb;     /* fingerprints to match (-O), NULL: none */
    unsigned os_parallel;           /* OS jobs at once; 0: AS_OS_DEFAULT_JOBS */
    const as_port_table *agents;
    const as_port_table *deploy;
    as_store *store;
    const char *options_text;       /* the command line, for the scan row */
    volatile sig_atomic_t *interrupted; /* set by SIGINT: stop sending, store, mark */
    int dry_run;                    /* --dry-run: print the frames, send nothing, no privileges */
    const char *dry_run_pcap;       /* -w FILE: with dry_run, write them as pcap ("-": stdout) */
    const struct as_netio *netio;   /* NULL: the real network and clock (tests: simnet.h) */
    /* The identity phase (engine/identify.h) after the sweep, on the real network only. */
    int identify;                   /* 0: --no-identify */
    unsigned max_connections;       /* 0: AS_ID_DEFAULT_CONNECTIONS */
    unsigned identify_timeout_ms;   /* per connection; 0: AS_ID_DEFAULT_TIMEOUT_MS */
    const char *communities[8];     /* SNMP v2c; none: "public" */
    size_t ncommunities;
} as_scan_opts;

typedef struct as_scan_summary {
    int64_t scan_id;
    uint64_t addresses, probes_sent, replies, hosts_up, ports_open;
    uint32_t source_ip;             /* the address probes left from */
    uint64_t port_hosts_peak;       /* most hosts holding per-port state at once */
    double seconds;
    int interrupted;
} as_scan_summary;

/* Fills the nmap-like defaults: -PE -PA80, 2 retries, 1 s initial RTT timeout. */
void as_scan_opts_defaults(as_scan_opts *o);

/* nmap's -T0..-T5 timing templates: rate, RTT timeouts and retries. -1 if level > 5. */
int as_scan_opts_timing(as_scan_opts *o, int level);

/* Runs the scan. store may be NULL (nothing is recorded; --dry-run). Returns 0, AS_ERR_INTERRUPTED (positive: results stored), or a negative
 * enum as_error with err set. */
int as_scan_run(const as_scan_opts *o, as_scan_summary *sum, char *err, size_t errlen);

/* The engine's own default when a caller sets no list: ODAD's sixteen TCP ports. The
 * program's default is wider: every port of its tables (tools/job_ports.c). */
extern const uint16_t as_default_ports[];
extern const size_t as_default_nports;

#endif
