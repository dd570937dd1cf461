/* fuzz_config.c — libFuzzer harness for engine/config (inih fed from memory by our line
 * reader): a parse either fails with "FILE:LINE:" errors or round-trips through `show`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/config.h"

static char *show(const as_config *cfg, size_t *len)
{
    char *buf = NULL;
    char err[256];
    FILE *f = open_memstream(&buf, len);
    if (f == NULL || as_config_show(cfg, NULL, f, err, sizeof err) != 0)
        abort();
    fclose(f);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char err[8192];
    as_config cfg, again;
    err[0] = '\0';
    if (as_config_parse(&cfg, "fuzz", (const char *)data, size, err, sizeof err) != 0) {
        if (strncmp(err, "fuzz:", 5) != 0 || cfg.njobs != 0 || cfg.jobs != NULL)
            abort();
        return 0;
    }
    /* Every effective scalar value is canonical: parsing it again gives itself. */
    for (size_t j = 0; j < cfg.njobs; j++)
        for (int i = 0; i < AS_OPT_COUNT; i++) {
            const char *v = as_job_get(&cfg.jobs[j], i);
            char out[1024];
            if (v == NULL || strchr(v, '\n') || as_opt_get(i)->type == AS_T_PATH ||
                as_opt_get(i)->type == AS_T_DATABASE ||
                as_opt_get(i)->type == AS_T_NAME)
                continue;
            if (as_opt_parse(i, v, out, sizeof out, err, sizeof err) != 0 || strcmp(out, v) != 0)
                abort();
        }
    size_t la, lb;
    char *a = show(&cfg, &la);
    if (as_config_parse(&again, "fuzz", a, la, err, sizeof err) != 0)
        abort();
    char *b = show(&again, &lb);
    if (la != lb || memcmp(a, b, la) != 0)
        abort();
    free(a);
    free(b);
    as_config_free(&again);
    as_config_free(&cfg);
    return 0;
}
