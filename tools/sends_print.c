/* sends_print.c — `agentscan ports`: what agentscan sends and what must come back, as a
 * request an operator can hand to the firewall team (text) or feed to tooling (JSON). */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "tools/sends.h"

/* Source ports of probes: a per-scan base in 32768-60767 plus the probe kind's offset. */
#define SRC_PORTS "32768-61047"

typedef struct rule {
    const char *proto;
    char ports[1100];           /* destination ports or ICMP type */
    const char *packets;
    const char *purpose;
    const char *replies;
} rule;

static size_t build(const as_sends *s, rule *r)
{
    size_t n = 0;
    if (!s->no_ping && s->echo)
        r[n++] = (rule){"icmp", "echo-request (type 8)", "1 per address, 1 retry if silent",
                        "liveness", "echo-reply (type 0)"};
    if (!s->no_ping && s->nack) {
        r[n] = (rule){"tcp", "", "ACK without SYN", "liveness", "RST"};
        for (size_t i = 0, used = 0; i < s->nack; i++)
            used += (size_t)snprintf(r[n].ports + used, sizeof r[n].ports - used, "%s%u",
                                     i ? "," : "", s->ack[i]);
        n++;
    }
    if (s->nports > 0) {
        r[n] = (rule){"tcp", "", "SYN, then RST from the scanner's kernel",
                      s->no_ping ? "port scan of every target address (-Pn)" : "port scan of live hosts",
                      "SYN/ACK, RST, ICMP unreachable"};
        snprintf(r[n++].ports, sizeof r[0].ports, "%s", s->ports);
    }
    if (s->nudp > 0) {
        r[n] = (rule){"udp", "", "1 datagram per port and try (NBSTAT query on 137, SNMP GET on 161)",
                      s->no_ping ? "UDP port scan of every target address (-Pn)" : "UDP port scan of live hosts",
                      "UDP, ICMP unreachable"};
        snprintf(r[n++].ports, sizeof r[0].ports, "%s", s->udp_ports);
    }
    if (s->identify) {
        r[n] = (rule){"udp", "137,161", "an NBSTAT query (137) and an SNMP v2c GET (161), once "
                      "each to every live host", "identity phase (--no-identify: none)",
                      "UDP, ICMP unreachable"};
        n++;
        if (s->nports > 0) {
            r[n] = (rule){"tcp", "", "a connection to each open port of these: the protocol's "
                          "greeting (SSH banner, SMB2/NTLMSSP, RDP, HTTP/TLS, WinRM); no login",
                          "identity phase", "the service's answer"};
            snprintf(r[n++].ports, sizeof r[0].ports, "%s", s->ports);
        }
    }
    if (s->os) {
        r[n] = (rule){"tcp", "", "SYN with options, ECN, NULL, FIN/PSH/URG and ACK to one open "
                      "and one closed port per live host (a high port when none was closed)",
                      "OS detection (-O)", "SYN/ACK, RST"};
        snprintf(r[n++].ports, sizeof r[0].ports, "%s,30000-59999", s->ports);
        r[n++] = (rule){"udp", "30000-59999", "1 datagram to one closed port per live host",
                        "OS detection (-O)", "ICMP port unreachable (type 3 code 3)"};
        r[n++] = (rule){"icmp", "echo-request (type 8)", "2 per live host, odd code and TOS",
                        "OS detection (-O)", "echo-reply (type 0)"};
    }
    return n;
}

static void ip_text(uint32_t ip, char *buf, size_t len)
{
    struct in_addr a = {htonl(ip)};
    if (ip == 0 || inet_ntop(AF_INET, &a, buf, (socklen_t)len) == NULL)
        snprintf(buf, len, "(this gateway)");
}

static int print_text(const as_sends *s, const rule *r, size_t n, const char *dns, FILE *out)
{
    char src[32];
    ip_text(s->source, src, sizeof src);
    fprintf(out, "Firewall request for agentscan (%s)\n\n", s->label);
    fprintf(out, "Allow from the scanner %s to %s:\n", src, *s->targets ? s->targets : "the target ranges");
    for (size_t i = 0; i < n; i++) {
        int icmp = strcmp(r[i].proto, "icmp") == 0;
        fprintf(out, "%2zu. %s%s%s: %s; %s\n    replies: %s%s\n", i + 1, r[i].proto, icmp ? " " : "/",
                r[i].ports, r[i].packets, r[i].purpose, r[i].replies,
                icmp ? "" : ", to scanner ports " SRC_PORTS);
    }
    if (s->resolve)
        fprintf(out, "%2zu. udp/53 (tcp/53 for long answers) to %s: reverse DNS (PTR) of live "
                "hosts\n    replies: DNS answers\n", n + 1, *dns ? dns : "the system's resolvers");
    fprintf(out, "\nStateful firewalls pass the replies as established/related; stateless ones need "
            "them allowed back to %s. Nothing else: agentscan %s, logs in nowhere, sends no "
            "credential, and needs no inbound access. Hosts on the scanner's own segment are "
            "found by ARP.\n", src, s->identify ? "connects only to the open ports above" :
            "opens no connection");
    return ferror(out) ? -1 : 0;
}

static int print_json(const as_sends *s, const rule *r, size_t n, const char *dns, FILE *out)
{
    char src[32];
    ip_text(s->source, src, sizeof src);
    json_t *rules = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rules, json_pack("{s:s, s:s, s:s, s:s, s:s}", "proto", r[i].proto,
                                               "ports", r[i].ports, "packets", r[i].packets,
                                               "purpose", r[i].purpose, "replies", r[i].replies));
    json_t *servers = json_array();
    char copy[256];
    snprintf(copy, sizeof copy, "%s", dns);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
        json_array_append_new(servers, json_string(t));
    json_t *root = json_pack("{s:s, s:s?, s:s, s:s, s:o, s:o}", "request", s->label,
                             "source", s->source ? src : NULL, "targets", s->targets,
                             "reply_ports", SRC_PORTS, "outbound", rules,
                             "dns", s->resolve ? json_pack("{s:s, s:i, s:o}", "proto", "udp",
                                                           "port", 53, "servers", servers)
                                               : (json_decref(servers), json_null()));
    if (root == NULL)
        return -1;
    int rc = json_dumpf(root, out, JSON_INDENT(2)) == 0 && fputc('\n', out) != EOF ? 0 : -1;
    json_decref(root);
    return rc;
}

int as_sends_print(const as_sends *s, const char *resolv_conf, const char *format, FILE *out,
                   char *err, size_t errlen)
{
    rule r[12];
    size_t n = build(s, r);
    char dns[256];
    as_sends_resolvers(s, resolv_conf, dns, sizeof dns);
    int json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0) {
        snprintf(err, errlen, "unknown format '%s' (use text or json)", format);
        return -1;
    }
    if ((json ? print_json(s, r, n, dns, out) : print_text(s, r, n, dns, out)) != 0) {
        snprintf(err, errlen, "cannot write the request");
        return -1;
    }
    return 0;
}
