/* hosttab.c — live-host table (see hosttab.h): linear probing, grown at half load. */
#include "engine/hosttab.h"

#include <stdlib.h>
#include <string.h>

#include "db/record.h"
#include "probes/osprobe.h"
#include "probes/vec.h"

static size_t slot_of(uint32_t ip, size_t cap)
{
    uint64_t h = (uint64_t)ip * 0x9e3779b97f4a7c15ULL;
    return (size_t)(h >> 32) & (cap - 1);
}

int as_hosttab_init(as_hosttab *t, size_t nports)
{
    memset(t, 0, sizeof *t);
    t->nports = nports;
    t->index_cap = 1024;
    t->index = calloc(t->index_cap, sizeof *t->index);
    return t->index == NULL ? -1 : 0;
}

void as_hosttab_free(as_hosttab *t)
{
    for (size_t i = 0; i < t->count; i++) {
        as_host_release(t, &t->hosts[i]);
        free(t->hosts[i].os);
        free(t->hosts[i].os_passive);
        free(t->hosts[i].fw_ports);
    }
    free(t->hosts);
    free(t->index);
    memset(t, 0, sizeof *t);
}

long as_hosttab_find(const as_hosttab *t, uint32_t ip)
{
    for (size_t s = slot_of(ip, t->index_cap);; s = (s + 1) & (t->index_cap - 1)) {
        uint32_t v = t->index[s];
        if (v == 0)
            return -1;
        if (t->hosts[v - 1].ip == ip)
            return (long)(v - 1);
    }
}

static int grow_index(as_hosttab *t)
{
    size_t cap = t->index_cap * 2;
    uint32_t *idx = calloc(cap, sizeof *idx);
    if (idx == NULL)
        return -1;
    for (size_t i = 0; i < t->count; i++) {
        size_t s = slot_of(t->hosts[i].ip, cap);
        while (idx[s] != 0)
            s = (s + 1) & (cap - 1);
        idx[s] = (uint32_t)(i + 1);
    }
    free(t->index);
    t->index = idx;
    t->index_cap = cap;
    return 0;
}

int as_host_ports_alloc(as_hosttab *t, as_host *h)
{
    if (h->ports != NULL)
        return 0;
    h->ports = as_hostports_new(t->nports);
    if (h->ports == NULL)
        return -1;
    if (++t->with_slots > t->with_slots_peak)
        t->with_slots_peak = t->with_slots;
    return 0;
}

void as_host_release(as_hosttab *t, as_host *h)
{
    if (h->ports != NULL)
        t->with_slots--;
    as_hostports_free(h->ports);
    h->ports = NULL;
    free(h->name);
    h->name = NULL;
    free(h->os_fp);
    h->os_fp = NULL;
    free(h->os_guesses);
    h->os_guesses = NULL;
    h->nguesses = 0;
}

long as_hosttab_add(as_hosttab *t, uint32_t ip, int *created)
{
    long found = as_hosttab_find(t, ip);
    *created = 0;
    if (found >= 0)
        return found;
    if ((t->count + 1) * 2 > t->index_cap && grow_index(t) != 0)
        return -1;
    if (AS_VEC_RESERVE(t->hosts, t->cap, t->count + 1) != 0)
        return -1;
    as_host *h = &t->hosts[t->count];
    memset(h, 0, sizeof *h);
    h->ip = ip;
    h->rtt_us = -1;
    h->unknown = (uint32_t)t->nports;
    size_t s = slot_of(ip, t->index_cap);
    while (t->index[s] != 0)
        s = (s + 1) & (t->index_cap - 1);
    t->index[s] = (uint32_t)(t->count + 1);
    *created = 1;
    return (long)t->count++;
}
