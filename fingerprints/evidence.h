/* evidence.h — turning what each identity parser read into evidence for the OS verdict and
 * candidates for the host name (fingerprints/identity.h), so the engine only collects. */
#ifndef AS_EVIDENCE_H
#define AS_EVIDENCE_H

#include <stddef.h>

#include "fingerprints/identity.h"
#include "fingerprints/winbuild.h"
#include "probes/nbstat.h"
#include "probes/ntlmssp.h"
#include "probes/snmp_ident.h"
#include "probes/ssh_ident.h"
#include "probes/tls_cert.h"

/* NTLMSSP CHALLENGE (via SMB, RDP or WinRM): the VERSION through the build table. Samba
 * answers VERSION 6.1 with build 0 (it claims Windows 7's version number; seen from Samba
 * 4.17 in test_smb2.c), which becomes "Samba" on Unix, not Windows. Returns 1 when *ev was
 * filled, 0 when the CHALLENGE carried no VERSION. builds may be NULL. */
int as_evidence_ntlm(const as_ntlm_info *in, const as_winbuilds *builds, as_evidence *ev);
int as_evidence_ssh(const as_ssh_ident *id, as_evidence *ev);
int as_evidence_snmp(const as_snmp_info *in, const as_winbuilds *builds, as_evidence *ev);

/* Name candidates: appends to c (capacity max, count *n) and returns how many were added. */
size_t as_names_ntlm(const as_ntlm_info *in, as_name_cand *c, size_t max, size_t *n);
size_t as_names_nbstat(const as_nbstat_info *in, as_name_cand *c, size_t max, size_t *n);
size_t as_names_snmp(const as_snmp_info *in, as_name_cand *c, size_t max, size_t *n);
size_t as_names_tls(const as_tls_cert *cert, as_name_cand *c, size_t max, size_t *n);

#endif
