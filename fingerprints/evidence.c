/* evidence.c — the parsers' results as OS evidence and name candidates: NTLMSSP VERSION
 * (with the Samba rule), SSH and SNMP hints; names from NTLMSSP, NBSTAT, SNMP and TLS. */
#include "fingerprints/evidence.h"

#include <stdio.h>
#include <string.h>

#include "fingerprints/snmp_os.h"
#include "fingerprints/ssh_os.h"

static void start(as_evidence *ev, int source)
{
    memset(ev, 0, sizeof *ev);
    ev->source = source;
}

int as_evidence_ntlm(const as_ntlm_info *in, const as_winbuilds *builds, as_evidence *ev)
{
    start(ev, AS_EV_NTLMSSP);
    if (!in->has_version)
        return 0;
    snprintf(ev->value, sizeof ev->value, "NTLMSSP version %u.%u.%u", in->major, in->minor,
             in->build);
    as_os_hint *h = &ev->hint;
    if (in->build == 0) {               /* Samba's fixed 6.1.0 */
        h->family = AS_OSFAM_UNIX;
        snprintf(h->name, sizeof h->name, "Samba");
        h->confidence = 60;
        return 1;
    }
    if (as_winbuild_hint(builds, in->major, in->minor, in->build, h) < 0) {
        /* A build the table does not know still names Windows, but only for a version
         * Windows NT has had (5.0-5.2, 6.0-6.3, 10.0): a server claiming 255.255 is kept as
         * seen and says nothing about the OS. */
        static const unsigned nt[][2] = {{5, 0}, {5, 1}, {5, 2}, {6, 0}, {6, 1}, {6, 2},
                                         {6, 3}, {10, 0}};
        int real = 0;
        for (size_t i = 0; i < sizeof nt / sizeof nt[0]; i++)
            real |= in->major == nt[i][0] && in->minor == nt[i][1];
        if (!real)
            return 1;
        h->family = AS_OSFAM_WINDOWS;
        snprintf(h->name, sizeof h->name, "Windows");
        snprintf(h->version, sizeof h->version, "%u.%u.%u", in->major, in->minor, in->build);
        h->confidence = 80;
    }
    return 1;
}

int as_evidence_ssh(const as_ssh_ident *id, as_evidence *ev)
{
    start(ev, AS_EV_SSH);
    snprintf(ev->value, sizeof ev->value, "SSH-%.15s-%.120s%s%.110s", id->proto, id->software,
             id->comments[0] ? " " : "", id->comments);
    return as_ssh_os_hint(id, &ev->hint);
}

int as_evidence_snmp(const as_snmp_info *in, const as_winbuilds *builds, as_evidence *ev)
{
    start(ev, AS_EV_SNMP);
    snprintf(ev->value, sizeof ev->value, "%s", in->descr[0] ? in->descr : in->object_id);
    return as_snmp_os_hint(in->descr, in->object_id, builds, &ev->hint);
}

static size_t add(as_name_cand *c, size_t max, size_t *n, int source, const char *name)
{
    if (!name[0] || *n >= max)
        return 0;
    c[*n].source = source;
    snprintf(c[*n].name, sizeof c[*n].name, "%s", name);
    (*n)++;
    return 1;
}

size_t as_names_ntlm(const as_ntlm_info *in, as_name_cand *c, size_t max, size_t *n)
{
    return add(c, max, n, AS_NAME_SMB_DNS, in->dns_computer) +
           add(c, max, n, AS_NAME_NETBIOS, in->nb_computer);
}

size_t as_names_nbstat(const as_nbstat_info *in, as_name_cand *c, size_t max, size_t *n)
{
    return add(c, max, n, AS_NAME_NETBIOS, in->computer);
}

size_t as_names_snmp(const as_snmp_info *in, as_name_cand *c, size_t max, size_t *n)
{
    return add(c, max, n, AS_NAME_SNMP, in->name);
}

size_t as_names_tls(const as_tls_cert *cert, as_name_cand *c, size_t max, size_t *n)
{
    size_t k = 0;
    for (size_t i = 0; i < cert->nsans; i++)
        if (!strncmp(cert->sans[i], "DNS:", 4))
            k += add(c, max, n, AS_NAME_TLS_SAN, cert->sans[i] + 4);
    return k + add(c, max, n, AS_NAME_TLS_CN, cert->subject_cn);
}
