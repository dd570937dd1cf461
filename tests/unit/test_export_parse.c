/* test_export_parse.c — hostile names through every export and back through real parsers:
 * an RFC 4180 reader, jansson and libxml2 (validating against nmap.dtd when installed). */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/valid.h>
#include <jansson.h>

#include "export_fixture.h"

#define NMAP_DTD "/usr/share/nmap/nmap.dtd"

/* An RFC 4180 reader: rows of cells, quotes doubled inside quoted cells, CRLF rows. Fills
 * cells[row][col] (caller frees each); returns the number of rows, -1 if malformed. */
#define MAXR 16
#define MAXC 48
static int csv_read(const char *s, char *cells[MAXR][MAXC], int ncols[MAXR])
{
    int r = 0, c = 0;
    char buf[1024];
    size_t n = 0;
    memset(ncols, 0, MAXR * sizeof *ncols);
    while (*s && r < MAXR) {
        n = 0;
        if (*s == '"') {
            for (s++;; s++) {
                if (*s == '\0')
                    return -1;
                if (*s == '"' && s[1] == '"')
                    buf[n++] = *s++;
                else if (*s == '"') {
                    s++;
                    break;
                } else
                    buf[n++] = *s;
            }
        } else
            while (*s && *s != ',' && *s != '\r' && *s != '\n' && *s != '"')
                buf[n++] = *s++;
        buf[n] = '\0';
        cells[r][c++] = strdup(buf);
        if (*s == ',') {
            s++;
            continue;
        }
        if (s[0] != '\r' || s[1] != '\n')
            return -1;      /* RFC 4180 rows end in CRLF; a bare quote or LF is an error */
        s += 2;
        ncols[r++] = c;
        c = 0;
    }
    return r;
}

static void csv_free(char *cells[MAXR][MAXC], const int ncols[MAXR], int rows)
{
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < ncols[r]; c++)
            free(cells[r][c]);
}

START_TEST(csv_round_trip)
{
    char *out = export_fmt(AS_EXPORT_CSV), *cells[MAXR][MAXC];
    int ncols[MAXR], rows = csv_read(out, cells, ncols);
    ck_assert_int_eq(rows, 5);
    for (int r = 0; r < rows; r++)
        ck_assert_int_eq(ncols[r], 36);      /* 26, then the identity phase's 10 */
    ck_assert_str_eq(cells[0][6], "os_name");
    ck_assert_str_eq(cells[0][22], "firewall_note");
    ck_assert_str_eq(cells[0][23], "host_id");
    ck_assert_str_eq(cells[1][23], "2");             /* stored second */
    ck_assert_str_eq(cells[0][24], "family");
    ck_assert_str_eq(cells[2][24], "unix");          /* Linux 5.0 - 5.14 */
    ck_assert_str_eq(cells[3][24], "windows");       /* the passive guess, as in the table */
    ck_assert_str_eq(cells[0][25], "device_type");
    ck_assert_str_eq(cells[1][25], "network");       /* a WAP is no server */
    ck_assert_str_eq(cells[1][0], "198.18.1.9");
    ck_assert_str_eq(cells[1][4], "'" HOSTILE);     /* neutralised, otherwise intact */
    ck_assert_str_eq(cells[1][6], "'" HOSTILE);     /* the OS name too */
    ck_assert_str_eq(cells[1][7], "88");
    ck_assert_str_eq(cells[1][8], "Ev\"il <&>\x02");
    ck_assert_str_eq(cells[1][10], "WAP");
    ck_assert_str_eq(cells[1][21], "true");
    ck_assert_str_eq(cells[1][22], "'" HOSTILE);
    ck_assert_str_eq(cells[2][6], "Linux 5.0 - 5.14");
    ck_assert_str_eq(cells[2][11], "cpe:/o:linux:linux_kernel:5");
    ck_assert_str_eq(cells[2][12], "22,80,1002,53/udp");
    ck_assert_str_eq(cells[2][13], "445");
    ck_assert_str_eq(cells[2][21], "false");
    ck_assert_str_eq(cells[2][22], "");
    /* no full detection: the passive guess, marked, with its accuracy */
    ck_assert_str_eq(cells[3][6], "Windows (passive)");
    ck_assert_str_eq(cells[3][7], "70");
    ck_assert_str_eq(cells[3][9], "");
    ck_assert_str_eq(cells[4][6], "");
    ck_assert_str_eq(cells[4][7], "");
    csv_free(cells, ncols, rows);
    free(out);
}
END_TEST

/* Every formula lead character is neutralised; the same character elsewhere is not. */
START_TEST(csv_injection)
{
    static const char *const names[] = {"+1", "-2", "@SUM(A1)", "\tx", "\ry", "a=b", "=", "ok"};
    int64_t id = as_store_begin_scan(st, "198.18.2.0/24", "", STARTED + 100, err, sizeof err);
    ck_assert_int_gt(id, 0);
    for (int i = 0; i < 8; i++) {
        as_host_record h = { .ip = IP(198, 18, 2, 1 + i), .up = 1, .rtt_us = -1 };
        strcpy(h.up_reason, "reset");
        strcpy(h.name, names[i]);
        add(id, &h);
    }
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = AS_EXPORT_CSV;
    o.scan_id = id;
    char *out = export_to_string(&o, NULL), *cells[MAXR][MAXC];
    int ncols[MAXR], rows = csv_read(out, cells, ncols);
    ck_assert_int_eq(rows, 9);
    for (int i = 0; i < 8; i++) {
        char want[16];
        int lead = strchr("=+-@\t\r", names[i][0]) != NULL;
        snprintf(want, sizeof want, "%s%s", lead ? "'" : "", names[i]);
        ck_assert_str_eq(cells[i + 1][4], want);
    }
    csv_free(cells, ncols, rows);
    free(out);
}
END_TEST

static json_t *host_named(json_t *arr, const char *addr)
{
    size_t i;
    json_t *h;
    json_array_foreach(arr, i, h)
        if (strcmp(json_string_value(json_object_get(h, "address")), addr) == 0)
            return h;
    return NULL;
}

START_TEST(json_round_trip)
{
    char *out = export_fmt(AS_EXPORT_JSON);
    json_error_t je;
    json_t *arr = json_loads(out, 0, &je);
    ck_assert_msg(arr && json_is_array(arr), "%s", je.text);
    ck_assert_int_eq(json_array_size(arr), 4);
    json_t *h = host_named(arr, "198.18.1.9");
    ck_assert_str_eq(json_string_value(json_object_get(h, "dns_name")), HOSTILE);
    ck_assert_str_eq(json_string_value(json_object_get(h, "os_name")), HOSTILE);
    ck_assert_str_eq(json_string_value(json_object_get(h, "os_vendor")), "Ev\"il <&>\x02");
    ck_assert(json_is_true(json_object_get(h, "firewall_suspect")));
    ck_assert_str_eq(json_string_value(json_object_get(h, "firewall_note")), HOSTILE);
    h = host_named(arr, "198.18.1.10");
    ck_assert(json_is_true(json_object_get(h, "managed")));
    ck_assert_str_eq(json_string_value(json_object_get(h, "os_name")), "Linux 5.0 - 5.14");
    ck_assert_int_eq(json_integer_value(json_object_get(h, "os_accuracy")), 95);
    ck_assert_int_eq(json_array_size(json_object_get(h, "open_ports")), 4);
    ck_assert(json_is_false(json_object_get(h, "firewall_suspect")));
    ck_assert(json_is_null(json_object_get(h, "firewall_note")));
    h = host_named(arr, "198.18.1.11");
    ck_assert_str_eq(json_string_value(json_object_get(h, "os_name")), "Windows (passive)");
    ck_assert_int_eq(json_integer_value(json_object_get(h, "os_accuracy")), 70);
    ck_assert(json_is_null(json_object_get(h, "os_family")));
    h = host_named(arr, "198.18.1.100");
    ck_assert(json_is_null(json_object_get(h, "os_name")));
    ck_assert(json_is_null(json_object_get(h, "os_accuracy")));
    json_decref(arr);
    free(out);
}
END_TEST

START_TEST(ndjson_and_cmdb_parse)
{
    char *out = export_fmt(AS_EXPORT_NDJSON), *save = NULL;
    int lines = 0;
    for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save), lines++) {
        json_t *o = json_loads(l, 0, NULL);
        ck_assert_msg(json_is_object(o), "line %d: %s", lines, l);
        json_decref(o);
    }
    ck_assert_int_eq(lines, 4);
    free(out);
    out = export_fmt(AS_EXPORT_CMDB);
    json_t *root = json_loads(out, 0, NULL);
    json_t *item = json_array_get(json_object_get(root, "items"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(item, "identification"),
                                                       "name")), HOSTILE);
    json_t *cls = json_object_get(item, "classification");
    json_t *attrs = json_object_get(item, "attributes");
    ck_assert_str_eq(json_string_value(json_object_get(cls, "os_name")), HOSTILE);
    ck_assert_str_eq(json_string_value(json_object_get(cls, "device_type")), "network");
    ck_assert(json_is_true(json_object_get(attrs, "firewall_suspect")));
    ck_assert_str_eq(json_string_value(json_object_get(attrs, "firewall_note")), HOSTILE);
    /* the passive guess names the OS; the family comes from the login channel (RDP) */
    cls = json_object_get(json_array_get(json_object_get(root, "items"), 2), "classification");
    ck_assert_str_eq(json_string_value(json_object_get(cls, "os_name")), "Windows (passive)");
    ck_assert_int_eq(json_integer_value(json_object_get(cls, "os_accuracy")), 70);
    ck_assert_str_eq(json_string_value(json_object_get(cls, "os_family")), "windows");
    json_decref(root);
    free(out);
}
END_TEST

/* Parses (and validates when nmap's DTD is installed); returns the document. */
static xmlDocPtr xml_parse(const char *out)
{
    xmlDocPtr doc = xmlReadMemory(out, (int)strlen(out), "export.xml", NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "not well-formed XML");
    if (access(NMAP_DTD, R_OK) == 0) {
        xmlDtdPtr dtd = xmlParseDTD(NULL, BAD_CAST NMAP_DTD);
        xmlValidCtxtPtr vc = xmlNewValidCtxt();
        ck_assert_ptr_nonnull(dtd);
        ck_assert_msg(xmlValidateDtd(vc, doc, dtd) == 1, "does not validate against nmap.dtd");
        xmlFreeValidCtxt(vc);
        xmlFreeDtd(dtd);
    }
    return doc;
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

START_TEST(xml_round_trip)
{
    char *out = export_fmt(AS_EXPORT_XML);
    xmlDocPtr doc = xml_parse(out);
    xmlNodePtr host = child(xmlDocGetRootElement(doc), "host");
    xmlNodePtr hn = child(child(host, "hostnames"), "hostname");
    xmlChar *name = xmlGetProp(hn, BAD_CAST "name");
    /* XML 1.0 cannot carry \x01 or \x1f at all: they become '?'; the rest survives. */
    ck_assert_str_eq((const char *)name, "=cmd|' /C calc'!A0,\"x\"\n<b>&amp;??\r;");
    xmlFree(name);
    ck_assert_ptr_nonnull(child(xmlDocGetRootElement(doc), "runstats"));
    xmlFreeDoc(doc);
    free(out);
}
END_TEST

static char *prop(xmlNodePtr n, const char *name)
{
    ck_assert_ptr_nonnull(n);
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    ck_assert_msg(v != NULL, "no attribute %s on <%s>", name, (const char *)n->name);
    char *d = strdup((const char *)v);
    xmlFree(v);
    return d;
}

static void ck_prop(xmlNodePtr n, const char *name, const char *want)
{
    char *got = prop(n, name);
    ck_assert_str_eq(got, want);
    free(got);
}

/* The next element after n with the same name. */
static xmlNodePtr next_same(xmlNodePtr n)
{
    for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, n->name))
            return c;
    return NULL;
}

static xmlNodePtr nth_host(xmlDocPtr doc, int n)
{
    xmlNodePtr h = child(xmlDocGetRootElement(doc), "host");
    while (h && n-- > 0)
        h = next_same(h);
    return h;
}

/* OS guesses as osmatch/osclass, the fingerprint as osfingerprint, the firewall note as a
 * host script; hostile text escaped (controls XML cannot carry become '?'), and valid. */
START_TEST(xml_os_and_firewall)
{
    char *out = export_fmt(AS_EXPORT_XML);
    xmlDocPtr doc = xml_parse(out);
    const char *evil_xml = "=cmd|' /C calc'!A0,\"x\"\n<b>&amp;??\r;";
    xmlNodePtr evil = nth_host(doc, 0), m = nth_host(doc, 1), win = nth_host(doc, 2);
    xmlNodePtr match = child(child(evil, "os"), "osmatch");
    ck_prop(match, "name", evil_xml);
    ck_prop(match, "accuracy", "88");
    ck_prop(child(match, "osclass"), "vendor", "Ev\"il <&>?");
    ck_prop(child(match, "osclass"), "type", "WAP");
    xmlChar *cpe = xmlNodeGetContent(child(child(match, "osclass"), "cpe"));
    ck_assert_str_eq((const char *)cpe, "cpe:/h:<&>?");
    xmlFree(cpe);
    ck_assert_ptr_null(child(child(evil, "os"), "osfingerprint"));
    xmlNodePtr script = child(child(evil, "hostscript"), "script");
    ck_prop(script, "id", "agentscan");
    char *want = malloc(strlen(evil_xml) + 160);
    /* TTL 64, a WAP; then the firewall note, in the one script ndiff can read */
    sprintf(want, "host-id=2 family=unix device=network; firewall-suspect: replies may come from "
            "a firewall, not the host: %s", evil_xml);
    ck_prop(script, "output", want);
    free(want);
    ck_assert_ptr_null(next_same(script));

    xmlNodePtr os = child(m, "os");
    match = child(os, "osmatch");
    ck_prop(match, "name", "Linux 5.0 - 5.14");
    ck_prop(next_same(match), "name", "Linux 4.15");
    ck_prop(next_same(match), "accuracy", "90");
    ck_assert_ptr_null(next_same(next_same(match)));
    ck_prop(child(os, "osfingerprint"), "fingerprint", FPRINT);
    /* no firewall note: the host id and class only */
    xmlNodePtr ms = child(child(m, "hostscript"), "script");
    ck_prop(ms, "id", "agentscan");
    ck_prop(ms, "output", "host-id=1 family=unix device=server");
    ck_assert_ptr_null(next_same(ms));
    /* nmap XML has no place for a passive guess */
    ck_prop(child(win, "address"), "addr", "198.18.1.11");
    ck_assert_ptr_null(child(win, "os"));
    xmlFreeDoc(doc);
    free(out);
}
END_TEST

/* An interrupted scan, and bytes that are not UTF-8: still a valid document. */
START_TEST(xml_interrupted_and_bad_utf8)
{
    int64_t id = as_store_begin_scan(st, "198.18.3.0/24", "--max-rate 10 198.18.3.0/24",
                                     STARTED + 200, err, sizeof err);
    as_host_record h = { .ip = IP(198, 18, 3, 1), .up = 1, .rtt_us = -1 };
    strcpy(h.up_reason, "syn-ack");
    strcpy(h.name, "bad\xc3\x28utf8\xff");
    add(id, &h);
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_INTERRUPTED, STARTED + 201, NULL, err,
                                       sizeof err), 0);
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = AS_EXPORT_XML;
    char *out = export_to_string(&o, NULL);
    xmlDocPtr doc = xml_parse(out);
    xmlNodePtr fin = child(child(xmlDocGetRootElement(doc), "runstats"), "finished");
    xmlChar *exit_attr = xmlGetProp(fin, BAD_CAST "exit");
    ck_assert_str_eq((const char *)exit_attr, "error");
    xmlFree(exit_attr);
    xmlFreeDoc(doc);
    free(out);
    o.format = AS_EXPORT_JSON;
    out = export_to_string(&o, NULL);
    json_t *arr = json_loads(out, 0, NULL);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(arr, 0), "dns_name")),
                     "bad?(utf8?");
    json_decref(arr);
    free(out);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("export_parse");
    TCase *t = tcase_create("parse");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, csv_round_trip);
    tcase_add_test(t, csv_injection);
    tcase_add_test(t, json_round_trip);
    tcase_add_test(t, ndjson_and_cmdb_parse);
    tcase_add_test(t, xml_round_trip);
    tcase_add_test(t, xml_os_and_firewall);
    tcase_add_test(t, xml_interrupted_and_bad_utf8);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
