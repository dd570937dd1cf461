/* export_gone.c — `export --gone`: the machines seen up before a scan that are not up in it,
 * in the export's format, each with its host id and status "gone", so that a CMDB fed by
 * agentscan learns of retirements as it learns of new machines. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "db/export.h"
#include "db/store_internal.h"

typedef as_gone_host gone_host;

static int by_id(const void *a, const void *b)
{
    int64_t x = ((const gone_host *)a)->id, y = ((const gone_host *)b)->id;
    return (x > y) - (x < y);
}

static json_t *jstr(const char *s)
{
    if (!s || !*s)
        return json_null();
    char *c = as_text_clean(s, 0);
    json_t *j = c ? json_string(c) : NULL;
    free(c);
    return j ? j : json_null();
}

static json_t *flat(const gone_host *g)
{
    char when[32];
    as_when_iso(g->last_seen, when, sizeof when);
    return json_pack("{s:I, s:o, s:o, s:s, s:s, s:I}", "host_id", (json_int_t)g->id,
                     "address", jstr(g->address), "dns_name", jstr(g->name), "status", "gone",
                     "last_seen", when, "seen_count", (json_int_t)g->seen_count);
}

static json_t *cmdb_item(const gone_host *g)
{
    char when[32];
    as_when_iso(g->last_seen, when, sizeof when);
    return json_pack("{s:{s:I, s:o, s:o}, s:{s:s, s:s, s:I}}",
                     "identification", "host_id", (json_int_t)g->id, "name", jstr(g->name),
                     "ip_address", jstr(g->address),
                     "attributes", "status", "gone", "last_seen", when,
                     "seen_count", (json_int_t)g->seen_count);
}

static void csv_cell(FILE *out, const char *s, int first)
{
    char *c = as_text_clean(s ? s : "", 0);
    const char *v = c ? c : "";
    fprintf(out, "%s%s", first ? "" : ",", strchr("=+-@\t\r", v[0]) && v[0] ? "'" : "");
    if (strpbrk(v, ",\"\r\n")) {
        fputc('"', out);
        for (const char *p = v; *p; p++)
            fprintf(out, *p == '"' ? "\"\"" : "%c", *p);
        fputc('"', out);
    } else
        fputs(v, out);
    free(c);
}

static int write_all(const as_export_opts *o, int64_t scan, const gone_host *g, size_t n, FILE *out)
{
    size_t flags = JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15);
    if (o->format == AS_EXPORT_CSV) {
        fputs("host_id,address,dns_name,status,last_seen,seen_count\r\n", out);
        for (size_t i = 0; i < n; i++) {
            char when[32];
            as_when_iso(g[i].last_seen, when, sizeof when);
            fprintf(out, "%lld", (long long)g[i].id);
            csv_cell(out, g[i].address, 0);
            csv_cell(out, g[i].name, 0);
            fprintf(out, ",gone,%s,%lld\r\n", when, (long long)g[i].seen_count);
        }
        return ferror(out) ? -1 : 0;
    }
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        if (json_array_append_new(arr, o->format == AS_EXPORT_CMDB ? cmdb_item(&g[i]) : flat(&g[i])) < 0) {
            json_decref(arr);
            arr = NULL;
        }
    if (!arr)
        return -1;
    int rc = 0;
    if (o->format == AS_EXPORT_NDJSON) {
        for (size_t i = 0; rc == 0 && i < n; i++)
            rc = json_dumpf(json_array_get(arr, i), out, flags | JSON_COMPACT) || fputc('\n', out) == EOF;
    } else if (o->format == AS_EXPORT_CMDB) {
        json_t *root = json_pack("{s:{s:s, s:s}, s:{s:I, s:s}, s:O}", "generator", "name",
                                 "agentscan", "version", AS_VERSION, "scan", "scan_id",
                                 (json_int_t)scan, "retired", "gone", "items", arr);
        rc = !root || json_dumpf(root, out, flags | JSON_INDENT(2)) || fputc('\n', out) == EOF;
        json_decref(root);
    } else
        rc = json_dumpf(arr, out, flags | JSON_INDENT(2)) || fputc('\n', out) == EOF;
    json_decref(arr);
    return rc || ferror(out) ? -1 : 0;
}

int as_store_export_gone(as_store *st, const as_export_opts *o, FILE *out, char *err,
                         size_t errlen)
{
    if (o->format == AS_EXPORT_XML) {
        as_db_errf(st, err, errlen, "--gone: nmap XML has no place for machines not seen "
                   "(use csv, json, ndjson or cmdb)");
        return -1;
    }
    int64_t scan = o->scan_id ? o->scan_id : as_store_latest_scan(st, err, errlen);
    gone_host *g = NULL;
    size_t n = 0;
    if (scan < 0 || (scan > 0 && as_gone_load(st, scan, &g, &n, err, errlen) != 0))
        return -1;
    qsort(g, n, sizeof *g, by_id);
    int ret = 0;
    if (write_all(o, scan, g, n, out) != 0) {
        as_db_errf(st, err, errlen, "writing the export failed");
        ret = -1;
    }
    as_gone_free(g, n);
    return ret;
}
