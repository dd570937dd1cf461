/* hosts_table.c — `hosts` for people: the filters `export` has and more, and the table drawn
 * by util-linux's libsmartcols, fitted to the terminal (cells cut with an ellipsis, never
 * padded past what fits); piped, every value whole. Names off the network are made safe:
 * valid UTF-8 prints as itself, control characters and stray bytes become '?'. */
#include <ctype.h>
#include <libsmartcols/libsmartcols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "db/hosts_table.h"
#include "db/when.h"
#include "fingerprints/oui.h"

/* Length of the valid, printable UTF-8 sequence at s (0 if there is none): no C0/C1
 * controls, no overlong forms, no surrogates. */
static size_t utf8_char(const unsigned char *s)
{
    if (s[0] >= 0x20 && s[0] < 0x7f)
        return 1;
    size_t n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
             : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0)
        return 0;                                   /* C1 controls */
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
        return 0;                                   /* overlong, surrogates */
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
        return 0;
    return n;
}

char *as_hosts_cell_safe(const char *s)
{
    if (!s || !*s)
        return strdup("-");
    size_t len = strlen(s);
    char *d = malloc(len + 1), *w = d;
    if (!d)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t n = utf8_char(p);
        if (n == 0) {
            *w++ = '?';
            p++;
        } else {
            memcpy(w, p, n);
            w += n;
            p += n;
        }
    }
    *w = '\0';
    return d;
}

char *as_hosts_name_safe(const char *s)
{
    if (!s || !*s)
        return strdup("-");
    /* The engine stores a PTR name with every byte outside [A-Za-z0-9._-] as \DDD: decode,
     * then keep what is printable UTF-8 and write every other byte as \DDD again. */
    size_t len = strlen(s);
    unsigned char *raw = malloc(len + 1);
    char *d = malloc(len * 4 + 1), *w = d;
    if (!raw || !d) {
        free(raw);
        free(d);
        return NULL;
    }
    size_t n = 0;
    for (const char *p = s; *p;) {
        if (p[0] == '\\' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]) && atoi((char[]){p[1], p[2], p[3], 0}) < 256) {
            raw[n++] = (unsigned char)atoi((char[]){p[1], p[2], p[3], 0});
            p += 4;
        } else
            raw[n++] = (unsigned char)*p++;
    }
    raw[n] = 0;
    for (size_t i = 0; i < n;) {
        size_t k = raw[i] ? utf8_char(raw + i) : 0;
        if (k == 0 || (k == 1 && raw[i] == '\\')) {
            w += sprintf(w, "\\%03u", raw[i]);
            i++;
        } else {
            memcpy(w, raw + i, k);
            w += k;
            i += k;
        }
    }
    *w = '\0';
    free(raw);
    return d;
}

/* Display width of safe UTF-8 text, one column a character when the locale cannot tell. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    for (const char *p = s; *p;) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, p, strlen(p), &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            n = utf8_char((const unsigned char *)p);
            n = n ? n : 1;
            w++;
        } else {
            int cw = wcwidth(wc);
            w += cw > 0 ? (size_t)cw : 0;
        }
        p += n;
        memset(&st, 0, sizeof st);
    }
    return w;
}

/* Cuts *s to at most max display columns, the last one an ellipsis when anything was cut
 * (the string is reallocated when the ellipsis needs more bytes than it frees). */
static void cut_to(char **s, size_t max)
{
    if (max == 0 || text_width(*s) <= max)
        return;
    size_t w = 0;
    char *p = *s;
    while (*p) {
        size_t n = utf8_char((const unsigned char *)p);
        n = n ? n : 1;
        char save = p[n];
        p[n] = '\0';
        size_t cw = text_width(p);
        p[n] = save;
        if (w + cw > max - 1)
            break;
        w += cw;
        p += n;
    }
    size_t keep = (size_t)(p - *s);
    char *d = malloc(keep + 4);
    if (!d)
        return;     /* left uncut: the terminal wraps, nothing is lost */
    memcpy(d, *s, keep);
    memcpy(d + keep, "\xe2\x80\xa6", 4);    /* … */
    free(*s);
    *s = d;
}

static int want_host(const as_hosts_opts *o, const as_host_view *h)
{
    if ((o->up_only && !h->up) || (o->managed && !h->managed) || (o->unmanaged && h->managed) ||
        (o->deployable && (!h->deploy || !*h->deploy || h->firewall_suspect)))
        return 0;
    if (o->port > 0) {
        int open = 0;
        for (size_t i = 0; i < h->nports; i++)
            open |= h->ports[i].port == o->port && strcmp(h->ports[i].state, "open") == 0;
        if (!open)
            return 0;
    }
    if (o->os && *o->os) {
        const char *names[4] = {h->nos ? h->os[0].name : NULL, h->nos ? h->os[0].family : NULL,
                                h->os_passive, h->identity ? h->identity->os : NULL};
        int hit = 0;
        for (int i = 0; i < 4; i++)
            hit |= names[i] && strcasestr(names[i], o->os) != NULL;
        if (!hit)
            return 0;
    }
    return 1;
}

int as_hosts_keep(const as_hosts_opts *o, const as_host_view *h)
{
    return want_host(o, h);
}

/* An agent product by its short name: "Opsware/HP Server Automation agent" -> "Opsware". */
static void short_agents(const char *agents, char *out, size_t len)
{
    size_t w = 0;
    out[0] = '\0';
    for (const char *p = agents; p && *p && w + 1 < len;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t n = strcspn(p, "/ ,");
        if (n > 0)
            w += (size_t)snprintf(out + w, len - w, "%s%.*s", w ? "," : "", (int)n, p);
        p += strcspn(p, ",");
        if (w >= len)
            break;
    }
}

/* "ssh,smb,rdp?": the confirmed channels, then those only open with UNCONFIRMED after
 * each (their port answered a SYN, their protocol did not answer as itself). */
static char *deploy_cell(const as_host_view *h)
{
    size_t n = (h->deploy ? strlen(h->deploy) : 0) + (h->deploy_open ? strlen(h->deploy_open) * 2 : 0) + 2;
    char *buf = malloc(n);
    if (!buf)
        return NULL;
    snprintf(buf, n, "%s", h->deploy ? h->deploy : "");
    size_t used = strlen(buf);
    for (const char *p = h->deploy_open; p && *p;) {
        size_t k = strcspn(p, ", ");
        if (k > 0)
            used += (size_t)snprintf(buf + used, n - used, "%s%.*s" AS_HOSTS_UNCONFIRMED,
                                     used ? "," : "", (int)k, p);
        p += k;
        p += strspn(p, ", ");
    }
    char *safe = as_hosts_cell_safe(buf);
    free(buf);
    return safe;
}

int as_hosts_has_unconfirmed(const as_host_view *h)
{
    return (h->deploy_open && *h->deploy_open && !h->firewall_suspect) ||
           (!h->managed && h->identity && h->identity->agent_possible);
}

enum { C_ADDR, C_NAME, C_MAC, C_VENDOR, C_STATE, C_REASON, C_OS, C_PORTS, C_MANAGED, C_DEPLOY,
       C_N };
static const char *const titles[C_N] = {"ADDRESS", "NAME", "MAC", "VENDOR", "STATE", "REASON",
                                        "OS", "OPEN PORTS", "MANAGED", "DEPLOY"};
/* The columns that give way when the terminal is narrow (the widest first). */
static const int shrinkable[C_N] = {0, 1, 0, 1, 0, 1, 1, 1, 1, 1};
#define GAP 2       /* spaces between columns */

typedef struct cells {
    size_t n;
    char **v;               /* n rows of C_N cells */
} cells;

/* How narrow a column may get; its title is cut to it as its cells are. */
static size_t floor_of(int c)
{
    size_t t = text_width(titles[c]);
    return t < 5 ? t : 5;
}

/* Shrinks the widest shrinkable column one column at a time until the row fits width
 * (gaps of one space between columns, smartcols' separator). */
static void fit(size_t *w, const int *shown, size_t width)
{
    for (;;) {
        size_t total = 0, cols = 0;
        for (int c = 0; c < C_N; c++)
            if (shown[c])
                total += w[c], cols++;
        total += cols ? (cols - 1) * GAP : 0;
        if (total <= width)
            return;
        int widest = -1;
        for (int c = 0; c < C_N; c++)
            if (shown[c] && shrinkable[c] && w[c] > floor_of(c) && (widest < 0 || w[c] > w[widest]))
                widest = c;
        if (widest < 0)
            return;     /* nothing left to give: the terminal wraps */
        w[widest]--;
    }
}

int as_hosts_table(const as_scan_view *v, const as_hosts_opts *o, char *(*os_cell)(const as_host_view *),
                   char *(*ports_cell)(const as_host_view *), FILE *out)
{
    int shown[C_N] = {1, 1, 0, 0, 1, 1, 1, 1, 1, 1};
    for (size_t i = 0; i < v->nhosts; i++)
        if (as_hosts_keep(o, &v->hosts[i]) && v->hosts[i].mac && *v->hosts[i].mac)
            shown[C_MAC] = 1, shown[C_VENDOR] = o->oui != NULL;
    cells c = {0, calloc((v->nhosts ? v->nhosts : 1) * C_N, sizeof(char *))};
    size_t w[C_N];
    for (int k = 0; k < C_N; k++)
        w[k] = text_width(titles[k]);
    int rc = c.v ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < v->nhosts; i++) {
        const as_host_view *h = &v->hosts[i];
        if (!as_hosts_keep(o, h))
            continue;
        char **row = c.v + c.n++ * C_N, agents[256], managed[300];
        short_agents(h->agent, agents, sizeof agents);
        snprintf(managed, sizeof managed, "%s%s%s%s", h->managed ? "yes" : "no",
                 *agents ? " (" : "", agents, *agents ? ")" : "");
        if (!h->managed && h->identity && h->identity->agent_possible) {
            /* An agent's shared port is open but the agent did not answer: possible only. */
            short_agents(h->identity->agent_possible, agents, sizeof agents);
            snprintf(managed, sizeof managed, "no (%s" AS_HOSTS_UNCONFIRMED ")", agents);
        }
        const char *vendor = o->oui && h->mac ? as_oui_lookup_text(o->oui, h->mac) : NULL;
        char addr[64];
        snprintf(addr, sizeof addr, "%s%s", h->address, h->firewall_suspect ? "!" : "");
        row[C_ADDR] = as_hosts_cell_safe(addr);
        row[C_NAME] = as_hosts_name_safe(h->name);
        row[C_MAC] = as_hosts_cell_safe(h->mac);
        row[C_VENDOR] = as_hosts_cell_safe(vendor);
        row[C_STATE] = strdup(h->up ? "up" : "down");
        row[C_REASON] = as_hosts_cell_safe(h->up_reason);
        row[C_OS] = os_cell(h);
        row[C_PORTS] = ports_cell(h);
        row[C_MANAGED] = as_hosts_cell_safe(managed);
        /* Channels seen on a host a firewall or tarpit may answer for are not believed. */
        row[C_DEPLOY] = h->firewall_suspect && ((h->deploy && *h->deploy) ||
                                                (h->deploy_open && *h->deploy_open))
                            ? strdup("?") : deploy_cell(h);
        for (int k = 0; k < C_N; k++) {
            if (!row[k]) {
                rc = -1;
                break;
            }
            size_t tw = text_width(row[k]);
            w[k] = tw > w[k] ? tw : w[k];
        }
    }
    if (rc == 0 && o->width > 0) {
        /* A narrow terminal drops what matters least before cutting the rest to slivers. */
        if (o->width < 120)
            shown[C_REASON] = 0;
        if (o->width < 100)
            shown[C_VENDOR] = 0;
        fit(w, shown, (size_t)o->width);
        for (size_t i = 0; i < c.n; i++)
            for (int k = 0; k < C_N; k++)
                cut_to(&c.v[i * C_N + k], w[k]);
    }
    struct libscols_table *tb = rc == 0 ? scols_new_table() : NULL;
    if (rc == 0 && !tb)
        rc = -1;
    if (tb) {
        scols_table_enable_raw(tb, o->raw);
        if (!o->raw)
            scols_table_set_column_separator(tb, "  ");
        scols_table_set_stream(tb, out);
        /* Already fitted: smartcols lays out, it does not cut or wrap again. */
        scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER);
        struct libscols_column *col[C_N] = {0};
        for (int k = 0; k < C_N && rc == 0; k++) {
            char *title = strdup(titles[k]);
            if (title && o->width > 0)
                cut_to(&title, w[k]);
            if (shown[k] && (!title || !(col[k] = scols_table_new_column(tb, title, 0, 0))))
                rc = -1;
            free(title);
        }
        for (size_t i = 0; i < c.n && rc == 0; i++) {
            struct libscols_line *ln = scols_table_new_line(tb, NULL);
            for (int k = 0, n = 0; ln && k < C_N && rc == 0; k++)
                if (shown[k] && scols_line_set_data(ln, (size_t)n++, c.v[i * C_N + k]) != 0)
                    rc = -1;
            if (!ln)
                rc = -1;
        }
        if (rc == 0 && c.n > 0 && scols_print_table(tb) != 0)
            rc = -1;
        scols_unref_table(tb);
    }
    for (size_t i = 0; c.v && i < c.n * C_N; i++)
        free(c.v[i]);
    free(c.v);
    return rc;
}

int as_hosts_gone(as_store *st, const as_scan_view *v, int json, FILE *out, char *err,
                  size_t errlen)
{
    as_gone_host *g;
    size_t n;
    if (as_gone_load(st, v->id, &g, &n, err, errlen) != 0)
        return -2;
    if (json)
        fputs("[", out);
    else
        fprintf(out, "hosts seen up before scan %lld that are not up in it\n", (long long)v->id);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char when[32];
        as_when_iso(g[i].last_seen, when, sizeof when);
        char *addr = as_hosts_cell_safe(g[i].address);
        char *name = as_hosts_cell_safe(g[i].name);
        if (!addr || !name)
            rc = -1;
        else if (json) {
            /* Addresses are dotted quads and names are stored escaped (\DDD): printable
             * ASCII, so only " and \ need escaping. */
            fprintf(out, "%s\n  {\"host_id\": %lld, \"address\": \"%s\", \"name\": ", i ? "," : "",
                    (long long)g[i].id, addr);
            if (strcmp(name, "-") == 0)
                fputs("null", out);
            else {
                fputc('"', out);
                for (const char *p = name; *p; p++)
                    fprintf(out, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
                fputc('"', out);
            }
            fprintf(out, ", \"status\": \"gone\", \"last_seen\": \"%s\", \"seen_count\": %lld}",
                    when, (long long)g[i].seen_count);
        } else {
            if (i == 0)
                fprintf(out, "%-16s %-32s %-21s %s\n", "ADDRESS", "NAME", "LAST SEEN UP", "SEEN");
            fprintf(out, "%-16s %-32s %-21s %lld\n", addr, name, when, (long long)g[i].seen_count);
        }
        free(addr);
        free(name);
    }
    as_gone_free(g, n);
    if (rc == 0)
        fputs(json ? (n ? "\n]\n" : "]\n") : "", out);
    return rc;
}
