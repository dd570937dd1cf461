/* fuzz_porttable.c — libFuzzer harness for fingerprints/agents: parses the input as an agent
 * table and as a deploy table, and checks every lookup agrees with a successful parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "fingerprints/agents.h"

/* Every entry's port is written in the input as digits, so looking up each number found in
 * the input must find exactly as_port_table_size() entries, each well-formed. */
static void probe(const as_port_table *t, int is_deploy, const uint8_t *data, size_t size)
{
    uint8_t seen[65536 / 8] = {0};
    size_t found = 0;
    for (size_t i = 0; i < size;) {
        uint32_t v = 0;
        size_t j = i;
        while (j < size && data[j] >= '0' && data[j] <= '9' && v <= 65535)
            v = v * 10 + (uint32_t)(data[j++] - '0');
        if (j > i && v <= 65535)
            seen[v / 8] |= (uint8_t)(1u << (v % 8));
        i = j > i ? j : i + 1;
    }
    for (uint32_t port = 0; port <= 65535; port++) {
        for (int k = 0; k < 2; k++) {
            uint8_t proto = k ? IPPROTO_UDP : IPPROTO_TCP;
            if (!(seen[port / 8] >> (port % 8) & 1)) {
                if (port % 4099 == 0 && as_port_table_product(t, (uint16_t)port, proto))
                    abort();    /* spot-check that unseen ports are absent */
                continue;
            }
            const char *p = as_port_table_product(t, (uint16_t)port, proto);
            const char *f = as_port_table_family(t, (uint16_t)port, proto);
            if (!p) {
                if (f)
                    abort();
                continue;
            }
            /* every entry has a non-empty product; families exactly in deploy tables */
            if (port == 0 || p[0] == '\0' || (is_deploy ? !f || !f[0] : f != NULL))
                abort();
            found++;
        }
    }
    if (found != as_port_table_size(t))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    for (int is_deploy = 0; is_deploy < 2; is_deploy++) {
        as_port_table *t = NULL;
        err[0] = '\0';
        if (as_port_table_parse(&t, (const char *)data, size, "fuzz", is_deploy, err,
                                sizeof err) != 0) {
            if (t != NULL || strncmp(err, "fuzz:", 5) != 0)
                abort();
            continue;
        }
        probe(t, is_deploy, data, size);
        as_port_table_free(t);
    }
    return 0;
}
