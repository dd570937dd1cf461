/* report.c — `agentscan report`'s library entry: gather the model, write the page, and
 * replace a file atomically (a temporary file beside it, then rename). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/report_internal.h"

int as_report_html(as_store *st, const as_report_opts *o, FILE *out, char *err, size_t errlen)
{
    rp_model m;
    if (rp_model_load(st, o, &m, err, errlen) != 0)
        return -1;
    errno = 0;
    int rc = rp_html_write(&m, out);
    if (rc == 0 && (fflush(out) != 0 || ferror(out)))
        rc = -1;
    if (rc != 0)
        snprintf(err, errlen, "writing the report: %s", errno ? strerror(errno) : "out of memory");
    rp_model_free(&m);
    return rc;
}

int as_report_save(as_store *st, const as_report_opts *o, const char *path, char *err,
                   size_t errlen)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s (check that the directory exists and is "
                 "writable)", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    int rc = as_report_html(st, o, f, err, errlen);
    if (fclose(f) != 0 && rc == 0) {
        snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}
