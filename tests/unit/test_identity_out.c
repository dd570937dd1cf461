/* test_identity_out.c — what the identity phase stored, as every output shows it: `hosts`
 * JSON (identity object, evidence, per-port product/version/confirmed, deploy_open,
 * mac_vendor) and table (the verdict in OS, unconfirmed channels marked), nmap XML (probed
 * services, nmap-named scripts, valid against nmap.dtd and read by ndiff and python-libnmap),
 * and the CSV, JSON and CMDB exports. */
#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/valid.h>

#include "identity_fixture.h"

static json_t *hosts_json(void)
{
    as_hosts_opts o;
    memset(&o, 0, sizeof o);
    o.format = "json";
    o.oui = oui;
    char *buf = NULL;
    CAPTURE(buf, as_store_print_hosts_opts(st, &o, out, err, sizeof err));
    json_error_t je;
    json_t *root = json_loads(buf, 0, &je);
    ck_assert_msg(root != NULL, "%s\n%s", je.text, buf);
    free(buf);
    return root;
}

static json_t *get(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    ck_assert_msg(v != NULL, "no key %s", key);
    return v;
}

static const char *str(json_t *o, const char *key)
{
    json_t *v = get(o, key);
    ck_assert_msg(json_is_string(v), "%s is not a string", key);
    return json_string_value(v);
}

static json_t *port_of(json_t *host, int num)
{
    size_t i;
    json_t *p;
    json_array_foreach(get(host, "ports"), i, p)
        if (json_integer_value(get(p, "port")) == num)
            return p;
    ck_abort_msg("no port %d", num);
    return NULL;
}

START_TEST(hosts_json_identity)
{
    json_t *root = hosts_json(), *w = json_array_get(root, 0), *l = json_array_get(root, 1);
    json_t *old = json_array_get(root, 2);
    json_t *id = get(w, "identity");
    ck_assert_str_eq(str(id, "netbios_name"), "WIN01");
    ck_assert_str_eq(str(id, "netbios_domain"), "CORP");
    ck_assert_int_eq(json_array_size(get(id, "netbios_users")), 2);
    ck_assert_str_eq(json_string_value(json_array_get(get(id, "netbios_users"), 1)), "bob");
    ck_assert_str_eq(str(id, "netbios_mac"), "00:22:72:00:00:0b");
    ck_assert_str_eq(str(id, "dns_name"), "win01.corp.example.com");
    ck_assert_str_eq(str(id, "dns_domain"), "corp.example.com");
    ck_assert_str_eq(str(id, "dns_forest"), "corp.example.com");
    ck_assert_str_eq(str(id, "os_version"), "10.0.17763");
    ck_assert(json_is_null(get(id, "ssh")) && json_is_null(get(id, "snmp")) &&
              json_is_null(get(id, "tls")) && json_is_null(get(id, "http_server")));
    ck_assert_str_eq(str(get(id, "smb"), "dialect"), "3.1.1");
    ck_assert(json_is_true(get(get(id, "smb"), "signing_required")));
    json_t *os = get(id, "os");
    ck_assert_str_eq(str(os, "name"), "Windows Server 2019");
    ck_assert_str_eq(str(os, "family"), "windows");
    ck_assert_str_eq(str(os, "source"), "ntlmssp");
    ck_assert_int_eq(json_integer_value(get(os, "confidence")), 95);
    ck_assert(json_is_null(get(os, "conflict")));
    ck_assert_str_eq(str(get(id, "name"), "name"), "win01.corp.example.com");
    ck_assert_str_eq(str(get(id, "name"), "source"), "ntlmssp");
    ck_assert_int_eq(json_array_size(get(id, "agent_possible")), 0);
    /* evidence in stored order, proto and port null when none */
    json_t *ev = get(w, "evidence");
    ck_assert_int_eq(json_array_size(ev), 3);
    json_t *e0 = json_array_get(ev, 0), *e2 = json_array_get(ev, 2);
    ck_assert_str_eq(str(e0, "kind"), "os");
    ck_assert_str_eq(str(e0, "source"), "ntlmssp");
    ck_assert_str_eq(str(e0, "proto"), "tcp");
    ck_assert_int_eq(json_integer_value(get(e0, "port")), 445);
    ck_assert_str_eq(str(e0, "value"), "Windows 10.0 build 17763");
    ck_assert_str_eq(str(e0, "verdict"), "Windows Server 2019");
    ck_assert_int_eq(json_integer_value(get(e0, "confidence")), 95);
    ck_assert_str_eq(str(json_array_get(ev, 1), "kind"), "name");
    ck_assert(json_is_null(get(e2, "proto")) && json_is_null(get(e2, "port")));
    /* per port: product, version, confirmed (null: not asked) */
    json_t *smb = port_of(w, 445), *rdp = port_of(w, 3389), *p139 = port_of(w, 139);
    ck_assert_str_eq(str(smb, "product"), "Microsoft Windows SMB");
    ck_assert_str_eq(str(smb, "version"), "3.1.1");
    ck_assert(json_is_true(get(smb, "confirmed")));
    ck_assert(json_is_false(get(rdp, "confirmed")) && json_is_null(get(rdp, "product")));
    ck_assert(json_is_null(get(p139, "confirmed")) && json_is_null(get(p139, "version")));
    /* deploy: confirmed only; deploy_open: the rest; the MAC's vendor */
    ck_assert_int_eq(json_array_size(get(w, "deploy")), 1);
    ck_assert_str_eq(json_string_value(json_array_get(get(w, "deploy_open"), 0)), "rdp");
    ck_assert_str_eq(str(w, "mac_vendor"), "American Micro-Fuel Device Corp.");
    /* the Linux host: SSH, SNMP, TLS, HTTP, a conflict, a possible agent */
    id = get(l, "identity");
    ck_assert_str_eq(str(id, "ssh"), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
    ck_assert(json_is_null(get(id, "smb")) && json_is_null(get(id, "netbios_name")));
    ck_assert_str_eq(str(get(id, "snmp"), "sysname"), "idhost");
    ck_assert_str_eq(str(get(id, "snmp"), "sysobjectid"), "1.3.6.1.4.1.8072.3.2.10");
    ck_assert_str_eq(str(get(id, "tls"), "subject"), "CN=idhost.lab");
    ck_assert_str_eq(json_string_value(json_array_get(get(get(id, "tls"), "sans"), 1)),
                     "www.idhost.lab");
    ck_assert_str_eq(str(get(id, "tls"), "issuer"), "CN=Lab CA");
    ck_assert_str_eq(str(id, "http_server"), "nginx/1.22.1");
    ck_assert_str_eq(str(get(id, "os"), "conflict"), "the stack fingerprint says FreeBSD 13");
    ck_assert_str_eq(json_string_value(json_array_get(get(id, "agent_possible"), 0)),
                     "BMC Client Management agent");
    ck_assert(json_is_null(get(l, "mac_vendor")));
    ck_assert_int_eq(json_array_size(get(l, "deploy_open")), 0);
    /* identity phase off: null identity, no evidence, every port unasked */
    ck_assert(json_is_null(get(old, "identity")));
    ck_assert_int_eq(json_array_size(get(old, "evidence")), 0);
    ck_assert(json_is_null(get(port_of(old, 22), "confirmed")));
    ck_assert_str_eq(json_string_value(json_array_get(get(old, "deploy"), 0)), "ssh");
    json_decref(root);
}
END_TEST

START_TEST(hosts_table_verdict_and_marks)
{
    as_hosts_opts o;
    memset(&o, 0, sizeof o);
    o.format = "table";
    char *buf = NULL;
    CAPTURE(buf, as_store_print_hosts_opts(st, &o, out, err, sizeof err));
    ck_assert_msg(strstr(buf, "Windows Server 2019 (ntlmssp, 95%)"), "%s", buf);
    ck_assert_msg(strstr(buf, "Debian 12 (ssh, 90%)"), "%s", buf);
    ck_assert_msg(strstr(buf, "  smb,rdp?\n"), "%s", buf);            /* rdp only open */
    ck_assert_msg(strstr(buf, "no (BMC?)"), "%s", buf);              /* a possible agent */
    ck_assert_msg(strstr(buf, "? after a channel or agent: its port answered a SYN"), "%s", buf);
    free(buf);
    o.os = "debian";            /* --os finds the verdict too */
    CAPTURE(buf, as_store_print_hosts_opts(st, &o, out, err, sizeof err));
    ck_assert_msg(strstr(buf, "198.18.1.20") && !strstr(buf, "198.18.1.10"), "%s", buf);
    free(buf);
}
END_TEST

static char *export_scan(enum as_export_format f, int64_t id)
{
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = f;
    o.scan_id = id;
    o.deploy = deploy;
    o.oui = oui;
    char *buf = NULL;
    CAPTURE(buf, as_store_export(st, &o, out, err, sizeof err));
    return buf;
}

static char *export(enum as_export_format f)
{
    return export_scan(f, 0);
}

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static xmlNodePtr next_el(xmlNodePtr n)
{
    for (n = n ? n->next : NULL; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

static void ck_prop(xmlNodePtr n, const char *name, const char *want)
{
    ck_assert_ptr_nonnull(n);
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    ck_assert_msg(want ? v && strcmp((const char *)v, want) == 0 : v == NULL,
                  "<%s %s=\"%s\">, not \"%s\"", n->name, name, v ? (char *)v : "(none)",
                  want ? want : "(none)");
    xmlFree(v);
}

/* The <port> of a host by number and protocol. */
static xmlNodePtr xport(xmlNodePtr host, int num, const char *proto)
{
    char want[8];
    snprintf(want, sizeof want, "%d", num);
    for (xmlNodePtr p = child(child(host, "ports"), "port"); p; p = next_el(p)) {
        xmlChar *id = xmlGetProp(p, BAD_CAST "portid"), *pr = xmlGetProp(p, BAD_CAST "protocol");
        int hit = strcmp((char *)id, want) == 0 && strcmp((char *)pr, proto) == 0;
        xmlFree(id);
        xmlFree(pr);
        if (hit)
            return p;
    }
    ck_abort_msg("no port %d/%s", num, proto);
    return NULL;
}

static int count(xmlNodePtr n, const char *name)
{
    int k = 0;
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        k += c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0;
    return k;
}

static const char *elem_value(xmlNodePtr script, const char *key, char *buf, size_t len)
{
    for (xmlNodePtr e = child(script, "elem"); e; e = next_el(e)) {
        xmlChar *k = xmlGetProp(e, BAD_CAST "key");
        int hit = k && strcmp((char *)k, key) == 0;
        xmlFree(k);
        if (hit) {
            xmlChar *c = xmlNodeGetContent(e);
            snprintf(buf, len, "%s", (char *)c);
            xmlFree(c);
            return buf;
        }
    }
    return NULL;
}

START_TEST(xml_probed_services_and_scripts)
{
    char *xml = export(AS_EXPORT_XML);
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "x.xml", NULL, 0);
    ck_assert_ptr_nonnull(doc);
    xmlNodePtr w = child(xmlDocGetRootElement(doc), "host"), l = next_el(w);
    while (l && strcmp((const char *)l->name, "host") != 0)
        l = next_el(l);
    /* confirmed: what the service said, as nmap's version detection writes it */
    xmlNodePtr svc = child(xport(w, 445, "tcp"), "service");
    ck_prop(svc, "name", "microsoft-ds");
    ck_prop(svc, "product", "Microsoft Windows SMB");
    ck_prop(svc, "version", "3.1.1");
    ck_prop(svc, "ostype", "Windows");
    ck_prop(svc, "method", "probed");
    ck_prop(svc, "conf", "10");
    /* open but not confirmed: the table's name, as before */
    svc = child(xport(w, 3389, "tcp"), "service");
    ck_prop(svc, "method", "table");
    ck_prop(svc, "product", NULL);
    ck_prop(child(xport(l, 22, "tcp"), "service"), "ostype", "Linux");
    /* one script a port, none on the host but agentscan's (ndiff reads no more) */
    xmlNodePtr smb = child(xport(w, 445, "tcp"), "script");
    ck_prop(smb, "id", "smb-os-discovery");
    char buf[256];
    ck_assert_str_eq(elem_value(smb, "os", buf, sizeof buf), "Windows Server 2019 (10.0.17763)");
    ck_assert_str_eq(elem_value(smb, "server", buf, sizeof buf), "WIN01");
    ck_assert_str_eq(elem_value(smb, "fqdn", buf, sizeof buf), "win01.corp.example.com");
    ck_assert_str_eq(elem_value(smb, "domain_dns", buf, sizeof buf), "corp.example.com");
    ck_assert_str_eq(elem_value(smb, "forest_dns", buf, sizeof buf), "corp.example.com");
    xmlChar *out = xmlGetProp(smb, BAD_CAST "output");
    ck_assert_msg(strstr((char *)out, "\n  OS: Windows Server 2019 (10.0.17763)\n  Computer name: "
                         "win01\n  NetBIOS computer name: WIN01\n"), "%s", out);
    xmlFree(out);
    xmlNodePtr nb = child(xport(w, 137, "udp"), "script");
    ck_prop(nb, "id", "nbstat");
    ck_prop(nb, "output", "NetBIOS name: WIN01, NetBIOS user: ADMINISTRATOR,bob, NetBIOS MAC: "
            "00:22:72:00:00:0b (American Micro-Fuel Device Corp.)");
    ck_assert_ptr_null(child(xport(w, 139, "tcp"), "script"));
    ck_prop(child(xport(l, 161, "udp"), "script"), "id", "snmp-sysdescr");
    ck_prop(child(xport(l, 161, "udp"), "script"), "output",
            "Linux idhost 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1 x86_64");
    ck_assert_int_eq(count(child(w, "hostscript"), "script"), 1);
    ck_prop(child(child(w, "hostscript"), "script"), "id", "agentscan");
    /* the family from the verdict, in the agentscan script */
    ck_prop(child(child(w, "hostscript"), "script"), "output",
            "host-id=1 family=windows device=server");
    /* valid against nmap's DTD, where Debian's nmap-common installs it */
    xmlDtdPtr dtd = access("/usr/share/nmap/nmap.dtd", R_OK) == 0
                        ? xmlParseDTD(NULL, BAD_CAST "/usr/share/nmap/nmap.dtd") : NULL;
    if (dtd) {
        xmlValidCtxtPtr vc = xmlNewValidCtxt();
        ck_assert_msg(xmlValidateDtd(vc, doc, dtd) == 1, "not valid against nmap.dtd");
        xmlFreeValidCtxt(vc);
        xmlFreeDtd(dtd);
    }
    xmlFreeDoc(doc);
    free(xml);
}
END_TEST

static void write_file(const char *path, char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    free(text);
}

/* The readers XML consumers run: ndiff must read the files (exit 0 same, 1 changed; 2 is its
 * crash on two script results of one host or port, or on a changed script of an unchanged
 * port) and python-libnmap find the scripts where we put them. */
START_TEST(xml_read_by_ndiff_and_libnmap)
{
    char path[160], path2[160], cmd[1024];
    snprintf(path, sizeof path, "%s/s.xml", dir);
    snprintf(path2, sizeof path2, "%s/s2.xml", dir);
    write_file(path, export(AS_EXPORT_XML));
    /* a second scan: someone else logged on, the kernel was upgraded; the ports the same */
    int64_t id = scan(STARTED + 100, "Windows Server 2019", "ssh", "");
    char q[256];
    snprintf(q, sizeof q, "UPDATE identity SET netbios_users = 'bob', snmp_sysdescr = 'Linux "
             "idhost 6.1.0-20-amd64' WHERE scan_id = %lld", (long long)id);
    sql(q);
    write_file(path2, export_scan(AS_EXPORT_XML, id));
    if (access("/usr/bin/ndiff", X_OK) == 0) {
        snprintf(cmd, sizeof cmd, "/usr/bin/ndiff %s %s >/dev/null 2>&1", path, path);
        int rc = system(cmd);
        ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "ndiff failed on %s", path);
        snprintf(cmd, sizeof cmd, "/usr/bin/ndiff %s %s 2>&1 | grep -q '^+|_ nbstat: NetBIOS "
                 "name: WIN01, NetBIOS user: bob,'", path, path2);
        rc = system(cmd);
        ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "ndiff %s %s did not show the "
                      "changed nbstat", path, path2);
        snprintf(cmd, sizeof cmd, "/usr/bin/ndiff %s %s >/dev/null 2>&1", path, path2);
        rc = system(cmd);
        ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 1, "ndiff %s %s: not exit 1", path,
                      path2);
    }
    if (system("/usr/bin/python3 -c 'import libnmap' 2>/dev/null") != 0)
        return;     /* python3-libnmap not installed */
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 - %s <<'EOF'\n"
             "import sys\n"
             "from libnmap.parser import NmapParser\n"
             "r = NmapParser.parse_fromfile(sys.argv[1])\n"
             "h = {x.address: x for x in r.hosts}\n"
             "w = {s.port: s for s in h['198.18.1.10'].services}\n"
             "assert w[445].service_dict['product'] == 'Microsoft Windows SMB', w[445].service_dict\n"
             "ids = [s['id'] for s in w[445].scripts_results]\n"
             "assert ids == ['smb-os-discovery'], ids\n"
             "assert w[445].scripts_results[0]['elements']['server'] == 'WIN01'\n"
             "assert [s['id'] for s in h['198.18.1.10'].scripts_results] == ['agentscan']\n"
             "EOF", path);
    int rc = system(cmd);
    ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "python-libnmap did not read %s as "
                  "expected", path);
}
END_TEST

START_TEST(csv_appended_columns)
{
    char *csv = export(AS_EXPORT_CSV);
    const char *head = "host_id,family,device_type,os_verdict,os_verdict_source,"
                       "os_verdict_confidence,os_version,netbios_domain,host_name,"
                       "host_name_source,dns_domain,deploy_open,agent_possible\r\n";
    ck_assert_msg(strstr(csv, head), "%s", csv);
    ck_assert_msg(strstr(csv, "198.18.1.10,up,00:22:72:00:00:0b,American Micro-Fuel Device Corp.,"
                         ",WIN01,"), "%s", csv);
    ck_assert_msg(strstr(csv, ",1,windows,server,Windows Server 2019,ntlmssp,95,10.0.17763,CORP,"
                         "win01.corp.example.com,ntlmssp,corp.example.com,rdp,\r\n"), "%s", csv);
    ck_assert_msg(strstr(csv, ",unix,server,Debian 12,ssh,90,,,idhost.lab,snmp,,,"
                         "BMC Client Management agent\r\n"), "%s", csv);
    ck_assert_msg(strstr(csv, ",3,unix,server,,,,,,,,,,\r\n"), "%s", csv);
    free(csv);
}
END_TEST

START_TEST(json_and_cmdb_fields)
{
    char *s = export(AS_EXPORT_JSON);
    json_t *arr = json_loads(s, 0, NULL), *w = json_array_get(arr, 0);
    ck_assert_str_eq(str(w, "netbios_name"), "WIN01");
    ck_assert_str_eq(str(w, "os_verdict"), "Windows Server 2019");
    ck_assert_int_eq(json_integer_value(get(w, "os_verdict_confidence")), 95);
    ck_assert_str_eq(str(w, "os_version"), "10.0.17763");
    ck_assert_str_eq(str(w, "host_name"), "win01.corp.example.com");
    ck_assert_str_eq(json_string_value(json_array_get(get(w, "deploy_open"), 0)), "rdp");
    json_t *p = json_array_get(get(w, "open_ports"), 0);
    ck_assert_int_eq(json_integer_value(get(p, "port")), 139);
    ck_assert(json_is_null(get(p, "confirmed")));
    ck_assert(json_is_true(get(json_array_get(get(w, "open_ports"), 1), "confirmed")));
    ck_assert(json_is_null(get(json_array_get(arr, 2), "os_verdict")));
    json_decref(arr);
    free(s);

    s = export(AS_EXPORT_CMDB);
    json_t *root = json_loads(s, 0, NULL);
    json_t *item = json_array_get(get(root, "items"), 0);
    json_t *ident = get(item, "identification"), *cls = get(item, "classification");
    ck_assert_str_eq(str(ident, "netbios_name"), "WIN01");
    ck_assert_str_eq(str(ident, "host_name"), "win01.corp.example.com");
    ck_assert_str_eq(str(cls, "os_name"), "Windows Server 2019");
    ck_assert_str_eq(str(cls, "os_version"), "10.0.17763");
    ck_assert_int_eq(json_integer_value(get(cls, "os_accuracy")), 95);
    ck_assert_str_eq(str(cls, "os_source"), "ntlmssp");
    ck_assert_str_eq(str(cls, "os_family"), "windows");
    json_t *attrs = get(item, "attributes");
    ck_assert_str_eq(str(attrs, "mac_vendor"), "American Micro-Fuel Device Corp.");
    ck_assert_str_eq(json_string_value(json_array_get(get(attrs, "deploy_open"), 0)), "rdp");
    ck_assert_str_eq(str(attrs, "netbios_domain"), "CORP");
    json_t *lnx = json_array_get(get(root, "items"), 1);
    ck_assert_str_eq(json_string_value(json_array_get(get(get(lnx, "attributes"),
                     "agent_possible"), 0)), "BMC Client Management agent");
    json_t *old = get(json_array_get(get(root, "items"), 2), "classification");
    ck_assert(json_is_null(get(old, "os_source")) && json_is_null(get(old, "os_name")));
    json_decref(root);
    free(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("identity_out");
    TCase *t = tcase_create("out");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, hosts_json_identity);
    tcase_add_test(t, hosts_table_verdict_and_marks);
    tcase_add_test(t, xml_probed_services_and_scripts);
    tcase_add_test(t, xml_read_by_ndiff_and_libnmap);
    tcase_add_test(t, csv_appended_columns);
    tcase_add_test(t, json_and_cmdb_fields);
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
