/* export_csv.c — `export --format csv`: RFC 4180 (CRLF, quotes doubled), a fixed column set
 * documented in README, and cells that a spreadsheet would run as a formula neutralised. */
#include <stdlib.h>
#include <string.h>

#include "db/export_internal.h"

static const char *const columns[] = {
    "address", "status", "mac", "mac_vendor", "dns_name", "netbios_name", "os_name",
    "os_accuracy", "os_vendor", "os_family", "os_type", "os_cpe", "open_ports",
    "filtered_login_ports", "managed", "agent", "deploy", "first_seen", "last_seen",
    "seen_count", "scan_id", "firewall_suspect", "firewall_note", "host_id", "family",
    "device_type",
    /* the identity phase (appended: the columns before keep their places) */
    "os_verdict", "os_verdict_source", "os_verdict_confidence", "os_version",
    "netbios_domain", "host_name", "host_name_source", "dns_domain", "deploy_open",
    "agent_possible",
};
#define NCOL (sizeof columns / sizeof columns[0])

/* One cell. A leading = + - @ tab or CR makes Excel, LibreOffice and Sheets evaluate the
 * cell (OWASP "CSV injection"), so such a cell gets a leading apostrophe, which they show
 * as text. Quotes only when RFC 4180 needs them, so plain rows stay byte-stable. */
static void cell(FILE *out, const char *s, int first)
{
    if (!first)
        fputc(',', out);
    char *c = as_text_clean(s ? s : "", 0);
    const char *v = c ? c : "";
    int neutral = strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0';
    if (!strpbrk(v, ",\"\r\n")) {
        fprintf(out, "%s%s", neutral ? "'" : "", v);
        free(c);
        return;
    }
    fputc('"', out);
    if (neutral)
        fputc('\'', out);
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
    free(c);
}

static void cell_int(FILE *out, long long v, int known)
{
    fputc(',', out);
    if (known)
        fprintf(out, "%lld", v);
}

/* MACs are stored lower-case already; other writers of the file may not have. */
static void mac_lower(const char *mac, char *buf, size_t len)
{
    size_t i = 0;
    for (; mac && mac[i] && i + 1 < len; i++)
        buf[i] = mac[i] == '-' ? ':' : (mac[i] >= 'A' && mac[i] <= 'F') ? mac[i] + 32 : mac[i];
    buf[i] = '\0';
}

static int row(const as_export_ctx *x, const as_host_view *h)
{
    FILE *out = x->out;
    const as_os_view *os = as_x_best_os(h);
    char mac[32], first[32], last[32];
    mac_lower(h->mac, mac, sizeof mac);
    as_when_iso(h->first_seen, first, sizeof first);
    as_when_iso(h->last_seen, last, sizeof last);
    int acc, oom = 0;
    char *open = as_x_ports(x, h, 0), *login = as_x_ports(x, h, 1);
    char *os_name = as_x_os_name(h, &acc, &oom);
    if (!open || !login || oom) {
        free(open);
        free(login);
        free(os_name);
        return -1;
    }
    cell(out, h->address, 1);
    cell(out, h->up ? "up" : "down", 0);
    cell(out, mac, 0);
    cell(out, as_x_vendor(x, h), 0);
    cell(out, h->name, 0);
    const as_identity_view *d = h->identity;
    cell(out, d ? d->netbios_name : NULL, 0);
    cell(out, os_name, 0);
    cell_int(out, acc, acc >= 0);
    cell(out, os ? os->vendor : NULL, 0);
    cell(out, os ? os->family : NULL, 0);
    cell(out, os ? os->type : NULL, 0);
    cell(out, os ? os->cpe : NULL, 0);
    cell(out, open, 0);
    cell(out, login, 0);
    cell(out, h->managed ? "true" : "false", 0);
    cell(out, h->agent, 0);
    cell(out, h->deploy, 0);
    cell(out, first, 0);
    cell(out, last, 0);
    cell_int(out, h->seen_count, 1);
    cell_int(out, x->v->id, 1);
    cell(out, h->firewall_suspect ? "true" : "false", 0);
    cell(out, as_x_firewall_note(h), 0);
    cell_int(out, h->host_id, 1);
    cell(out, as_x_family(x, h), 0);
    cell(out, as_x_device(x, h), 0);
    cell(out, d ? d->os : NULL, 0);
    cell(out, d && d->os ? d->os_source : NULL, 0);
    cell_int(out, d ? d->os_confidence : 0, d && d->os && d->os_confidence >= 0);
    cell(out, d ? d->os_version : NULL, 0);
    cell(out, d ? d->netbios_domain : NULL, 0);
    cell(out, d ? d->name : NULL, 0);
    cell(out, d && d->name ? d->name_source : NULL, 0);
    cell(out, d ? d->dns_domain : NULL, 0);
    cell(out, h->deploy_open, 0);
    cell(out, d ? d->agent_possible : NULL, 0);
    fputs("\r\n", out);
    free(open);
    free(login);
    free(os_name);
    return 0;
}

int as_export_csv(const as_export_ctx *x)
{
    for (size_t c = 0; c < NCOL; c++)
        fprintf(x->out, "%s%s", c ? "," : "", columns[c]);
    fputs("\r\n", x->out);
    for (size_t i = 0; i < x->n; i++)
        if (row(x, x->hosts[i]) < 0)
            return -1;
    return ferror(x->out) ? -1 : 0;
}
