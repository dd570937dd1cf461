#!/usr/bin/env bash
# test_install.sh — what a gateway operator installs: `cmake --install` puts the binary, the
# data files, the systemd units, the man page (built by scdoc, covering every subcommand
# and exit code) and the bash completion in their places; install-timer writes the unit's
# binary and refuses, with the reason, paths the unit cannot see and a build-tree binary.
# No root, no network: units go to a scratch --unit-dir.
set -uo pipefail
AS_SOURCE_DIR=${AS_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
AS_BUILD_DIR=${AS_BUILD_DIR:-$AS_SOURCE_DIR/build}
A=$AS_BUILD_DIR/agentscan
FAILS=0
check() { local what=$1; shift; if "$@"; then echo "PASS: $what"; else echo "FAIL: $what"; FAILS=$((FAILS + 1)); fi; }
# Scratch space where the unit could see it: install-timer refuses /tmp, /var/tmp, /home,
# /root and /run/user paths, which is tested too. A build tree under one of those (a clone
# in /tmp) gets its scratch space under /var/lib when it can write there, else it skips.
hidden() { case $1 in /tmp/* | /var/tmp/* | /home/* | /root/* | /run/user/*) return 0 ;; esac; return 1; }
if ! hidden "$(cd "$AS_BUILD_DIR" && pwd -P)/"; then
    W=$(mktemp -d "$AS_BUILD_DIR/install-test.XXXXXX")
elif ! W=$(mktemp -d /var/lib/as-install-test.XXXXXX 2>/dev/null); then
    echo "SKIP: the build tree is where a systemd unit cannot see it, and /var/lib is not writable"
    exit 77
fi
T=$(mktemp -d /tmp/as-install-test.XXXXXX)
trap 'rm -rf "$W" "$T"' EXIT

P=$W/prefix
check "cmake --install" cmake --install "$AS_BUILD_DIR" --prefix "$P" >/dev/null
for f in bin/agentscan share/agentscan/agents.tab share/agentscan/deploy.tab \
         share/agentscan/os-db.txt "share/agentscan/systemd/agentscan-sweep@.service" \
         "share/agentscan/systemd/agentscan-sweep@.timer" "lib/systemd/system/agentscan-sweep@.service" \
         "lib/systemd/system/agentscan-sweep@.timer" share/man/man1/agentscan.1 \
         share/bash-completion/completions/agentscan; do
    check "installed $f" test -s "$P/$f"
done
# The configured bindir (what the unit and install-timer name), from the build's cache.
cache() { sed -n "s/^$1:[A-Z]*=//p" "$AS_BUILD_DIR/CMakeCache.txt"; }
BINDIR=$(cache CMAKE_INSTALL_BINDIR)
[[ $BINDIR == /* ]] || BINDIR=$(cache CMAKE_INSTALL_PREFIX)/$BINDIR
check "the installed unit runs the installed binary ($BINDIR)" \
    grep -q "^ExecStart=$BINDIR/agentscan sweep" "$P/lib/systemd/system/agentscan-sweep@.service"

MAN=$(MANWIDTH=200 man -l "$P/share/man/man1/agentscan.1" 2>/dev/null || cat "$P/share/man/man1/agentscan.1")
for c in scan hosts export diff deploy-report ports prune merge sweep config install-timer; do
    check "man page covers $c" grep -q "agentscan $c" <<<"$MAN"
done
codes=$("$A" --help | sed -n '/^Exit codes/,$p' | grep -oE '(^|[ (])[0-9]{1,3} ' | tr -dc '0-9\n ' | xargs -n1 | sort -un)
for c in $codes; do
    check "man page has exit code $c" grep -qE "^ +$c\$" <<<"$MAN"
done

COMP=$P/share/bash-completion/completions/agentscan
check "completion loads" bash -c "source '$COMP' && complete -p agentscan >/dev/null"
for c in scan hosts export diff deploy-report ports prune merge sweep config install-timer; do
    check "completion knows $c" grep -qw -- "$c" "$COMP"
done
check "completion knows export --stylesheet" grep -q -- "--stylesheet" "$COMP"

say_conf() {  # say_conf FILE DBDIR
    printf '[job lab]\ntargets = 198.18.1.0/24\ndb = %s/%%j.db\n' "$2" >"$1"
}
mkdir -p "$W/units" "$W/db"
say_conf "$T/a.conf" "$W/db"
"$A" install-timer lab --config "$T/a.conf" --unit-dir "$W/units" --no-enable --exec "$P/bin/agentscan" \
    >/dev/null 2>"$W/err"
check "a configuration under /tmp is refused (PrivateTmp)" grep -q "PrivateTmp" "$W/err"
say_conf "$W/b.conf" "$T"
"$A" install-timer lab --config "$W/b.conf" --unit-dir "$W/units" --no-enable --exec "$P/bin/agentscan" \
    >/dev/null 2>"$W/err"
check "a database under /tmp is refused" grep -q "the database: .*PrivateTmp" "$W/err"
printf '[job lab]\ntargets = 198.18.1.0/24\ndb = /home/someone/lab.db\n' >"$W/c.conf"
"$A" install-timer lab --config "$W/c.conf" --unit-dir "$W/units" --no-enable --exec "$P/bin/agentscan" \
    >/dev/null 2>"$W/err"
check "a database under /home is refused (ProtectHome)" grep -q "ProtectHome" "$W/err"
say_conf "$W/d.conf" "$W/db"
if [[ ! -e $BINDIR/agentscan ]]; then
    "$A" install-timer lab --config "$W/d.conf" --unit-dir "$W/units" --no-enable >/dev/null 2>"$W/err"
    check "a build-tree binary is refused" grep -q "build tree" "$W/err"
fi
"$P/bin/agentscan" install-timer lab --config "$W/d.conf" --unit-dir "$W/units" --no-enable \
    --exec "$P/bin/agentscan" >/dev/null 2>"$W/err"
check "install-timer with the installed binary" \
    grep -qx "ExecStart=$P/bin/agentscan sweep --config $W/d.conf %i" \
    "$W/units/agentscan-sweep@lab.service.d/agentscan.conf"

((FAILS)) && { echo "RESULT: $FAILS failures"; exit 1; }
echo "RESULT: all passed"
