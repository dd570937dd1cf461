/* identify_proto.c — each protocol's exchange on one connection of the identity phase: what
 * to send first, what the answer must be, and what it says. Parsing is the probes' own
 * (bounded, fuzzed); here only the order of messages. Nothing sent carries a credential. */
#include "engine/identify_internal.h"

#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "fingerprints/identity.h"

static as_http_resp http_scratch;   /* 5 KB; the loop runs on one thread */

static void set_product(as_id_conn *c, const char *product, const char *version)
{
    as_id_port *p = as_id_port_of(c);
    snprintf(p->product, sizeof p->product, "%.63s", product);
    snprintf(p->version, sizeof p->version, "%.63s", version);
}

static void keep_ntlm(as_id_conn *c, const as_ntlm_info *n, int source)
{
    as_id_result *r = &c->host->res;
    /* SMB first, then RDP, then WinRM: the same host answers alike on each; from one
     * source the lowest port, whichever answered first (so the result never depends on
     * which connection came back sooner). */
    uint16_t port = as_id_port_of(c)->port;
    if (r->has_ntlm && (r->ntlm_source < source ||
                        (r->ntlm_source == source && r->ntlm_port <= port)))
        return;
    r->ntlm = *n;
    r->has_ntlm = 1;
    r->ntlm_source = source;
    r->ntlm_port = port;
}

static void ip_text(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static void send_http(as_id_conn *c)
{
    uint8_t q[1024];
    char host[16];
    ip_text(c->host->ip, host, sizeof host);
    int wsman = c->proto == AS_IDP_WSMAN || c->proto == AS_IDP_WSMANS;
    long n = wsman ? as_http_wsman_probe(q, sizeof q, host) : as_http_get(q, sizeof q, host, "/");
    if (n <= 0 || (size_t)n > sizeof q || as_id_send(c, q, (size_t)n) != 0)
        as_id_finish(c, 0);
}

void as_id_proto_start(as_id_conn *c)
{
    uint8_t q[1024];
    size_t n = 0;
    static const uint8_t guid[16] = "agentscan-guid!";
    switch (c->proto) {
    case AS_IDP_SMB:
        n = as_smb2_negotiate(q, sizeof q, guid);
        c->step = 1;
        break;
    case AS_IDP_SMB139:
        n = as_nbss_session_request(q, sizeof q);
        break;
    case AS_IDP_RDP:
        n = as_rdp_connection_request(q, sizeof q, AS_RDP_PROTOCOL_SSL | AS_RDP_PROTOCOL_HYBRID);
        break;
    case AS_IDP_HTTP:
    case AS_IDP_WSMAN:
    case AS_IDP_AGENT_HTTP:
        send_http(c);
        return;
    case AS_IDP_HTTPS:
    case AS_IDP_WSMANS:
    case AS_IDP_AGENT_HTTPS:
        if (as_id_tls_start(c) != 0)
            as_id_finish(c, 0);
        return;
    default:                /* SSH and banners: the server speaks first */
        return;
    }
    if (n == 0 || n > sizeof q || as_id_send(c, q, n) != 0)
        as_id_finish(c, 0);
}

static void keep_cert(as_id_conn *c)
{
    as_id_result *r = &c->host->res;
    if (r->has_tls && r->tls_port <= as_id_port_of(c)->port)
        return;     /* the lowest port's certificate, whatever answered first */
    X509 *x = SSL_get1_peer_certificate(c->ssl);
    unsigned char *der = NULL;
    int len = x ? i2d_X509(x, &der) : -1;
    as_tls_cert cert;
    if (len > 0 && as_tls_cert_parse(der, (size_t)len, &cert) == 0) {
        r->tls = cert;
        r->has_tls = 1;
        r->tls_port = as_id_port_of(c)->port;
    }
    OPENSSL_free(der);
    X509_free(x);
}

void as_id_proto_tls_ready(as_id_conn *c)
{
    keep_cert(c);
    if (c->proto != AS_IDP_RDP) {
        send_http(c);
        return;
    }
    uint8_t q[512];
    size_t n = as_credssp_negotiate(q, sizeof q);
    if (!(c->host->res.rdp.selected & (AS_RDP_PROTOCOL_HYBRID | AS_RDP_PROTOCOL_HYBRID_EX)) ||
        n == 0 || n > sizeof q || as_id_send(c, q, n) != 0)
        as_id_finish(c, 1);
    c->step = 2;
}

/* A whole SMB message at the front of c->in: its length, 0 to wait, -1 for garbage. */
static long smb_frame(as_id_conn *c)
{
    long fl = as_smb_frame_len(c->in, c->len);
    if (fl == -EAGAIN || (fl > 0 && (size_t)fl > c->len))
        return 0;
    return fl > 0 ? fl : -1;
}

static void smb_data(as_id_conn *c)
{
    as_id_result *r = &c->host->res;
    uint8_t q[1024];
    if (c->step == 0) {
        int rc = as_nbss_session_response(c->in, c->len);
        if (rc == -EAGAIN)
            return;
        if (rc != 0) {
            as_id_finish(c, rc == -ECONNREFUSED);   /* a NetBIOS "no" is still NetBIOS */
            return;
        }
        as_id_consume(c, 4);
        size_t n = as_smb2_negotiate(q, sizeof q, (const uint8_t *)"agentscan-guid!");
        c->step = 1;
        if (as_id_send(c, q, n) != 0)
            as_id_finish(c, 0);
        return;
    }
    long fl = smb_frame(c);
    if (fl == 0)
        return;
    if (fl < 0) {
        as_id_finish(c, c->answered);
        return;
    }
    if (c->step == 1) {
        int rc = as_smb2_parse_negotiate(c->in, (size_t)fl, &r->smb);
        if (rc == -EPROTO) {                /* SMB1 only: SMB all the same */
            set_product(c, "SMB", "1");
            as_id_finish(c, 1);
            return;
        }
        if (rc != 0) {
            as_id_finish(c, 0);
            return;
        }
        r->has_smb = 1;
        c->answered = 1;
        set_product(c, "SMB", as_smb2_dialect_name(r->smb.dialect));
        as_id_consume(c, (size_t)fl);
        size_t n = as_smb2_session_setup(q, sizeof q);
        c->step = 2;
        if (n == 0 || n > sizeof q || as_id_send(c, q, n) != 0)
            as_id_finish(c, 1);
        return;
    }
    uint32_t status;
    as_ntlm_info ntlm;
    if (as_smb2_parse_session_setup(c->in, (size_t)fl, &status, &ntlm) == 0)
        keep_ntlm(c, &ntlm, AS_EV_SMB);
    as_id_finish(c, 1);     /* the session is dropped here: nothing more is sent */
}

static void rdp_data(as_id_conn *c)
{
    as_id_result *r = &c->host->res;
    if (c->step == 0) {
        long tl = as_tpkt_len(c->in, c->len);
        if (tl == -EAGAIN || (tl > 0 && (size_t)tl > c->len))
            return;
        if (tl < 0 || as_rdp_parse_confirm(c->in, (size_t)tl, &r->rdp) != 0) {
            as_id_finish(c, 0);
            return;
        }
        r->has_rdp = 1;
        c->answered = 1;
        set_product(c, "RDP", "");
        as_id_consume(c, (size_t)tl);
        c->step = 1;
        if (!r->rdp.has_neg || r->rdp.failed || r->rdp.selected == AS_RDP_PROTOCOL_RDP ||
            as_id_tls_start(c) != 0)
            as_id_finish(c, 1);
        return;
    }
    if (c->step != 2)
        return;
    uint32_t version, code;
    as_ntlm_info ntlm;
    int rc = as_credssp_parse_challenge(c->in, c->len, &version, &code, &ntlm);
    if (rc == -EAGAIN)
        return;
    if (rc == 0)
        keep_ntlm(c, &ntlm, AS_EV_RDP);
    as_id_finish(c, 1);
}

/* "Apache/2.4.57 (Debian)" → "Apache", "2.4.57". */
static void split_server(as_id_conn *c, const char *server)
{
    char product[64], version[64] = "";
    size_t n = strcspn(server, "/ ");
    snprintf(product, sizeof product, "%.*s", (int)(n < 63 ? n : 63), server);
    if (server[n] == '/') {
        size_t v = strcspn(server + n + 1, " ");
        snprintf(version, sizeof version, "%.*s", (int)(v < 63 ? v : 63), server + n + 1);
    }
    set_product(c, product, version);
}

static int has_marker(const as_id_conn *c, const as_http_resp *h, const char *marker)
{
    if (strstr(h->server, marker) != NULL)
        return 1;
    size_t ml = strlen(marker);
    for (size_t i = h->head_len; i + ml <= c->len; i++)
        if (memcmp(c->in + i, marker, ml) == 0)
            return 1;
    return 0;
}

/* at_end: the connection is over, judge what came. */
static void http_data(as_id_conn *c, int at_end)
{
    as_http_resp *h = &http_scratch;
    int rc = as_http_parse((const char *)c->in, c->len, h);
    if (rc == -EAGAIN && !at_end)
        return;
    if (rc != 0) {
        as_id_finish(c, 0);
        return;
    }
    as_id_result *r = &c->host->res;
    uint16_t port = as_id_port_of(c)->port;
    /* The lowest web port's Server header, whichever answered first. */
    if (h->server[0] && (r->http_server[0] == '\0' || port < r->http_port)) {
        snprintf(r->http_server, sizeof r->http_server, "%.255s", h->server);
        r->http_port = port;
    }
    split_server(c, h->server);
    if (c->proto == AS_IDP_WSMAN || c->proto == AS_IDP_WSMANS) {
        as_ntlm_info ntlm;
        if (as_http_negotiate_challenge(h, &ntlm) == 0)
            keep_ntlm(c, &ntlm, AS_EV_HTTP);
        int winrm = as_http_is_winrm(h);
        if (winrm)
            set_product(c, "WinRM", "");
        as_id_finish(c, winrm);
        return;
    }
    if (c->proto == AS_IDP_AGENT_HTTP || c->proto == AS_IDP_AGENT_HTTPS) {
        const char *marker = as_id_agent_marker(c->proto == AS_IDP_AGENT_HTTP ? 8081 : 8089);
        if (marker != NULL && has_marker(c, h, marker)) {
            as_id_finish(c, 1);
            return;
        }
        /* The marker may be further in the body: read on, up to 4 KiB of it. */
        if (!at_end && c->len < h->head_len + 4096)
            return;
        as_id_finish(c, 0);
        return;
    }
    as_id_finish(c, 1);
}

static void banner_data(as_id_conn *c)
{
    /* Telnet opens with option negotiation (IAC) or a login text; not another protocol. */
    int other = (c->len >= 4 && memcmp(c->in, "SSH-", 4) == 0) ||
                (c->len >= 5 && memcmp(c->in, "HTTP/", 5) == 0);
    if (c->len > 0)
        as_id_finish(c, !other);
}

static void ssh_data(as_id_conn *c)
{
    as_id_result *r = &c->host->res;
    as_ssh_ident id;
    int rc = as_ssh_parse_ident((const char *)c->in, c->len, &id);
    if (rc == -EAGAIN)
        return;
    if (rc == 0 && !r->has_ssh) {
        r->ssh = id;
        r->has_ssh = 1;
        r->ssh_port = as_id_port_of(c)->port;
    }
    if (rc == 0)
        set_product(c, id.product, id.version);
    as_id_finish(c, rc == 0);
}

void as_id_proto_data(as_id_conn *c)
{
    if (c->done)
        return;
    switch (c->proto) {
    case AS_IDP_SSH: ssh_data(c); break;
    case AS_IDP_BANNER: banner_data(c); break;
    case AS_IDP_SMB:
    case AS_IDP_SMB139: smb_data(c); break;
    case AS_IDP_RDP: rdp_data(c); break;
    default: http_data(c, 0); break;
    }
}

void as_id_proto_end(as_id_conn *c)
{
    if (c->done)
        return;
    switch (c->proto) {
    case AS_IDP_HTTP:
    case AS_IDP_HTTPS:
    case AS_IDP_WSMAN:
    case AS_IDP_WSMANS:
    case AS_IDP_AGENT_HTTP:
    case AS_IDP_AGENT_HTTPS:
        if (c->len > 0 && (c->ssl == NULL || c->tls_up))
            http_data(c, 1);
        break;
    default:
        break;
    }
    if (!c->done)
        as_id_finish(c, c->answered);
}
