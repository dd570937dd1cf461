/* scan_store.c — turns finished hosts into records (ports, agent products, deploy
 * channels) and writes them to the store in one transaction per batch. */
#include "engine/scan_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "engine/clock.h"
#include "fingerprints/firewall.h"
#include "fingerprints/osfp.h"

static void append_list(char *buf, size_t len, const char *sep, const char *item)
{
    /* Skip duplicates: two SMB ports make one "smb" channel. */
    size_t il = strlen(item);
    for (const char *p = buf; (p = strstr(p, item)) != NULL; p += il) {
        int starts = p == buf || strncmp(p - strlen(sep), sep, strlen(sep)) == 0;
        int ends = p[il] == '\0' || strncmp(p + il, sep, strlen(sep)) == 0;
        if (starts && ends)
            return;
    }
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s%s", used ? sep : "", item);
}

static void describe_port(const as_scanner *s, as_host_record *rec, as_port_record *pr)
{
    const char *agent = s->o->agents ? as_port_table_product(s->o->agents, pr->port, pr->proto) : NULL;
    const char *channel = s->o->deploy ? as_port_table_product(s->o->deploy, pr->port, pr->proto) : NULL;
    const char *service = agent ? agent : channel;
    snprintf(pr->service, sizeof pr->service, "%s", service ? service : "");
    if (pr->state != AS_PORT_OPEN)
        return;
    if (agent != NULL) {
        rec->managed = 1;
        append_list(rec->agent, sizeof rec->agent, ", ", agent);
    } else if (channel != NULL) {
        append_list(rec->deploy, sizeof rec->deploy, ",", channel);
    }
}

static void os_fields(as_scanner *s, const as_host *h, as_host_record *rec)
{
    rec->os_fingerprint = h->os_fp;
    rec->os_passive = h->os_passive;
    rec->os_passive_accuracy = h->passive_conf;
    rec->os = s->os_records;
    for (size_t i = 0; i < h->nguesses && i < sizeof s->os_records / sizeof s->os_records[0]; i++) {
        const as_osentry *e = h->os_guesses[i].entry;
        /* Each OS once: a database may hold several prints of one system. */
        int seen = 0;
        for (size_t k = 0; k < rec->nos && !seen; k++)
            seen = strcmp(s->os_records[k].name, e->name) == 0;
        if (seen)
            continue;
        as_os_guess *g = &s->os_records[rec->nos++];
        memset(g, 0, sizeof *g);
        g->name = e->name;
        g->accuracy = (int)(h->os_guesses[i].accuracy * 100.0 + 1e-9);  /* nmap truncates */
        if (e->nclasses > 0) {
            g->vendor = e->classes[0].vendor;
            g->family = e->classes[0].family;
            g->generation = e->classes[0].generation;
            g->type = e->classes[0].type;
        }
        if (e->ncpes > 0)
            g->cpe = e->cpes[0].cpe;
    }
    /* Firewall rule 1: SYN/ACKs and RSTs from different distances. */
    as_fw_host fw = {"", "", 0, 0, 0};
    for (size_t i = 0; h->ports != NULL && i < h->ports->n; i++) {
        const as_port_answer *a = &h->ports->list[i];
        if (as_scan_port_is_udp(s, a->pi))
            continue;   /* the rules speak of SYN/ACKs and RSTs */
        if (a->state == AS_PORT_OPEN && fw.synack_ttl == 0)
            fw.synack_ttl = a->ttl;
        if (a->state == AS_PORT_CLOSED && fw.rst_ttl == 0)
            fw.rst_ttl = a->ttl;
    }
    if (as_fw_host_rule(&fw, s->fw_note, sizeof s->fw_note)) {
        rec->firewall_suspect = 1;
        rec->firewall_note = s->fw_note;
    }
}

static void port_records(as_scanner *s, const as_host *h, as_host_record *rec, as_port_record *ports);

static void build_record(as_scanner *s, const as_host *h, as_host_record *rec, as_port_record *ports)
{
    memset(rec, 0, sizeof *rec);
    rec->ip = h->ip;
    rec->up = 1;
    snprintf(rec->up_reason, sizeof rec->up_reason, "%s", h->up_reason ? h->up_reason : "");
    rec->reply_ttl = h->reply_ttl;
    rec->rtt_us = h->rtt_us;
    rec->has_mac = (h->flags & AS_HOST_HAS_MAC) != 0;
    memcpy(rec->mac, h->mac, 6);
    snprintf(rec->name, sizeof rec->name, "%s", h->name ? h->name : "");
    rec->ports = ports;
    if (h->ports != NULL)
        port_records(s, h, rec, ports);
    os_fields(s, h, rec);
}

/* The answers in port order, and once the host is final its silent ports filtered. */
static void port_records(as_scanner *s, const as_host *h, as_host_record *rec, as_port_record *ports)
{
    as_hostports_sort(h->ports);
    int final = (h->flags & AS_HOST_PORTS_FINAL) != 0;
    size_t k = 0;
    for (size_t i = 0; i < s->o->nports; i++) {
        const as_port_answer *a = k < h->ports->n && h->ports->list[k].pi == i ? &h->ports->list[k++] : NULL;
        if (a == NULL && (!final || as_hostports_answered(h->ports, i)))
            continue;   /* unknown (interrupted), or an answer there was no memory for */
        as_port_record *pr = &ports[rec->nports];
        memset(pr, 0, sizeof *pr);
        pr->confirmed = -1;
        pr->port = s->o->ports[i];
        pr->proto = as_scan_port_is_udp(s, i) ? IPPROTO_UDP : IPPROTO_TCP;
        pr->state = a ? a->state : as_scan_port_silent_state(s, i);
        pr->reason_ttl = a ? a->ttl : 0;
        snprintf(pr->reason, sizeof pr->reason, "%s", a ? s->reasons.text[a->reason] : "no-response");
        describe_port(s, rec, pr);
        rec->nports++;
    }
}

/* The host is in the store: keep what the scan-wide firewall rule needs (its open ports
 * as text, its closed count) and free the rest (as_host_release). */
static void summarise_and_release(as_scanner *s, as_host *h)
{
    char ports[96] = "";
    h->fw_closed = 0;
    for (size_t k = 0; h->ports != NULL && k < h->ports->n; k++) {
        const as_port_answer *a = &h->ports->list[k];   /* in port order (port_records) */
        if (as_scan_port_is_udp(s, a->pi))
            continue;
        size_t used = strlen(ports);
        if (a->state == AS_PORT_OPEN && used + 8 < sizeof ports)
            snprintf(ports + used, sizeof ports - used, "%s%u", used ? "," : "", s->o->ports[a->pi]);
        h->fw_closed += a->state == AS_PORT_CLOSED;
    }
    free(h->fw_ports);
    h->fw_ports = strdup(ports);
    if (as_scan_identify_wanted(s))
        as_scan_identify_keep(s, h);
    as_host_release(&s->hosts, h);
}

int as_scan_flush(as_scanner *s)
{
    s->last_flush_us = as_scan_now(s);
    if (s->doneq.count == 0 || s->store_failed)
        return s->store_failed ? -1 : 0;
    if (s->o->store == NULL) {
        /* Nothing to record (a dry run): the hosts are done all the same. */
        while (s->doneq.count > 0)
            as_fifo_pop(&s->doneq);
        return 0;
    }
    as_store *st = s->o->store;
    char *err = s->store_err;
    size_t errlen = sizeof s->store_err;
    if (as_store_begin_batch(st, err, errlen) != 0) {
        s->store_failed = 1;
        return -1;
    }
    double seen = as_wall_time();
    while (s->doneq.count > 0) {
        as_host *h = &s->hosts.hosts[as_fifo_pop(&s->doneq)];
        as_host_record rec;
        build_record(s, h, &rec, s->port_records);
        if (as_store_add_host(st, s->scan_id, &rec, seen, err, errlen) != 0) {
            /* A host is written whole or not at all: keep the ones before it. */
            char e2[256];
            as_store_commit_batch(st, e2, sizeof e2);
            s->store_failed = 1;
            return -1;
        }
        for (size_t i = 0; i < rec.nports; i++)
            s->sum->ports_open += rec.ports[i].state == AS_PORT_OPEN;
        summarise_and_release(s, h);
    }
    if (as_store_commit_batch(st, err, errlen) != 0) {
        s->store_failed = 1;
        return -1;
    }
    return 0;
}

/* Firewall rule 2, over the whole scan: many hosts with one SYN/ACK signature, the same
 * open ports and no RST (see fingerprints/firewall.h). Marks the stored observations. */
int as_scan_firewall_groups(as_scanner *s)
{
    if (s->o->store == NULL)
        return 0;
    size_t n = s->hosts.count;
    as_fw_host *fw = calloc(n ? n : 1, sizeof *fw);
    unsigned *flagged = calloc(n ? n : 1, sizeof *flagged);
    int rc = 0;
    if (fw == NULL || flagged == NULL)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const as_host *h = &s->hosts.hosts[i];
        fw[i] = (as_fw_host){"", "", 0, 0, 0};
        /* Stored hosts carry their summary (summarise_and_release). */
        if (!(h->flags & AS_HOST_WRITTEN) || !(h->flags & AS_HOST_UP) || h->fw_ports == NULL)
            continue;
        fw[i].signature = h->os_passive ? h->os_passive : "";
        fw[i].open_ports = h->fw_ports;
        fw[i].closed = h->fw_closed;
    }
    if (rc == 0 && as_fw_group_rule(fw, n, flagged) > 0) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            if (flagged[i] == 0)
                continue;
            char note[200];
            snprintf(note, sizeof note, "%u hosts share one SYN/ACK signature and open ports %s and none "
                     "sends RST: one device may answer for all of them", flagged[i], fw[i].open_ports);
            rc = as_store_mark_firewall(s->o->store, s->scan_id, s->hosts.hosts[i].ip, note, s->store_err,
                                        sizeof s->store_err);
        }
    }
    free(fw);
    free(flagged);
    return rc;
}
