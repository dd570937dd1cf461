/* config.c — reads the sweep configuration with inih: our reader feeds it one line at a
 * time and so knows the line of every key, sections and continuations; errors say FILE:LINE. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/config_internal.h"

enum { SEC_NONE = -3, SEC_BAD = -2, SEC_DEFAULTS = -1 };

typedef struct parse_ctx {
    as_config *cfg;
    const char *name;
    const char *p, *end;
    unsigned line;          /* the line inih is working on */
    int cont;               /* it continues the previous key's value (indented, after a key) */
    int have_key;           /* inih's prev_name: a key = value line since the last section */
    int section;            /* SEC_* or a job index */
    unsigned defaults_line;
    int nerr;
    char *err;
    size_t errlen;
} parse_ctx;

void as_cfg_verror(char *err, size_t errlen, int *nerr, const char *file, unsigned line,
                   const char *fmt, va_list ap)
{
    if (++*nerr > AS_CFG_MAX_ERRORS)
        return;
    size_t used = strlen(err);
    if (used + 1 >= errlen)
        return;
    int n = snprintf(err + used, errlen - used, "%s%s:%u: ", used ? "\n" : "", file, line);
    if (n < 0 || (size_t)n >= errlen - used)
        return;
    vsnprintf(err + used + (size_t)n, errlen - used - (size_t)n, fmt, ap);
}

static void as_cfg_error(parse_ctx *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void as_cfg_error(parse_ctx *c, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    as_cfg_verror(c->err, c->errlen, &c->nerr, c->name, line, fmt, ap);
    va_end(ap);
}

static as_opt_val *section_vals(parse_ctx *c)
{
    if (c->section == SEC_DEFAULTS)
        return c->cfg->defaults;
    return c->section >= 0 ? c->cfg->jobs[c->section].v : NULL;
}

static int valid_job_name(const char *s, size_t n)
{
    if (n == 0 || n > AS_JOB_NAME_MAX || s[0] == '.' || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
            return 0;
    return 1;
}

static void new_job(parse_ctx *c, const char *name, size_t n)
{
    as_config *cfg = c->cfg;
    for (size_t i = 0; i < cfg->njobs; i++)
        if (strlen(cfg->jobs[i].name) == n && strncmp(cfg->jobs[i].name, name, n) == 0) {
            as_cfg_error(c, c->line, "duplicate section [job %s] (first at line %u)",
                         cfg->jobs[i].name, cfg->jobs[i].line);
            c->section = SEC_BAD;
            return;
        }
    as_job *nj = realloc(cfg->jobs, (cfg->njobs + 1) * sizeof *nj);
    if (nj == NULL) {
        as_cfg_error(c, c->line, "out of memory");
        c->section = SEC_BAD;
        return;
    }
    cfg->jobs = nj;
    as_job *j = &cfg->jobs[cfg->njobs];
    memset(j, 0, sizeof *j);
    memcpy(j->name, name, n);
    j->line = c->line;
    c->section = (int)cfg->njobs++;
}

/* "[defaults]" or "[job NAME]"; s points after '[' and n counts up to ']'. */
static void section_line(parse_ctx *c, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 8 && strncmp(s, "defaults", 8) == 0) {
        if (c->defaults_line)
            as_cfg_error(c, c->line, "duplicate section [defaults] (first at line %u)", c->defaults_line);
        c->defaults_line = c->line;
        c->section = SEC_DEFAULTS;
        return;
    }
    if (n > 4 && strncmp(s, "job", 3) == 0 && isspace((unsigned char)s[3])) {
        const char *name = s + 4;
        size_t nn = n - 4;
        while (nn && isspace((unsigned char)*name))
            name++, nn--;
        if (valid_job_name(name, nn)) {
            new_job(c, name, nn);
            return;
        }
        as_cfg_error(c, c->line, "bad job name '%.*s' (1-%d of A-Z a-z 0-9 . _ -, not starting "
                     "with . or -)", (int)(nn > 80 ? 80 : nn), name, AS_JOB_NAME_MAX);
    } else {
        as_cfg_error(c, c->line, "unknown section [%.*s] (use [defaults] or [job NAME])",
                     (int)(n > 80 ? 80 : n), s);
    }
    c->section = SEC_BAD;
}

/* Classifies a line the way inih will (comment, continuation, section, key = value), so
 * that sections and lines are known when its handler runs. */
static void classify(parse_ctx *c, const char *line, size_t len)
{
    const char *s = line, *e = line + len;
    if (c->line == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3, line += 3;     /* a UTF-8 byte order mark, which inih skips too */
    while (e > s && isspace((unsigned char)e[-1]))
        e--;
    while (s < e && isspace((unsigned char)*s))
        s++;
    c->cont = 0;
    if (s == e || *s == ';' || *s == '#')
        return;
    if (c->have_key && s > line) {
        c->cont = 1;
        return;
    }
    if (*s == '[') {
        const char *close = memchr(s, ']', (size_t)(e - s));
        if (close == NULL) {
            as_cfg_error(c, c->line, "section header without ']'");
            c->section = SEC_BAD;
        } else {
            section_line(c, s + 1, (size_t)(close - s - 1));
        }
        c->have_key = 0;
        return;
    }
    const char *eq = s;
    while (eq < e && *eq != '=' && *eq != ':' && !(*eq == ';' && eq > s && isspace((unsigned char)eq[-1])))
        eq++;
    if (eq == e || *eq == ';')
        as_cfg_error(c, c->line, "expected 'key = value', '[section]' or a comment");
    else
        c->have_key = 1;
}

/* inih's fgets: one line per call. Lines that do not fit its buffer, or hold NUL bytes,
 * are reported here and handed on as blank lines, never silently cut. */
static char *reader(char *str, int num, void *stream)
{
    parse_ctx *c = stream;
    if (c->p >= c->end || num < 2)
        return NULL;
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    size_t len = nl ? (size_t)(nl - c->p) + 1 : (size_t)(c->end - c->p);
    c->line++;
    const char *line = c->p;
    c->p += len;
    if (len > (size_t)num - 1 || memchr(line, '\0', len) != NULL) {
        if (memchr(line, '\0', len) != NULL)
            as_cfg_error(c, c->line, "NUL byte in line");
        else
            as_cfg_error(c, c->line, "line longer than %d characters (continue a list on "
                         "indented lines, or move a long command into a script)", num - 2);
        c->cont = 0;
        strcpy(str, "\n");
        return str;
    }
    memcpy(str, line, len);
    str[len] = '\0';
    classify(c, line, len);
    return str;
}

static int append(as_opt_val *v, const char *text, unsigned line)
{
    size_t old = v->text ? strlen(v->text) : 0, add = strlen(text);
    if (!v->line)
        v->line = line;
    if (add == 0 && v->text)
        return 0;       /* "targets =" before indented items holds nothing */
    char *n = realloc(v->text, old + add + 2);
    if (n == NULL)
        return -1;
    if (old)
        n[old++] = '\n';
    memcpy(n + old, text, add + 1);
    v->text = n;
    return 0;
}

static int is_list(enum as_opt id)
{
    enum as_opt_type t = as_opt_get(id)->type;
    return t == AS_T_TARGETS || t == AS_T_FILES;
}

static void unknown_key(parse_ctx *c, const char *name)
{
    char alt[64];
    snprintf(alt, sizeof alt, "%s", name);
    for (char *p = alt; *p; p++)
        *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    const char *dash = alt[0] == '-' ? alt + strspn(alt, "-") : alt;  /* "--max-rate" */
    int id = as_opt_find(dash);
    if (id >= 0)
        as_cfg_error(c, c->line, "unknown key '%.60s' (did you mean '%s'?)", name, as_opt_get(id)->name);
    else
        as_cfg_error(c, c->line, "unknown key '%.60s' (see 'agentscan config keys')", name);
}

/* inih 55 keeps " ; comment" on continuation lines: cut it as on key lines. */
static const char *cut_comment(const char *value, char *buf, size_t len)
{
    snprintf(buf, len, "%s", value);
    for (char *p = buf; *p; p++)
        if (*p == ';' && p > buf && isspace((unsigned char)p[-1])) {
            *p = '\0';
            break;
        }
    for (size_t n = strlen(buf); n && isspace((unsigned char)buf[n - 1]);)
        buf[--n] = '\0';
    return buf;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_ctx *c = user;
    (void)section;      /* ours is known from the reader, without inih's length limit */
    if (c->section == SEC_BAD)
        return 1;
    if (c->section == SEC_NONE) {
        as_cfg_error(c, c->line, "'%.60s' before any section (put it under [defaults] or "
                     "[job NAME])", name);
        return 1;
    }
    int id = as_opt_find(name);
    if (id < 0) {
        if (!c->cont)
            unknown_key(c, name);
        return 1;
    }
    const as_opt_info *o = as_opt_get(id);
    as_opt_val *v = &section_vals(c)[id];
    if (c->cont && !is_list(id)) {
        as_cfg_error(c, c->line, "an indented line continues '%s', which takes one value "
                     "(remove the indentation)", o->name);
        return 1;
    }
    if (!c->cont && v->text && !is_list(id)) {
        as_cfg_error(c, c->line, "duplicate key '%s' (first set at line %u)", o->name, v->line);
        return 1;
    }
    char canon[1024], e[512], cont[256];
    if (c->cont)
        value = cut_comment(value, cont, sizeof cont);
    if (as_opt_parse(id, value, canon, sizeof canon, e, sizeof e) != 0) {
        as_cfg_error(c, c->line, "%s: %s", o->name, e);
        return 1;
    }
    if (is_list(id) ? append(v, canon, c->line) != 0 : (v->text = strdup(canon)) == NULL)
        as_cfg_error(c, c->line, "out of memory");
    else if (!is_list(id))
        v->line = c->line;
    return 1;
}

static int parse(as_config *cfg, const char *name, const char *text, size_t len, int check_files,
                 char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    if (errlen)
        err[0] = '\0';
    if (gethostname(cfg->hostname, sizeof cfg->hostname - 1) != 0 || cfg->hostname[0] == '\0')
        snprintf(cfg->hostname, sizeof cfg->hostname, "localhost");
    cfg->path = strdup(name);
    parse_ctx c = {.cfg = cfg, .name = name, .p = text, .end = text + len, .section = SEC_NONE,
                   .err = err, .errlen = errlen};
    if (cfg->path == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = ini_parse_stream(reader, &c, handler, &c);
    /* Our reader reports every line inih would reject, so its count adds nothing. */
    if (rc < 0)
        as_cfg_error(&c, c.line, "out of memory");
    else if (rc > 0 && c.nerr == 0)
        as_cfg_error(&c, (unsigned)rc, "syntax error");
    if (c.nerr == 0)
        as_config_finish(cfg, check_files, err, errlen, &c.nerr);
    if (c.nerr > AS_CFG_MAX_ERRORS) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, "\n%s: ... %d more", name, c.nerr - AS_CFG_MAX_ERRORS);
    }
    if (c.nerr == 0)
        return 0;
    as_config_free(cfg);
    return -1;
}

int as_config_parse(as_config *cfg, const char *name, const char *text, size_t len,
                    char *err, size_t errlen)
{
    return parse(cfg, name, text, len, 0, err, errlen);
}

int as_config_load(as_config *cfg, const char *path, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof *cfg);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
                 errno == ENOENT ? " (give --config FILE, or create it: see 'agentscan config "
                 "keys' and the README)" : "");
        return -1;
    }
    /* A configuration is small; a 1 MiB cap keeps a wrong path (a disk image, /dev/zero)
     * from being read whole. */
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        fclose(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    len = fread(buf, 1, cap + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || len > cap) {
        free(buf);
        snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "larger than 1 MiB: not a configuration file");
        return -1;
    }
    int rc = parse(cfg, path, buf, len, 1, err, errlen);
    free(buf);
    return rc;
}
