/* snmp_ident.c — the SNMP identity GET built and its response parsed by net-snmp's PDU
 * functions (snmp_pdu_create, snmp_add_null_var, snmp_build, snmp_parse). */
#include "probes/snmp_ident.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "probes/wire.h"

#define COMMUNITY_MAX 64

static const oid sys_descr[] = {1, 3, 6, 1, 2, 1, 1, 1, 0};
static const oid sys_object_id[] = {1, 3, 6, 1, 2, 1, 1, 2, 0};
static const oid sys_name[] = {1, 3, 6, 1, 2, 1, 1, 5, 0};
#define OIDLEN(o) (sizeof o / sizeof o[0])

/* net-snmp logs parse failures ("bad type returned") and falls back to stderr when no log
 * handler is enabled; a scanner reads hostile bytes all day and reports them itself, so a
 * null handler takes every priority. */
static void quiet(void)
{
    static int done;
    if (!done) {
        snmp_disable_log();
        netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_DEBUG);
        done = 1;
    }
}

int as_snmp_build_get(const char *community, int32_t reqid, uint8_t *buf, size_t len)
{
    size_t cl = community ? strlen(community) : 0;
    if (cl == 0 || cl > COMMUNITY_MAX)
        return -EINVAL;
    quiet();
    netsnmp_session s;
    memset(&s, 0, sizeof s);
    s.version = SNMP_VERSION_2c;
    s.community = (u_char *)community;
    s.community_len = cl;
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
    if (!pdu)
        return -ENOMEM;
    pdu->version = SNMP_VERSION_2c;     /* snmp_send would copy it from the session */
    pdu->reqid = reqid;
    pdu->msgid = reqid;
    pdu->flags |= UCD_MSG_FLAG_FORWARD_ENCODE;
    snmp_add_null_var(pdu, sys_descr, OIDLEN(sys_descr));
    snmp_add_null_var(pdu, sys_object_id, OIDLEN(sys_object_id));
    snmp_add_null_var(pdu, sys_name, OIDLEN(sys_name));
    /* Forward encoding, whatever the library's default: the message starts the buffer and
     * snmp_build leaves its length in the size argument. */
    size_t cap = 512, off = 0, n = cap;
    u_char *pkt = malloc(cap);
    int rc = -ENOMEM;
    if (pkt && snmp_build(&pkt, &n, &off, &s, pdu) != 0)
        rc = -EIO;
    else if (pkt)
        rc = n > len || n > cap ? -E2BIG : (int)n;
    if (rc > 0)
        memcpy(buf, pkt, n);
    free(pkt);
    snmp_free_pdu(pdu);
    return rc;
}

static void put_string(const netsnmp_variable_list *v, char *dst)
{
    if (v->type == ASN_OCTET_STR)
        as_text_sanitize(v->val.string, v->val_len, dst, AS_SNMP_TEXT_MAX);
}

static void put_oid(const netsnmp_variable_list *v, char *dst)
{
    if (v->type != ASN_OBJECT_ID)
        return;
    size_t n = v->val_len / sizeof(oid), w = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(dst + w, AS_SNMP_TEXT_MAX - w, "%s%lu", i ? "." : "",
                         (unsigned long)v->val.objid[i]);
        if (k < 0 || (size_t)k >= AS_SNMP_TEXT_MAX - w) {
            dst[w] = '\0';      /* cut at a whole arc */
            return;
        }
        w += (size_t)k;
    }
}

int as_snmp_parse_response(const uint8_t *buf, size_t len, as_snmp_info *out)
{
    memset(out, 0, sizeof *out);
    quiet();
    netsnmp_session s;
    memset(&s, 0, sizeof s);
    s.version = SNMP_DEFAULT_VERSION;
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
    u_char *copy = malloc(len ? len : 1);   /* net-snmp takes a non-const buffer */
    int rc = -EBADMSG;
    if (!pdu || !copy) {
        rc = -ENOMEM;
        goto out;
    }
    memcpy(copy, buf, len);
    if (snmp_parse(NULL, &s, pdu, copy, len) != SNMP_ERR_NOERROR ||
        pdu->command != SNMP_MSG_RESPONSE ||
        (pdu->version != SNMP_VERSION_1 && pdu->version != SNMP_VERSION_2c))
        goto out;
    out->reqid = (int32_t)pdu->reqid;
    out->error_status = pdu->errstat;
    if (pdu->community)
        as_text_sanitize(pdu->community, pdu->community_len, out->community,
                         sizeof out->community);
    for (const netsnmp_variable_list *v = pdu->variables; v; v = v->next_variable) {
        if (snmp_oid_compare(v->name, v->name_length, sys_descr, OIDLEN(sys_descr)) == 0)
            put_string(v, out->descr);
        else if (snmp_oid_compare(v->name, v->name_length, sys_name, OIDLEN(sys_name)) == 0)
            put_string(v, out->name);
        else if (snmp_oid_compare(v->name, v->name_length, sys_object_id,
                                  OIDLEN(sys_object_id)) == 0)
            put_oid(v, out->object_id);
    }
    rc = 0;
out:
    if (pdu)
        snmp_free_pdu(pdu);
    free(copy);
    return rc;
}
