/* export_xml.c — `export --format nmap-xml` and `scan -oX`: nmap's XML output (nmap.dtd),
 * written with libxml2's xmlwriter so that every name off the network is escaped. */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/export_internal.h"
#include "db/identity_out.h"

#ifndef AS_VERSION
#define AS_VERSION "unknown"
#endif

typedef struct xw {
    xmlTextWriterPtr w;
    int bad;
} xw;

static void start(xw *x, const char *name)
{
    if (!x->bad && xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
        x->bad = 1;
}

static void end(xw *x)
{
    if (!x->bad && xmlTextWriterEndElement(x->w) < 0)
        x->bad = 1;
}

/* XML 1.0 cannot carry most control characters even escaped, and libxml2 wants UTF-8:
 * repair first, then let the writer escape & < > " and line breaks. NULL writes nothing. */
static void attr(xw *x, const char *name, const char *value)
{
    if (x->bad || !value)
        return;
    char *c = as_text_clean(value, 1);
    if (!c || xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST c) < 0)
        x->bad = 1;
    free(c);
}

static void attr_int(xw *x, const char *name, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    attr(x, name, buf);
}

/* nmap's own service names (its nmap-services file, checked against Debian's
 * /usr/share/nmap/nmap-services by tests/unit/test_export.c) for the ports agentscan probes
 * by default and those of its agent and deploy tables: readers such as ndiff compare these
 * names, so ours ("smb", "rdp", a product) never stand in for them. */
static const struct { int port; const char *proto, *name; } nmap_services[] = {
    {21, "tcp", "ftp"}, {22, "tcp", "ssh"}, {23, "tcp", "telnet"}, {25, "tcp", "smtp"},
    {53, "tcp", "domain"}, {53, "udp", "domain"}, {80, "tcp", "http"}, {110, "tcp", "pop3"},
    {123, "udp", "ntp"}, {135, "tcp", "msrpc"}, {137, "tcp", "netbios-ns"},
    {137, "udp", "netbios-ns"}, {138, "tcp", "netbios-dgm"}, {138, "udp", "netbios-dgm"},
    {139, "tcp", "netbios-ssn"}, {143, "tcp", "imap"}, {161, "tcp", "snmp"},
    {161, "udp", "snmp"}, {443, "tcp", "https"}, {445, "tcp", "microsoft-ds"},
    {500, "udp", "isakmp"}, {513, "tcp", "login"}, {514, "tcp", "shell"},
    {515, "tcp", "printer"}, {631, "tcp", "ipp"}, {1002, "tcp", "windows-icfw"},
    {1433, "tcp", "ms-sql-s"}, {1610, "tcp", "taurus-wh"}, {1611, "tcp", "ill"},
    {2701, "tcp", "sms-rcinfo"}, {2702, "tcp", "sms-xfer"}, {3306, "tcp", "mysql"},
    {3389, "tcp", "ms-wbt-server"}, {4750, "tcp", "ssad"}, {5666, "tcp", "nrpe"},
    {5900, "tcp", "vnc"}, {5985, "tcp", "wsman"}, {5986, "tcp", "wsmans"},
    {6556, "tcp", "checkmk-agent"}, {8080, "tcp", "http-proxy"},
    {8081, "tcp", "blackice-icecap"}, {9100, "tcp", "jetdirect"},
    {10050, "tcp", "zabbix-agent"},
};

const char *as_nmap_service_name(int port, const char *proto)
{
    for (size_t i = 0; i < sizeof nmap_services / sizeof nmap_services[0]; i++)
        if (nmap_services[i].port == port && strcmp(nmap_services[i].proto, proto) == 0)
            return nmap_services[i].name;
    return "unknown";
}

size_t as_nmap_service_count(void)
{
    return sizeof nmap_services / sizeof nmap_services[0];
}

void as_nmap_service_at(size_t i, int *port, const char **proto, const char **name)
{
    *port = nmap_services[i].port;
    *proto = nmap_services[i].proto;
    *name = nmap_services[i].name;
}

/* A script result as nmap writes one: the text in output, the structured form as <elem>s. */
static void script_elems(xw *x, const as_xml_script *s)
{
    start(x, "script");
    attr(x, "id", s->id);
    attr(x, "output", s->output);
    for (size_t i = 0; i < s->n && !x->bad; i++) {
        char *v = as_text_clean(s->elem[i].value, 1);
        start(x, "elem");
        attr(x, "key", s->elem[i].key);
        if (!v || (!x->bad && xmlTextWriterWriteString(x->w, BAD_CAST v) < 0))
            x->bad = 1;
        free(v);
        end(x);
    }
    end(x);
}

/* A script's text on one line ("; " for its line breaks), for the service's extrainfo. */
static char *one_line(const char *text)
{
    while (*text == '\n' || *text == ' ')
        text++;
    char *d = malloc(strlen(text) * 2 + 1), *w = d;
    for (const char *r = text; d && *r; r++) {
        if (*r != '\n') {
            *w++ = *r;
            continue;
        }
        *w++ = ';';
        while (r[1] == ' ')
            r++;
        *w++ = ' ';
    }
    if (d)
        *w = '\0';
    return d;
}

/* The service: nmap's name for the port; where the identity phase confirmed the protocol,
 * what it learned, as nmap's version detection would have it (method "probed"). A port that
 * carries a script repeats its text in extrainfo: ndiff (7.93-7.95) crashes printing a
 * changed script result of a port whose service line did not change, so the change must
 * show in the service line too. */
static void service(xw *x, const as_export_ctx *c, const as_host_view *h, const as_port_view *p,
                    const as_xml_script *s)
{
    start(x, "service");
    attr(x, "name", as_nmap_service_name(p->port, p->proto));
    char *extra = s ? one_line(s->output) : NULL;
    if (s && !extra)
        x->bad = 1;
    if (as_port_confirmed(p)) {
        attr(x, "product", p->product && *p->product ? p->product
                 : p->service && *p->service && !as_x_is_login(c, p) ? p->service : NULL);
        attr(x, "version", p->version && *p->version ? p->version : NULL);
        attr(x, "extrainfo", extra);
        free(extra);
        attr(x, "ostype", as_host_ostype(h));
        attr(x, "method", "probed");
        attr(x, "conf", "10");
        end(x);
        return;
    }
    /* An open agent port: its product is what answers there (login ports are channels,
     * and a closed or filtered port has nothing answering). */
    if (p->service && *p->service && strcmp(p->state, "open") == 0 && !as_x_is_login(c, p))
        attr(x, "product", p->service);
    attr(x, "extrainfo", extra);
    free(extra);
    attr(x, "method", "table");
    attr(x, "conf", "3");
    end(x);
}

static void port(xw *x, const as_export_ctx *c, const as_host_view *h, const as_port_view *p,
                 const as_xml_script *scripts, size_t nscripts)
{
    start(x, "port");
    attr(x, "protocol", strcmp(p->proto, "udp") == 0 ? "udp" : "tcp");
    attr_int(x, "portid", p->port);
    start(x, "state");
    attr(x, "state", p->state);
    attr(x, "reason", p->reason);
    attr_int(x, "reason_ttl", p->reason_ttl);
    end(x);
    const as_xml_script *s = NULL;
    for (size_t i = 0; i < nscripts; i++)
        if (scripts[i].port == p)
            s = &scripts[i];
    service(x, c, h, p, s);
    if (s)
        script_elems(x, s);
    end(x);
}

/* The guesses, then the fingerprint they came from, as nmap writes them (the DTD orders
 * osmatch before osfingerprint). The passive guess has no place here: an osmatch would
 * claim full detection to ndiff and python-libnmap. */
static void os(xw *x, const as_host_view *h)
{
    int fp = h->os_fingerprint && *h->os_fingerprint;
    if (h->nos == 0 && !fp)
        return;
    start(x, "os");
    for (size_t i = 0; i < h->nos; i++) {
        const as_os_view *o = &h->os[i];
        start(x, "osmatch");
        attr(x, "name", o->name);
        attr_int(x, "accuracy", o->accuracy);
        attr_int(x, "line", 0);
        if (o->vendor || o->family) {
            start(x, "osclass");
            attr(x, "type", o->type);
            attr(x, "vendor", o->vendor ? o->vendor : "");
            attr(x, "osfamily", o->family ? o->family : "");
            attr(x, "osgen", o->generation);
            attr_int(x, "accuracy", o->accuracy);
            char *cpe = as_text_clean(o->cpe, 1);
            if (cpe && *cpe && !x->bad &&
                xmlTextWriterWriteElement(x->w, BAD_CAST "cpe", BAD_CAST cpe) < 0)
                x->bad = 1;
            free(cpe);
            end(x);
        }
        end(x);
    }
    if (fp) {
        start(x, "osfingerprint");
        attr(x, "fingerprint", h->os_fingerprint);
        end(x);
    }
    end(x);
}

static void script(xw *x, const char *id, const char *output)
{
    start(x, "script");
    attr(x, "id", id);
    attr(x, "output", output);
    end(x);
}

/* nmap's place for what a host-level check found: script results. One script, "agentscan":
 * the host id (stable across scans and addresses: the key a CMDB can reconcile on), its
 * class and, for a suspect, the firewall note. One, because ndiff (python3) cannot sort two
 * script results of one host. */
static void hostscripts(xw *x, const as_export_ctx *c, const as_host_view *h)
{
    const char *fam = as_x_family(c, h), *dev = as_x_device(c, h);
    const char *note = h->firewall_suspect ? as_x_firewall_note(h) : NULL;
    static const char what[] = "; firewall-suspect: replies may come from a firewall, not the host";
    size_t n = 96 + sizeof what + (note ? strlen(note) + 2 : 0);
    char *out = malloc(n);
    if (!out) {
        x->bad = 1;
        return;
    }
    int used = snprintf(out, n, "host-id=%lld family=%s device=%s", (long long)h->host_id,
                        fam ? fam : "unknown", dev ? dev : "unknown");
    if (h->firewall_suspect && used > 0 && (size_t)used < n)
        snprintf(out + used, n - (size_t)used, "%s%s%s", what, note ? ": " : "", note ? note : "");
    start(x, "hostscript");
    script(x, "agentscan", out);
    end(x);
    free(out);
}

static void host(xw *x, const as_export_ctx *c, const as_host_view *h)
{
    start(x, "host");
    start(x, "status");
    attr(x, "state", h->up ? "up" : "down");
    attr(x, "reason", h->up_reason);
    attr_int(x, "reason_ttl", h->reply_ttl);
    end(x);
    start(x, "address");
    attr(x, "addr", h->address);
    attr(x, "addrtype", "ipv4");
    end(x);
    if (h->mac) {
        char mac[32];
        size_t i = 0;
        /* One MAC form in every output: lower case, colons (nmap writes upper case; its
         * readers compare case-insensitively). */
        for (; h->mac[i] && i + 1 < sizeof mac; i++)
            mac[i] = h->mac[i] == '-' ? ':' : h->mac[i] >= 'A' && h->mac[i] <= 'F' ? h->mac[i] + 32
                                                                                   : h->mac[i];
        mac[i] = '\0';
        start(x, "address");
        attr(x, "addr", mac);
        attr(x, "addrtype", "mac");
        attr(x, "vendor", as_x_vendor(c, h));
        end(x);
    }
    start(x, "hostnames");
    if (*h->name) {
        start(x, "hostname");
        attr(x, "name", h->name);
        attr(x, "type", "PTR");
        end(x);
    }
    end(x);
    as_xml_script scripts[3];
    int oom;
    size_t nscripts = as_xml_identity_scripts(c, h, scripts, &oom);
    if (oom)
        x->bad = 1;
    start(x, "ports");
    for (size_t i = 0; i < h->nports; i++)
        port(x, c, h, &h->ports[i], scripts, nscripts);
    end(x);
    as_xml_scripts_free(scripts, nscripts);
    os(x, h);
    hostscripts(x, c, h);
    end(x);
}

typedef struct portset {
    int *v;
    size_t n;
} portset;

static int cmp_int(const void *a, const void *b)
{
    return (*(const int *)a > *(const int *)b) - (*(const int *)a < *(const int *)b);
}

/* The ports the scan probed on one protocol, from every host it stored. */
static int probed(const as_scan_view *v, const char *proto, portset *ps)
{
    size_t total = 0;
    for (size_t i = 0; i < v->nhosts; i++)
        total += v->hosts[i].nports;
    ps->n = 0;
    ps->v = malloc((total ? total : 1) * sizeof *ps->v);
    if (!ps->v)
        return -1;
    for (size_t i = 0; i < v->nhosts; i++)
        for (size_t j = 0; j < v->hosts[i].nports; j++)
            if (strcmp(v->hosts[i].ports[j].proto, proto) == 0)
                ps->v[ps->n++] = v->hosts[i].ports[j].port;
    qsort(ps->v, ps->n, sizeof *ps->v, cmp_int);
    size_t w = 0;
    for (size_t i = 0; i < ps->n; i++)
        if (w == 0 || ps->v[w - 1] != ps->v[i])
            ps->v[w++] = ps->v[i];
    ps->n = w;
    return 0;
}

/* <scaninfo>: nmap's "22-23,25,80" form of the probed ports, one element per protocol; TCP
 * always (nmap writes one in every file, and readers expect it), empty when no host's ports
 * are stored. */
static void scaninfo(xw *x, const as_scan_view *v, const char *proto)
{
    portset ps;
    if (probed(v, proto, &ps) < 0) {
        x->bad = 1;
        return;
    }
    char *buf = malloc(ps.n * 13 + 1), *w = buf;
    if (buf && ps.n > 0) {
        *w = '\0';
        for (size_t i = 0; i < ps.n;) {
            size_t j = i;
            while (j + 1 < ps.n && ps.v[j + 1] == ps.v[j] + 1)
                j++;
            w += j > i ? sprintf(w, "%s%d-%d", i ? "," : "", ps.v[i], ps.v[j])
                       : sprintf(w, "%s%d", i ? "," : "", ps.v[i]);
            i = j + 1;
        }
    }
    if (buf && (ps.n > 0 || strcmp(proto, "tcp") == 0)) {
        start(x, "scaninfo");
        attr(x, "type", strcmp(proto, "tcp") == 0 ? "syn" : "udp");
        attr(x, "protocol", proto);
        attr_int(x, "numservices", (long long)ps.n);
        attr(x, "services", ps.n ? buf : "");
        end(x);
    } else if (!buf)
        x->bad = 1;
    free(buf);
    free(ps.v);
}

static void timestr(double t, char *buf, size_t len)
{
    struct tm tm;
    time_t tt = (time_t)t;
    buf[0] = '\0';
    if (gmtime_r(&tt, &tm))
        strftime(buf, len, "%a %b %d %H:%M:%S %Y UTC", &tm);
}

static void head(xw *x, const as_scan_view *v, const char *stylesheet)
{
    char when[64], comment[160];
    timestr(v->started, when, sizeof when);
    if (!x->bad && xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0)
        x->bad = 1;
    if (!x->bad && xmlTextWriterWriteDTD(x->w, BAD_CAST "nmaprun", NULL, NULL, NULL) < 0)
        x->bad = 1;
    /* nmap's --stylesheet: browsers render the file through it. A quote would end the
     * pseudo-attribute, so such a path is refused where the option is read. */
    if (stylesheet && *stylesheet) {
        size_t n = strlen(stylesheet) + 32;
        char *pi = malloc(n);
        if (!pi)
            x->bad = 1;
        else {
            snprintf(pi, n, "href=\"%s\" type=\"text/xsl\"", stylesheet);
            if (!x->bad && xmlTextWriterWritePI(x->w, BAD_CAST "xml-stylesheet", BAD_CAST pi) < 0)
                x->bad = 1;
            free(pi);
        }
    }
    /* The arguments go into the args attribute only: a comment cannot hold "--". */
    snprintf(comment, sizeof comment, " agentscan %s scan %lld initiated %s ", AS_VERSION,
             (long long)v->id, when);
    if (!x->bad && xmlTextWriterWriteComment(x->w, BAD_CAST comment) < 0)
        x->bad = 1;
    start(x, "nmaprun");
    attr(x, "scanner", "nmap");     /* the DTD allows no other value */
    size_t n = strlen(v->options) + sizeof "agentscan scan ";
    char *args = malloc(n);
    if (args)
        snprintf(args, n, "agentscan scan %s", v->options);
    attr(x, "args", args ? args : "agentscan scan");
    free(args);
    attr_int(x, "start", (long long)v->started);
    attr(x, "startstr", when);
    attr(x, "version", AS_VERSION);
    attr(x, "xmloutputversion", "1.05");
    scaninfo(x, v, "tcp");
    scaninfo(x, v, "udp");
    start(x, "verbose");
    attr(x, "level", "0");
    end(x);
    start(x, "debugging");
    attr(x, "level", "0");
    end(x);
}

/* Always written, also for a scan that was interrupted or is still running: readers such
 * as ndiff and python-libnmap need it, and its exit attribute says how the scan ended. */
static void tail(xw *x, const as_scan_view *v)
{
    double fin = v->has_finished ? v->finished : v->started;
    char when[64], summary[256];
    timestr(fin, when, sizeof when);
    long long total = v->addresses >= 0 ? v->addresses : (long long)v->nhosts;
    long long up = (long long)v->nup, down = total > up ? total - up : 0;
    double elapsed = fin > v->started ? fin - v->started : 0;
    snprintf(summary, sizeof summary, "agentscan done at %s; %lld IP address%s (%lld host%s up) "
             "scanned in %.2f seconds", when, total, total == 1 ? "" : "es", up,
             up == 1 ? "" : "s", elapsed);
    int ok = strcmp(v->status, "complete") == 0;
    start(x, "runstats");
    start(x, "finished");
    attr_int(x, "time", (long long)fin);
    attr(x, "timestr", when);
    char el[32];
    snprintf(el, sizeof el, "%.2f", elapsed);
    attr(x, "elapsed", el);
    attr(x, "summary", summary);
    attr(x, "exit", ok ? "success" : "error");
    if (!ok)
        attr(x, "errormsg", strcmp(v->status, "running") == 0 ? "scan still running: partial "
             "results" : strcmp(v->status, "interrupted") == 0 ? "scan interrupted: results "
             "so far" : "scan failed: results so far");
    end(x);
    start(x, "hosts");
    attr_int(x, "up", up);
    attr_int(x, "down", down);
    attr_int(x, "total", total);
    end(x);
    end(x);
    end(x);     /* nmaprun */
}

static int out_write(void *ctx, const char *buf, int len)
{
    return fwrite(buf, 1, (size_t)len, ctx) == (size_t)len ? len : -1;
}

int as_export_xml(const as_export_ctx *c)
{
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(out_write, NULL, c->out, NULL);
    xw x = {ob ? xmlNewTextWriter(ob) : NULL, 0};
    if (!x.w) {
        if (ob)
            xmlOutputBufferClose(ob);
        return -1;
    }
    /* One element a line, no indentation: nmap's own layout. */
    if (xmlTextWriterSetIndent(x.w, 1) < 0 || xmlTextWriterSetIndentString(x.w, BAD_CAST "") < 0)
        x.bad = 1;
    head(&x, c->v, c->o->stylesheet);
    for (size_t i = 0; i < c->n; i++)
        host(&x, c, c->hosts[i]);
    tail(&x, c->v);
    if (!x.bad && xmlTextWriterEndDocument(x.w) < 0)
        x.bad = 1;
    xmlFreeTextWriter(x.w);     /* flushes and frees ob */
    return x.bad || ferror(c->out) ? -1 : 0;
}
