/* when.c — parses scan ids, ISO 8601 dates and ages ("7d") from the command line, strictly:
 * every digit is checked and every field range-checked, so a typo is an error, not a date. */
#include "db/when.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (Howard Hinnant's
 * days_from_civil): no timegm(), no TZ environment, the same answer everywhere. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Exactly n decimal digits at *p; advances past them. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static void quote(const char *s, char *buf, size_t len)
{
    size_t i = 0;
    for (; s[i] && i + 1 < len && i < 40; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
    buf[i] = '\0';
}

/* "Z", "+HH:MM", "+HHMM", "-HH..." or nothing; the offset in seconds east of UTC. */
static int parse_zone(const char *p, long *offset)
{
    *offset = 0;
    if (*p == '\0' || (p[0] == 'Z' && p[1] == '\0'))
        return 0;
    if (*p != '+' && *p != '-')
        return -1;
    int sign = *p++ == '-' ? -1 : 1, hh, mm;
    if (digits(&p, 2, &hh) < 0)
        return -1;
    if (*p == ':')
        p++;
    if (digits(&p, 2, &mm) < 0 || *p != '\0' || hh > 14 || mm > 59)
        return -1;
    *offset = sign * (hh * 3600L + mm * 60L);
    return 0;
}

static int parse_date(const char *s, double *out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
        digits(&p, 2, &d) < 0)
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
            return -1;
        if (*p == ':' && (p++, digits(&p, 2, &sec) < 0))
            return -1;
        if (h > 23 || mi > 59 || sec > 60)
            return -1;
    }
    long offset;
    if (parse_zone(p, &offset) < 0)
        return -1;
    *out = (double)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600L +
                    mi * 60L + sec - offset);
    return 0;
}

/* "30m": a count and one unit letter. */
static int parse_age(const char *s, double now, double *out)
{
    double n = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((n = n * 10 + (*p - '0')) > 1e9)
            return -1;
    if (p == s || p[1] != '\0')
        return -1;
    static const char units[] = "smhdw";
    static const double secs[] = {1, 60, 3600, 86400, 604800};
    const char *u = *p ? strchr(units, *p) : NULL;
    if (!u)
        return -1;
    *out = now - n * secs[u - units];
    return 0;
}

int as_when_parse(const char *s, double now, int allow_scan, as_when *out,
                  char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char q[48];
    quote(s ? s : "", q, sizeof q);
    if (!s || !*s) {
        snprintf(err, errlen, "empty date (give e.g. 2024-05-01, 7d%s)",
                 allow_scan ? " or a scan number" : "");
        return -1;
    }
    size_t n = strspn(s, "0123456789");
    if (s[n] == '\0') {
        if (!allow_scan || n > 15) {
            snprintf(err, errlen, "'%s' is not a date or an age (e.g. 2024-05-01, 7d)", q);
            return -1;
        }
        out->is_scan = 1;
        for (size_t i = 0; i < n; i++)
            out->scan_id = out->scan_id * 10 + (s[i] - '0');
        if (out->scan_id > 0)
            return 0;
        snprintf(err, errlen, "scan numbers start at 1, not '%s'", q);
        return -1;
    }
    if (parse_age(s, now, &out->time) == 0 || parse_date(s, &out->time) == 0)
        return 0;
    snprintf(err, errlen, "'%s' is not a %sdate (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM], UTC "
             "unless a zone is given) or an age (90s, 30m, 12h, 7d, 2w)", q,
             allow_scan ? "scan number, a " : "");
    return -1;
}

void as_when_iso(double t, char *buf, size_t len)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (len == 0)
        return;
    buf[0] = '\0';
    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
