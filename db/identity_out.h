/* identity_out.h — what the services told about a host, in the shapes the outputs share:
 * the JSON of `hosts` (identity object, evidence array), the lists, and the words the
 * table, the exports and nmap XML use for the OS verdict. */
#ifndef AS_IDENTITY_OUT_H
#define AS_IDENTITY_OUT_H

#include <jansson.h>
#include "db/store_internal.h"

/* The identity object of `hosts --format json` (README lists its fields), or json_null()
 * when h has none; NULL when out of memory. */
json_t *as_identity_json(const as_host_view *h);
/* [{kind, source, proto, port, value, verdict, confidence}], [] when none; NULL: no memory. */
json_t *as_evidence_json(const as_host_view *h);
/* A stored ","-list as a JSON array of strings ([] for NULL); NULL when out of memory. */
json_t *as_list_json(const char *list);
/* A string, or null for NULL and ""; text that is not UTF-8 gets '?' for its stray bytes. */
json_t *as_json_text(const char *s);

/* The fused OS verdict, NULL when the identity phase gave none. */
const char *as_host_verdict(const as_host_view *h);
/* nmap's ostype word for the verdict ("Windows", "Linux", "FreeBSD", ...), NULL if none. */
const char *as_host_ostype(const as_host_view *h);
/* The port's product is confirmed: the protocol answered as itself. */
int as_port_confirmed(const as_port_view *p);

#endif
