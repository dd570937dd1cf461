/* portspec.c — port list parser (see portspec.h): a 65536-bit map, then the sorted list. */
#include "engine/portspec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_port(const char *spec, size_t *i, unsigned *out, char *err, size_t errlen)
{
    size_t start = *i;
    unsigned long v = 0;
    while (spec[*i] >= '0' && spec[*i] <= '9') {
        v = v * 10 + (unsigned long)(spec[*i] - '0');
        if (v > 65535) {
            snprintf(err, errlen, "bad port list '%s': port out of range (1-65535) at position %zu", spec, start + 1);
            return -1;
        }
        (*i)++;
    }
    if (*i == start) {
        snprintf(err, errlen, "bad port list '%s': expected a port number at position %zu", spec, start + 1);
        return -1;
    }
    if (v == 0) {
        snprintf(err, errlen, "bad port list '%s': port 0 cannot be scanned at position %zu", spec, start + 1);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

static int parse_item(const char *spec, size_t *i, uint8_t *map, char *err, size_t errlen)
{
    size_t start = *i;
    unsigned lo = 1, hi = 65535;
    if (spec[*i] != '-' && read_port(spec, i, &lo, err, errlen) != 0)
        return -1;
    hi = lo;
    if (spec[*i] == '-') {
        (*i)++;
        hi = 65535;
        if (spec[*i] != ',' && spec[*i] != '\0' && read_port(spec, i, &hi, err, errlen) != 0)
            return -1;
    }
    if (lo > hi) {
        snprintf(err, errlen, "bad port list '%s': range %u-%u runs backwards at position %zu", spec, lo, hi, start + 1);
        return -1;
    }
    for (unsigned p = lo; p <= hi; p++)
        map[p >> 3] |= (uint8_t)(1u << (p & 7));
    return 0;
}

int as_portspec_parse(const char *spec, uint16_t **out, size_t *count, char *err, size_t errlen)
{
    uint8_t map[8192];
    memset(map, 0, sizeof map);
    *out = NULL;
    *count = 0;
    size_t i = 0;
    if (strncmp(spec, "T:", 2) == 0)
        i = 2;
    if (spec[i] == '\0') {
        snprintf(err, errlen, "bad port list '%s': empty", spec);
        return -1;
    }
    for (;;) {
        if (parse_item(spec, &i, map, err, errlen) != 0)
            return -1;
        if (spec[i] == '\0')
            break;
        if (spec[i] != ',' || spec[i + 1] == '\0') {
            snprintf(err, errlen, "bad port list '%s': unexpected '%c' at position %zu", spec,
                     spec[i] == ',' ? ',' : spec[i], i + 1);
            return -1;
        }
        i++;
    }
    size_t n = 0;
    for (unsigned p = 1; p < 65536; p++)
        n += (map[p >> 3] >> (p & 7)) & 1;
    uint16_t *list = malloc(n * sizeof *list);
    if (list == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    n = 0;
    for (unsigned p = 1; p < 65536; p++)
        if ((map[p >> 3] >> (p & 7)) & 1)
            list[n++] = (uint16_t)p;
    *out = list;
    *count = n;
    return 0;
}
