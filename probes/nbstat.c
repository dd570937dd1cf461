/* nbstat.c — the NetBIOS node-status query for "*" and the parser of its answer: the name
 * table, the names it implies (computer, workgroup, users) and the adapter's MAC. */
#include "probes/nbstat.h"

#include <errno.h>
#include <string.h>

#include "probes/wire.h"

#define TYPE_NBSTAT 0x0021

void as_nbstat_query(uint8_t buf[AS_NBSTAT_QUERY_LEN], uint16_t xid)
{
    as_wr w = {buf, AS_NBSTAT_QUERY_LEN, 0};
    as_wr_be16(&w, xid);
    as_wr_be16(&w, 0);              /* query, no recursion */
    as_wr_be16(&w, 1);              /* QDCOUNT */
    as_wr_be16(&w, 0);
    as_wr_be16(&w, 0);
    as_wr_be16(&w, 0);
    as_wr_u8(&w, 32);               /* "*" and 15 NULs, first-level encoded */
    as_wr_bytes(&w, "CK", 2);
    for (int i = 0; i < 15; i++)
        as_wr_bytes(&w, "AA", 2);
    as_wr_u8(&w, 0);
    as_wr_be16(&w, TYPE_NBSTAT);
    as_wr_be16(&w, 1);              /* IN */
}

/* Skips an encoded name: labels up to the empty one, or a compression pointer. */
static int skip_name(as_rd *r)
{
    for (int labels = 0; labels < 64; labels++) {
        uint8_t l;
        if (as_rd_u8(r, &l))
            return -1;
        if (l == 0)
            return 0;
        if ((l & 0xC0) == 0xC0)
            return as_rd_skip(r, 1);
        if ((l & 0xC0) || as_rd_skip(r, l))
            return -1;
    }
    return -1;
}

static void read_entry(const uint8_t raw[18], as_nb_name *e)
{
    size_t n = 15;
    while (n > 0 && (raw[n - 1] == ' ' || raw[n - 1] == 0))
        n--;
    as_text_sanitize(raw, n, e->name, sizeof e->name);
    e->suffix = raw[15];
    e->flags = (uint16_t)(raw[16] << 8 | raw[17]);
    e->group = (e->flags & 0x8000) != 0;
}

/* The names that matter, picked from the table as nbtstat readers do. */
static void derive(as_nbstat_info *out)
{
    const as_nb_name *srv = NULL;
    for (size_t i = 0; i < out->nnames; i++) {
        const as_nb_name *e = &out->names[i];
        if (!e->group && e->suffix == 0x00 && !out->computer[0])
            strcpy(out->computer, e->name);
        if (!e->group && e->suffix == 0x20 && !srv)
            srv = e;
        if (e->group && e->suffix == 0x00 && !out->workgroup[0])
            strcpy(out->workgroup, e->name);
    }
    if (!out->computer[0] && srv)
        strcpy(out->computer, srv->name);
    for (size_t i = 0; i < out->nnames && out->nusers < AS_NBSTAT_USERS_MAX; i++) {
        const as_nb_name *e = &out->names[i];
        if (!e->group && e->suffix == 0x03 && e->name[0] &&
            strcasecmp(e->name, out->computer) != 0)
            strcpy(out->users[out->nusers++], e->name);
    }
}

int as_nbstat_parse(const uint8_t *buf, size_t len, as_nbstat_info *out)
{
    memset(out, 0, sizeof *out);
    as_rd r = as_rd_init(buf, len);
    uint16_t flags, qd, an, type, rdlen;
    uint8_t count;
    if (as_rd_be16(&r, &out->xid) || as_rd_be16(&r, &flags) || as_rd_be16(&r, &qd) ||
        as_rd_be16(&r, &an) || as_rd_skip(&r, 4))
        return -EBADMSG;
    if (!(flags & 0x8000) || an == 0)
        return -EBADMSG;
    for (uint16_t i = 0; i < qd; i++)       /* answers normally carry no question */
        if (skip_name(&r) || as_rd_skip(&r, 4))
            return -EBADMSG;
    if (skip_name(&r) || as_rd_be16(&r, &type) || type != TYPE_NBSTAT || as_rd_skip(&r, 6) ||
        as_rd_be16(&r, &rdlen))
        return -EBADMSG;
    as_rd rd = as_rd_init(r.p + r.off, rdlen <= as_rd_left(&r) ? rdlen : as_rd_left(&r));
    if (as_rd_u8(&rd, &count) || as_rd_left(&rd) < (size_t)count * 18)
        return -EBADMSG;
    for (unsigned i = 0; i < count; i++) {
        uint8_t raw[18] = {0};   /* read whole or not used; zeroed for -O3's flow analysis */
        as_rd_bytes(&rd, raw, sizeof raw);
        if (out->nnames < AS_NBSTAT_NAMES_MAX)
            read_entry(raw, &out->names[out->nnames++]);
    }
    out->has_mac = as_rd_bytes(&rd, out->mac, 6) == 0;
    derive(out);
    return 0;
}
