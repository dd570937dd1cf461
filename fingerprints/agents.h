/* agents.h — what an open port means for deployment: agent ports (→ product, "managed")
 * and login ports (→ deploy channel and OS family). Both are text tables loaded at run time. */
#ifndef AS_AGENTS_H
#define AS_AGENTS_H

#include <stdint.h>
#include <stddef.h>

typedef struct as_port_table as_port_table;

/* Table file format (one entry a line, '#' comments, blank lines ignored):
 *   agent table:   PORT/PROTO  PRODUCT TEXT...          e.g. "1002/tcp  Opsware/HP Server Automation agent"
 *   deploy table:  PORT/PROTO  CHANNEL  FAMILY           e.g. "22/tcp ssh unix"
 * Errors name "FILE:LINE: what" (bad port, unknown proto, missing field, duplicate port). */
int as_port_table_load(as_port_table **out, const char *path, int is_deploy, char *err, size_t errlen);
/* Same, from a string (for tests and built-in defaults); name is used in error messages. */
int as_port_table_parse(as_port_table **out, const char *text, size_t len, const char *name,
                        int is_deploy, char *err, size_t errlen);
void as_port_table_free(as_port_table *t);

/* Lookup (proto is IPPROTO_TCP or IPPROTO_UDP), O(log n); NULL if the port is not in the table. */
const char *as_port_table_product(const as_port_table *t, uint16_t port, uint8_t proto);  /* agent product / channel name */
const char *as_port_table_family(const as_port_table *t, uint16_t port, uint8_t proto);   /* deploy family: "unix", "windows", ... */
size_t as_port_table_size(const as_port_table *t);
/* Entry i (0 <= i < size) in (proto, port) order; -1 when i is out of range. */
int as_port_table_entry(const as_port_table *t, size_t i, uint16_t *port, uint8_t *proto);

/* Default file locations: AS_DATADIR/agents.tab and AS_DATADIR/deploy.tab, falling back to
 * the source tree's fingerprints/ directory when run from a build directory. */
const char *as_default_agents_path(void);
const char *as_default_deploy_path(void);

#endif
