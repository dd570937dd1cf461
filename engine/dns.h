/* dns.h — reverse DNS with c-ares: every lookup in flight at once, driven from the scan
 * loop without threads, so an unreachable server costs one timeout for the whole scan. */
#ifndef AS_DNS_H
#define AS_DNS_H

#include <stddef.h>
#include <stdint.h>

typedef struct as_dns as_dns;

/* name is the sanitised PTR name, or NULL when there is none or the lookup failed. */
typedef void (*as_dns_cb)(void *arg, uint32_t ip, const char *name);

/* servers: "198.18.0.53,198.18.0.54" or NULL for the system's resolv.conf.
 * Returns 0 or -1 with err. */
int as_dns_open(as_dns **out, const char *servers, int timeout_ms, int tries, char *err, size_t errlen);
void as_dns_close(as_dns *d);       /* pending callbacks run with name NULL */
void as_dns_lookup(as_dns *d, uint32_t ip, as_dns_cb cb, void *arg);
/* Runs callbacks for answers that arrived; waits up to wait_ms for one. */
void as_dns_process(as_dns *d, int wait_ms);
size_t as_dns_pending(const as_dns *d);

/* Makes a name from the wire safe to store and print: letters, digits, '-', '_', '.' pass;
 * any other byte becomes \DDD (RFC 1035 presentation form); a trailing dot is dropped;
 * the result is cut at out_len - 1. Returns the length written. */
size_t as_dns_sanitize(const char *in, char *out, size_t out_len);

#endif
