/* ssh_ident.h — the SSH server identification string (RFC 4253 4.2): found among the lines
 * a server may send first, split into protocol, software (product, version) and comments. */
#ifndef AS_SSH_IDENT_H
#define AS_SSH_IDENT_H

#include <stddef.h>

#define AS_SSH_LINE_MAX 255         /* RFC 4253 4.2: CR LF included */
#define AS_SSH_PRELUDE_MAX 8192     /* bytes of other lines we read before giving up */

#define AS_SSH_QUIRK_LF_ONLY   0x1  /* line ended by LF alone (old servers) */
#define AS_SSH_QUIRK_PRELUDE   0x2  /* other lines came before the identification */
#define AS_SSH_QUIRK_CONTROL   0x4  /* control characters replaced by '?' */

typedef struct as_ssh_ident {
    char proto[16];         /* "2.0", "1.99" */
    char software[AS_SSH_LINE_MAX + 1];     /* "OpenSSH_9.2p1" */
    char comments[AS_SSH_LINE_MAX + 1];     /* "Debian-2+deb12u3", or "" */
    char product[AS_SSH_LINE_MAX + 1];      /* "OpenSSH" */
    char version[AS_SSH_LINE_MAX + 1];      /* "9.2p1", or "" */
    unsigned quirks;
} as_ssh_ident;

/* Looks for "SSH-" at the start of a line in what the server sent so far. Returns 0 with
 * *out filled; -EAGAIN when no complete identification line is there yet (read more);
 * -EPROTO when the server is not speaking SSH (over AS_SSH_PRELUDE_MAX bytes without one);
 * -EBADMSG for an identification longer than 255 bytes or without "proto-software". */
int as_ssh_parse_ident(const char *buf, size_t len, as_ssh_ident *out);

/* Splits software into product and version at the last '_' or '-' followed by a digit
 * ("OpenSSH_for_Windows_8.1" -> "OpenSSH_for_Windows", "8.1"; "ROSSSH" -> "ROSSSH", ""). */
void as_ssh_split_software(const char *software, char *product, char *version, size_t len);

#endif
