/* test_export_nmap.c — nmap XML as nmap writes it: service names from nmap's vocabulary
 * (checked against Debian's nmap-services when installed), products on open ports only,
 * <scaninfo> in every file, the --stylesheet line, lower-case MACs; JSON numbers short. */
#include "db/export.h"
static char *export_fmt(enum as_export_format fmt) __attribute__((unused));
#include "export_fixture.h"
#include "db/export_internal.h"

static char *xml_of(int64_t scan, const char *stylesheet)
{
    as_export_opts o;
    memset(&o, 0, sizeof o);
    o.format = AS_EXPORT_XML;
    o.scan_id = scan;
    o.stylesheet = stylesheet;
    return export_to_string(&o, NULL);
}

START_TEST(service_names_are_nmaps)
{
    FILE *f = fopen("/usr/share/nmap/nmap-services", "r");
    if (f == NULL)
        return;     /* nmap-common not installed: the table cannot be checked here */
    size_t n = as_nmap_service_count(), found = 0;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char name[128], pp[32];
        int port;
        if (line[0] == '#' || sscanf(line, "%127s %31s", name, pp) != 2)
            continue;
        char *slash = strchr(pp, '/');
        if (!slash)
            continue;
        *slash = '\0';
        port = atoi(pp);
        for (size_t i = 0; i < n; i++) {
            int p;
            const char *proto, *ours;
            as_nmap_service_at(i, &p, &proto, &ours);
            if (p == port && strcmp(proto, slash + 1) == 0) {
                ck_assert_msg(strcmp(ours, name) == 0, "%d/%s: ours %s, nmap's %s", p, proto,
                              ours, name);
                found++;
            }
        }
    }
    fclose(f);
    ck_assert_uint_eq(found, n);
}
END_TEST

/* 445 is microsoft-ds, 3389 ms-wbt-server, never our channel names smb/rdp. */
START_TEST(channels_not_service_names)
{
    char *x = xml_of(0, NULL);
    ck_assert_ptr_null(strstr(x, "name=\"smb\""));
    ck_assert_ptr_null(strstr(x, "name=\"rdp\""));
    ck_assert_ptr_nonnull(strstr(x, "<service name=\"microsoft-ds\""));
    ck_assert_ptr_nonnull(strstr(x, "<service name=\"ms-wbt-server\""));
    ck_assert_ptr_nonnull(strstr(x, "<service name=\"windows-icfw\" product=\"Opsware"));
    ck_assert_ptr_nonnull(strstr(x, "addr=\"00:22:72:00:00:0a\" addrtype=\"mac\""));
    free(x);
}
END_TEST

/* A filtered agent port names no product: nothing answered there. An empty scan still has
 * its <scaninfo>. */
START_TEST(products_on_open_ports_only)
{
    int64_t id = as_store_begin_scan(st, "198.18.2.0/24", "-p 1002", STARTED + 100, err, sizeof err);
    as_port_record p[] = { port(1002, IPPROTO_TCP, AS_PORT_FILTERED, "no-response", 0,
                                "Opsware/HP Server Automation agent") };
    as_host_record h = { .ip = IP(198, 18, 2, 5), .up = 1, .rtt_us = -1, .ports = p, .nports = 1 };
    strcpy(h.up_reason, "echo-reply");
    add(id, &h);
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, STARTED + 110, NULL, err,
                                       sizeof err), 0);
    char *x = xml_of(id, NULL);
    ck_assert_ptr_null(strstr(x, "product="));
    ck_assert_ptr_nonnull(strstr(x, "<service name=\"windows-icfw\" method=\"table\""));
    free(x);
    id = as_store_begin_scan(st, "198.18.3.0/24", "-p 22", STARTED + 200, err, sizeof err);
    ck_assert_int_eq(as_store_end_scan(st, id, AS_SCAN_COMPLETE, STARTED + 210, NULL, err,
                                       sizeof err), 0);
    x = xml_of(id, NULL);
    ck_assert_msg(strstr(x, "<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"0\" "
                         "services=\"\"/>"), "%s", x);
    free(x);
}
END_TEST

START_TEST(stylesheet_line)
{
    char *x = xml_of(0, "/usr/share/nmap/nmap.xsl");
    ck_assert_msg(strstr(x, "<!DOCTYPE nmaprun>\n<?xml-stylesheet href=\"/usr/share/nmap/nmap.xsl\" "
                         "type=\"text/xsl\"?>\n"), "%.300s", x);
    free(x);
    x = xml_of(0, NULL);
    ck_assert_ptr_null(strstr(x, "xml-stylesheet"));
    free(x);
}
END_TEST

/* 0.9 ms, not 0.90000000000000002. */
START_TEST(json_numbers_short)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ck_assert_msg(as_store_print_hosts(st, 0, "json", 0, f, err, sizeof err) == 0, "%s", err);
    fclose(f);
    ck_assert_msg(strstr(buf, "\"rtt_ms\": 0.9,") || strstr(buf, "\"rtt_ms\": 0.9\n"), "%s", buf);
    ck_assert_ptr_null(strstr(buf, "0000000"));
    free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("export_nmap");
    TCase *tc = tcase_create("nmap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, service_names_are_nmaps);
    tcase_add_test(tc, channels_not_service_names);
    tcase_add_test(tc, products_on_open_ports_only);
    tcase_add_test(tc, stylesheet_line);
    tcase_add_test(tc, json_numbers_short);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
