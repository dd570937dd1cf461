/* test_export.c — the export writers against fixed store contents, byte for byte: CSV,
 * NDJSON, CMDB JSON and nmap XML (test_export_parse.c reads them back with real parsers). */
#include "export_fixture.h"

#include "export_expected.h"

/* AS_EXPORT_DUMP=DIR writes each output to DIR/NAME, for regenerating export_expected.h
 * (tests/unit/gen_expected.py) once a change is checked to be intended. */
static void dump(const char *name, const char *got)
{
    const char *d = getenv("AS_EXPORT_DUMP");
    if (!d)
        return;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", d, name);
    FILE *f = fopen(p, "wb");
    if (f) {
        fputs(got, f);
        fclose(f);
    }
}

static void ck_same(const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        size_t i = 0;
        while (got[i] && got[i] == want[i])
            i++;
        /* Around the difference only: Check cannot carry a whole document as a message. */
        size_t from = i > 60 ? i - 60 : 0;
        ck_abort_msg("output differs at byte %zu:\n--- got:\n%.160s\n--- want:\n%.160s", i,
                     got + from, want + from);
    }
}

START_TEST(csv_bytes)
{
    char *out = export_fmt(AS_EXPORT_CSV);
    dump("csv", out);
    ck_same(out, expected_csv);
    free(out);
}
END_TEST

START_TEST(ndjson_bytes)
{
    char *out = export_fmt(AS_EXPORT_NDJSON);
    dump("ndjson", out);
    ck_same(out, expected_ndjson);
    free(out);
}
END_TEST

START_TEST(cmdb_bytes)
{
    char *out = export_fmt(AS_EXPORT_CMDB);
    dump("cmdb", out);
    ck_same(out, expected_cmdb);
    free(out);
}
END_TEST

START_TEST(xml_bytes)
{
    char *out = export_fmt(AS_EXPORT_XML);
    dump("xml", out);
    ck_same(out, expected_xml);
    free(out);
}
END_TEST

static Suite *export_suite(void)
{
    Suite *s = suite_create("export");
    TCase *bytes = tcase_create("bytes");
    tcase_add_checked_fixture(bytes, setup, teardown);
    tcase_add_test(bytes, csv_bytes);
    tcase_add_test(bytes, ndjson_bytes);
    tcase_add_test(bytes, cmdb_bytes);
    tcase_add_test(bytes, xml_bytes);
    suite_add_tcase(s, bytes);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(export_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
