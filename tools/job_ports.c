/* job_ports.c — a job's ports: which protocol unprefixed -p ports are (-sS, -sU) and the
 * default list, every port the job's agent and deploy tables know (fingerprints/ports.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/portspec.h"
#include "fingerprints/agents.h"
#include "fingerprints/ports.h"
#include "tools/config.h"

/* nmap: ports without T:/U: belong to the scan types asked for; with neither, -sS. */
int as_job_port_plain(const as_job *j)
{
    int tcp = as_job_num(j, AS_OPT_SCAN_TYPE) != 0, udp = as_job_num(j, AS_OPT_UDP_SCAN) != 0;
    return udp ? AS_PORTSPEC_UDP | (tcp ? AS_PORTSPEC_TCP : 0) : AS_PORTSPEC_TCP;
}

static const char *path_or(const as_job *j, enum as_opt id, const char *def)
{
    const char *p = j->eff[id];
    return p ? p : def;
}

char *as_job_default_ports(const as_job *j)
{
    /* A table that does not load adds nothing here: the scan loads it again and says why. */
    as_port_table *agents = NULL, *deploy = NULL;
    char e[512];
    if (as_port_table_load(&agents, path_or(j, AS_OPT_AGENTS, as_default_agents_path()), 0, e, sizeof e) != 0)
        agents = NULL;
    if (as_port_table_load(&deploy, path_or(j, AS_OPT_DEPLOY_TABLE, as_default_deploy_path()), 1, e, sizeof e) != 0)
        deploy = NULL;
    as_port_list tcp, udp;
    int rc = as_ports_from_tables(agents, deploy, &tcp, &udp);
    as_port_table_free(agents);
    as_port_table_free(deploy);
    if (rc != 0)
        return NULL;
    /* Without -sS or -sU both lists; -sS alone TCP, -sU alone UDP (nmap's meaning). */
    int s_tcp = as_job_num(j, AS_OPT_SCAN_TYPE) != 0, s_udp = as_job_num(j, AS_OPT_UDP_SCAN) != 0;
    as_portspec ps = {NULL, NULL, 0, 0};
    uint16_t *all = malloc((tcp.n + udp.n + 1) * sizeof *all);
    char *text = NULL;
    if (all != NULL) {
        if (s_tcp || !s_udp) {
            memcpy(all, tcp.ports, tcp.n * sizeof *all);
            ps.ntcp = ps.n = tcp.n;
        }
        if (s_udp || !s_tcp) {
            memcpy(all + ps.n, udp.ports, udp.n * sizeof *all);
            ps.n += udp.n;
        }
        ps.ports = all;
        size_t need = as_portspec_format(&ps, NULL, 0);
        if ((text = malloc(need + 1)) != NULL)
            as_portspec_format(&ps, text, need + 1);
    }
    free(all);
    as_port_list_free(&tcp);
    as_port_list_free(&udp);
    return text;
}
