/* fuzz_osfp.c — libFuzzer harness for the subject-fingerprint parser and printer
 * (fingerprints/osfp.c) and the matcher: what parses must print and parse back to the same
 * fingerprint in both layouts, and match against a small built-in database must give sane,
 * ordered accuracies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fingerprints/osfp.h"

/* A few lines in our os-db.txt style, enough to exercise ranges, alternatives, empty values,
 * bracket groups and MatchPoints weights (including a weight of 0). */
static const char tiny_db[] =
    "MatchPoints\n"
    "SEQ(SP=10%GCD=30%ISR=10%TI=60%II=60%TS=80)\n"
    "OPS(O1=30%O6=30)\n"
    "WIN(W1=20)\n"
    "T1(R=60%DF=0%T=25%TG=25%F=30)\n"
    "T4(R=50%W=20%O=30)\n"
    "IE(R=40%CD=40)\n"
    "Fingerprint Linux-like\n"
    "SEQ(SP=E8-120%GCD=1-8%ISR=F8-11F%TI=Z%II=I%TS=RND|1E-24)\n"
    "OPS(O1=M5B4ST11NWA|M5B4ST11NW7%O6=M5B4ST11)\n"
    "WIN(W1=FE88|A9B0)\n"
    "T1(R=Y%DF=Y%T=3C-44%TG=40%F=AS)\n"
    "T4(R=Y%W=0%O=)\n"
    "IE(R=Y%CD=S)\n"
    "Fingerprint Bracketed\n"
    "OPS(O1=M[>500]NW[0-8]ST11|%O6=M[5B4|218]ST11)\n"
    "WIN(W1=>1000)\n"
    "T1(R=Y%T=7C-84%TG=80)\n"
    "Fingerprint Silent\n"
    "T1(R=N)\nT4(R=N)\nIE(R=N)\n";

static void check_match(const as_osfp *fp)
{
    char err[256];
    as_osdb *db;
    as_osmatch m[8];
    if (as_osdb_parse(&db, tiny_db, sizeof tiny_db - 1, "tiny", err, sizeof err) != 0)
        abort();
    int k = as_osdb_match(db, fp, m, 8, 0.0);
    if (k < 0 || k > 3)
        abort();
    for (int i = 0; i < k; i++) {
        if (m[i].accuracy < 0.0 || m[i].accuracy > 1.0 || m[i].entry != as_osdb_entry(db, m[i].index))
            abort();
        if (as_osdb_score(db, fp, m[i].index) != m[i].accuracy)
            abort();
        if (i > 0 && (m[i].accuracy > m[i - 1].accuracy ||
                      (m[i].accuracy == m[i - 1].accuracy && m[i].index < m[i - 1].index)))
            abort();
    }
    as_osdb_free(db);
}

static void round_trip(const as_osfp *fp, unsigned flags)
{
    static char buf[1 << 16];
    static as_osfp again;
    char err[256];
    size_t n = as_osfp_format(fp, flags, buf, sizeof buf);
    if (n >= sizeof buf || n != strlen(buf))
        abort();
    if (as_osfp_parse_subject(&again, buf, n, "again", err, sizeof err) != 0)
        abort();
    if (memcmp(fp, &again, sizeof again) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static as_osfp fp;
    char err[512];
    err[0] = '\0';
    if (as_osfp_parse_subject(&fp, (const char *)data, size, "fuzz", err, sizeof err) != 0) {
        if (strncmp(err, "fuzz:", 5) != 0 || fp.tests != 0)
            abort();
        return 0;
    }
    round_trip(&fp, 0);
    round_trip(&fp, AS_OSFP_FMT_WRAP);
    check_match(&fp);
    return 0;
}
