/* identify_internal.h — what identify.c (the loop, connections, TLS, UDP) and
 * identify_proto.c (each protocol's exchange) share. One thread: the libuv loop's. */
#ifndef AS_IDENTIFY_INTERNAL_H
#define AS_IDENTIFY_INTERNAL_H

#include <openssl/ssl.h>
#include <uv.h>

#include "engine/identify.h"

typedef struct as_id_phase {
    uv_loop_t loop;
    const as_id_opts *o;
    as_id_stats *st;
    as_id_host *hosts;
    size_t n;
    size_t job_host, job_port;  /* the next TCP job */
    unsigned active, max, timeout_ms;
    int stopping, tick_closed;
    uv_timer_t tick;            /* every 50 ms: the interrupt flag, and the end */
    SSL_CTX *tls;
    uint8_t scratch[16384];     /* every read lands here first (one thread) */
    /* UDP (identify_udp.c): one socket per protocol, hosts asked a batch per tick. */
    uv_udp_t nb, snmp;
    uv_timer_t udp_timer;
    int udp_handles, udp_done, udp_sending;
    size_t udp_next, udp_complete;
    size_t *udp_index;          /* host indexes sorted by address, to match answers */
} as_id_phase;

typedef struct as_id_conn {
    uv_tcp_t tcp;
    uv_timer_t timer;
    uv_connect_t creq;
    as_id_phase *ph;
    as_id_host *host;
    size_t pidx;                /* index in host->ports / host->res.ports */
    int proto;                  /* enum as_id_proto */
    int step;                   /* the protocol's own progress */
    int done;                   /* finished: closing */
    int answered;               /* the port's protocol answered as itself */
    int handles;                /* open libuv handles (tcp, timer) */
    size_t total;               /* bytes received off the wire, capped at AS_ID_READ_CAP */
    uint8_t *in;                /* application bytes (decrypted under TLS) */
    size_t len;
    SSL *ssl;                   /* TLS over memory BIOs, or NULL */
    BIO *rbio, *wbio;
    int tls_up;
} as_id_conn;

/* identify.c */
int as_id_send(as_id_conn *c, const void *buf, size_t len);      /* through TLS when up */
int as_id_tls_start(as_id_conn *c);
void as_id_consume(as_id_conn *c, size_t n);    /* drop n bytes of c->in */
/* Ends the exchange: answered 1 when the port's protocol answered as itself. */
void as_id_finish(as_id_conn *c, int answered);
as_id_port *as_id_port_of(as_id_conn *c);

/* identify_udp.c: 0, or -1 when UDP is off or its sockets cannot open (udp_done set). */
int as_id_udp_start(as_id_phase *ph);
void as_id_udp_stop(as_id_phase *ph);

/* identify_proto.c: the first bytes, what arrived, and the TLS handshake's end. */
void as_id_proto_start(as_id_conn *c);
void as_id_proto_data(as_id_conn *c);
void as_id_proto_tls_ready(as_id_conn *c);
/* The connection ends (EOF, time or byte cap): judge what is there. */
void as_id_proto_end(as_id_conn *c);

#endif
