/* deploy_internal.h — the deploy report as data (deploy_report.c works it out from one
 * scan's view) and its printers (deploy_print.c: text and JSON). */
#ifndef AS_DEPLOY_INTERNAL_H
#define AS_DEPLOY_INTERNAL_H

#include "db/reports.h"
#include "db/store_internal.h"

enum dr_status { DR_MANAGED, DR_DEPLOYABLE, DR_BLOCKED, DR_UNKNOWN, DR_COUNT };

/* A login port of the deploy table that the scan probed on this host. */
typedef struct dr_port {
    const as_port_view *p;
    const char *channel, *family;
} dr_port;

typedef struct dr_host {
    const as_host_view *h;
    enum dr_status status;
    const char *family;         /* "windows", "unix", NULL when it cannot be told */
    char basis[96];             /* why we think so: "OS match Linux", "TTL 128", ... */
    int partly;                 /* deployable, but login ports of its family are filtered */
    size_t nlogin;
    dr_port login[32];
    const char *rule_channel;   /* the channel the rule opens, NULL: no rule helps */
    char rule_ports[96];        /* "tcp/139,445" */
    char rule[320];             /* the firewall request, one sentence */
    char advice[256];           /* what else to do (closed ports, unknown family) */
    char liveness[256];         /* a blocked liveness probe, "" if none */
    char unconfirmed[320];      /* channels and agents whose port is open but whose protocol
                                 * did not answer as itself, in words; "" if none */
} dr_host;

typedef struct dr_report {
    as_scan_view v;
    char source[16];            /* the scanner's address, "" when unknown */
    size_t n;
    dr_host *hosts;
    size_t count[DR_COUNT];
    size_t partly;
} dr_report;

/* Works out the report for one scan (0: the latest) in one read transaction: its view of
 * the live hosts and, per host, status, family, rule and blocked liveness. source 0: the
 * scanner's address recorded for the scan. The deploy report prints it; the HTML report
 * (report_model.c) groups its rules. Free with dr_free. */
int dr_compute(as_store *st, int64_t scan_id, const as_port_table *deploy, uint32_t source,
               dr_report *r, char *err, size_t errlen);
void dr_free(dr_report *r);

const char *dr_status_name(enum dr_status s);
int dr_print_text(const dr_report *r, FILE *out);
int dr_print_json(const dr_report *r, FILE *out);

#endif
