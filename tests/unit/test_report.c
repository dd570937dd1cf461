/* test_report.c — the HTML report's model (counts, grid cell states, firewall requests per
 * compartment, changes, trend) from a store filled through the store API, and its writer:
 * hostile names stay text, the page's one script and style match its CSP hashes, and the
 * database is only read. */
#include <check.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/report_internal.h"

static char dir[64], path[128], err[1024];
static as_store *st;
static as_port_table *deploy;

static const char deploy_tab[] =
    "22/tcp ssh unix\n23/tcp telnet unix\n139/tcp smb windows\n445/tcp smb windows\n"
    "3389/tcp rdp windows\n";

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ports: "22:open,80:closed"; agent NULL: unmanaged. */
static void add(int64_t scan, uint32_t ip, const char *name, const char *ports,
                const char *agent, const char *channels, int suspect, const char *passive)
{
    as_host_record h;
    as_port_record pr[16];
    memset(&h, 0, sizeof h);
    h.ip = ip;
    h.up = 1;
    snprintf(h.up_reason, sizeof h.up_reason, "echo-reply");
    h.reply_ttl = 64;
    h.rtt_us = -1;
    snprintf(h.name, sizeof h.name, "%s", name);
    h.managed = agent != NULL;
    snprintf(h.agent, sizeof h.agent, "%s", agent ? agent : "");
    snprintf(h.deploy, sizeof h.deploy, "%s", channels);
    h.firewall_suspect = suspect;
    h.firewall_note = suspect ? "one signature for many hosts" : NULL;
    h.os_passive = passive;
    h.os_passive_accuracy = 50;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", ports);
    for (char *save = NULL, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        as_port_record *p = &pr[h.nports++];
        char state[16] = "";
        unsigned port;
        memset(p, 0, sizeof *p);
        sscanf(t, "%u:%15[a-z]", &port, state);
        p->port = (uint16_t)port;
        p->proto = 6;
        p->state = !strcmp(state, "open") ? AS_PORT_OPEN : !strcmp(state, "closed") ? AS_PORT_CLOSED
                                                                                    : AS_PORT_FILTERED;
        snprintf(p->reason, sizeof p->reason, "%s", p->state == AS_PORT_OPEN ? "syn-ack"
                 : p->state == AS_PORT_CLOSED ? "reset" : "no-response");
    }
    h.ports = pr;
    ck_assert_msg(as_store_add_host(st, scan, &h, 1e9 + (double)scan, err, sizeof err) == 0,
                  "%s", err);
}

static int64_t begin(double t)
{
    int64_t id = as_store_begin_scan(st, "198.18.1.0/25 198.18.2.0/24", "-p 22,80,1002", t,
                                     err, sizeof err);
    ck_assert_msg(id > 0, "%s", err);
    return id;
}

static void end(int64_t id, const char *job)
{
    uint32_t lo[] = {IP(198, 18, 1, 0), IP(198, 18, 2, 0)};
    uint32_t hi[] = {IP(198, 18, 1, 127), IP(198, 18, 2, 255)};
    ck_assert_msg(as_store_scan_ranges(st, id, lo, hi, 2, err, sizeof err) == 0, "%s", err);
    as_scan_stats stats = {384, 0, 0, 0};
    ck_assert_msg(as_store_end_scan(st, id, AS_SCAN_COMPLETE, 1e9 + 60, &stats, err,
                                    sizeof err) == 0, "%s", err);
    if (job) {
        as_origin o = {.gateway = "gw1", .job = job, .source_ip = IP(198, 19, 255, 2),
                       .origin_scan = id};
        ck_assert_msg(as_origin_record(st, id, &o, err, sizeof err) == 0, "%s", err);
    }
}

/* The first sweep: one host of each state, two /24s, half of the first one swept. */
static int64_t fill(const char *job)
{
    int64_t id = begin(1e9);
    add(id, IP(198, 18, 1, 5), "managed.test", "22:open,1002:open", "Opsware agent", "ssh", 0,
        "Linux (passive: TTL 64)");
    add(id, IP(198, 18, 1, 6), "deploy.test", "22:open,80:closed", NULL, "ssh", 0,
        "Linux (passive: TTL 64)");
    add(id, IP(198, 18, 1, 7), "blocked1.test", "22:filtered,80:closed", NULL, "", 0, NULL);
    add(id, IP(198, 18, 1, 8), "blocked2.test", "22:filtered,80:closed", NULL, "", 0, NULL);
    add(id, IP(198, 18, 1, 9), "closed.test", "22:closed,80:closed", NULL, "", 0, NULL);
    add(id, IP(198, 18, 2, 1), "fw.test", "22:open", NULL, "ssh", 1, NULL);
    add(id, IP(198, 18, 2, 2), "blocked3.test", "22:filtered,80:closed", NULL, "", 0, NULL);
    end(id, job);
    return id;
}

static void setup(void)
{
    strcpy(dir, "/tmp/as_test_report_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/inv.db", dir);
    ck_assert_msg(as_store_open(&st, path, 1, err, sizeof err) == 0, "%s", err);
    char tab[128];
    snprintf(tab, sizeof tab, "%s/deploy.tab", dir);
    FILE *f = fopen(tab, "w");
    ck_assert_ptr_nonnull(f);
    fputs(deploy_tab, f);
    fclose(f);
    ck_assert_msg(as_port_table_load(&deploy, tab, 1, err, sizeof err) == 0, "%s", err);
}

static void teardown(void)
{
    as_store_close(st);
    as_port_table_free(deploy);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void load(rp_model *m, int64_t scan, const char *job)
{
    as_report_opts o = {.scan_id = scan, .job = job, .deploy = deploy, .now = 2e9};
    ck_assert_msg(rp_model_load(st, &o, m, err, sizeof err) == 0, "%s", err);
}

static size_t count_of(const rp_counts *c, const char *label)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->c[i].label, label) == 0)
            return c->c[i].n;
    return 0;
}

START_TEST(counts)
{
    fill(NULL);
    rp_model m;
    load(&m, 0, NULL);
    ck_assert_int_eq(m.addresses, 384);
    ck_assert_uint_eq(m.up, 7);
    ck_assert_uint_eq(m.managed, 1);
    ck_assert_uint_eq(m.deployable, 1);     /* deploy.test: the suspect's channels are not believed */
    ck_assert_uint_eq(m.blocked, 3);
    ck_assert_uint_eq(m.nochannel, 2);     /* closed.test and the suspect */
    ck_assert_uint_eq(m.suspects, 1);
    ck_assert_uint_eq(m.unknown_os, 5);
    ck_assert_uint_eq(count_of(&m.agents, "Opsware agent"), 1);
    ck_assert_uint_eq(count_of(&m.channels, "ssh"), 1);
    ck_assert_uint_eq(count_of(&m.missing, "tcp/22 (ssh)"), 3);
    ck_assert_uint_eq(m.count[RP_FIREWALL], 1);
    ck_assert_uint_eq(m.count[RP_DEPLOYABLE], 1);
    rp_model_free(&m);
}
END_TEST

START_TEST(grid_states)
{
    fill(NULL);
    rp_model m;
    load(&m, 0, NULL);
    ck_assert_uint_eq(m.nnets, 2);
    const rp_net *a = &m.nets[0], *b = &m.nets[1];
    ck_assert_uint_eq(a->base, IP(198, 18, 1, 0));
    ck_assert_uint_eq(b->base, IP(198, 18, 2, 0));
    ck_assert_int_eq(a->cell[5], RP_MANAGED);
    ck_assert_int_eq(a->cell[6], RP_DEPLOYABLE);
    ck_assert_int_eq(a->cell[7], RP_BLOCKED);
    ck_assert_int_eq(a->cell[9], RP_NOCHANNEL);
    ck_assert_int_eq(a->cell[10], RP_SILENT);       /* swept, no answer */
    ck_assert_int_eq(a->cell[127], RP_SILENT);
    ck_assert_int_eq(a->cell[128], RP_OUTSIDE);     /* the scan covered .0/25 only */
    ck_assert_int_eq(a->cell[255], RP_OUTSIDE);
    ck_assert_int_eq(b->cell[1], RP_FIREWALL);      /* a suspect shows as that first */
    ck_assert_int_eq(b->cell[2], RP_BLOCKED);
    ck_assert_uint_eq(a->n, 5);
    ck_assert_uint_eq(a->count[RP_OUTSIDE], 128);
    ck_assert_uint_eq(a->count[RP_SILENT], 128 - 5);
    ck_assert_uint_eq(b->count[RP_SILENT], 254);
    rp_model_free(&m);
}
END_TEST

START_TEST(rules_per_compartment)
{
    fill(NULL);
    rp_model m;
    load(&m, 0, NULL);
    ck_assert_uint_eq(m.nrules, 2);     /* one per /24 */
    const rp_rule *r = &m.rules[0];
    ck_assert_str_eq(r->ports, "tcp/22");
    ck_assert_str_eq(r->channel, "ssh");
    ck_assert_uint_eq(r->n, 2);
    char buf[256];
    rp_rule_targets(&m, r, buf, sizeof buf);
    ck_assert_str_eq(buf, "198.18.1.7-8");
    rp_rule_targets(&m, &m.rules[1], buf, sizeof buf);
    ck_assert_str_eq(buf, "198.18.2.2");
    ck_assert_str_eq(m.rules[1].from, "");      /* a plain scan without -S: unknown */
    /* Too short a buffer cuts at a whole address, never inside one. */
    rp_rule_targets(&m, r, buf, 8);
    ck_assert_str_eq(buf, "");
    rp_model_free(&m);
}
END_TEST

START_TEST(changes_and_trend)
{
    int64_t a = fill("dc1");
    int64_t b = begin(1e9 + 100);
    add(b, IP(198, 18, 1, 5), "managed.test", "22:open,1002:closed", NULL, "ssh", 0, NULL);
    add(b, IP(198, 18, 1, 6), "deploy.test", "22:open,80:closed", NULL, "ssh", 0, NULL);
    add(b, IP(198, 18, 2, 9), "newcomer.test", "22:open", NULL, "ssh", 0, NULL);
    end(b, "dc1");
    rp_model m;
    load(&m, 0, "dc1");
    ck_assert_int_eq(m.v->id, b);
    ck_assert_str_eq(m.job, "dc1");
    ck_assert_str_eq(m.gateway, "gw1");
    ck_assert_str_eq(m.dr.source, "198.19.255.2");
    ck_assert(m.have_diff);
    ck_assert_int_eq(m.diff.a.id, a);
    size_t kinds[AS_CH_COUNT] = {0};
    for (size_t i = 0; i < m.diff.n; i++)
        kinds[m.diff.c[i].kind]++;
    ck_assert_uint_eq(kinds[AS_CH_NEW], 1);
    ck_assert_uint_eq(kinds[AS_CH_GONE], 5);
    ck_assert_uint_eq(kinds[AS_CH_AGENT_OFF], 1);
    ck_assert_uint_eq(m.npoints, 2);
    ck_assert_int_eq(m.points[0].scan_id, a);
    ck_assert_uint_eq(m.points[0].up, 7);
    ck_assert_uint_eq(m.points[0].managed, 1);
    ck_assert_uint_eq(m.points[1].up, 3);
    ck_assert_uint_eq(m.points[1].deployable, 3);
    rp_model_free(&m);
    /* The job's first sweep has nothing to compare with. */
    load(&m, a, NULL);
    ck_assert(!m.have_diff);
    ck_assert_uint_eq(m.npoints, 1);
    rp_model_free(&m);
    as_report_opts o = {.job = "nosuch", .deploy = deploy};
    ck_assert_int_ne(rp_model_load(st, &o, &m, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "job 'nosuch'") != NULL, "%s", err);
}
END_TEST

/* The page of the store's latest scan, in memory. */
static char *page(size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    as_report_opts o = {.deploy = deploy, .now = 2e9};
    ck_assert_msg(as_report_html(st, &o, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    return buf;
}

static xmlXPathObjectPtr xpath(htmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    ck_assert_ptr_nonnull(r);
    return r;
}

static int nodes(htmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr r = xpath(doc, expr);
    int n = r->nodesetval ? r->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(r);
    return n;
}

static const char *const evil[] = {
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(2)>",
    "javascript:alert(3)",
    "'><svg onload=alert(4)>",
    "</title></rect></svg><script>alert(5)</script>",
};

/* The data block holds no markup at all ('<', '>' and '&' are \u escapes), and reads back
 * as JSON to the names exactly as stored. */
static void data_names(const char *html)
{
    const char *open = "<script type=\"application/json\" id=\"report-data\">";
    const char *a = strstr(html, open), *b = a ? strstr(a, "</script>") : NULL;
    ck_assert_ptr_nonnull(b);
    a += strlen(open);
    ck_assert_ptr_null(memchr(a, '<', (size_t)(b - a)));
    ck_assert_ptr_null(memchr(a, '>', (size_t)(b - a)));
    ck_assert_ptr_null(memchr(a, '&', (size_t)(b - a)));
    ck_assert_ptr_nonnull(strstr(a, "\\u003cscript\\u003e"));
    json_error_t je;
    json_t *d = json_loadb(a, (size_t)(b - a), 0, &je);
    ck_assert_msg(d != NULL, "data block: %s at %d", je.text, je.position);
    json_t *hosts = json_object_get(d, "hosts");
    ck_assert_uint_eq(json_array_size(hosts), 6);
    for (size_t i = 0; i < 5; i++)
        ck_assert_str_eq(json_string_value(json_array_get(json_array_get(hosts, i), 2)), evil[i]);
    ck_assert_str_eq(json_string_value(json_array_get(json_array_get(hosts, 5), 2)), "ctl??[31m?z");
    json_t *nets = json_object_get(d, "nets");
    ck_assert_uint_eq(json_array_size(nets), 1);
    ck_assert_str_eq(json_string_value(json_array_get(json_array_get(nets, 0), 0)), "198.18.1");
    ck_assert_uint_eq(strlen(json_string_value(json_array_get(json_array_get(nets, 0), 2))), 256);
    json_decref(d);
}

START_TEST(escaping)
{
    int64_t id = begin(1e9);
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++)
        add(id, IP(198, 18, 1, 10 + i), evil[i], "22:filtered", i == 1 ? evil[1] : NULL, "",
            0, "<b>Linux</b> (passive)");
    add(id, IP(198, 18, 1, 20), "ctl\x01\x1b[31m\x7fz", "22:open", NULL, "ssh", 0, NULL);
    end(id, evil[0]);
    size_t len;
    char *html = page(&len);
    ck_assert_ptr_null(strstr(html, "<script>alert"));
    ck_assert_ptr_null(strstr(html, "<img"));
    ck_assert_ptr_null(strstr(html, "<svg onload"));
    htmlDocPtr doc = htmlReadMemory(html, (int)len, "report.html", "utf-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    ck_assert_ptr_nonnull(doc);
    /* Our one script, and the data block the browser does not run (no type: it runs). */
    ck_assert_int_eq(nodes(doc, "//script"), 2);
    ck_assert_int_eq(nodes(doc, "//script[not(@type)]"), 1);
    ck_assert_int_eq(nodes(doc, "//script[@type='application/json' and @id='report-data']"), 1);
    ck_assert_int_eq(nodes(doc, "//img"), 0);
    ck_assert_int_eq(nodes(doc, "//@*[starts-with(name(), 'on')]"), 0);
    ck_assert_int_eq(nodes(doc, "//@href[not(starts-with(., '#'))]"), 0);
    ck_assert_int_eq(nodes(doc, "//@src"), 0);
    /* The table the script draws is empty in the file; each name is one text cell of the
     * whole table (in <noscript>), exactly as stored. */
    ck_assert_int_eq(nodes(doc, "//table[@id='hosts']/tbody/tr"), 0);
    xmlXPathObjectPtr r = xpath(doc, "//noscript/table[@id='hosts-all']/tbody/tr/td[2]");
    ck_assert_int_eq(r->nodesetval->nodeNr, 6);
    for (int i = 0; i < 5; i++) {
        xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        ck_assert_str_eq((const char *)t, evil[i]);
        xmlFree(t);
    }
    xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[5]);
    ck_assert_str_eq((const char *)t, "ctl??[31m?z");      /* control bytes shown as '?' */
    xmlFree(t);
    xmlXPathFreeObject(r);
    /* The job name in the title is text too. */
    r = xpath(doc, "//title");
    t = xmlNodeGetContent(r->nodesetval->nodeTab[0]);
    ck_assert_ptr_nonnull(strstr((const char *)t, evil[0]));
    xmlFree(t);
    xmlXPathFreeObject(r);
    xmlFreeDoc(doc);
    data_names(html);
    free(html);
}
END_TEST

static void sha256_b64(const char *text, size_t n, char *out)
{
    unsigned char md[32];
    unsigned mdlen;
    ck_assert_int_eq(EVP_Digest(text, n, md, &mdlen, EVP_sha256(), NULL), 1);
    EVP_EncodeBlock((unsigned char *)out, md, 32);
}

/* The bytes between <tag> and </tag> in the page, hashed as the browser will. */
static void inline_hash(const char *html, const char *tag, char *out)
{
    char open[16], close[16];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *a = strstr(html, open), *b = a ? strstr(a, close) : NULL;
    ck_assert_ptr_nonnull(b);
    a += strlen(open);
    sha256_b64(a, (size_t)(b - a), out);
}

START_TEST(csp_hashes)
{
    fill(NULL);
    size_t len;
    char *html = page(&len);
    char js[64], css[64], want[256];
    inline_hash(html, "script", js);
    inline_hash(html, "style", css);
    snprintf(want, sizeof want, "style-src 'sha256-%s'; script-src 'sha256-%s';", css, js);
    ck_assert_msg(strstr(html, want) != NULL, "CSP lacks %s", want);
    ck_assert_ptr_nonnull(strstr(html, "default-src 'none'"));
    ck_assert_ptr_null(strstr(html, "unsafe-inline"));
    /* Nothing that loads from elsewhere. */
    ck_assert_ptr_null(strstr(html, "http://"));
    ck_assert_ptr_null(strstr(html, "https://"));
    ck_assert_ptr_null(strstr(html, " style="));
    free(html);
}
END_TEST

START_TEST(read_only)
{
    fill(NULL);
    as_store_close(st);
    st = NULL;
    char missing[160], wal[160];
    snprintf(missing, sizeof missing, "%s/missing.db", dir);
    ck_assert_int_ne(as_store_open_read(&st, missing, err, sizeof err), 0);
    ck_assert_int_ne(access(missing, F_OK), 0);
    ck_assert_msg(as_store_open_read(&st, path, err, sizeof err) == 0, "%s", err);
    size_t len;
    free(page(&len));
    ck_assert_int_lt(as_store_begin_scan(st, "198.18.0.0/24", "", 1, err, sizeof err), 0);
    as_store_close(st);
    st = NULL;
    snprintf(wal, sizeof wal, "%s-wal", path);
    ck_assert_int_ne(access(wal, F_OK), 0);     /* no WAL file left behind */
    snprintf(wal, sizeof wal, "%s-shm", path);
    ck_assert_int_ne(access(wal, F_OK), 0);
    /* An empty database is refused with a hint, and stays empty. */
    char empty[160];
    snprintf(empty, sizeof empty, "%s/empty.db", dir);
    fclose(fopen(empty, "w"));
    ck_assert_int_ne(as_store_open_read(&st, empty, err, sizeof err), 0);
    ck_assert_msg(strstr(err, "no scan recorded yet") != NULL, "%s", err);
    struct stat sb;
    ck_assert_int_eq(stat(empty, &sb), 0);
    ck_assert_int_eq(sb.st_size, 0);
    ck_assert_msg(as_store_open(&st, path, 0, err, sizeof err) == 0, "%s", err);
}
END_TEST

START_TEST(no_live_host)
{
    int64_t id = begin(1e9);
    end(id, NULL);
    rp_model m;
    load(&m, 0, NULL);
    ck_assert_uint_eq(m.up, 0);
    ck_assert_uint_eq(m.nnets, 0);
    ck_assert_uint_eq(m.nrules, 0);
    rp_model_free(&m);
    size_t len;
    char *html = page(&len);
    ck_assert_ptr_nonnull(strstr(html, "No live host in this scan."));
    ck_assert_ptr_nonnull(strstr(html, "<b id=\"count-up\">0</b>"));
    free(html);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, counts);
    tcase_add_test(tc, grid_states);
    tcase_add_test(tc, rules_per_compartment);
    tcase_add_test(tc, changes_and_trend);
    tcase_add_test(tc, escaping);
    tcase_add_test(tc, csp_hashes);
    tcase_add_test(tc, read_only);
    tcase_add_test(tc, no_live_host);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
