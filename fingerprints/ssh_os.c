/* ssh_os.c — the SSH identification to OS table: one row per known software/comment shape,
 * each with its public source, and the Debian security-update rule ("+debNNuM"). */
#include "fingerprints/ssh_os.h"

#include <stdio.h>
#include <string.h>

typedef struct ssh_row {
    const char *software;   /* exact, or a prefix when it ends in '*' */
    const char *comment;    /* exact, a prefix when it ends in '*', NULL for any */
    int family;
    const char *name, *version;
    int confidence;
} ssh_row;

static const ssh_row rows[] = {
    /* Ubuntu: OpenSSH package revisions per release, Launchpad "openssh" publishing history
     * (https://launchpad.net/ubuntu/+source/openssh/+publishinghistory); the banner carries
     * the Debian revision after "Ubuntu-". */
    {"OpenSSH_9.6p1", "Ubuntu-3ubuntu13*", AS_OSFAM_UNIX, "Ubuntu", "24.04", 90},
    {"OpenSSH_8.9p1", "Ubuntu-3*", AS_OSFAM_UNIX, "Ubuntu", "22.04", 90},
    {"OpenSSH_8.2p1", "Ubuntu-4*", AS_OSFAM_UNIX, "Ubuntu", "20.04", 90},
    {"OpenSSH_7.6p1", "Ubuntu-4*", AS_OSFAM_UNIX, "Ubuntu", "18.04", 90},
    {"OpenSSH_7.2p2", "Ubuntu-4ubuntu2*", AS_OSFAM_UNIX, "Ubuntu", "16.04", 90},
    {"OpenSSH_6.6.1p1", "Ubuntu-2ubuntu2*", AS_OSFAM_UNIX, "Ubuntu", "14.04", 90},
    {"OpenSSH_*", "Ubuntu-*", AS_OSFAM_UNIX, "Ubuntu", "", 80},
    /* Debian: the release's original openssh revision, before any "+debNNuM" update
     * (https://tracker.debian.org/pkg/openssh, https://packages.debian.org/search?keywords=openssh-server). */
    {"OpenSSH_9.2p1", "Debian-2", AS_OSFAM_UNIX, "Debian", "12", 85},
    {"OpenSSH_8.4p1", "Debian-5", AS_OSFAM_UNIX, "Debian", "11", 85},
    {"OpenSSH_7.9p1", "Debian-10", AS_OSFAM_UNIX, "Debian", "10", 85},
    {"OpenSSH_7.4p1", "Debian-10", AS_OSFAM_UNIX, "Debian", "9", 85},
    {"OpenSSH_6.7p1", "Debian-5", AS_OSFAM_UNIX, "Debian", "8", 85},
    /* Raspberry Pi OS builds Debian's package with the vendor string "Raspbian"
     * (https://archive.raspbian.org/raspbian/pool/main/o/openssh/). */
    {"OpenSSH_*", "Raspbian-*", AS_OSFAM_UNIX, "Raspbian", "", 80},
    {"OpenSSH_*", "Debian-*", AS_OSFAM_UNIX, "Debian", "", 80},
    /* FreeBSD's base OpenSSH sets SSH_VERSION_FREEBSD "FreeBSD-YYYYMMDD"
     * (https://cgit.freebsd.org/src/tree/crypto/openssh/version.h). */
    {"OpenSSH_*", "FreeBSD-*", AS_OSFAM_UNIX, "FreeBSD", "", 85},
    /* NetBSD's base ssh: "NetBSD_Secure_Shell-YYYYMMDD" (src/crypto/external/bsd/openssh/
     * dist/version.h, https://cvsweb.netbsd.org). */
    {"OpenSSH_*", "NetBSD_Secure_Shell*", AS_OSFAM_UNIX, "NetBSD", "", 85},
    /* Win32-OpenSSH: "OpenSSH_for_Windows_X.Y" (https://github.com/PowerShell/Win32-OpenSSH,
     * version.h; Microsoft Learn "OpenSSH for Windows overview"). */
    {"OpenSSH_for_Windows*", NULL, AS_OSFAM_WINDOWS, "Windows", "", 90},
    /* Cisco IOS/IOS-XE SSH server: "SSH-2.0-Cisco-1.25" (Cisco "Configuring Secure Shell",
     * show ip ssh: "SSH Enabled - version 2.0"; banner listed in nmap-service-probes). */
    {"Cisco-*", NULL, AS_OSFAM_NETDEV, "Cisco IOS", "", 85},
    /* MikroTik RouterOS: "SSH-2.0-ROSSSH" (MikroTik forum and nmap-service-probes). */
    {"ROSSSH", NULL, AS_OSFAM_NETDEV, "MikroTik RouterOS", "", 85},
    /* Huawei VRP: "SSH-2.0-HUAWEI-1.5" (Huawei VRP configuration guides, "display ssh
     * server status"; nmap-service-probes). */
    {"HUAWEI-*", NULL, AS_OSFAM_NETDEV, "Huawei VRP", "", 80},
    /* HPE/H3C Comware: "SSH-2.0-Comware-7.1.064" (HPE Comware 7 fundamentals guide). */
    {"Comware-*", NULL, AS_OSFAM_NETDEV, "HPE Comware", "", 80},
    /* Juniper ScreenOS: "SSH-2.0-NetScreen" (nmap-service-probes). */
    {"NetScreen", NULL, AS_OSFAM_NETDEV, "Juniper ScreenOS", "", 80},
    /* Oracle Solaris SunSSH: "SSH-2.0-Sun_SSH_1.1" (Oracle Solaris 10 ssh(1), SunSSH). */
    {"Sun_SSH_*", NULL, AS_OSFAM_UNIX, "Solaris", "", 85},
    /* Dropbear (https://matt.ucc.asn.au/dropbear/dropbear.html): "dropbear_2022.83";
     * embedded Linux (routers, NAS, OpenWrt) far more often than anything else. */
    {"dropbear_*", NULL, AS_OSFAM_UNIX, "Linux (embedded)", "", 50},
    {"dropbear", NULL, AS_OSFAM_UNIX, "Linux (embedded)", "", 50},
    /* Any other OpenSSH: portable builds ("p1") run on Unix-likes; no "p" is OpenBSD's own
     * or a vendor build (Red Hat ships "OpenSSH_8.0"). Family only. */
    {"OpenSSH_*", NULL, AS_OSFAM_UNIX, "", "", 40},
};

static int match(const char *pat, const char *s)
{
    size_t n = strlen(pat);
    if (n && pat[n - 1] == '*')
        return strncmp(pat, s, n - 1) == 0;
    return strcmp(pat, s) == 0;
}

/* Debian stable and security uploads append "+debNNuM" to the revision, NN the release
 * number (Debian Developer's Reference, "Special case: uploads to the stable and oldstable
 * distributions", https://www.debian.org/doc/manuals/developers-reference/pkgs.en.html). */
static int deb_release(const char *comment, char *ver, size_t len)
{
    const char *p = strstr(comment, "+deb");
    if (!p || p[4] < '1' || p[4] > '9')
        return 0;
    size_t n = 0;
    while (n < 3 && p[4 + n] >= '0' && p[4 + n] <= '9')
        n++;
    if (p[4 + n] != 'u')
        return 0;
    snprintf(ver, len, "%.*s", (int)n, p + 4);
    return 1;
}

int as_ssh_os_hint(const as_ssh_ident *id, as_os_hint *hint)
{
    memset(hint, 0, sizeof *hint);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const ssh_row *r = &rows[i];
        if (!match(r->software, id->software) || (r->comment && !match(r->comment, id->comments)))
            continue;
        hint->family = r->family;
        snprintf(hint->name, sizeof hint->name, "%s", r->name);
        snprintf(hint->version, sizeof hint->version, "%s", r->version);
        hint->confidence = r->confidence;
        if ((!strcmp(r->name, "Debian") || !strcmp(r->name, "Raspbian")) &&
            deb_release(id->comments, hint->version, sizeof hint->version))
            hint->confidence = 90;
        return 1;
    }
    return 0;
}

const char *as_os_family_name(int family)
{
    switch (family) {
    case AS_OSFAM_WINDOWS: return "windows";
    case AS_OSFAM_UNIX: return "unix";
    case AS_OSFAM_NETDEV: return "network device";
    default: return "unknown";
    }
}
