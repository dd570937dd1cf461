/* hostname.c — choosing a host's name among the candidates the probes found (SMB's own DNS
 * name, PTR, SNMP sysName, TLS names, NetBIOS): source weight plus agreement. */
#include "fingerprints/identity.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const name_sources[AS_NAME_COUNT] = {
    "smb-dns", "ptr", "snmp", "tls-san", "netbios", "tls-cn",
};
static const int weight[AS_NAME_COUNT] = {50, 40, 30, 20, 15, 10};

const char *as_name_source_name(int source)
{
    return source >= 0 && source < AS_NAME_COUNT ? name_sources[source] : "?";
}

static int usable(const as_name_cand *c)
{
    const char *s = c->name;
    size_t n = strnlen(s, AS_NAME_MAX);
    if (c->source < 0 || c->source >= AS_NAME_COUNT || n == 0 || n >= AS_NAME_MAX ||
        !strncasecmp(s, "localhost", 9) || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.' && s[i] != '-' && s[i] != '_')
            return 0;
    return 1;
}

static size_t first_label(const char *s)
{
    const char *dot = strchr(s, '.');
    return dot ? (size_t)(dot - s) : strlen(s);
}

static int same_host(const char *a, const char *b)
{
    size_t la = first_label(a), lb = first_label(b);
    return la == lb && strncasecmp(a, b, la) == 0;
}

/* How many other sources (each counted once) name the same host as c[i]. */
static int agreement(const as_name_cand *c, size_t n, size_t i)
{
    unsigned seen = 0;
    int k = 0;
    for (size_t j = 0; j < n; j++)
        if (j != i && usable(&c[j]) && c[j].source != c[i].source &&
            !(seen & 1u << c[j].source) && same_host(c[i].name, c[j].name)) {
            seen |= 1u << c[j].source;
            k++;
        }
    return k;
}

int as_identity_name(const as_name_cand *c, size_t n, as_name_choice *out)
{
    memset(out, 0, sizeof *out);
    out->chosen = -1;
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        if (!usable(&c[i]))
            continue;
        int agree = agreement(c, n, i);
        int score = weight[c[i].source] + 25 * agree + (strchr(c[i].name, '.') ? 5 : 0);
        if (score > best) {
            best = score;
            out->chosen = (long)i;
            out->agree = agree;
        }
    }
    if (out->chosen < 0)
        return -ENOENT;
    const char *s = c[out->chosen].name;
    size_t len = strnlen(s, AS_NAME_MAX - 1);
    while (len > 1 && s[len - 1] == '.')
        len--;
    for (size_t i = 0; i < len; i++)
        out->name[i] = (char)tolower((unsigned char)s[i]);
    out->name[len] = '\0';
    return 0;
}
