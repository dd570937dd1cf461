/* oshint.h — what one piece of protocol evidence says about a host's OS: a family, a name
 * and version where it says them, and how sure it is. Shared by the evidence tables. */
#ifndef AS_OSHINT_H
#define AS_OSHINT_H

enum as_os_family {
    AS_OSFAM_UNKNOWN = 0,
    AS_OSFAM_WINDOWS,
    AS_OSFAM_UNIX,          /* Linux, BSD, Solaris, macOS, embedded Linux */
    AS_OSFAM_NETDEV,        /* routers, switches, firewalls with their own OS */
};

#define AS_OSHINT_TEXT 96

typedef struct as_os_hint {
    int family;                     /* enum as_os_family */
    char name[AS_OSHINT_TEXT];      /* "Debian", "Windows", "Cisco IOS"; "" when unknown */
    char version[AS_OSHINT_TEXT];   /* "12", "Windows Server 2019 / Windows 10 1809", "" */
    int confidence;                 /* 0..100 */
} as_os_hint;

/* "windows", "unix", "network device", "unknown". */
const char *as_os_family_name(int family);

#endif
