/* hostports.c — a live host's sparse port state and the scan's reason table (see
 * hostports.h). */
#include "engine/hostports.h"

#include <stdlib.h>
#include <string.h>

#include "probes/vec.h"

as_hostports *as_hostports_new(size_t nports)
{
    as_hostports *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->answered = calloc((nports + 63) / 64 + 1, sizeof *p->answered);
    if (p->answered == NULL) {
        free(p);
        return NULL;
    }
    return p;
}

void as_hostports_free(as_hostports *p)
{
    if (p == NULL)
        return;
    free(p->answered);
    free(p->list);
    free(p);
}

int as_hostports_add(as_hostports *p, size_t pi, uint8_t state, uint8_t reason, uint8_t ttl)
{
    p->answered[pi >> 6] |= (uint64_t)1 << (pi & 63);
    if (AS_VEC_RESERVE(p->list, p->cap, p->n + 1) != 0)
        return -1;
    p->list[p->n++] = (as_port_answer){(uint32_t)pi, state, reason, ttl};
    return 0;
}

static int by_index(const void *a, const void *b)
{
    uint32_t x = ((const as_port_answer *)a)->pi, y = ((const as_port_answer *)b)->pi;
    return (x > y) - (x < y);
}

void as_hostports_sort(as_hostports *p)
{
    if (p->n > 1)
        qsort(p->list, p->n, sizeof *p->list, by_index);
}

void as_reasons_init(as_reasons *r)
{
    memset(r, 0, sizeof *r);
    r->text[r->n++] = "";
}

uint8_t as_reasons_index(as_reasons *r, const char *reason)
{
    if (reason == NULL)
        return 0;
    /* Probes hand out static strings, so the pointer nearly always matches. */
    for (unsigned i = 0; i < r->n; i++)
        if (r->text[i] == reason || strcmp(r->text[i], reason) == 0)
            return (uint8_t)i;
    if (r->n >= AS_REASONS_MAX)
        return 0;
    r->text[r->n] = reason;
    return (uint8_t)r->n++;
}
