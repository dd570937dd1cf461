/* hostports.h — a live host's port state while it is probed, sparse: one bit per port
 * (answered or not) and the list of ports that answered with their state, reason and
 * TTL; a port that never answers costs one bit, and is filtered once the host's last
 * probe pass has timed out. Also the scan's table of reason strings, so that an answer
 * holds a byte instead of a pointer. */
#ifndef AS_HOSTPORTS_H
#define AS_HOSTPORTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_port_answer {
    uint32_t pi;            /* index in the scan's port list */
    uint8_t state;          /* enum as_port_state */
    uint8_t reason;         /* index in the scan's as_reasons */
    uint8_t ttl;            /* of the reply that decided the state */
} as_port_answer;

typedef struct as_hostports {
    uint64_t *answered;     /* 1 bit per port index */
    as_port_answer *list;   /* in arrival order until as_hostports_sort() */
    size_t n, cap;
} as_hostports;

/* Port state of a host with nports ports, none answered: NULL on ENOMEM. */
as_hostports *as_hostports_new(size_t nports);
void as_hostports_free(as_hostports *p);

static inline int as_hostports_answered(const as_hostports *p, size_t pi)
{
    return (int)((p->answered[pi >> 6] >> (pi & 63)) & 1);
}

/* Records an answer for a port not answered yet: 0, or -1 on ENOMEM, when the port is
 * marked answered all the same (never asked again) but has no answer to report. */
int as_hostports_add(as_hostports *p, size_t pi, uint8_t state, uint8_t reason, uint8_t ttl);

/* Orders the answers by port index (the scan's port order), for storing. */
void as_hostports_sort(as_hostports *p);

/* The reasons the replies of one scan gave ("syn-ack", "reset", ...): static strings,
 * each held once. Index 0 is "" (no reason). */
#define AS_REASONS_MAX 64
typedef struct as_reasons {
    const char *text[AS_REASONS_MAX];
    unsigned n;
} as_reasons;

void as_reasons_init(as_reasons *r);
/* The index of reason (added if new); 0 for NULL or when the table is full. */
uint8_t as_reasons_index(as_reasons *r, const char *reason);

#endif
