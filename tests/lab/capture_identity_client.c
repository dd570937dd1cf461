/* capture_identity_client.c — sends agentscan's identity requests to 198.18.77.2 (the server
 * namespace of capture_identity.sh) and writes each answer as hex into a directory. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "probes/smb2.h"
#include "probes/nbstat.h"
#include "probes/snmp_ident.h"
#include "probes/rdp.h"
#include "probes/http_ident.h"
#include <openssl/ssl.h>

static const char *dir;
static void dump(const char *name, const uint8_t *b, size_t n)
{
    char p[256]; snprintf(p, sizeof p, "%s/%s.hex", dir, name);
    FILE *f = fopen(p, "w");
    for (size_t i = 0; i < n; i++) fprintf(f, "%02x", b[i]);
    fprintf(f, "\n"); fclose(f);
    printf("%s: %zu bytes\n", name, n);
}
static int tcp(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "198.18.77.2", &a.sin_addr);
    struct timeval tv = {3, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(s, (void *)&a, sizeof a)) { perror("connect"); exit(1); }
    return s;
}
static size_t frame(int s, uint8_t *b, size_t cap)
{
    size_t n = 0;
    for (;;) {
        long need = as_smb_frame_len(b, n);
        if (need > 0 && (size_t)need <= n) return (size_t)need;
        ssize_t r = recv(s, b + n, cap - n, 0);
        if (r <= 0) return n;
        n += (size_t)r;
    }
}
static size_t udp(int port, const uint8_t *q, size_t ql, uint8_t *b, size_t cap)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "198.18.77.2", &a.sin_addr);
    struct timeval tv = {3, 0};
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sendto(s, q, ql, 0, (void *)&a, sizeof a);
    ssize_t r = recv(s, b, cap, 0);
    close(s);
    return r > 0 ? (size_t)r : 0;
}
int main(int argc, char **argv)
{
    dir = argv[1];
    static uint8_t b[65536], q[2048];
    uint8_t guid[16] = "agentscan-guid!";
    const char *what = argc > 2 ? argv[2] : "all";
    if (strstr("all smb", what) || !strcmp(what, "smb")) {
        int s = tcp(445);
        size_t n = as_smb2_negotiate(q, sizeof q, guid);
        dump("smb445_negotiate_req", q, n);
        send(s, q, n, 0);
        dump("smb445_negotiate", b, frame(s, b, sizeof b));
        n = as_smb2_session_setup(q, sizeof q);
        dump("smb445_session_req", q, n);
        send(s, q, n, 0);
        dump("smb445_session", b, frame(s, b, sizeof b));
        close(s);
        s = tcp(139);
        n = as_nbss_session_request(q, sizeof q);
        send(s, q, n, 0);
        dump("nbss_response", b, frame(s, b, sizeof b));
        n = as_smb2_negotiate(q, sizeof q, guid);
        send(s, q, n, 0);
        dump("smb139_negotiate", b, frame(s, b, sizeof b));
        close(s);
    }
    if (!strcmp(what, "all") || !strcmp(what, "nbstat")) {
        as_nbstat_query(q, 0x4153);
        dump("nbstat", b, udp(137, q, AS_NBSTAT_QUERY_LEN, b, sizeof b));
    }
    if (!strcmp(what, "all") || !strcmp(what, "snmp")) {
        int n = as_snmp_build_get("public", 0x41530001, q, sizeof q);
        dump("snmp_req", q, n);
        dump("snmp", b, udp(161, q, (size_t)n, b, sizeof b));
        n = as_snmp_build_get("wrong", 0x41530002, q, sizeof q);
        dump("snmp_wrongcommunity", b, udp(161, q, (size_t)n, b, sizeof b));
    }
    if (!strcmp(what, "all") || !strcmp(what, "ssh")) {
        int s = tcp(22);
        ssize_t r = recv(s, b, sizeof b, 0);
        dump("ssh", b, r > 0 ? (size_t)r : 0);
        close(s);
    }
    if (!strcmp(what, "all") || !strcmp(what, "http")) {
        int s = tcp(80);
        long n = as_http_get(q, sizeof q, "198.18.77.2", "/");
        dump("http_get_req", q, (size_t)n);
        send(s, q, (size_t)n, 0);
        size_t got = 0; ssize_t r;
        while ((r = recv(s, b + got, sizeof b - got, 0)) > 0) got += (size_t)r;
        dump("http_get", b, got);
        close(s);
        s = tcp(80);
        n = as_http_wsman_probe(q, sizeof q, "198.18.77.2");
        dump("http_wsman_req", q, (size_t)n);
        send(s, q, (size_t)n, 0);
        got = 0;
        while ((r = recv(s, b + got, sizeof b - got, 0)) > 0) got += (size_t)r;
        dump("http_wsman", b, got);
        close(s);
    }
    if (!strcmp(what, "all") || !strcmp(what, "rdp")) {
        uint32_t prots[] = {3, 0, 2, 8};
        const char *names[] = {"rdp_cc_ssl_hybrid", "rdp_cc_rdp", "rdp_cc_hybrid", "rdp_cc_hybrid_ex"};
        for (int i = 0; i < 4; i++) {
            int s = tcp(3389);
            size_t n = as_rdp_connection_request(q, sizeof q, prots[i]);
            if (i == 0) dump("rdp_cr", q, n);
            send(s, q, n, 0);
            ssize_t r = recv(s, b, sizeof b, 0);
            dump(names[i], b, r > 0 ? (size_t)r : 0);
            if (i == 0) {
                SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
                SSL *ssl = SSL_new(ctx);
                SSL_set_fd(ssl, s);
                if (SSL_connect(ssl) == 1) {
                    X509 *x = SSL_get1_peer_certificate(ssl);
                    unsigned char *der = NULL;
                    int dl = i2d_X509(x, &der);
                    dump("rdp_tls_cert", der, (size_t)dl);
                }
            }
            close(s);
        }
    }
    return 0;
}
