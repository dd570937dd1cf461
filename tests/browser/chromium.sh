# shellcheck shell=bash
# chromium.sh — headless Chromium for the report tests (tests/browser, tests/lab/test_report.sh):
# finds the browser (exit 77, skipped, when it is missing) and runs it so that every request
# the page makes shows in a net log and every console message on stderr.

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [[ -z $CHROMIUM ]]; then
    echo "SKIP: chromium is not installed (tools/setup installs Debian's chromium)"
    exit 77
fi
CHECK_REPORT=$AS_SOURCE_DIR/tests/browser/check_report.py

# chromium_run DIR ARGS...: one headless run with its own profile in DIR/profile, its net
# log in DIR/netlog.json and its log (console messages included) in DIR/chromium.log.
chromium_run() {
    local dir=$1
    shift
    mkdir -p "$dir"
    local args=(--headless --disable-gpu --no-first-run --no-default-browser-check
        --disable-extensions --disable-background-networking --disable-component-update
        --disable-sync --user-data-dir="$dir/profile" --enable-logging=stderr --v=0
        --log-net-log="$dir/netlog.json")
    # Chromium's sandbox refuses to start as root, and CI runs the tests as root: only then
    # is it turned off. The page is our own file, opened in a throw-away profile.
    if [[ $(id -u) -eq 0 ]]; then
        args+=(--no-sandbox)
    fi
    # With a network namespace of its own the browser can reach nothing, whatever it tries;
    # the net log still shows every attempt.
    local wrap=()
    if [[ $(id -u) -eq 0 ]] && unshare --net true 2>/dev/null; then
        wrap=(unshare --net)
    fi
    timeout 120 "${wrap[@]}" "${CHROMIUM_VIA[@]}" "$CHROMIUM" "${args[@]}" "$@" 2>"$dir/chromium.log"
}
CHROMIUM_VIA=()     # a program that runs the browser (devtools.py), or nothing

# chromium_dom HTML DIR: the DOM after the page's script ran, in DIR/dom.html.
chromium_dom() {
    mkdir -p "$2"
    chromium_run "$2" --dump-dom "file://$1" >"$2/dom.html"
}

# chromium_dom_off HTML DIR: the DOM with scripts off, as a reader with JavaScript disabled
# sees it (the <noscript> markup is the page), in DIR/dom.html.
# --dump-dom reads the DOM with a script and gives nothing then: devtools.py asks for it over
# the DevTools protocol instead.
chromium_dom_off() {
    chromium_devtools dom-off "$1" "$2" dom.html
}

# chromium_table HTML DIR: uses the hosts table (next page, sort, filter) and writes what it
# showed after each step in DIR/table.json (devtools.py).
chromium_table() {
    chromium_devtools table "$1" "$2" table.json
}

chromium_devtools() {
    mkdir -p "$3"
    local rc=0 args=()
    [[ $1 != dom-off ]] || args=(--blink-settings=scriptEnabled=false)
    CHROMIUM_VIA=(python3 "$AS_SOURCE_DIR/tests/browser/devtools.py" "$1" "file://$2" "$3/$4")
    chromium_run "$3" "${args[@]}" --remote-debugging-pipe || rc=$?
    CHROMIUM_VIA=()
    return $rc
}

# chromium_shot HTML PNG DIR [WIDTH,HEIGHT]: a screenshot of the page's top.
chromium_shot() {
    chromium_run "$3" --hide-scrollbars --window-size="${4:-1280,2000}" --screenshot="$2" \
        "file://$1" >/dev/null
}
