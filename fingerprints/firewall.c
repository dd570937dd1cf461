/* firewall.c — the two firewall rules (see firewall.h). The group rule sorts indexes by
 * (signature, open ports) so it is O(n log n) however many hosts a sweep finds. */
#include "fingerprints/firewall.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int as_fw_host_rule(const as_fw_host *h, char *note, size_t notelen)
{
    if (h->synack_ttl == 0 || h->rst_ttl == 0 || h->synack_ttl == h->rst_ttl)
        return 0;
    snprintf(note, notelen, "SYN/ACKs arrive with TTL %u but RSTs with TTL %u: something at another "
             "distance answers for this host", h->synack_ttl, h->rst_ttl);
    return 1;
}

static int by_key(const void *a, const void *b, void *ctx)
{
    const as_fw_host *hosts = ctx;
    const as_fw_host *x = &hosts[*(const size_t *)a], *y = &hosts[*(const size_t *)b];
    int c = strcmp(x->signature, y->signature);
    return c != 0 ? c : strcmp(x->open_ports, y->open_ports);
}

static int candidate(const as_fw_host *h)
{
    return h->signature[0] != '\0' && h->open_ports[0] != '\0' && h->closed == 0;
}

int as_fw_group_rule(const as_fw_host *hosts, size_t n, unsigned *flagged)
{
    memset(flagged, 0, n * sizeof *flagged);
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), m = 0;
    if (idx == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (candidate(&hosts[i]))
            idx[m++] = i;
    qsort_r(idx, m, sizeof *idx, by_key, (void *)hosts);
    int total = 0;
    for (size_t i = 0; i < m;) {
        size_t j = i + 1;
        while (j < m && by_key(&idx[i], &idx[j], (void *)hosts) == 0)
            j++;
        if (j - i >= AS_FW_GROUP_MIN)
            for (size_t k = i; k < j; k++) {
                flagged[idx[k]] = (unsigned)(j - i);
                total++;
            }
        i = j;
    }
    free(idx);
    return total;
}
