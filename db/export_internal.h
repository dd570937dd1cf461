/* export_internal.h — what the export writers share: the filtered host list and the derived
 * per-host facts (vendor, best OS guess, login ports, family), computed one way for all. */
#ifndef AS_EXPORT_INTERNAL_H
#define AS_EXPORT_INTERNAL_H

#include "db/export.h"
#include "db/store_internal.h"

typedef struct as_export_ctx {
    const as_export_opts *o;
    const as_scan_view *v;
    const as_host_view **hosts;     /* after the filters, ordered by address */
    size_t n;
    FILE *out;
} as_export_ctx;

/* The writers: 0, or -1 on a write or memory failure (errno tells which). */
int as_export_csv(const as_export_ctx *x);
int as_export_json(const as_export_ctx *x, int ndjson);
int as_export_xml(const as_export_ctx *x);
int as_export_cmdb(const as_export_ctx *x);

const char *as_x_vendor(const as_export_ctx *x, const as_host_view *h);
const as_os_view *as_x_best_os(const as_host_view *h);
/* The OS name the flat formats (CSV, JSON, CMDB) show: the best guess's name, else the
 * passive guess as "Linux (passive)"; NULL when there is neither. *accuracy is its accuracy,
 * -1 when unknown. Caller frees; *oom is set when memory ran out. */
char *as_x_os_name(const as_host_view *h, int *accuracy, int *oom);
/* The firewall note of a suspect host, NULL otherwise or when there is none. */
const char *as_x_firewall_note(const as_host_view *h);
/* A port in the deploy table (a login port for pushing an agent). */
int as_x_is_login(const as_export_ctx *x, const as_port_view *p);
/* Open ports (which = 0) or filtered login ports (which = 1) as "22,80,53/udp". */
char *as_x_ports(const as_export_ctx *x, const as_host_view *h, int which);
int as_x_port_in(const as_export_ctx *x, const as_port_view *p, int which);
/* OS family ("unix", "windows", NULL) and device class ("server", "network", "printer",
 * NULL), decided by as_os_classify (db/os_class.h) as deploy-report decides them. */
const char *as_x_family(const as_export_ctx *x, const as_host_view *h);
const char *as_x_device(const as_export_ctx *x, const as_host_view *h);
/* nmap's name for a port (nmap-services), "unknown" when our table has none; the table
 * itself, for the test that checks it against nmap's file. */
const char *as_nmap_service_name(int port, const char *proto);
size_t as_nmap_service_count(void);
void as_nmap_service_at(size_t i, int *port, const char **proto, const char **name);
/* xml_scripts.c: nmap script results from a host's identity, each with the port it goes on
 * (one script a port: ndiff cannot read two results of one host or port). */
typedef struct as_xml_elem {
    const char *key, *value;
} as_xml_elem;
typedef struct as_xml_script {
    const char *id;                 /* nmap's script name */
    char *output;                   /* nmap's text form (malloc'd) */
    size_t n;
    as_xml_elem elem[8];            /* nmap's structured form: <elem key=...> */
    const char *const *ports;       /* where it may go, "445/tcp" ..., best first */
    const as_port_view *port;       /* where it goes */
    char *os;                       /* storage for elems */
    char short_name[64];
} as_xml_script;
/* Fills out (room for 3) and returns how many; *oom set when memory ran out. */
size_t as_xml_identity_scripts(const as_export_ctx *x, const as_host_view *h,
                               as_xml_script *out, int *oom);
void as_xml_scripts_free(as_xml_script *s, size_t n);
#endif
