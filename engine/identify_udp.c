/* identify_udp.c — NBSTAT (UDP 137) and SNMP v2c GET (UDP 161) to every host of the phase:
 * a batch of max_connections hosts per 10 ms tick, answers matched by source address and
 * our transaction/request id, the sockets closed timeout_ms after the last send. */
#include "engine/identify_internal.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static as_id_phase *sort_ph;

static int by_ip(const void *a, const void *b)
{
    uint32_t x = sort_ph->hosts[*(const size_t *)a].ip, y = sort_ph->hosts[*(const size_t *)b].ip;
    return x < y ? -1 : x > y;
}

/* The host that has this address, or NULL. */
static as_id_host *find(as_id_phase *ph, uint32_t ip, size_t *idx)
{
    size_t lo = 0, hi = ph->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t m = ph->hosts[ph->udp_index[mid]].ip;
        if (m == ip) {
            *idx = ph->udp_index[mid];
            return &ph->hosts[*idx];
        }
        if (m < ip)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    (void)suggested;
    as_id_phase *ph = h->data;
    *buf = uv_buf_init((char *)ph->scratch, sizeof ph->scratch);
}

static as_id_host *source_host(as_id_phase *ph, ssize_t nread, const struct sockaddr *addr,
                               size_t *idx)
{
    if (nread <= 0 || addr == NULL || addr->sa_family != AF_INET)
        return NULL;
    const struct sockaddr_in *a = (const struct sockaddr_in *)addr;
    return find(ph, ntohl(a->sin_addr.s_addr), idx);
}

/* Every host told both: no need to wait out the rest. */
static void note_answer(as_id_phase *ph, const as_id_host *h)
{
    ph->st->udp_answers++;
    if (h->res.has_nbstat && h->res.has_snmp && ++ph->udp_complete == ph->n && !ph->udp_sending)
        as_id_udp_stop(ph);
}

static void nb_read(uv_udp_t *u, ssize_t nread, const uv_buf_t *buf, const struct sockaddr *addr,
                    unsigned flags)
{
    (void)flags;
    as_id_phase *ph = u->data;
    size_t idx;
    as_id_host *h = source_host(ph, nread, addr, &idx);
    if (h == NULL || h->res.has_nbstat)
        return;
    as_nbstat_info info;
    if (as_nbstat_parse((const uint8_t *)buf->base, (size_t)nread, &info) != 0 ||
        info.xid != (uint16_t)idx)
        return;
    h->res.nbstat = info;
    h->res.has_nbstat = 1;
    note_answer(ph, h);
}

static void snmp_read(uv_udp_t *u, ssize_t nread, const uv_buf_t *buf,
                      const struct sockaddr *addr, unsigned flags)
{
    (void)flags;
    as_id_phase *ph = u->data;
    size_t idx;
    as_id_host *h = source_host(ph, nread, addr, &idx);
    if (h == NULL || h->res.has_snmp)
        return;
    as_snmp_info info;
    size_t nc = ph->o->ncommunities ? ph->o->ncommunities : 1;
    if (as_snmp_parse_response((const uint8_t *)buf->base, (size_t)nread, &info) != 0 ||
        info.reqid < 0 || (size_t)info.reqid / nc != idx || info.error_status != 0)
        return;
    h->res.snmp = info;
    h->res.has_snmp = 1;
    note_answer(ph, h);
}

static void udp_closed(uv_handle_t *h)
{
    as_id_phase *ph = h->data;
    if (--ph->udp_handles == 0)
        ph->udp_done = 1;
}

void as_id_udp_stop(as_id_phase *ph)
{
    if (ph->udp_handles == 0 || uv_is_closing((uv_handle_t *)&ph->udp_timer))
        return;
    uv_close((uv_handle_t *)&ph->nb, udp_closed);
    uv_close((uv_handle_t *)&ph->snmp, udp_closed);
    uv_close((uv_handle_t *)&ph->udp_timer, udp_closed);
}

static void send_one(uv_udp_t *u, uint32_t ip, uint16_t port, const uint8_t *q, size_t len)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(ip);
    uv_buf_t b = uv_buf_init((char *)q, (unsigned)len);
    /* A full socket buffer loses this datagram: the host stays unasked, as after a loss. */
    uv_udp_try_send(u, &b, 1, (const struct sockaddr *)&a);
}

static void udp_tick(uv_timer_t *t)
{
    as_id_phase *ph = t->data;
    const as_id_opts *o = ph->o;
    size_t nc = o->ncommunities ? o->ncommunities : 1;
    for (unsigned k = 0; k < ph->max && ph->udp_next < ph->n && !ph->stopping; k++) {
        size_t i = ph->udp_next++;
        uint8_t q[512];
        as_nbstat_query(q, (uint16_t)i);
        send_one(&ph->nb, ph->hosts[i].ip, o->nbstat_port ? o->nbstat_port : 137, q,
                 AS_NBSTAT_QUERY_LEN);
        for (size_t c = 0; c < nc; c++) {
            const char *comm = o->ncommunities ? o->communities[c] : "public";
            int len = as_snmp_build_get(comm, (int32_t)(i * nc + c), q, sizeof q);
            if (len > 0)
                send_one(&ph->snmp, ph->hosts[i].ip, o->snmp_port ? o->snmp_port : 161, q,
                         (size_t)len);
        }
    }
    if (ph->udp_next >= ph->n || ph->stopping) {
        /* All asked: wait for the answers (a datagram has no connection to time out: at
         * most a second, or the connection cap if shorter), then close. */
        if (ph->udp_sending) {
            ph->udp_sending = 0;
            uv_timer_stop(t);
            uv_timer_start(t, udp_tick, ph->timeout_ms < 1000 ? ph->timeout_ms : 1000, 0);
        } else {
            as_id_udp_stop(ph);
        }
    }
}

int as_id_udp_start(as_id_phase *ph)
{
    if (!ph->o->udp || ph->n == 0 || (size_t)INT32_MAX / AS_ID_COMMUNITIES_MAX < ph->n)
        return -1;
    ph->udp_index = malloc(ph->n * sizeof *ph->udp_index);
    if (ph->udp_index == NULL)
        return -1;
    for (size_t i = 0; i < ph->n; i++)
        ph->udp_index[i] = i;
    sort_ph = ph;
    qsort(ph->udp_index, ph->n, sizeof *ph->udp_index, by_ip);
    struct sockaddr_in any;
    memset(&any, 0, sizeof any);
    any.sin_family = AF_INET;
    uv_udp_init(&ph->loop, &ph->nb);
    uv_udp_init(&ph->loop, &ph->snmp);
    uv_timer_init(&ph->loop, &ph->udp_timer);
    ph->nb.data = ph->snmp.data = ph->udp_timer.data = ph;
    ph->udp_handles = 3;
    if (uv_udp_bind(&ph->nb, (const struct sockaddr *)&any, 0) != 0 ||
        uv_udp_bind(&ph->snmp, (const struct sockaddr *)&any, 0) != 0 ||
        uv_udp_recv_start(&ph->nb, udp_alloc, nb_read) != 0 ||
        uv_udp_recv_start(&ph->snmp, udp_alloc, snmp_read) != 0) {
        as_id_udp_stop(ph);
        return 0;
    }
    ph->udp_sending = 1;
    uv_timer_start(&ph->udp_timer, udp_tick, 0, 10);
    return 0;
}
