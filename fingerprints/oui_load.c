/* oui_load.c — reading the IEEE registry files: the MA-L file a caller names, and the MA-M
 * and MA-S files Debian's ieee-data installs beside it. */
#include "fingerprints/oui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUI_MAX_FILE (64u << 20)

static int read_all(FILE *f, const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            if (cap >= OUI_MAX_FILE) {
                snprintf(err, errlen, "%s: larger than %u MiB (not an OUI registry?)", path,
                         OUI_MAX_FILE >> 20);
                free(b);
                return -1;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb)
                break;
            b = nb;
            cap *= 2;
        }
    }
    if (!b || ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, b ? strerror(errno) : "out of memory");
        free(b);
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

/* Adds one file to t; 1 when it does not exist, 0 when added, -1 on error. */
static int add_file(as_oui *t, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f && errno == ENOENT)
        return 1;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *buf;
    size_t len;
    int rc = read_all(f, path, &buf, &len, err, errlen);
    fclose(f);
    if (rc < 0)
        return -1;
    rc = as_oui_add(t, buf, len, path, err, errlen);
    free(buf);
    return rc;
}

/* dir/name where dir is path's directory. */
static void sibling(const char *path, const char *name, char *out, size_t len)
{
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path + 1) : 0;
    snprintf(out, len, "%.*s%s", dl, path, name);
}

int as_oui_load(as_oui **out, const char *path, int *missing, char *err, size_t errlen)
{
    *out = NULL;
    *missing = 0;
    as_oui *t = as_oui_new();
    if (!t) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = add_file(t, path, err, errlen);
    *missing = rc == 1;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    static const char *const more[] = {"mam.txt", "oui36.txt"};
    for (size_t i = 0; rc >= 0 && strcmp(base, "oui.txt") == 0 && i < 2; i++) {
        char p[4096];
        sibling(path, more[i], p, sizeof p);
        rc = add_file(t, p, err, errlen);
    }
    if (rc < 0) {
        as_oui_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

const char *as_default_oui_path(void)
{
    const char *env = getenv("AGENTSCAN_OUI");
    return env && *env ? env : "/usr/share/ieee-data/oui.txt";
}
