/* identify.c — the identity phase's machinery: one libuv loop, at most max_connections TCP
 * connections at once, each with its timer (time cap) and a byte cap, TLS through memory
 * BIOs, and the NBSTAT/SNMP datagrams to every host (identify_udp.c). */
#include "engine/identify_internal.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/clock.h"

struct as_id_phase_tcp {
    size_t host, port;          /* the next job */
};

static void start_more(as_id_phase *ph);

as_id_port *as_id_port_of(as_id_conn *c)
{
    return &c->host->res.ports[c->pidx];
}

int as_id_port_proto(uint16_t port)
{
    switch (port) {
    case 22: case 2222: return AS_IDP_SSH;
    case 445: return AS_IDP_SMB;
    case 139: return AS_IDP_SMB139;
    case 3389: return AS_IDP_RDP;
    case 80: case 8000: case 8008: case 8080: case 8888: return AS_IDP_HTTP;
    case 443: case 4443: case 8443: return AS_IDP_HTTPS;
    case 5985: return AS_IDP_WSMAN;
    case 5986: return AS_IDP_WSMANS;
    case 23: return AS_IDP_BANNER;
    case 8081: return AS_IDP_AGENT_HTTP;
    case 8089: return AS_IDP_AGENT_HTTPS;
    default: return AS_IDP_NONE;
    }
}

/* Agents whose port common services also use, and a string only the agent's answer holds:
 * the ePO agent's wake-up page names its ePO server (nmap's mcafee-epo-agent reads the same
 * XML); splunkd names itself in the Server header. */
const char *as_id_agent_marker(uint16_t port)
{
    return port == 8081 ? "ePOServerName" : port == 8089 ? "Splunkd" : NULL;
}

typedef struct as_id_write {
    uv_write_t req;
    uv_buf_t buf;
} as_id_write;

static void write_done(uv_write_t *req, int status)
{
    (void)status;
    as_id_write *w = (as_id_write *)req;
    free(w->buf.base);
    free(w);
}

static int raw_send(as_id_conn *c, const void *buf, size_t len)
{
    if (c->done || len == 0)
        return c->done ? -1 : 0;
    as_id_write *w = malloc(sizeof *w);
    char *copy = malloc(len);
    if (w == NULL || copy == NULL) {
        free(w);
        free(copy);
        return -1;
    }
    memcpy(copy, buf, len);
    w->buf = uv_buf_init(copy, (unsigned)len);
    if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &w->buf, 1, write_done) != 0) {
        free(copy);
        free(w);
        return -1;
    }
    return 0;
}

/* What OpenSSL wrote into its memory BIO goes out on the socket. */
static int flush_tls(as_id_conn *c)
{
    uint8_t out[16384];
    int n;
    while ((n = BIO_read(c->wbio, out, sizeof out)) > 0)
        if (raw_send(c, out, (size_t)n) != 0)
            return -1;
    return 0;
}

int as_id_send(as_id_conn *c, const void *buf, size_t len)
{
    if (c->ssl == NULL)
        return raw_send(c, buf, len);
    if (SSL_write(c->ssl, buf, (int)len) <= 0)
        return -1;
    return flush_tls(c);
}

void as_id_consume(as_id_conn *c, size_t n)
{
    if (n >= c->len) {
        c->len = 0;
        return;
    }
    memmove(c->in, c->in + n, c->len - n);
    c->len -= n;
}

static void conn_closed(uv_handle_t *h)
{
    as_id_conn *c = h->data;
    if (--c->handles > 0)
        return;
    as_id_phase *ph = c->ph;
    SSL_free(c->ssl);           /* frees both BIOs */
    free(c->in);
    free(c);
    ph->active--;
    start_more(ph);
}

void as_id_finish(as_id_conn *c, int answered)
{
    if (c->done)
        return;
    c->done = 1;
    as_id_port *p = as_id_port_of(c);
    if (p->confirmed != 1)
        p->confirmed = (int8_t)(answered ? 1 : 0);
    c->ph->st->answered += answered != 0;
    uv_close((uv_handle_t *)&c->tcp, conn_closed);
    uv_close((uv_handle_t *)&c->timer, conn_closed);
}

/* EOF, error, time or byte cap: let the protocol judge what it has, then close. */
static void end_conn(as_id_conn *c)
{
    if (!c->done)
        as_id_proto_end(c);
    as_id_finish(c, 0);
}

static void on_timeout(uv_timer_t *t)
{
    as_id_conn *c = t->data;
    c->ph->st->timeouts++;
    end_conn(c);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    as_id_conn *c = h->data;
    size_t room = AS_ID_READ_CAP - c->total;
    if (room > sizeof c->ph->scratch)
        room = sizeof c->ph->scratch;
    *buf = uv_buf_init((char *)c->ph->scratch, (unsigned)room);
}

static void tls_step(as_id_conn *c)
{
    if (!c->tls_up) {
        int r = SSL_do_handshake(c->ssl);
        flush_tls(c);
        if (r == 1) {
            c->tls_up = 1;
            as_id_proto_tls_ready(c);
        } else if (SSL_get_error(c->ssl, r) != SSL_ERROR_WANT_READ) {
            ERR_clear_error();
            end_conn(c);
            return;
        }
    }
    while (c->tls_up && !c->done && c->len < AS_ID_READ_CAP) {
        int n = SSL_read(c->ssl, c->in + c->len, (int)(AS_ID_READ_CAP - c->len));
        if (n <= 0) {
            int e = SSL_get_error(c->ssl, n);
            ERR_clear_error();
            if (e != SSL_ERROR_WANT_READ)
                end_conn(c);
            return;
        }
        c->len += (size_t)n;
        as_id_proto_data(c);
    }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    as_id_conn *c = s->data;
    if (c->done)
        return;
    if (nread < 0) {
        end_conn(c);
        return;
    }
    c->total += (size_t)nread;
    if (c->ssl != NULL) {
        if (nread > 0 && BIO_write(c->rbio, buf->base, (int)nread) != (int)nread) {
            end_conn(c);
            return;
        }
        tls_step(c);
    } else if (nread > 0) {
        size_t room = AS_ID_READ_CAP - c->len;
        size_t k = (size_t)nread < room ? (size_t)nread : room;
        memcpy(c->in + c->len, buf->base, k);
        c->len += k;
        as_id_proto_data(c);
    }
    if (!c->done && c->total >= AS_ID_READ_CAP) {
        c->ph->st->capped++;
        end_conn(c);
    }
}

int as_id_tls_start(as_id_conn *c)
{
    c->ssl = SSL_new(c->ph->tls);
    c->rbio = BIO_new(BIO_s_mem());
    c->wbio = BIO_new(BIO_s_mem());
    if (c->ssl == NULL || c->rbio == NULL || c->wbio == NULL) {
        BIO_free(c->rbio);
        BIO_free(c->wbio);
        c->rbio = c->wbio = NULL;
        return -1;
    }
    SSL_set_bio(c->ssl, c->rbio, c->wbio);
    SSL_set_connect_state(c->ssl);
    /* Bytes that came before TLS (none expected) belong to the cleartext exchange. */
    c->len = 0;
    tls_step(c);
    return 0;
}

static void on_connect(uv_connect_t *req, int status)
{
    as_id_conn *c = req->data;
    if (c->done)
        return;
    if (status != 0) {
        c->ph->st->refused++;
        as_id_finish(c, 0);
        return;
    }
    if (uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read) != 0) {
        as_id_finish(c, 0);
        return;
    }
    as_id_proto_start(c);
}

static int start_conn(as_id_phase *ph, as_id_host *h, size_t pidx, int proto)
{
    as_id_conn *c = calloc(1, sizeof *c);
    if (c == NULL || (c->in = malloc(AS_ID_READ_CAP)) == NULL) {
        free(c);
        return -1;
    }
    c->ph = ph;
    c->host = h;
    c->pidx = pidx;
    c->proto = proto;
    if (uv_tcp_init(&ph->loop, &c->tcp) != 0) {
        free(c->in);
        free(c);
        return -1;
    }
    uv_timer_init(&ph->loop, &c->timer);
    c->handles = 2;
    c->tcp.data = c->timer.data = c->creq.data = c;
    ph->active++;
    ph->st->connections++;
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(h->ports[pidx]);
    a.sin_addr.s_addr = htonl(h->ip);
    uv_timer_start(&c->timer, on_timeout, ph->timeout_ms, 0);
    if (uv_tcp_connect(&c->creq, &c->tcp, (const struct sockaddr *)&a, on_connect) != 0) {
        ph->st->refused++;
        as_id_finish(c, 0);
    }
    return 0;
}

/* The next (host, port) job worth a connection: SMB on 139 only where 445 is not open. */
static int next_job(as_id_phase *ph, size_t *hi, size_t *pi, int *proto)
{
    for (; ph->job_host < ph->n; ph->job_host++, ph->job_port = 0) {
        as_id_host *h = &ph->hosts[ph->job_host];
        while (ph->job_port < h->nports) {
            size_t k = ph->job_port++;
            int p = h->protos ? h->protos[k] : as_id_port_proto(h->ports[k]);
            if (p == AS_IDP_NONE)
                continue;
            if (p == AS_IDP_SMB139) {
                int has445 = 0;
                for (size_t j = 0; j < h->nports; j++)
                    has445 |= h->ports[j] == 445;
                if (has445)
                    continue;
            }
            *hi = ph->job_host;
            *pi = k;
            *proto = p;
            return 1;
        }
    }
    return 0;
}

static void start_more(as_id_phase *ph)
{
    size_t hi, pi;
    int proto;
    while (!ph->stopping && ph->active < ph->max && next_job(ph, &hi, &pi, &proto))
        if (start_conn(ph, &ph->hosts[hi], pi, proto) != 0)
            ph->st->refused++;
    if (ph->active == 0 && !ph->tick_closed && ph->udp_done && (ph->stopping || ph->job_host >= ph->n)) {
        ph->tick_closed = 1;
        uv_close((uv_handle_t *)&ph->tick, NULL);
    }
}

static void stop_walk(uv_handle_t *h, void *arg)
{
    as_id_phase *ph = arg;
    if (uv_is_closing(h) || h == (uv_handle_t *)&ph->tick)
        return;
    if (h->type == UV_TCP)
        as_id_finish(h->data, 0);
}

static void on_tick(uv_timer_t *t)
{
    as_id_phase *ph = t->data;
    if (!ph->stopping && ph->o->interrupted != NULL && *ph->o->interrupted) {
        ph->stopping = 1;
        ph->st->interrupted = 1;
        uv_walk(&ph->loop, stop_walk, ph);
        as_id_udp_stop(ph);
    }
    start_more(ph);
}

void as_id_result_free(as_id_result *r)
{
    free(r->ports);
    r->ports = NULL;
    r->nports = 0;
}

static int prepare(as_id_phase *ph, as_id_host *hosts, size_t n, const as_id_opts *o,
                   char *err, size_t errlen)
{
    ph->o = o;
    ph->hosts = hosts;
    ph->n = n;
    ph->max = o->max_connections ? o->max_connections : AS_ID_DEFAULT_CONNECTIONS;
    ph->timeout_ms = o->timeout_ms ? o->timeout_ms : AS_ID_DEFAULT_TIMEOUT_MS;
    for (size_t i = 0; i < n; i++) {
        as_id_result *r = &hosts[i].res;
        memset(r, 0, sizeof *r);
        r->smb.status = 0;
        r->ports = calloc(hosts[i].nports ? hosts[i].nports : 1, sizeof *r->ports);
        if (r->ports == NULL) {
            snprintf(err, errlen, "identity phase: out of memory for %zu hosts", n);
            return -1;
        }
        r->nports = hosts[i].nports;
        for (size_t k = 0; k < hosts[i].nports; k++) {
            r->ports[k].port = hosts[i].ports[k];
            r->ports[k].confirmed = -1;
        }
    }
    ph->tls = SSL_CTX_new(TLS_client_method());
    if (ph->tls == NULL) {
        snprintf(err, errlen, "identity phase: OpenSSL cannot make a TLS client context");
        return -1;
    }
    /* We read the certificate, nothing else: no verification, and old servers (RDP on
     * Windows Server 2008, embedded web servers) still shake hands. */
    SSL_CTX_set_verify(ph->tls, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_security_level(ph->tls, 0);
    SSL_CTX_set_min_proto_version(ph->tls, TLS1_VERSION);
    int rc = uv_loop_init(&ph->loop);
    if (rc != 0) {
        snprintf(err, errlen, "identity phase: cannot start the event loop: %s (with the sandbox "
                 "on, a system call libuv needs may be refused; try -v)", uv_strerror(rc));
        SSL_CTX_free(ph->tls);
        ph->tls = NULL;
        return -1;
    }
    return 0;
}

int as_identify_run(as_id_host *hosts, size_t n, const as_id_opts *o, as_id_stats *st,
                    char *err, size_t errlen)
{
    memset(st, 0, sizeof *st);
    as_id_phase *ph = calloc(1, sizeof *ph);
    if (ph == NULL) {
        snprintf(err, errlen, "identity phase: out of memory");
        return -1;
    }
    ph->st = st;
    uint64_t t0 = as_now_us();
    if (prepare(ph, hosts, n, o, err, errlen) != 0) {
        free(ph);
        return -1;
    }
    uv_timer_init(&ph->loop, &ph->tick);
    ph->tick.data = ph;
    uv_timer_start(&ph->tick, on_tick, 50, 50);
    if (as_id_udp_start(ph) != 0)
        ph->udp_done = 1;
    start_more(ph);
    uv_run(&ph->loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&ph->loop);
    if (rc != 0 && o->verbose)
        fprintf(stderr, "agentscan: identity: event loop closed with handles open: %s\n",
                uv_strerror(rc));
    SSL_CTX_free(ph->tls);
    free(ph->udp_index);
    free(ph);
    st->seconds = (double)(as_now_us() - t0) / 1e6;
    return 0;
}
