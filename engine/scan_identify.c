/* scan_identify.c — the identity phase inside a scan: a compact list of the live hosts as
 * they are stored (address, what the sweep guessed, the open ports that matter), the phase
 * over it once the sweep is done, and its findings written over the stored hosts. */
#include "engine/scan_internal.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/identify.h"
#include "fingerprints/identity.h"
#include "fingerprints/osfp.h"

typedef struct as_id_keep {
    as_id_subject subj;         /* strings owned */
    uint16_t *ports;
    size_t nports;
} as_id_keep;

#define STORE_EVERY 256

int as_scan_identify_wanted(const as_scanner *s)
{
    const as_scan_opts *o = s->o;
    /* Only on the real network: a simulated one has no sockets to connect to. */
    return o->identify && o->store != NULL && o->netio == NULL && !o->dry_run && !o->offline;
}

static char *dup_or_null(const char *t)
{
    return t && *t ? strdup(t) : NULL;
}

/* A port worth a connection, or whose verdict (deploy channel, agent) the phase decides. */
static int kept_port(const as_scanner *s, uint16_t port)
{
    return as_id_port_proto(port) != AS_IDP_NONE ||
           (s->o->agents && as_port_table_product(s->o->agents, port, IPPROTO_TCP)) ||
           (s->o->deploy && as_port_table_product(s->o->deploy, port, IPPROTO_TCP));
}

void as_scan_identify_keep(as_scanner *s, const as_host *h)
{
    if (s->idkeep_failed || !(h->flags & AS_HOST_UP))
        return;
    if (s->nidkeep == s->capidkeep) {
        size_t cap = s->capidkeep ? s->capidkeep * 2 : 256;
        as_id_keep *k = realloc(s->idkeep, cap * sizeof *k);
        if (k == NULL) {
            s->idkeep_failed = 1;
            return;
        }
        s->idkeep = k;
        s->capidkeep = cap;
    }
    as_id_keep *k = &s->idkeep[s->nidkeep];
    memset(k, 0, sizeof *k);
    /* The open ports are among the host's answers (hostports.h), put in port order when
     * its record was built. */
    size_t open = 0;
    for (size_t i = 0; h->ports != NULL && i < h->ports->n; i++)
        open += h->ports->list[i].state == AS_PORT_OPEN && kept_port(s, s->o->ports[h->ports->list[i].pi]);
    if (open > 0 && (k->ports = malloc(open * sizeof *k->ports)) == NULL) {
        s->idkeep_failed = 1;
        return;
    }
    for (size_t i = 0; h->ports != NULL && i < h->ports->n; i++)
        if (h->ports->list[i].state == AS_PORT_OPEN && kept_port(s, s->o->ports[h->ports->list[i].pi]))
            k->ports[k->nports++] = s->o->ports[h->ports->list[i].pi];
    k->subj.ip = h->ip;
    k->subj.reply_ttl = h->reply_ttl;
    k->subj.ptr_name = dup_or_null(h->name);
    k->subj.passive = dup_or_null(h->os_passive);
    k->subj.passive_conf = h->passive_conf;
    if (h->nguesses > 0 && h->os_guesses != NULL) {
        const as_osentry *e = h->os_guesses[0].entry;
        k->subj.stack = dup_or_null(e->name);
        k->subj.stack_family = dup_or_null(e->nclasses > 0 ? e->classes[0].family : NULL);
        k->subj.stack_accuracy = (int)(h->os_guesses[0].accuracy * 100.0 + 1e-9);
    }
    s->nidkeep++;
}

void as_scan_identify_free(as_scanner *s)
{
    for (size_t i = 0; i < s->nidkeep; i++) {
        as_id_keep *k = &s->idkeep[i];
        free(k->ports);
        free((char *)k->subj.ptr_name);
        free((char *)k->subj.passive);
        free((char *)k->subj.stack);
        free((char *)k->subj.stack_family);
    }
    free(s->idkeep);
    s->idkeep = NULL;
    s->nidkeep = s->capidkeep = 0;
}

static int store_results(as_scanner *s, as_id_host *hosts, const as_winbuilds *builds)
{
    as_store *st = s->o->store;
    char *err = s->store_err;
    size_t errlen = sizeof s->store_err;
    for (size_t i = 0; i < s->nidkeep; i += STORE_EVERY) {
        if (as_store_begin_batch(st, err, errlen) != 0)
            return -1;
        for (size_t j = i; j < s->nidkeep && j < i + STORE_EVERY; j++) {
            as_id_record r;
            if (as_id_fuse(&hosts[j], &s->idkeep[j].subj, s->o->agents, s->o->deploy, builds,
                           &r) != 0) {
                char e2[256];
                as_store_commit_batch(st, e2, sizeof e2);
                snprintf(err, errlen, "identity phase: out of memory");
                return -1;
            }
            int rc = as_store_put_identity(st, s->scan_id, &r.rec, err, errlen);
            /* The services say one OS, the TCP/IP stack another: what answered the SYNs may
             * be a device in the path, not the host (the firewall-suspect rules' question). */
            if (rc == 0 && (r.conflict & AS_ID_CONFLICT_STACK)) {
                char note[600];
                snprintf(note, sizeof note, "protocol answers and the TCP/IP stack disagree: %.500s",
                         r.id.os_conflict);
                rc = as_store_mark_firewall(st, s->scan_id, r.rec.ip, note, err, errlen);
            }
            as_id_record_free(&r);
            if (rc != 0) {
                char e2[256];
                as_store_commit_batch(st, e2, sizeof e2);
                return -1;
            }
        }
        if (as_store_commit_batch(st, err, errlen) != 0)
            return -1;
    }
    return 0;
}

int as_scan_identify(as_scanner *s)
{
    if (!as_scan_identify_wanted(s) || s->nidkeep == 0)
        return 0;
    if (s->idkeep_failed)
        as_scan_log(s, 0, "identify", "warning: out of memory keeping hosts for the identity "
                    "phase; the hosts after the first %zu are not asked", s->nidkeep);
    as_id_host *hosts = calloc(s->nidkeep, sizeof *hosts);
    if (hosts == NULL) {
        as_scan_log(s, 0, "identify", "warning: out of memory; the identity phase is skipped");
        return 0;
    }
    for (size_t i = 0; i < s->nidkeep; i++) {
        hosts[i].ip = s->idkeep[i].subj.ip;
        hosts[i].ports = s->idkeep[i].ports;
        hosts[i].nports = s->idkeep[i].nports;
    }
    const as_scan_opts *o = s->o;
    as_id_opts io = {.max_connections = o->max_connections, .timeout_ms = o->identify_timeout_ms,
                     .udp = 1, .interrupted = o->interrupted, .verbose = o->verbose};
    for (size_t i = 0; i < o->ncommunities && i < AS_ID_COMMUNITIES_MAX; i++)
        io.communities[io.ncommunities++] = o->communities[i];
    as_winbuilds *builds = NULL;
    char e[512];
    if (as_winbuild_load(&builds, as_default_winbuild_path(), e, sizeof e) != 0)
        as_scan_log(s, 0, "identify", "warning: Windows build table: %s (builds stay numbers)", e);
    as_id_stats st;
    int rc = 0;
    if (as_identify_run(hosts, s->nidkeep, &io, &st, e, sizeof e) != 0) {
        as_scan_log(s, 0, "identify", "warning: %s; hosts are stored without identity", e);
    } else {
        as_scan_log(s, 1, "identify", "%zu hosts, %llu connections (%llu answered, %llu timed out, "
                    "%llu at the byte cap, %llu refused), %llu UDP answers, %.3f s%s", s->nidkeep,
                    (unsigned long long)st.connections, (unsigned long long)st.answered,
                    (unsigned long long)st.timeouts, (unsigned long long)st.capped,
                    (unsigned long long)st.refused, (unsigned long long)st.udp_answers, st.seconds,
                    st.interrupted ? ", interrupted" : "");
        if (st.interrupted)
            s->stopping = 1;
        rc = store_results(s, hosts, builds);
    }
    for (size_t i = 0; i < s->nidkeep; i++)
        as_id_result_free(&hosts[i].res);
    free(hosts);
    as_winbuild_free(builds);
    return rc;
}
