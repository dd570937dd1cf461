/* report_writer.c — the report's building blocks on libxml2's text writer: elements,
 * escaped text and attributes (cleaned of control bytes and invalid UTF-8 first), and raw
 * output for our own constants only. The first failure sticks; later calls do nothing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/report_internal.h"

void rp_open(rp_writer *w, const char *name)
{
    if (!w->err && xmlTextWriterStartElement(w->w, BAD_CAST name) < 0)
        w->err = 1;
}

void rp_close(rp_writer *w)
{
    if (!w->err && xmlTextWriterFullEndElement(w->w) < 0)
        w->err = 1;
}

void rp_close_void(rp_writer *w)
{
    if (!w->err && xmlTextWriterEndElement(w->w) < 0)
        w->err = 1;
}

void rp_text(rp_writer *w, const char *text)
{
    if (w->err || !text || !*text)
        return;
    char *c = as_text_clean(text, 2);
    if (!c || xmlTextWriterWriteString(w->w, BAD_CAST c) < 0)
        w->err = 1;
    free(c);
}

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void rp_textf(rp_writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    if (!s)
        w->err = 1;
    rp_text(w, s);
    free(s);
}

void rp_attr(rp_writer *w, const char *name, const char *fmt, ...)
{
    if (w->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(fmt, ap);
    va_end(ap);
    char *c = s ? as_text_clean(s, 2) : NULL;
    if (!c || xmlTextWriterWriteAttribute(w->w, BAD_CAST name, BAD_CAST c) < 0)
        w->err = 1;
    free(c);
    free(s);
}

void rp_el(rp_writer *w, const char *name, const char *text)
{
    rp_open(w, name);
    rp_text(w, text);
    rp_close(w);
}

void rp_raw(rp_writer *w, const char *trusted)
{
    if (!w->err && xmlTextWriterWriteRaw(w->w, BAD_CAST trusted) < 0)
        w->err = 1;
}

