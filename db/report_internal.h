/* report_internal.h — the HTML report as data (report_model.c gathers it from the store,
 * report_rules.c groups the firewall rules) and the writers that turn it into a page
 * (report_html.c: document and tables; report_svg.c: the grids and the trend chart). */
#ifndef AS_REPORT_INTERNAL_H
#define AS_REPORT_INTERNAL_H

#include <libxml/xmlwriter.h>

#include "db/deploy_internal.h"
#include "db/diff_internal.h"
#include "db/report.h"

/* What one address looks like in the grid; the first five are live hosts. */
enum rp_state {
    RP_MANAGED,         /* an agent port is open */
    RP_DEPLOYABLE,      /* a login channel answers */
    RP_BLOCKED,         /* no channel, but a firewall rule would open one */
    RP_NOCHANNEL,       /* up, no channel, and no rule helps (nothing listens) */
    RP_FIREWALL,        /* the replies may be a firewall's: the rest is doubtful */
    RP_SILENT,          /* swept, no answer */
    RP_OUTSIDE,         /* not among the scan's targets */
    RP_STATE_COUNT
};
const char *rp_state_name(enum rp_state s);     /* "managed", ... "not-swept" */
const char *rp_state_label(enum rp_state s);    /* "managed", ... "not swept" for people */
enum rp_state rp_host_state(const dr_host *d);

/* A label and how many hosts carry it ("ssh" 12). */
typedef struct rp_count {
    char *label;
    size_t n;
} rp_count;

typedef struct rp_counts {
    size_t n, cap;
    rp_count *c;        /* sorted by count, then label */
} rp_counts;

/* One /24 that held a live host: a state per address and the live hosts in it. */
typedef struct rp_net {
    uint32_t base;              /* x.y.z.0, host byte order */
    uint8_t cell[256];          /* enum rp_state */
    size_t first, n;            /* its hosts: dr.hosts[first .. first + n) */
    size_t count[RP_STATE_COUNT];
} rp_net;

/* One firewall request: a compartment (from, to a /24, ports) and the hosts it unblocks. */
typedef struct rp_rule {
    char from[16];              /* "" when the scanner's address is unknown */
    const char *channel;        /* "ssh", "smb", ... */
    char ports[96];             /* "tcp/139,445" */
    uint32_t net;               /* the destinations' /24 */
    size_t n, cap;
    size_t *hosts;              /* indexes into dr.hosts, ascending address */
} rp_rule;

/* One sweep of the job, for the trend chart. */
typedef struct rp_point {
    int64_t scan_id;
    double started;
    size_t up, managed, deployable;
} rp_point;

typedef struct rp_model {
    dr_report dr;               /* the scan's live hosts (dr.v) and their deploy analysis */
    const as_scan_view *v;      /* &dr.v */
    char *job, *gateway;        /* from scan_origin; NULL when not recorded */
    as_coverage cov;
    int64_t addresses;          /* swept (the scan's count, else the coverage's size), -1 unknown */
    double generated;
    size_t up, count[RP_STATE_COUNT], unknown_os;
    size_t managed, deployable, blocked, nochannel, suspects;   /* by deploy status */
    rp_counts agents, channels, missing;    /* managed by product, deployable by channel,
                                             * blocked by the rule they miss */
    size_t nnets;
    rp_net *nets;               /* ascending */
    size_t nrules;
    rp_rule *rules;             /* by source, ports, then /24 */
    int have_diff;
    as_diff diff;               /* from the previous sweep of the job, or the previous
                                 * complete scan of overlapping targets */
    size_t npoints;
    rp_point *points;           /* the job's sweeps, oldest first, this one last */
} rp_model;

/* Gathers everything for one scan in one read transaction; rp_model_free frees it. */
int rp_model_load(as_store *st, const as_report_opts *o, rp_model *m, char *err, size_t errlen);
void rp_model_free(rp_model *m);

/* report_rules.c: the deploy report's per-host rules grouped into compartments. */
int rp_rules_group(rp_model *m);
/* "198.18.1.21-23, 198.18.1.40" for the rule's hosts. */
void rp_rule_targets(const rp_model *m, const rp_rule *r, char *buf, size_t len);

/* report_html.c: the page, streamed through libxml2's text writer so that every text and
 * attribute is escaped by the writer, never by us; 0, or -1 when writing failed. */
int rp_html_write(const rp_model *m, FILE *out);

/* The writer's building blocks (report_writer.c), shared by the page's parts. Text is first
 * cleaned of control bytes and invalid UTF-8 (as_text_clean); a failure is remembered in
 * err and later calls do nothing. Non-void elements always get an end tag (<td></td>):
 * HTML does not know <td/>. */
typedef struct rp_writer {
    xmlTextWriterPtr w;
    int err;
} rp_writer;
void rp_open(rp_writer *w, const char *name);
void rp_close(rp_writer *w);                    /* </name> */
void rp_close_void(rp_writer *w);               /* <meta ... /> and SVG shapes */
void rp_text(rp_writer *w, const char *text);
void rp_textf(rp_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rp_attr(rp_writer *w, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rp_el(rp_writer *w, const char *name, const char *text);   /* <name>text</name> */
void rp_raw(rp_writer *w, const char *trusted);  /* our own constants only: newlines, CSS, JS */

/* report_hosts.c: the changes and the hosts table. */
void rp_html_changes(rp_writer *w, const rp_model *m);
void rp_html_hosts(rp_writer *w, const rp_model *m);

/* A host's cells in the hosts table, as text (the static table and the page's data share
 * them). The pointers point into the host or at constants; oom is set when the OS name
 * could not be built. */
typedef struct rp_host_text {
    enum rp_state state;
    const char *name, *status, *agent;
    char os[512], ports[1024], filtered[512], notes[1024], deploy[600];
    int oom;
} rp_host_text;
void rp_host_text_of(const dr_host *d, rp_host_text *t);

/* report_data.c: the hosts and the /24 grids once more, as JSON in a data block
 * (<script type="application/json" id="report-data">) from which the page's script draws a
 * page of the table at a time and each grid when it comes into view. */
void rp_html_data(rp_writer *w, const rp_model *m);

/* report_svg.c */
void rp_svg_defs(rp_writer *w);     /* once, before the first grid */
void rp_svg_grid(rp_writer *w, const rp_model *m, const rp_net *net);
/* "198.18.0.0/24: 195 up, 40 managed, ..." the grid's caption and label. */
void rp_net_label(const rp_net *net, char *buf, size_t len);
void rp_svg_overview(rp_writer *w, const rp_model *m);
void rp_svg_trend(rp_writer *w, const rp_model *m);

/* report_assets.c: the page's one stylesheet and one script, and the CSP that allows
 * exactly them by their SHA-256 (0 or -1 when hashing failed). */
extern const char rp_css[], rp_js[];
int rp_csp(char *buf, size_t len);

#endif
