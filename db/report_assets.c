/* report_assets.c — the report's one stylesheet and one script, and the Content-Security-
 * Policy that allows exactly these two by their SHA-256 (OpenSSL's libcrypto) and nothing
 * else: no request leaves the page, and injected markup could not run even if it got in. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "db/report_internal.h"

const char rp_css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;color:#222;"
    "padding:0 1em}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;margin-top:2em}\n"
    "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 6px;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}\n"
    "td.n{text-align:right}.muted{color:#666}.wrap{word-break:break-all;max-width:28em}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:.8em;align-items:flex-start}.card{border:1px solid #ddd;border-radius:4px;"
    "padding:.5em .8em;min-width:9em}.card b{display:block;font-size:1.6em}\n"
    ".nets{display:flex;flex-wrap:wrap;gap:1em}.net{margin:0}figcaption{font-size:.85em}\n"
    /* Large inventories: the browser lays out only the grids in view, and the hosts table by
     * its first row (fixed layout) instead of measuring every cell of 50,000 rows. */
    "figure.net{content-visibility:auto;contain-intrinsic-size:auto 240px auto 270px}\n"
    "#hosts{table-layout:fixed;width:100%}#hosts td{overflow-wrap:anywhere}\n"
    "#hosts th:nth-child(1){width:8.5em}#hosts th:nth-child(3){width:10em}"
    "#hosts th:nth-child(5),#hosts th:nth-child(7){width:7em}\n"
    "svg .c{stroke:#fff;stroke-width:1}\n"
    ".s-managed{fill:#1b7837;background:#1b7837}.s-deployable{fill:#2166ac;background:#2166ac}"
    ".s-blocked{fill:#d6604d;background:#d6604d}.s-no-channel{fill:#f1a340;background:#f1a340}"
    ".s-firewall{fill:#762a83;background:#762a83}.s-silent{fill:#e4e4e4;background:#e4e4e4}"
    ".s-not-swept{fill:#fbfbfb;background:#fbfbfb}\n"
    ".key{display:inline-block;width:.9em;height:.9em;border:1px solid #999;margin-right:.3em;"
    "vertical-align:middle}\n"
    ".legend span{margin-right:1.2em;white-space:nowrap}\n"
    "pre{background:#f6f6f6;border:1px solid #ddd;padding:.6em;overflow-x:auto}\n"
    ".trend polyline{fill:none;stroke-width:2}.t-up{stroke:#555}.t-managed{stroke:#1b7837}"
    ".t-deployable{stroke:#2166ac}.trend text{font-size:10px;fill:#555}\n"
    "th.sortable{cursor:pointer}th[aria-sort=ascending]::after{content:' \\25B2'}"
    "th[aria-sort=descending]::after{content:' \\25BC'}\n"
    "#filter{margin:.5em 0;padding:.3em;width:20em}\n"
    "@media print{#filter{display:none}}\n";

/* Sorting and filtering the hosts table; without it the table is complete, in address
 * order. It marks the page so that tests can tell it ran (the CSP hash matched). */
const char rp_js[] =
    "(function () {\n"
    "  'use strict';\n"
    "  var table = document.getElementById('hosts');\n"
    "  if (!table) return;\n"
    "  var body = table.tBodies[0], heads = table.tHead.rows[0].cells;\n"
    "  var rows = Array.prototype.slice.call(body.rows);\n"
    "  var filter = document.getElementById('filter');\n"
    "  filter.hidden = false;\n"
    "  filter.addEventListener('input', function () {\n"
    "    var q = filter.value.toLowerCase();\n"
    "    rows.forEach(function (r) {\n"
    "      r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0;\n"
    "    });\n"
    "  });\n"
    "  function key(r, col) {\n"
    "    var c = r.cells[col];\n"
    "    return c.hasAttribute('data-sort') ? c.getAttribute('data-sort') : c.textContent;\n"
    "  }\n"
    "  Array.prototype.forEach.call(heads, function (th, col) {\n"
    "    th.tabIndex = 0;\n"
    "    th.classList.add('sortable');\n"
    "    function sort() {\n"
    "      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;\n"
    "      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });\n"
    "      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');\n"
    "      rows.sort(function (a, b) {\n"
    "        var x = key(a, col), y = key(b, col), nx = Number(x), ny = Number(y);\n"
    "        var numeric = x !== '' && y !== '' && !isNaN(nx) && !isNaN(ny);\n"
    "        return (numeric ? nx - ny : x.localeCompare(y)) * dir;\n"
    "      });\n"
    "      rows.forEach(function (r) { body.appendChild(r); });\n"
    "    }\n"
    "    th.addEventListener('click', sort);\n"
    "    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });\n"
    "  });\n"
    "  document.documentElement.setAttribute('data-script', 'ran');\n"
    "})();\n";

/* 'sha256-BASE64' of the exact bytes, as CSP Level 2 wants them. */
static int hash_source(const char *text, char *out, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
    if (EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
        return -1;
    EVP_EncodeBlock(b64, md, (int)mdlen);
    int n = snprintf(out, len, "'sha256-%s'", (const char *)b64);
    return n > 0 && (size_t)n < len ? 0 : -1;
}

int rp_csp(char *buf, size_t len)
{
    char css[64], js[64];
    if (hash_source(rp_css, css, sizeof css) != 0 || hash_source(rp_js, js, sizeof js) != 0)
        return -1;
    /* default-src 'none' covers images, fonts, frames and connections; form-action and
     * base-uri are not covered by it and are shut separately. */
    int n = snprintf(buf, len, "default-src 'none'; style-src %s; script-src %s; "
                     "img-src data:; base-uri 'none'; form-action 'none'", css, js);
    return n > 0 && (size_t)n < len ? 0 : -1;
}
