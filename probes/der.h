/* der.h — the few ASN.1 DER pieces the identity probes need (SPNEGO and CredSSP wrappers):
 * writing a tag-length header and reading one element, bounded by its parent. */
#ifndef AS_DER_H
#define AS_DER_H

#include <stddef.h>
#include <stdint.h>

#include "probes/wire.h"

/* Writes tag and a definite length (short or long form). */
void as_der_header(as_wr *w, uint8_t tag, size_t len);
/* Bytes a header for a body of len bytes takes. */
size_t as_der_header_size(size_t len);

/* One element read from r: its tag and its body (pointing into r's buffer, bounded by it).
 * Returns 0, or -1 for a cut or malformed header (indefinite length, multi-byte tag, a length
 * of more than 4 bytes or past the end); r moves past the element only on success. */
typedef struct as_der_elem {
    uint8_t tag;
    const uint8_t *body;
    size_t len;
} as_der_elem;
int as_der_read(as_rd *r, as_der_elem *e);

/* Reads elements of the body of parent until one with tag, 0 when found. */
int as_der_find(const as_der_elem *parent, uint8_t tag, as_der_elem *e);

#endif
