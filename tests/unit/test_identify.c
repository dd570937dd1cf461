/* test_identify.c — the identity phase against servers in this process on 127.0.0.1 that
 * replay answers captured from real Debian servers, and against hostile ones (an endless
 * banner, a 1 MB header, a byte a second, silence, a lying length, a malformed NTLMSSP):
 * each bounded by the time and byte caps and recording nothing false. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "engine/identify.h"
#include "engine/privdrop_internal.h"
#include "fingerprints/identity.h"
#include <sys/wait.h>
#include "identify_fixture.h"

enum mode { M_SEND, M_REPLY, M_ENDLESS, M_BIGHEAD, M_DRIP, M_SILENT, M_TLS_HTTP, M_LIE };

typedef struct server {
    int fd;
    uint16_t port;
    enum mode mode;
    const uint8_t *msg[3];      /* M_SEND: msg[0] at once; M_REPLY: one per request */
    size_t len[3];
} server;

static volatile int stop_servers;
static SSL_CTX *tls_server;

static void send_all(int fd, const void *b, size_t n)
{
    const uint8_t *p = b;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void serve(server *sv, int c)
{
    uint8_t buf[4096];
    switch (sv->mode) {
    case M_SEND:
        send_all(c, sv->msg[0], sv->len[0]);
        break;
    case M_REPLY:
        for (int i = 0; i < 3 && sv->msg[i]; i++) {
            if (recv(c, buf, sizeof buf, 0) <= 0)
                return;
            send_all(c, sv->msg[i], sv->len[i]);
        }
        break;
    case M_ENDLESS:                 /* lines that never become an SSH identification */
        for (int i = 0; i < 100000 && !stop_servers; i++)
            if (send(c, "not ssh, just talk\r\n", 20, MSG_NOSIGNAL) <= 0)
                break;
        break;
    case M_BIGHEAD: {               /* a 1 MB header */
        recv(c, buf, sizeof buf, 0);
        send_all(c, "HTTP/1.1 200 OK\r\nX-Big: ", 24);
        memset(buf, 'a', sizeof buf);
        for (int i = 0; i < 256 && !stop_servers; i++)
            if (send(c, buf, sizeof buf, MSG_NOSIGNAL) <= 0)
                break;
        break;
    }
    case M_LIE:                     /* an SMB frame claiming 16 MB, then endless zeros */
        recv(c, buf, sizeof buf, 0);
        send_all(c, "\x00\xff\xff\xff", 4);
        memset(buf, 0, sizeof buf);
        for (int i = 0; i < 256 && !stop_servers; i++)
            if (send(c, buf, sizeof buf, MSG_NOSIGNAL) <= 0)
                break;
        break;
    case M_DRIP:
        for (size_t i = 0; i < sv->len[0] && !stop_servers; i++) {
            if (send(c, sv->msg[0] + i, 1, MSG_NOSIGNAL) <= 0)
                break;
            sleep(1);
        }
        break;
    case M_SILENT:
        break;
    case M_TLS_HTTP: {
        SSL *s = SSL_new(tls_server);
        SSL_set_fd(s, c);
        if (SSL_accept(s) == 1 && SSL_read(s, buf, sizeof buf) > 0)
            SSL_write(s, sv->msg[0], (int)sv->len[0]);
        SSL_shutdown(s);
        SSL_free(s);
        break;
    }
    }
    /* Hold the connection until the client closes it (or the test ends). */
    struct timeval tv = {0, 200000};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    for (int i = 0; i < 100 && !stop_servers; i++) {
        ssize_t r = recv(c, buf, sizeof buf, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
            break;
    }
}

static void *server_main(void *arg)
{
    server *sv = arg;
    int c = accept(sv->fd, NULL, NULL);
    if (c >= 0) {
        serve(sv, c);
        close(c);
    }
    return NULL;
}

static void listen_on(server *sv)
{
    sv->fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(sv->fd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(sv->fd, 4), 0);
    socklen_t al = sizeof a;
    getsockname(sv->fd, (struct sockaddr *)&a, &al);
    sv->port = ntohs(a.sin_port);
}

/* A self-signed certificate for "idhost.lab" with a SAN, made now (P-256: fast). */
static void make_tls_server(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME *n = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"idhost.lab", -1, -1, 0);
    X509_set_issuer_name(x, n);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
                                              "DNS:idhost.lab,IP:198.18.77.2");
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    X509_sign(x, key, EVP_sha256());
    tls_server = SSL_CTX_new(TLS_server_method());
    ck_assert_int_eq(SSL_CTX_use_certificate(tls_server, x), 1);
    ck_assert_int_eq(SSL_CTX_use_PrivateKey(tls_server, key), 1);
    X509_free(x);
    EVP_PKEY_free(key);
}

/* NBSTAT on UDP: answer the first query with the captured table, its xid patched in. */
typedef struct udp_server {
    int fd;
    uint16_t port;
} udp_server;

static void *nbstat_main(void *arg)
{
    udp_server *u = arg;
    uint8_t q[512], a[sizeof fx_samba_nbstat];
    struct sockaddr_in from;
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(u->fd, q, sizeof q, 0, (struct sockaddr *)&from, &fl);
    if (n >= 2) {
        memcpy(a, fx_samba_nbstat, sizeof a);
        a[0] = q[0];
        a[1] = q[1];
        sendto(u->fd, a, sizeof a, 0, (struct sockaddr *)&from, fl);
    }
    return NULL;
}

static void udp_listen(udp_server *u)
{
    u->fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(u->fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(u->fd, (struct sockaddr *)&a, &al);
    u->port = ntohs(a.sin_port);
    struct timeval tv = {3, 0};
    setsockopt(u->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static const char http_apache[] = "HTTP/1.1 200 OK\r\nServer: Apache/2.4.57 (Debian)\r\n"
                                   "Content-Length: 0\r\nConnection: close\r\n\r\n";
static const char http_splunk[] = "HTTP/1.1 200 OK\r\nServer: Splunkd\r\nContent-Length: 0\r\n\r\n";

#define NSV 7

START_TEST(real_answers)
{
    make_tls_server();
    server sv[NSV] = {
        {.mode = M_SEND, .msg = {(const uint8_t *)fx_debian12}, .len = {sizeof fx_debian12 - 1}},
        {.mode = M_REPLY, .msg = {fx_samba_negotiate, fx_samba_session},
         .len = {sizeof fx_samba_negotiate, sizeof fx_samba_session}},
        {.mode = M_REPLY, .msg = {fx_xrdp_ssl}, .len = {sizeof fx_xrdp_ssl}},
        {.mode = M_REPLY, .msg = {(const uint8_t *)http_apache}, .len = {sizeof http_apache - 1}},
        {.mode = M_TLS_HTTP, .msg = {(const uint8_t *)http_apache}, .len = {sizeof http_apache - 1}},
        {.mode = M_REPLY, .msg = {(const uint8_t *)fx_winrm_401}, .len = {sizeof fx_winrm_401 - 1}},
        {.mode = M_TLS_HTTP, .msg = {(const uint8_t *)http_splunk}, .len = {sizeof http_splunk - 1}},
    };
    static const uint8_t protos[NSV] = {AS_IDP_SSH, AS_IDP_SMB, AS_IDP_RDP, AS_IDP_HTTP,
                                        AS_IDP_HTTPS, AS_IDP_WSMAN, AS_IDP_AGENT_HTTPS};
    uint16_t ports[NSV];
    pthread_t th[NSV + 1];
    for (int i = 0; i < NSV; i++) {
        listen_on(&sv[i]);
        ports[i] = sv[i].port;
        pthread_create(&th[i], NULL, server_main, &sv[i]);
    }
    udp_server nb;
    udp_listen(&nb);
    pthread_create(&th[NSV], NULL, nbstat_main, &nb);

    as_id_host h = {.ip = INADDR_LOOPBACK, .nports = NSV, .ports = ports, .protos = protos};
    as_id_opts o = {.timeout_ms = 2000, .udp = 1, .nbstat_port = nb.port, .snmp_port = 9};
    as_id_stats st;
    char err[256];
    ck_assert_int_eq(as_identify_run(&h, 1, &o, &st, err, sizeof err), 0);
    const as_id_result *r = &h.res;
    ck_assert_int_eq(r->has_ssh, 1);
    ck_assert_str_eq(r->ssh.product, "OpenSSH");
    ck_assert_str_eq(r->ports[0].version, "9.2p1");
    ck_assert_int_eq(r->has_smb, 1);
    ck_assert_int_eq(r->smb.signing_required, 1);
    ck_assert_int_eq(r->has_ntlm, 1);
    ck_assert_str_eq(r->ntlm.nb_computer, "IDHOST");
    ck_assert_str_eq(r->ports[1].product, "SMB");
    ck_assert_str_eq(r->ports[1].version, "3.1.1");
    ck_assert_int_eq(r->has_rdp, 1);
    /* The Server header is the lowest web port's (the servers' ports are ephemeral, so
     * which one that is varies; which answered first must not matter). */
    static const char *const server_of[NSV] = {[3] = "Apache/2.4.57 (Debian)",
        [4] = "Apache/2.4.57 (Debian)", [5] = "Microsoft-HTTPAPI/2.0", [6] = "Splunkd"};
    int lowest = 3;
    for (int i = 4; i < NSV; i++)
        if (ports[i] < ports[lowest])
            lowest = i;
    ck_assert_str_eq(r->http_server, server_of[lowest]);
    ck_assert_int_eq(r->http_port, ports[lowest]);
    ck_assert_int_eq(r->has_tls, 1);
    ck_assert_str_eq(r->tls.subject_cn, "idhost.lab");
    ck_assert_int_eq(r->has_nbstat, 1);
    ck_assert_str_eq(r->nbstat.computer, "IDHOST");
    for (int i = 0; i < NSV; i++)
        ck_assert_msg(r->ports[i].confirmed == 1, "port %d (%d) not confirmed", i, protos[i]);
    ck_assert_str_eq(r->ports[5].product, "WinRM");
    ck_assert_uint_eq(st.connections, NSV);

    /* Fusion: SSH's Debian 12 decides; Samba's NTLMSSP is Unix too; names from all. */
    as_id_subject subj = {.ip = INADDR_LOOPBACK, .reply_ttl = 64, .ptr_name = "idhost.lab"};
    as_id_record rec;
    ck_assert_int_eq(as_id_fuse(&h, &subj, NULL, NULL, NULL, &rec), 0);
    ck_assert_ptr_nonnull(rec.rec.identity);
    ck_assert_str_eq(rec.id.os, "Debian 12");
    ck_assert_str_eq(rec.id.os_family, "unix");
    ck_assert_str_eq(rec.id.os_source, "ssh");
    ck_assert_str_eq(rec.id.netbios_name, "IDHOST");
    ck_assert_str_eq(rec.id.smb_dialect, "3.1.1");
    ck_assert_int_eq(rec.id.smb_signing_required, 1);
    ck_assert_str_eq(rec.id.name, "idhost.lab");
    ck_assert_uint_gt(rec.id.nevidence, 3);
    as_id_record_free(&rec);
    as_id_result_free(&h.res);
    for (int i = 0; i <= NSV; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < NSV; i++)
        close(sv[i].fd);
    close(nb.fd);
    SSL_CTX_free(tls_server);
}
END_TEST

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

#define NHOST 7

START_TEST(hostile_servers)
{
    uint8_t bad_ntlm[sizeof fx_samba_session];
    memcpy(bad_ntlm, fx_samba_session, sizeof bad_ntlm);
    long at = as_ntlmssp_find(bad_ntlm, sizeof bad_ntlm);
    ck_assert_int_gt(at, 0);
    bad_ntlm[at + 44] = 0xf0;           /* TargetInfo offset far past the message */
    bad_ntlm[at + 45] = 0xff;
    server sv[NHOST] = {
        {.mode = M_ENDLESS},
        {.mode = M_BIGHEAD},
        {.mode = M_DRIP, .msg = {(const uint8_t *)fx_debian12}, .len = {sizeof fx_debian12 - 1}},
        {.mode = M_SILENT},
        {.mode = M_REPLY, .msg = {fx_samba_negotiate, bad_ntlm},
         .len = {sizeof fx_samba_negotiate, sizeof bad_ntlm}},
        {.mode = M_LIE},
        {.mode = M_REPLY, .msg = {(const uint8_t *)http_apache}, .len = {sizeof http_apache - 1}},
    };
    static const uint8_t protos[NHOST] = {AS_IDP_SSH, AS_IDP_HTTP, AS_IDP_SSH, AS_IDP_HTTP,
                                          AS_IDP_SMB, AS_IDP_SMB, AS_IDP_AGENT_HTTP};
    uint16_t ports[NHOST];
    pthread_t th[NHOST];
    for (int i = 0; i < NHOST; i++) {
        listen_on(&sv[i]);
        ports[i] = sv[i].port;
        pthread_create(&th[i], NULL, server_main, &sv[i]);
    }
    as_id_host h = {.ip = INADDR_LOOPBACK, .nports = NHOST, .ports = ports, .protos = protos};
    as_id_opts o = {.timeout_ms = 1000};
    as_id_stats st;
    char err[256];
    double t0 = now_s();
    ck_assert_int_eq(as_identify_run(&h, 1, &o, &st, err, sizeof err), 0);
    double took = now_s() - t0;
    ck_assert_msg(took < 2.0, "the phase took %.2f s with a 1 s cap", took);
    const as_id_result *r = &h.res;
    ck_assert_int_eq(r->has_ssh, 0);                /* neither the talker nor the drip */
    ck_assert_str_eq(r->http_server, "Apache/2.4.57 (Debian)");    /* only the real one */
    ck_assert_int_eq(r->has_smb, 1);
    ck_assert_int_eq(r->has_ntlm, 0);               /* malformed: nothing from it */
    ck_assert_int_eq(r->ports[0].confirmed, 0);
    ck_assert_int_eq(r->ports[1].confirmed, 0);
    ck_assert_str_eq(r->ports[1].product, "");
    ck_assert_int_eq(r->ports[2].confirmed, 0);
    ck_assert_int_eq(r->ports[3].confirmed, 0);
    ck_assert_int_eq(r->ports[4].confirmed, 1);     /* SMB answered, NTLMSSP did not count */
    ck_assert_int_eq(r->ports[5].confirmed, 0);
    ck_assert_int_eq(r->ports[6].confirmed, 0);     /* a web server, not the ePO agent */
    ck_assert_uint_ge(st.timeouts, 2);
    ck_assert_uint_ge(st.capped, 1);                /* the lying frame hit the byte cap */

    /* The shared agent port stays "possible", not managed. */
    static const char agents_tab[] = "8081/tcp McAfee/Trellix ePO agent (wake-up port)\n";
    as_port_table *agents;
    ck_assert_int_eq(as_port_table_parse(&agents, agents_tab, sizeof agents_tab - 1, "t", 0, err,
                                         sizeof err), 0);
    uint16_t p8081[1] = {8081};
    as_id_host h2 = {.ip = INADDR_LOOPBACK, .nports = 1, .ports = p8081, .res = h.res};
    h2.res.ports = &h.res.ports[6];
    h2.res.nports = 1;
    as_id_subject subj = {.ip = INADDR_LOOPBACK};
    as_id_record rec;
    ck_assert_int_eq(as_id_fuse(&h2, &subj, agents, NULL, NULL, &rec), 0);
    ck_assert_int_eq(rec.rec.managed, 0);
    ck_assert_str_eq(rec.id.agent_possible, "McAfee/Trellix ePO agent (wake-up port)");
    as_id_record_free(&rec);
    as_port_table_free(agents);

    stop_servers = 1;
    for (int i = 0; i < NHOST; i++) {
        pthread_join(th[i], NULL);
        close(sv[i].fd);
    }
    stop_servers = 0;
    as_id_result_free(&h.res);
}
END_TEST

static volatile sig_atomic_t interrupted;

static void *interrupt_later(void *arg)
{
    (void)arg;
    usleep(200000);
    interrupted = 1;
    return NULL;
}

START_TEST(interrupt_stops_promptly)
{
    server sv = {.mode = M_SILENT};
    listen_on(&sv);
    pthread_t th, it;
    pthread_create(&th, NULL, server_main, &sv);
    pthread_create(&it, NULL, interrupt_later, NULL);
    uint16_t ports[1] = {sv.port};
    static const uint8_t protos[1] = {AS_IDP_SSH};
    as_id_host h = {.ip = INADDR_LOOPBACK, .nports = 1, .ports = ports, .protos = protos};
    as_id_opts o = {.timeout_ms = 20000, .udp = 1, .nbstat_port = 9, .snmp_port = 9,
                    .interrupted = &interrupted};
    as_id_stats st;
    char err[256];
    double t0 = now_s();
    ck_assert_int_eq(as_identify_run(&h, 1, &o, &st, err, sizeof err), 0);
    ck_assert_double_lt(now_s() - t0, 1.0);
    ck_assert_int_eq(st.interrupted, 1);
    ck_assert_int_eq(h.res.ports[0].confirmed, 0);
    pthread_join(it, NULL);
    stop_servers = 1;
    pthread_join(th, NULL);
    stop_servers = 0;
    close(sv.fd);
    as_id_result_free(&h.res);
}
END_TEST

/* The phase runs after the seccomp allow-list and Landlock are on: libuv, OpenSSL and the
 * UDP sockets must get by with what sandbox.c allows. */
START_TEST(inside_the_sandbox)
{
    make_tls_server();
    server sv[2] = {
        {.mode = M_SEND, .msg = {(const uint8_t *)fx_debian12}, .len = {sizeof fx_debian12 - 1}},
        {.mode = M_TLS_HTTP, .msg = {(const uint8_t *)http_apache}, .len = {sizeof http_apache - 1}},
    };
    pthread_t th[3];
    uint16_t ports[2];
    for (int i = 0; i < 2; i++) {
        listen_on(&sv[i]);
        ports[i] = sv[i].port;
    }
    udp_server nb;
    udp_listen(&nb);
    /* Fork before the server threads start: a child forked from a threaded process may
     * inherit a lock (the allocator's, under ASan) that no thread will ever release. */
    pid_t pid = fork();
    if (pid > 0) {
        for (int i = 0; i < 2; i++)
            pthread_create(&th[i], NULL, server_main, &sv[i]);
        pthread_create(&th[2], NULL, nbstat_main, &nb);
    }
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        char e[256];
        if (as_sandbox_enter(e, sizeof e) != 0) {
            fprintf(stderr, "sandbox: %s\n", e);
            _exit(2);
        }
        static const uint8_t protos[2] = {AS_IDP_SSH, AS_IDP_HTTPS};
        as_id_host h = {.ip = INADDR_LOOPBACK, .nports = 2, .ports = ports, .protos = protos};
        as_id_opts o = {.timeout_ms = 2000, .udp = 1, .nbstat_port = nb.port, .snmp_port = 9};
        as_id_stats st;
        if (as_identify_run(&h, 1, &o, &st, e, sizeof e) != 0) {
            fprintf(stderr, "phase: %s\n", e);
            _exit(3);
        }
        _exit(h.res.has_ssh && h.res.has_tls && h.res.has_nbstat ? 0 : 4);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
    stop_servers = 1;
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    stop_servers = 0;
    close(sv[0].fd);
    close(sv[1].fd);
    close(nb.fd);
    SSL_CTX_free(tls_server);
}
END_TEST

/* Fusion alone: deploy verdicts by confirmation, the SSH banner over a Windows stack guess
 * (reported as a conflict), TTL and passive evidence kept with their sources. */
START_TEST(fusion_verdicts)
{
    static const char deploy_tab[] = "22/tcp ssh unix\n139/tcp smb windows\n445/tcp smb windows\n"
                                     "3389/tcp rdp windows\n";
    as_port_table *deploy;
    char err[256];
    ck_assert_int_eq(as_port_table_parse(&deploy, deploy_tab, sizeof deploy_tab - 1, "t", 1, err,
                                         sizeof err), 0);
    uint16_t ports[4] = {22, 139, 445, 3389};
    as_id_port res_ports[4] = {{22, 1, "OpenSSH", "9.2p1"}, {139, -1, "", ""}, {445, 0, "", ""},
                               {3389, 0, "", ""}};
    as_id_host h = {.ip = 0xc6124d02, .nports = 4, .ports = ports};
    h.res.ports = res_ports;
    h.res.nports = 4;
    ck_assert_int_eq(as_ssh_parse_ident(fx_debian12, sizeof fx_debian12 - 1, &h.res.ssh), 0);
    h.res.has_ssh = 1;
    h.res.ssh_port = 22;
    as_id_subject subj = {.ip = h.ip, .reply_ttl = 128, .stack = "Microsoft Windows 10 1809",
                          .stack_family = "Windows", .stack_accuracy = 95,
                          .passive = "Windows (passive)", .passive_conf = 40};
    as_id_record rec;
    ck_assert_int_eq(as_id_fuse(&h, &subj, NULL, deploy, NULL, &rec), 0);
    ck_assert_str_eq(rec.rec.deploy, "ssh");
    ck_assert_str_eq(rec.rec.deploy_open, "smb,rdp");
    ck_assert_str_eq(rec.ports[0].product, "OpenSSH");
    ck_assert_int_eq(rec.ports[1].confirmed, -1);
    ck_assert_str_eq(rec.id.os, "Debian 12");
    ck_assert_str_eq(rec.id.os_source, "ssh");
    ck_assert_uint_ne(rec.conflict & AS_ID_CONFLICT_STACK, 0);
    ck_assert_str_ne(rec.id.os_conflict, "");
    static const char *const want[] = {"ssh", "stack", "passive", "ttl"};
    for (size_t w = 0; w < 4; w++) {
        int found = 0;
        for (size_t i = 0; i < rec.id.nevidence; i++)
            found |= strcmp(rec.ev[i].kind, "os") == 0 && strcmp(rec.ev[i].source, want[w]) == 0;
        ck_assert_msg(found, "no %s evidence", want[w]);
    }
    as_id_record_free(&rec);
    as_port_table_free(deploy);
}
END_TEST

static Suite *identify_suite(void)
{
    Suite *s = suite_create("identify");
    TCase *tc = tcase_create("phase");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, real_answers);
    tcase_add_test(tc, hostile_servers);
    tcase_add_test(tc, interrupt_stops_promptly);
    tcase_add_test(tc, inside_the_sandbox);
    tcase_add_test(tc, fusion_verdicts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(identify_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
