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
    "#hosts,#hosts-all{table-layout:fixed;width:100%}#hosts td,#hosts-all td{overflow-wrap:anywhere}\n"
    ".hosts-t th:nth-child(1){width:8.5em}.hosts-t th:nth-child(3){width:10em}"
    ".hosts-t th:nth-child(5),.hosts-t th:nth-child(7){width:7em}\n"
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
    "#filter{margin:.5em 1em .5em 0;padding:.3em;width:20em}#shown{margin:0 .6em}\n"
    "@media print{#hosts-tools{display:none}}\n";

/* The hosts table and the /24 grids, drawn from the page's data block (report_data.c): a
 * page of 200 rows at a time, sorted (click a heading) and filtered (the search box) over
 * every host; each grid when it comes into view. Data goes in as text (textContent and
 * setAttribute), never as markup. Without the script the page's <noscript> holds the whole
 * table and every grid. It marks the page so that tests can tell it ran (the CSP hash
 * matched). */
const char rp_js[] =
    "(function () {\n"
    "  'use strict';\n"
    "  var src = document.getElementById('report-data');\n"
    "  if (!src) return;\n"
    "  var d = JSON.parse(src.textContent), hosts = d.hosts, states = d.states, labels = d.labels;\n"
    "  var SILENT = states.indexOf('silent'), CELL = 14, PAGE = 200;\n"
    "\n"
    "  /* The hosts table: one page of rows at a time, sorted and filtered over all hosts. */\n"
    "  var table = document.getElementById('hosts'), body = table.tBodies[0];\n"
    "  var heads = table.tHead.rows[0].cells, filter = document.getElementById('filter');\n"
    "  var shown = document.getElementById('shown'), prev = document.getElementById('prev');\n"
    "  var next = document.getElementById('next'), order = hosts.slice(), view = order, page = 0;\n"
    "  var field = [0, 2, 4, 5, 6, 7, 8, 9, 10];\n"
    "  var coll = new Intl.Collator(undefined, {numeric: true});\n"
    "  function cell(tr, text, cls) {\n"
    "    var td = tr.insertCell(-1);\n"
    "    td.textContent = text;\n"
    "    if (cls) td.className = cls;\n"
    "    return td;\n"
    "  }\n"
    "  function row(h) {\n"
    "    var tr = document.createElement('tr'), key = document.createElement('i');\n"
    "    tr.className = 'st-' + states[h[3]];\n"
    "    cell(tr, h[1]);\n"
    "    cell(tr, h[2], 'wrap');\n"
    "    key.className = 'key s-' + states[h[3]];\n"
    "    var status = cell(tr, h[4]);\n"
    "    status.insertBefore(key, status.firstChild);\n"
    "    for (var k = 5; k < 10; k++) cell(tr, h[k]);\n"
    "    cell(tr, h[10], 'wrap');\n"
    "    return tr;\n"
    "  }\n"
    "  function draw() {\n"
    "    var last = Math.max(0, Math.ceil(view.length / PAGE) - 1);\n"
    "    page = Math.min(Math.max(page, 0), last);\n"
    "    var from = page * PAGE, to = Math.min(view.length, from + PAGE);\n"
    "    var rows = document.createDocumentFragment();\n"
    "    for (var i = from; i < to; i++) rows.appendChild(row(view[i]));\n"
    "    body.textContent = '';\n"
    "    body.appendChild(rows);\n"
    "    shown.textContent = (to ? (from + 1) + '\\u2013' + to : '0') + ' of ' + view.length +\n"
    "      (view.length < hosts.length ? ' matching (' + hosts.length + ' hosts)' : ' hosts');\n"
    "    prev.disabled = page === 0;\n"
    "    next.disabled = page === last;\n"
    "  }\n"
    "  function text(h) {\n"
    "    if (h.text === undefined)\n"
    "      h.text = [h[1], h[2], h[4], h[5], h[6], h[7], h[8], h[9], h[10]].join('\\n').toLowerCase();\n"
    "    return h.text;\n"
    "  }\n"
    "  function refilter() {\n"
    "    var q = filter.value.toLowerCase();\n"
    "    view = q === '' ? order : order.filter(function (h) { return text(h).indexOf(q) >= 0; });\n"
    "    page = 0;\n"
    "    draw();\n"
    "  }\n"
    "  Array.prototype.forEach.call(heads, function (th, col) {\n"
    "    th.tabIndex = 0;\n"
    "    th.classList.add('sortable');\n"
    "    function sort() {\n"
    "      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1, k = field[col];\n"
    "      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });\n"
    "      th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');\n"
    "      order.sort(function (a, b) {\n"
    "        var r = k === 0 ? a[0] - b[0] : coll.compare(a[k], b[k]);\n"
    "        return r ? r * dir : a[0] - b[0];\n"
    "      });\n"
    "      refilter();\n"
    "    }\n"
    "    th.addEventListener('click', sort);\n"
    "    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });\n"
    "  });\n"
    "  filter.addEventListener('input', refilter);\n"
    "  prev.addEventListener('click', function () { page--; draw(); });\n"
    "  next.addEventListener('click', function () { page++; draw(); });\n"
    "  document.getElementById('hosts-tools').hidden = false;\n"
    "  table.hidden = false;\n"
    "  draw();\n"
    "\n"
    "  /* The /24 grids: each drawn when it comes into view, or all at once when they are few. */\n"
    "  var grids = document.getElementById('grids'), defs = document.getElementById('grid-defs');\n"
    "  function svg(name, attrs, parent) {\n"
    "    var e = document.createElementNS(defs.namespaceURI, name);\n"
    "    for (var k in attrs) e.setAttribute(k, attrs[k]);\n"
    "    if (parent) parent.appendChild(e);\n"
    "    return e;\n"
    "  }\n"
    "  function tip(parent, s) {\n"
    "    svg('title', {}, parent).textContent = s;\n"
    "  }\n"
    "  function grid(fig, net) {\n"
    "    var base = net[0], cells = net[2], at = net[3], end = net[3] + net[4], side = 16 * CELL;\n"
    "    var pic = svg('svg', {width: side, height: side, viewBox: '0 0 ' + side + ' ' + side,\n"
    "                          role: 'img', 'aria-label': net[1]});\n"
    "    tip(svg('rect', {fill: 'url(#cells)', width: side, height: side}, pic),\n"
    "        base + '.0/24: ' + labels[SILENT]);\n"
    "    for (var a = 0; a < 256; a++) {\n"
    "      var s = cells.charCodeAt(a) - 48, h = at < end ? hosts[at] : null;\n"
    "      if (s === SILENT) continue;\n"
    "      var r = svg('rect', {'class': 'c s-' + states[s], x: a % 16 * CELL,\n"
    "                           y: (a >> 4) * CELL, width: CELL, height: CELL}, pic);\n"
    "      if (h && h[0] % 256 === a) {\n"
    "        at++;\n"
    "        tip(r, h[1] + (h[2] ? ' ' + h[2] : '') + '\\n' + labels[h[3]] +\n"
    "            (h[7] ? ': ' + h[7] : h[8] ? ': ' + h[8] : '') + (h[5] ? '\\nOS: ' + h[5] : ''));\n"
    "      } else {\n"
    "        tip(r, base + '.' + a + '\\n' + labels[s]);\n"
    "      }\n"
    "    }\n"
    "    fig.insertBefore(pic, fig.firstChild);\n"
    "  }\n"
    "  if (grids && defs) {\n"
    "    var lazy = d.nets.length > 64 && 'IntersectionObserver' in window ?\n"
    "      new IntersectionObserver(function (seen) {\n"
    "        seen.forEach(function (e) {\n"
    "          if (!e.isIntersecting) return;\n"
    "          lazy.unobserve(e.target);\n"
    "          grid(e.target, e.target.net);\n"
    "        });\n"
    "      }, {rootMargin: '600px'}) : null;\n"
    "    d.nets.forEach(function (net) {\n"
    "      var fig = document.createElement('figure'), cap = document.createElement('figcaption');\n"
    "      fig.className = 'net';\n"
    "      fig.id = 'net-' + net[0].split('.').join('-') + '-0';\n"
    "      cap.textContent = net[1];\n"
    "      fig.appendChild(cap);\n"
    "      grids.appendChild(fig);\n"
    "      if (lazy) {\n"
    "        fig.net = net;\n"
    "        lazy.observe(fig);\n"
    "      } else {\n"
    "        grid(fig, net);\n"
    "      }\n"
    "    });\n"
    "  }\n"
    "  /* The grids added above it moved the element the address names: back to it. */\n"
    "  var target = location.hash && document.getElementById(location.hash.slice(1));\n"
    "  if (target) target.scrollIntoView();\n"
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
