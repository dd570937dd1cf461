/* fuzz_targets.c — libFuzzer harness for engine/targets: spec and file parsing, and the set
 * arithmetic checked against itself (small expansion limit vs. default) and for order.
 *
 * Input: the first byte picks the mode (printable so seeds stay readable):
 *   '0'..'3'  first line is one include spec, further lines an exclude list;
 *   '4'..'7'  the rest is a target file (read through fmemopen);
 * and (byte % 4) the expansion limit 0 / 2 / 64 / 65536 for the set under test, so small
 * specs already take the product (box) path. Hostname lookups are off: no DNS, ever. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/targets.h"

static const uint64_t limits[4] = {0, 2, 64, 65536};

static as_targets *build(const char *text, size_t len, int file_mode, uint64_t limit)
{
    char err[1024];
    as_targets *t = as_targets_new();
    if (!t)
        return NULL;
    as_targets_set_resolve(t, 0);
    as_targets_set_expand_limit(t, limit);
    int rc;
    if (file_mode) {
        FILE *f = len ? fmemopen((void *)text, len, "r") : NULL;
        rc = f ? as_targets_add_stream(t, f, "fuzz", 0, err, sizeof err) : -1;
        if (f)
            fclose(f);
    } else {
        char *nl = strchr(text, '\n');
        if (nl)
            *nl = '\0';
        rc = as_targets_add(t, text, 0, err, sizeof err);
        if (nl)
            *nl = '\n';
        if (rc == 0 && nl)
            rc = as_targets_add_list(t, nl + 1, 1, err, sizeof err);
    }
    if (rc == 0)
        rc = as_targets_finish(t, err, sizeof err);
    if (rc != 0) {
        as_targets_free(t);
        return NULL;
    }
    return t;
}

/* get() must be ascending, land in the set, and agree between the two representations. */
static void check_index(const as_targets *t, const as_targets *ref, uint64_t i)
{
    uint64_t n = as_targets_count(t);
    uint32_t a = as_targets_get(t, i);
    if (!as_targets_contains(t, a))
        abort();
    if (ref && as_targets_get(ref, i) != a)
        abort();
    if (i + 1 < n && as_targets_get(t, i + 1) <= a)
        abort();
    if (ref && as_targets_contains(ref, a + 1) != as_targets_contains(t, a + 1))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    int file_mode = (data[0] / 4) % 2;
    uint64_t limit = limits[data[0] % 4];
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    /* In spec mode the NUL ends the text; the file reader sees the raw bytes. */
    size_t len = file_mode ? size - 1 : strlen(text);

    as_targets *t = build(text, len, file_mode, limit);
    as_targets *ref = t ? build(text, len, file_mode, 65536) : NULL;
    if (t) {
        uint64_t n = as_targets_count(t);
        if (ref && as_targets_count(ref) != n)
            abort();
        uint64_t probe[] = {0, n - 1, n / 2, n / 3, (n * 7) / 9, 1 % n};
        for (size_t k = 0; k < sizeof probe / sizeof probe[0]; k++)
            check_index(t, ref, probe[k]);
        (void)as_targets_describe(t);
    }
    as_targets_free(t);
    as_targets_free(ref);
    free(text);
    return 0;
}
