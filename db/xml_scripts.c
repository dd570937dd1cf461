/* xml_scripts.c — what the services told about a host as nmap script results for the nmap
 * XML (smb-os-discovery, nbstat, snmp-sysdescr: nmap's script names, output text and elem
 * keys), and the port each goes on.
 *
 * Why ports: ndiff (python3, nmap 7.93 to 7.95, nmap issue #2930) sorts the script results
 * of one host, and of one port, with `<`, which its ScriptResult does not define: two
 * results under one host crash it, whether in one <hostscript> or in two. So the host keeps
 * its one "agentscan" host script, and each of these goes on a port of its own protocol,
 * at most one a port (snmp-sysdescr is a port script in nmap too); export_xml.c repeats its
 * text in that port's extrainfo, since ndiff also crashes printing a changed port script
 * whose port's service line stayed the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/export_internal.h"
#include "db/identity_out.h"

static void elem(as_xml_script *s, const char *key, const char *value)
{
    if (value && *value && s->n < sizeof s->elem / sizeof s->elem[0])
        s->elem[s->n++] = (as_xml_elem){key, value};
}

/* The output text: one "  Label: value" line per known value, as nmap indents them. */
static void line(char *buf, size_t len, const char *label, const char *value)
{
    size_t used = strlen(buf);
    if (value && *value && used < len)
        snprintf(buf + used, len - used, "\n  %s: %s", label, value);
}

static int smb_os_discovery(const as_host_view *h, as_xml_script *s)
{
    const as_identity_view *d = h->identity;
    if (!d->dns_name && !d->dns_domain && !d->dns_forest && !d->os_version && !d->smb_dialect)
        return 0;
    s->id = "smb-os-discovery";
    size_t len = 2048;
    if (!(s->output = calloc(1, len)) || !(s->os = calloc(1, 320)))
        return -1;
    int windows = d->os_family && strcmp(d->os_family, "windows") == 0;
    if (d->os && (windows || d->os_version))
        snprintf(s->os, 320, "%s%s%s%s", d->os, d->os_version ? " (" : "",
                 d->os_version ? d->os_version : "", d->os_version ? ")" : "");
    else if (d->os_version)
        snprintf(s->os, 320, "Windows %s", d->os_version);
    if (d->dns_name) {
        snprintf(s->short_name, sizeof s->short_name, "%.*s", (int)strcspn(d->dns_name, "."),
                 d->dns_name);
    }
    line(s->output, len, "OS", s->os);
    line(s->output, len, "Computer name", s->short_name);
    line(s->output, len, "NetBIOS computer name", d->netbios_name);
    line(s->output, len, "Domain name", d->dns_domain);
    line(s->output, len, "Forest name", d->dns_forest);
    line(s->output, len, "FQDN", d->dns_name);
    if (!d->dns_domain)
        line(s->output, len, "Workgroup", d->netbios_domain);
    elem(s, "os", s->os);
    elem(s, "server", d->netbios_name);
    elem(s, "fqdn", d->dns_name);
    elem(s, "domain_dns", d->dns_domain);
    elem(s, "forest_dns", d->dns_forest);
    elem(s, "workgroup", d->netbios_domain);
    static const char *const ports[] = {"445/tcp", "139/tcp", NULL};
    s->ports = ports;
    return 1;
}

static int nbstat(const as_host_view *h, as_xml_script *s, const as_export_ctx *x)
{
    const as_identity_view *d = h->identity;
    if (!d->netbios_name)
        return 0;
    s->id = "nbstat";
    size_t len = 1024;
    if (!(s->output = calloc(1, len)))
        return -1;
    const char *vendor = d->netbios_mac && x->o->oui ? as_oui_lookup_text(x->o->oui, d->netbios_mac)
                                                     : NULL;
    snprintf(s->output, len, "NetBIOS name: %s, NetBIOS user: %s, NetBIOS MAC: %s%s%s%s",
             d->netbios_name, d->netbios_users ? d->netbios_users : "<unknown>",
             d->netbios_mac ? d->netbios_mac : "<unknown>", vendor ? " (" : "",
             vendor ? vendor : "", vendor ? ")" : "");
    elem(s, "server_name", d->netbios_name);
    elem(s, "workgroup", d->netbios_domain);
    elem(s, "user", d->netbios_users);
    elem(s, "mac", d->netbios_mac);
    static const char *const ports[] = {"137/udp", "139/tcp", "445/tcp", NULL};
    s->ports = ports;
    return 1;
}

static int snmp_sysdescr(const as_host_view *h, as_xml_script *s)
{
    const as_identity_view *d = h->identity;
    if (!d->snmp_sysdescr)
        return 0;
    s->id = "snmp-sysdescr";
    if (!(s->output = strdup(d->snmp_sysdescr)))
        return -1;
    static const char *const ports[] = {"161/udp", NULL};
    s->ports = ports;
    return 1;
}

/* The first port of the script's list that the host answered on and that holds no script
 * yet; NULL when none (the script is left out: `hosts --format json` has it all). */
static const as_port_view *place(const as_host_view *h, const as_xml_script *s,
                                 const as_xml_script *done, size_t ndone)
{
    for (const char *const *w = s->ports; *w; w++) {
        int num = atoi(*w);
        const char *proto = strchr(*w, '/') + 1;
        for (size_t i = 0; i < h->nports; i++) {
            const as_port_view *p = &h->ports[i];
            if (p->port != num || strcmp(p->proto, proto) != 0 ||
                strncmp(p->state, "open", 4) != 0)
                continue;
            int taken = 0;
            for (size_t k = 0; k < ndone; k++)
                taken |= done[k].port == p;
            if (!taken)
                return p;
        }
    }
    return NULL;
}

size_t as_xml_identity_scripts(const as_export_ctx *x, const as_host_view *h,
                               as_xml_script *out, int *oom)
{
    size_t n = 0;
    *oom = 0;
    if (!h->identity)
        return 0;
    for (int k = 0; k < 3; k++) {
        as_xml_script *s = &out[n];
        memset(s, 0, sizeof *s);
        int rc = k == 0 ? smb_os_discovery(h, s) : k == 1 ? nbstat(h, s, x) : snmp_sysdescr(h, s);
        if (rc < 0)
            *oom = 1;
        if (rc > 0 && (s->port = place(h, s, out, n)) != NULL) {
            n++;
            continue;
        }
        free(s->output);
        free(s->os);
    }
    return n;
}

void as_xml_scripts_free(as_xml_script *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].output);
        free(s[i].os);
    }
}
