/* snmp_os.c — sysDescr and sysObjectID to an OS hint: a table of sysDescr shapes (each with
 * where the shape is documented) and of IANA enterprise numbers. */
#include "fingerprints/snmp_os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct descr_row {
    const char *needle;     /* where: prefix when at_start, else anywhere */
    int at_start;
    int family;
    const char *name;
    const char *version_after;  /* the version is the word after this, or NULL */
} descr_row;

static const descr_row descr_rows[] = {
    /* net-snmp's default sysDescr is "uname -s -n -r -v -m" (snmpd.conf(5), sysdescr):
     * the release is the third word. */
    {"Linux ", 1, AS_OSFAM_UNIX, "Linux", ""},
    {"FreeBSD ", 1, AS_OSFAM_UNIX, "FreeBSD", ""},
    {"OpenBSD ", 1, AS_OSFAM_UNIX, "OpenBSD", ""},
    {"NetBSD ", 1, AS_OSFAM_UNIX, "NetBSD", ""},
    {"SunOS ", 1, AS_OSFAM_UNIX, "Solaris", ""},
    {"Darwin ", 1, AS_OSFAM_UNIX, "macOS", ""},
    /* Cisco: "Cisco IOS Software, ... Version 15.2(4)E10, RELEASE SOFTWARE" (Cisco IOS
     * "show version" and the CISCO-PRODUCTS-MIB sysDescr convention). */
    {"Cisco IOS XR", 0, AS_OSFAM_NETDEV, "Cisco IOS XR", "Version "},
    {"Cisco NX-OS", 0, AS_OSFAM_NETDEV, "Cisco NX-OS", "Version "},
    {"Cisco Adaptive Security Appliance", 0, AS_OSFAM_NETDEV, "Cisco ASA", "Version "},
    {"Cisco IOS", 0, AS_OSFAM_NETDEV, "Cisco IOS", "Version "},
    /* Juniper: "Juniper Networks, Inc. ex2300-24t ... JUNOS 20.4R3-S1.3" (Junos SNMP MIB
     * Explorer, sysDescr). */
    {"JUNOS ", 0, AS_OSFAM_NETDEV, "Juniper Junos", "JUNOS "},
    /* MikroTik: "RouterOS RB750Gr3" (MikroTik docs, SNMP). */
    {"RouterOS", 1, AS_OSFAM_NETDEV, "MikroTik RouterOS", NULL},
    /* Huawei: "Huawei Versatile Routing Platform Software" (Huawei VRP product docs). */
    {"Huawei Versatile Routing Platform", 0, AS_OSFAM_NETDEV, "Huawei VRP", "Version "},
    /* Fortinet: sysDescr is the model; FortiOS is named in sysObjectID below. */
};

/* Microsoft's SNMP service: "Hardware: ... - Software: Windows Version 6.3 (Build 17763
 * Multiprocessor Free)". The service reports 6.3 on every release since 8.1 (it is not
 * manifested for later versions), so builds of 10240 and up mean 10.0. */
static int windows_descr(const char *d, const as_winbuilds *b, as_os_hint *h)
{
    const char *p = strstr(d, "Software: Windows");
    if (!p)
        return 0;
    h->family = AS_OSFAM_WINDOWS;
    snprintf(h->name, sizeof h->name, "Windows");
    h->confidence = 85;
    unsigned ma, mi, build;
    const char *v = strstr(p, "Version ");
    if (!v || sscanf(v, "Version %u.%u (Build %u", &ma, &mi, &build) != 3)
        return 1;
    if (build >= 10240)
        ma = 10, mi = 0;
    as_os_hint wb;
    if (b && as_winbuild_hint(b, ma, mi, build, &wb) >= 0)
        *h = wb;
    else
        snprintf(h->version, sizeof h->version, "%u.%u.%u", ma, mi, build);
    return 1;
}

static void word_after(const char *s, const char *after, int nth, char *dst, size_t len)
{
    const char *p = after ? strstr(s, after) : s;
    if (!p)
        return;
    p += after ? strlen(after) : 0;
    for (int k = 0; k < nth && p; k++) {
        p = strchr(p, ' ');
        p = p ? p + 1 : NULL;
    }
    if (!p)
        return;
    size_t n = strcspn(p, " ,;");
    snprintf(dst, len, "%.*s", (int)n, p);
}

/* IANA Private Enterprise Numbers (https://www.iana.org/assignments/enterprise-numbers/). */
static const struct { const char *prefix; int family; const char *name; } oid_rows[] = {
    {"1.3.6.1.4.1.311.", AS_OSFAM_WINDOWS, "Windows"},          /* Microsoft */
    {"1.3.6.1.4.1.9.", AS_OSFAM_NETDEV, "Cisco"},               /* ciscoSystems */
    {"1.3.6.1.4.1.2636.", AS_OSFAM_NETDEV, "Juniper Junos"},    /* Juniper Networks */
    {"1.3.6.1.4.1.14988.", AS_OSFAM_NETDEV, "MikroTik RouterOS"},
    {"1.3.6.1.4.1.2011.", AS_OSFAM_NETDEV, "Huawei VRP"},       /* Huawei Technologies */
    {"1.3.6.1.4.1.25506.", AS_OSFAM_NETDEV, "H3C Comware"},     /* H3C */
    {"1.3.6.1.4.1.12356.", AS_OSFAM_NETDEV, "Fortinet FortiOS"},
    {"1.3.6.1.4.1.30065.", AS_OSFAM_NETDEV, "Arista EOS"},      /* Arista Networks */
    {"1.3.6.1.4.1.8072.", AS_OSFAM_UNIX, ""},                   /* net-snmp: a Unix agent */
};

int as_snmp_os_hint(const char *descr, const char *object_id, const as_winbuilds *builds,
                    as_os_hint *hint)
{
    memset(hint, 0, sizeof *hint);
    if (descr && windows_descr(descr, builds, hint))
        return 1;
    for (size_t i = 0; descr && i < sizeof descr_rows / sizeof descr_rows[0]; i++) {
        const descr_row *r = &descr_rows[i];
        if (r->at_start ? strncmp(descr, r->needle, strlen(r->needle)) != 0
                        : strstr(descr, r->needle) == NULL)
            continue;
        hint->family = r->family;
        snprintf(hint->name, sizeof hint->name, "%s", r->name);
        hint->confidence = 85;
        if (r->version_after && !r->version_after[0])
            word_after(descr, NULL, 2, hint->version, sizeof hint->version);
        else if (r->version_after)
            word_after(descr, r->version_after, 0, hint->version, sizeof hint->version);
        return 1;
    }
    for (size_t i = 0; object_id && i < sizeof oid_rows / sizeof oid_rows[0]; i++)
        if (!strncmp(object_id, oid_rows[i].prefix, strlen(oid_rows[i].prefix))) {
            hint->family = oid_rows[i].family;
            snprintf(hint->name, sizeof hint->name, "%s", oid_rows[i].name);
            hint->confidence = 60;
            return 1;
        }
    return 0;
}
