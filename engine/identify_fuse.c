/* identify_fuse.c — one host's answers and sweep facts as the store's record: port verdicts,
 * deploy channels and agents judged by what answered, one OS verdict and one name from all
 * evidence (fingerprints/identity.c ranks), every piece kept with its source. */
#include "engine/identify.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fingerprints/evidence.h"
#include "fingerprints/identity.h"

static void append(char *buf, size_t len, const char *sep, const char *item)
{
    size_t il = strlen(item);
    for (const char *p = buf; (p = strstr(p, item)) != NULL; p += il) {
        int starts = p == buf || strncmp(p - strlen(sep), sep, strlen(sep)) == 0;
        int ends = p[il] == '\0' || strncmp(p + il, sep, strlen(sep)) == 0;
        if (starts && ends)
            return;
    }
    size_t used = strlen(buf);
    if (used + (used ? strlen(sep) : 0) + il < len)
        snprintf(buf + used, len - used, "%s%s", used ? sep : "", item);
}

/* A guess's text ("Linux 5.x", "Microsoft Windows 10") to a family, for stack evidence. */
static int family_of(const char *t)
{
    static const struct { const char *word; int fam; } words[] = {
        {"windows", AS_OSFAM_WINDOWS}, {"linux", AS_OSFAM_UNIX}, {"bsd", AS_OSFAM_UNIX},
        {"mac os", AS_OSFAM_UNIX}, {"macos", AS_OSFAM_UNIX}, {"solaris", AS_OSFAM_UNIX},
        {"aix", AS_OSFAM_UNIX}, {"hp-ux", AS_OSFAM_UNIX}, {"unix", AS_OSFAM_UNIX},
        {"ios", AS_OSFAM_NETDEV}, {"junos", AS_OSFAM_NETDEV}, {"routeros", AS_OSFAM_NETDEV},
        {"fortios", AS_OSFAM_NETDEV}, {"pan-os", AS_OSFAM_NETDEV}, {"cisco", AS_OSFAM_NETDEV},
    };
    for (size_t i = 0; t && i < sizeof words / sizeof words[0]; i++)
        for (const char *p = t; *p; p++)
            if (strncasecmp(p, words[i].word, strlen(words[i].word)) == 0)
                return words[i].fam;
    return AS_OSFAM_UNKNOWN;
}

static void guess_ev(as_evidence *e, int source, const char *text, int conf)
{
    memset(e, 0, sizeof *e);
    e->source = source;
    e->hint.family = family_of(text);
    snprintf(e->hint.name, sizeof e->hint.name, "%.95s", text);
    e->hint.confidence = conf < 0 ? 0 : conf > 100 ? 100 : conf;
    snprintf(e->value, sizeof e->value, "%.250s", text);
}

/* The Server header: IIS and HTTP.sys are Windows; Apache names its distribution. */
static int http_ev(const char *server, as_evidence *e)
{
    static const struct { const char *word; int fam; const char *name; int conf; } rows[] = {
        {"Microsoft-IIS", AS_OSFAM_WINDOWS, "Windows", 70},
        {"Microsoft-HTTPAPI", AS_OSFAM_WINDOWS, "Windows", 70},
        {"(Debian)", AS_OSFAM_UNIX, "Debian", 50}, {"(Ubuntu)", AS_OSFAM_UNIX, "Ubuntu", 50},
        {"(Red Hat", AS_OSFAM_UNIX, "Red Hat Enterprise Linux", 50},
        {"(CentOS)", AS_OSFAM_UNIX, "CentOS", 50}, {"(Fedora)", AS_OSFAM_UNIX, "Fedora", 50},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (strstr(server, rows[i].word)) {
            memset(e, 0, sizeof *e);
            e->source = AS_EV_HTTP;
            e->hint.family = rows[i].fam;
            snprintf(e->hint.name, sizeof e->hint.name, "%s", rows[i].name);
            e->hint.confidence = rows[i].conf;
            snprintf(e->value, sizeof e->value, "Server: %.240s", server);
            return 1;
        }
    return 0;
}

static void hint_text(const as_os_hint *h, char *buf, size_t len)
{
    /* "Windows" + "Windows Server 2019 / ..." reads once; "Debian" + "12" as "Debian 12". */
    if (h->version[0] && strncmp(h->version, h->name, strlen(h->name)) == 0)
        snprintf(buf, len, "%s", h->version);
    else
        snprintf(buf, len, "%s%s%s", h->name, h->version[0] ? " " : "", h->version);
}

static void add_os_ev(as_id_record *o, const as_evidence *e, uint16_t port, uint8_t proto)
{
    as_identity_record *id = &o->id;
    if (id->nevidence >= AS_ID_EVIDENCE_MAX)
        return;
    as_evidence_record *r = &o->ev[id->nevidence++];
    memset(r, 0, sizeof *r);
    snprintf(r->kind, sizeof r->kind, "os");
    snprintf(r->source, sizeof r->source, "%s", as_ev_source_name(e->source));
    r->port = port;
    r->proto = port ? proto : 0;
    snprintf(r->value, sizeof r->value, "%s", e->value);
    hint_text(&e->hint, r->verdict, sizeof r->verdict);
    r->confidence = e->hint.confidence;
}

static size_t collect_os(const as_id_host *h, const as_id_subject *s, const as_winbuilds *b,
                         as_evidence *ev, uint16_t *port, uint8_t *proto)
{
    const as_id_result *r = &h->res;
    size_t n = 0;
    if (r->has_ntlm && as_evidence_ntlm(&r->ntlm, b, &ev[n]))
        port[n] = r->ntlm_port, proto[n++] = IPPROTO_TCP;
    if (r->has_ssh && as_evidence_ssh(&r->ssh, &ev[n]))
        port[n] = r->ssh_port, proto[n++] = IPPROTO_TCP;
    if (r->has_snmp && as_evidence_snmp(&r->snmp, b, &ev[n]))
        port[n] = 161, proto[n++] = IPPROTO_UDP;
    if (r->http_server[0] && http_ev(r->http_server, &ev[n]))
        port[n] = r->http_port, proto[n++] = IPPROTO_TCP;
    if (s->stack && s->stack[0]) {
        guess_ev(&ev[n], AS_EV_STACK, s->stack, s->stack_accuracy);
        if (s->stack_family && family_of(s->stack_family))
            ev[n].hint.family = family_of(s->stack_family);
        port[n] = 0, proto[n++] = 0;
    }
    if (s->passive && s->passive[0]) {
        guess_ev(&ev[n], AS_EV_PASSIVE, s->passive, s->passive_conf);
        port[n] = 0, proto[n++] = 0;
    }
    if (s->reply_ttl) {
        /* The initial TTL the reply started from: 64 Unix, 128 Windows, 255 devices. */
        int ttl = s->reply_ttl;
        const char *what = ttl <= 64 ? "Unix" : ttl <= 128 ? "Windows" : "network device";
        guess_ev(&ev[n], AS_EV_TTL, what, ttl <= 128 ? 30 : 20);
        ev[n].hint.family = ttl <= 64 ? AS_OSFAM_UNIX : ttl <= 128 ? AS_OSFAM_WINDOWS
                                                                  : AS_OSFAM_NETDEV;
        snprintf(ev[n].value, sizeof ev[n].value, "reply TTL %d", ttl);
        port[n] = 0, proto[n++] = 0;
    }
    return n;
}

static void fuse_os(as_id_record *o, const as_id_host *h, const as_id_subject *s,
                    const as_winbuilds *b)
{
    as_evidence ev[8];
    uint16_t port[8];
    uint8_t proto[8];
    size_t n = collect_os(h, s, b, ev, port, proto);
    for (size_t i = 0; i < n; i++)
        if (ev[i].hint.family != AS_OSFAM_UNKNOWN || ev[i].hint.name[0])
            add_os_ev(o, &ev[i], port[i], proto[i]);
    as_os_verdict v;
    if (as_identity_os(ev, n, &v) != 0)
        return;
    as_identity_record *id = &o->id;
    hint_text(&v.os, id->os, sizeof id->os);
    const char *fam = v.os.family == AS_OSFAM_WINDOWS ? "windows" : v.os.family == AS_OSFAM_UNIX
                      ? "unix" : v.os.family == AS_OSFAM_NETDEV ? "network" : "";
    snprintf(id->os_family, sizeof id->os_family, "%s", fam);
    snprintf(id->os_source, sizeof id->os_source, "%s", as_ev_source_name(v.source));
    id->os_confidence = v.os.confidence;
    o->conflict = v.conflict;
    snprintf(id->os_conflict, sizeof id->os_conflict, "%s", v.conflict ? v.conflict_text : "");
}

static void fuse_name(as_id_record *o, const as_id_host *h, const as_id_subject *s)
{
    const as_id_result *r = &h->res;
    as_name_cand c[AS_TLS_SANS_MAX + 8];
    size_t n = 0, max = sizeof c / sizeof c[0];
    if (s->ptr_name && s->ptr_name[0] && n < max) {
        c[n].source = AS_NAME_PTR;
        snprintf(c[n++].name, sizeof c[0].name, "%s", s->ptr_name);
    }
    if (r->has_ntlm)
        as_names_ntlm(&r->ntlm, c, max, &n);
    if (r->has_nbstat)
        as_names_nbstat(&r->nbstat, c, max, &n);
    if (r->has_snmp)
        as_names_snmp(&r->snmp, c, max, &n);
    if (r->has_tls)
        as_names_tls(&r->tls, c, max, &n);
    as_identity_record *id = &o->id;
    as_name_choice ch;
    int chosen = as_identity_name(c, n, &ch) == 0;
    if (chosen) {
        snprintf(id->name, sizeof id->name, "%s", ch.name);
        snprintf(id->name_source, sizeof id->name_source, "%s", as_name_source_name(c[ch.chosen].source));
    }
    static const int weight[AS_NAME_COUNT] = {50, 40, 30, 20, 15, 10};
    for (size_t i = 0; i < n && id->nevidence < AS_ID_EVIDENCE_MAX; i++) {
        as_evidence_record *e = &o->ev[id->nevidence++];
        memset(e, 0, sizeof *e);
        snprintf(e->kind, sizeof e->kind, "name");
        snprintf(e->source, sizeof e->source, "%s", as_name_source_name(c[i].source));
        snprintf(e->value, sizeof e->value, "%s", c[i].name);
        snprintf(e->verdict, sizeof e->verdict, "%s", chosen && (long)i == ch.chosen ? "chosen" : "");
        e->confidence = c[i].source >= 0 && c[i].source < AS_NAME_COUNT ? weight[c[i].source] : 0;
    }
}

static void fields(as_identity_record *id, const as_id_result *r)
{
    id->smb_signing_required = r->has_smb ? r->smb.signing_required != 0 : -1;
    if (r->has_nbstat) {
        snprintf(id->netbios_name, sizeof id->netbios_name, "%s", r->nbstat.computer);
        snprintf(id->netbios_domain, sizeof id->netbios_domain, "%s", r->nbstat.workgroup);
        for (size_t i = 0; i < r->nbstat.nusers; i++)
            append(id->netbios_users, sizeof id->netbios_users, ",", r->nbstat.users[i]);
        /* Samba reports all zeros: no MAC at all. */
        static const uint8_t zero[6];
        id->has_netbios_mac = r->nbstat.has_mac && memcmp(r->nbstat.mac, zero, 6) != 0;
        memcpy(id->netbios_mac, r->nbstat.mac, 6);
    }
    if (r->has_ntlm) {
        const as_ntlm_info *t = &r->ntlm;
        if (!id->netbios_name[0])
            snprintf(id->netbios_name, sizeof id->netbios_name, "%.15s", t->nb_computer);
        if (!id->netbios_domain[0])
            snprintf(id->netbios_domain, sizeof id->netbios_domain, "%.15s", t->nb_domain);
        snprintf(id->dns_name, sizeof id->dns_name, "%s", t->dns_computer);
        snprintf(id->dns_domain, sizeof id->dns_domain, "%s", t->dns_domain);
        snprintf(id->dns_forest, sizeof id->dns_forest, "%s", t->dns_tree);
        if (t->has_version)
            snprintf(id->os_version, sizeof id->os_version, "%u.%u.%u", t->major, t->minor, t->build);
    }
    if (r->has_ssh)
        snprintf(id->ssh, sizeof id->ssh, "SSH-%.15s-%.120s%s%.110s", r->ssh.proto,
                 r->ssh.software, r->ssh.comments[0] ? " " : "", r->ssh.comments);
    if (r->has_smb)
        snprintf(id->smb_dialect, sizeof id->smb_dialect, "%s", as_smb2_dialect_name(r->smb.dialect));
    if (r->has_snmp) {
        snprintf(id->snmp_sysdescr, sizeof id->snmp_sysdescr, "%s", r->snmp.descr);
        snprintf(id->snmp_sysname, sizeof id->snmp_sysname, "%s", r->snmp.name);
        snprintf(id->snmp_sysobjectid, sizeof id->snmp_sysobjectid, "%.127s", r->snmp.object_id);
    }
    if (r->has_tls) {
        snprintf(id->tls_subject, sizeof id->tls_subject, "%s",
                 r->tls.subject_cn[0] ? r->tls.subject_cn : r->tls.subject);
        snprintf(id->tls_issuer, sizeof id->tls_issuer, "%s",
                 r->tls.issuer_cn[0] ? r->tls.issuer_cn : r->tls.issuer);
        for (size_t i = 0; i < r->tls.nsans; i++)
            append(id->tls_sans, sizeof id->tls_sans, ",", r->tls.sans[i]);
    }
    snprintf(id->http_server, sizeof id->http_server, "%s", r->http_server);
}

static int answered_any(const as_id_result *r)
{
    return r->has_ssh || r->has_smb || r->has_ntlm || r->has_rdp || r->has_tls ||
           r->http_server[0] || r->has_nbstat || r->has_snmp;
}

static void judge_ports(as_id_record *o, const as_id_host *h, const as_port_table *agents,
                        const as_port_table *deploy)
{
    as_host_record *rec = &o->rec;
    for (size_t k = 0; k < h->nports; k++) {
        as_port_record *p = &o->ports[rec->nports++];
        const as_id_port *ip = &h->res.ports[k];
        memset(p, 0, sizeof *p);
        p->port = h->ports[k];
        p->proto = IPPROTO_TCP;
        p->state = AS_PORT_OPEN;
        p->confirmed = ip->confirmed;
        snprintf(p->product, sizeof p->product, "%s", ip->product);
        snprintf(p->version, sizeof p->version, "%s", ip->version);
        const char *agent = agents ? as_port_table_product(agents, p->port, IPPROTO_TCP) : NULL;
        const char *channel = deploy ? as_port_table_product(deploy, p->port, IPPROTO_TCP) : NULL;
        snprintf(p->service, sizeof p->service, "%s", agent ? agent : channel ? channel : "");
        if (agent != NULL) {
            if (as_id_agent_marker(p->port) == NULL || p->confirmed == 1) {
                rec->managed = 1;
                append(rec->agent, sizeof rec->agent, ", ", agent);
            } else {
                append(o->id.agent_possible, sizeof o->id.agent_possible, ", ", agent);
            }
        } else if (channel != NULL) {
            if (p->confirmed == 1)
                append(rec->deploy, sizeof rec->deploy, ",", channel);
            else
                append(rec->deploy_open, sizeof rec->deploy_open, ",", channel);
        }
    }
}

/* A channel confirmed on one port (SMB on 445) is not also "only open" on another (139). */
static void drop_confirmed(as_host_record *rec)
{
    char kept[AS_TEXT_MAX] = "", buf[AS_TEXT_MAX];
    snprintf(buf, sizeof buf, "%s", rec->deploy_open);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char probe[AS_TEXT_MAX + 2];
        snprintf(probe, sizeof probe, ",%s,", t);
        char in[AS_TEXT_MAX + 2];
        snprintf(in, sizeof in, ",%s,", rec->deploy);
        if (strstr(in, probe) == NULL)
            append(kept, sizeof kept, ",", t);
    }
    snprintf(rec->deploy_open, sizeof rec->deploy_open, "%s", kept);
}

int as_id_fuse(const as_id_host *h, const as_id_subject *s, const as_port_table *agents,
               const as_port_table *deploy, const as_winbuilds *builds, as_id_record *out)
{
    memset(out, 0, sizeof *out);
    out->ports = calloc(h->nports ? h->nports : 1, sizeof *out->ports);
    if (out->ports == NULL)
        return -1;
    as_host_record *rec = &out->rec;
    rec->ip = h->ip;
    rec->up = 1;
    rec->rtt_us = -1;
    rec->ports = out->ports;
    out->id.evidence = out->ev;
    judge_ports(out, h, agents, deploy);
    drop_confirmed(rec);
    fields(&out->id, &h->res);
    fuse_os(out, h, s, builds);
    fuse_name(out, h, s);
    if (answered_any(&h->res) || out->id.agent_possible[0])
        rec->identity = &out->id;
    return 0;
}

void as_id_record_free(as_id_record *r)
{
    free(r->ports);
    r->ports = NULL;
}
