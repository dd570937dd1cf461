/* os_class.h — the one decision of what a host is, shared by the table, the exports, the
 * CMDB form and deploy-report: its OS family for deployment and its device class. */
#ifndef AS_OS_CLASS_H
#define AS_OS_CLASS_H

#include <stddef.h>
#include "db/store_internal.h"
#include "fingerprints/agents.h"

typedef struct as_os_class {
    const char *family;     /* "windows", "unix", or NULL when it cannot be told */
    const char *device;     /* "server", "network", "printer", or NULL */
    char basis[96];         /* why: "OS match Linux 5.0 - 5.14, 95%", "TTL 128", ... */
} as_os_class;

/* In order, the first that speaks: the identity phase's verdict (its windows/unix family),
 * the full OS match (its family and device type), the passive SYN/ACK guess, the families
 * of the open login ports (deploy table) when they agree, tcp/135 open (MS RPC), the
 * initial TTL (64 Unix-like, 128 Windows, 255 network gear or Solaris/AIX: unix, the way
 * to log in to either). The device class says which: a verdict of family "network", or a
 * passive "network device" guess, without an agent is network gear. deploy may be NULL. */
void as_os_classify(const as_host_view *h, const as_port_table *deploy, as_os_class *c);

#endif
