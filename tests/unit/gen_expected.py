#!/usr/bin/env python3
"""gen_expected.py DIR — rewrites export_expected.h's expected_* strings from the outputs
that `AS_EXPORT_DUMP=DIR test_export` wrote (check the change is intended first). The
version string becomes AS_VERSION again; comments and order are kept."""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "export_expected.h")
VERSION = "0.1.0"
WIDTH = 88


def escape(text):
    out, prev_hex = [], False
    for ch in text:
        o = ord(ch)
        if prev_hex and ch in "0123456789abcdefABCDEF":
            out.append('" "')      # a \x escape would swallow the next hex digit
        prev_hex = False
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
            prev_hex = True
        else:
            out.append(ch)
    return "".join(out)


def literal(data):
    lines = []
    for line in data.splitlines(keepends=True):
        esc = escape(line)
        while len(esc) > WIDTH:
            cut = WIDTH
            while esc[cut - 1] == "\\" or esc[cut - 4:cut - 2] == "\\x":  # no split escapes
                cut -= 1
            lines.append(esc[:cut])
            esc = esc[cut:]
        lines.append(esc)
    body = "\n".join('    "%s"' % l for l in lines)
    return body.replace(VERSION, '" AS_VERSION "')


def main():
    d = sys.argv[1]
    src = open(HEADER, encoding="latin-1", newline="").read()
    for name in ("csv", "ndjson", "cmdb", "xml"):
        data = open(os.path.join(d, name), encoding="latin-1", newline="").read()
        pat = re.compile(r"(static const char expected_%s\[\] =\n)(.*?);\n" % name, re.S)
        src, n = pat.subn(lambda m: m.group(1) + literal(data) + ";\n", src)
        assert n == 1, name
    open(HEADER, "w", encoding="latin-1", newline="").write(src)


main()
