/* nbstat.h — NetBIOS node status (RFC 1002 4.2.17/4.2.18, UDP 137): the query for name "*"
 * and its answer, the name table (computer, workgroup, logged-on users) and the MAC. */
#ifndef AS_NBSTAT_H
#define AS_NBSTAT_H

#include <stddef.h>
#include <stdint.h>

#define AS_NBSTAT_QUERY_LEN 50
#define AS_NBSTAT_NAMES_MAX 64
#define AS_NBSTAT_USERS_MAX 8

/* Writes the 50-byte NBSTAT query for "*" with transaction id xid (the caller's cookie). */
void as_nbstat_query(uint8_t buf[AS_NBSTAT_QUERY_LEN], uint16_t xid);

typedef struct as_nb_name {
    char name[16];          /* 15 OEM characters, trailing spaces cut, non-ASCII as '?' */
    uint8_t suffix;         /* 0x00 workstation/domain, 0x03 messenger, 0x20 server, ... */
    int group;              /* the G bit of NAME_FLAGS */
    uint16_t flags;
} as_nb_name;

typedef struct as_nbstat_info {
    uint16_t xid;
    as_nb_name names[AS_NBSTAT_NAMES_MAX];
    size_t nnames;
    char computer[16];      /* first unique <00>, else first unique <20> */
    char workgroup[16];     /* first group <00> */
    char users[AS_NBSTAT_USERS_MAX][16];    /* unique <03> other than the computer's */
    size_t nusers;
    int has_mac;
    uint8_t mac[6];         /* UNIT_ID of the statistics; all zero on Samba */
} as_nbstat_info;

/* Parses a node status response. Returns 0, -EBADMSG for what is not one (not a response,
 * no answer, wrong type, a name table running past the packet). A table of more than
 * AS_NBSTAT_NAMES_MAX names keeps the first ones; a missing statistics block leaves
 * has_mac 0. */
int as_nbstat_parse(const uint8_t *buf, size_t len, as_nbstat_info *out);

#endif
