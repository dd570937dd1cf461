#!/usr/bin/env bash
# test_storage.sh — storage faults during a scan: the database on a small tmpfs that fills,
# remounted read-only, or deleted mid-scan gives a clear message naming the path and exit 7,
# the file stays consistent and the scan is (or reads as) interrupted; two sweeps of
# different jobs write one database at once, with readers alongside, and both complete.
#
#   scanner ns (agentscan) ──veth── router ns ──bridge── lab hosts (tools/lab)
#   $LAB_DIR/mnt: tmpfs "aslab-test-tmpfs"; $LAB_DIR/ext4: an ext4 image on a loop device,
#   mounted errors=remount-ro; both unmounted (and the loop device detached) by the trap.
#
# Read-only mid-scan: Linux refuses `mount -o remount,ro` while a file is open for writing,
# so the test does what a failing disk does: an ext4 error (sysfs trigger_fs_error) makes
# the kernel switch the file system to read-only under the writer (emergency_ro).
#
# The checks run in a mount namespace of their own (private propagation), made after the lab
# is up: every `ip netns exec` on the machine (other tests' lab hosts, dnsmasq, scanners)
# copies the mount table of the namespace it starts from, so a tmpfs or ext4 mounted in the
# initial namespace lands in those copies, and they keep its superblock alive after our
# umount. The ext4 then stays busy (e2fsck cannot open it) and the next mount of the loop
# device gets the old superblock back, still emergency_ro. Mounted only here, the file
# systems are seen by nobody but this test and the scans it starts and waits for.

# shellcheck disable=SC2317  # functions run from traps and checks
# shellcheck source=tests/lab/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
A=$AS_BUILD_DIR/agentscan
if [[ -z ${AS_STORAGE_LAB-} ]]; then
    lab_up
    # The lab (its named network namespaces) stays in the initial mount namespace, where
    # lab_down removes it; the storage checks run below, in a private mount namespace.
    unshare --mount --propagation private -- env AS_STORAGE_LAB="$LAB_DIR" \
        AS_SOURCE_DIR="$AS_SOURCE_DIR" AS_BUILD_DIR="$AS_BUILD_DIR" bash "${BASH_SOURCE[0]}"
    exit $?     # lab_down (the EXIT trap) exits with this status
fi
# In the private mount namespace: LAB_DIR stays empty, so lab_down (from cleanup) only exits.
# shellcheck disable=SC1091
source "$AS_STORAGE_LAB/lab.env"
trap 'echo "interrupted"; exit 130' INT
trap 'echo "terminated"; exit 143' TERM
X=$AS_STORAGE_LAB
MNT=$X/mnt
EXT=$X/ext4
LOOP=""
cleanup() {
    local rc=$?
    mountpoint -q "$MNT" && umount "$MNT"
    mountpoint -q "$EXT" && umount "$EXT"
    [[ -n $LOOP ]] && losetup -d "$LOOP"
    (exit "$rc")
    lab_down
}
trap cleanup EXIT
mkdir -p "$MNT"
mount -t tmpfs -o size=2m,mode=0755 aslab-test-tmpfs "$MNT" || { echo "SKIP: cannot mount a tmpfs"; exit 77; }

ro() { sqlite3 "file:$1?mode=ro" "$2" 2>&1; }
# A scan that writes for a few seconds: -Pn stores every address of the /21.
slow_scan() {  # slow_scan DB: in the background, sets PID
    ip netns exec "$LAB_SCAN_NS" "$A" scan 198.18.0.0/21 -Pn -p 22,80,443 --max-rate 3000 \
        --db "$1" --dns-servers "$LAB_DNS" >"$X/slow.out" 2>"$X/slow.err" &
    PID=$!
}
# wait_rows DB: bounded wait until the running scan has stored something.
wait_rows() {
    local n
    for _ in $(seq 1 100); do
        n=$(ro "$1" "SELECT count(*) FROM observation WHERE scan_id = (SELECT max(id) FROM scan)")
        [[ $n =~ ^[0-9]+$ ]] && ((n > 0)) && return 0
        sleep 0.1
    done
    return 1
}
# ended: wait (bounded) for PID; its exit status in RC.
ended() {
    for _ in $(seq 1 300); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PID" 2>/dev/null
    wait "$PID"
    RC=$?
}
# sb_released LOOP: wait (bounded) until the kernel has no ext4 superblock on LOOP; if one
# stays, name the processes whose mount namespaces still hold a mount of it.
sb_released() {
    local sys=/sys/fs/ext4/${1##*/} f dev
    for _ in $(seq 1 100); do
        [[ -e $sys ]] || return 0
        sleep 0.1
    done
    dev=$(lsblk -dno MAJ:MIN "$1" | tr -d ' ')
    for f in /proc/[0-9]*/mountinfo; do
        grep -qs " $dev / " "$f" || continue
        f=${f%/mountinfo}
        echo "  still mounted in the mount namespace of pid ${f#/proc/} ($(cat "$f/comm" 2>/dev/null))"
    done | head -5
    return 1
}
header_says() {  # header_says DB WORD: `agentscan hosts` prints the scan as WORD
    timeout 30 "$A" hosts --db "$1" 2>&1 | head -1 | grep -q "($2,"
}

say "disk full: the tmpfs fills while the scan writes"
DB=$MNT/full.db
check "a first scan on the tmpfs" run_scan "$DB" 198.18.1.0/24
avail=$(df --output=avail -B1 "$MNT" | tail -1)
fallocate -l $((avail - 96 * 1024)) "$MNT/filler"
slow_scan "$DB"
ended
check "exit status 7 when the disk fills (got $RC)" test "$RC" -eq 7
check "the message names the database and says the disk is full" \
    grep -q "database $DB: .*full" "$X/slow.err"
tail -2 "$X/slow.err"
check "integrity_check ok on the full disk" test "$(ro "$DB" "PRAGMA integrity_check")" = ok
check "a reader on the full disk shows the scan interrupted" header_says "$DB" interrupted
rm -f "$MNT/filler"
timeout 30 "$A" prune --keep 1000000 --db "$DB" >/dev/null 2>&1     # a writer: readers never write
check "with space again the next writer records it interrupted" \
    test "$(ro "$DB" "SELECT status FROM scan WHERE id = 2")" = interrupted
check "the earlier scan is intact" test "$(ro "$DB" "SELECT status FROM scan WHERE id = 1")" = complete

say "read-only mid-scan: the file system turns read-only under the writer"
mkdir -p "$EXT"
truncate -s 32M "$X/ext4.img"
if mkfs.ext4 -q -F "$X/ext4.img" && LOOP=$(losetup -f --show "$X/ext4.img") &&
    mount -o errors=remount-ro "$LOOP" "$EXT"; then
    DB=$EXT/ro.db
    slow_scan "$DB"
    check "the scan has stored rows before the file system turns read-only" wait_rows "$DB"
    before=$(ro "$DB" "SELECT count(*) FROM observation")
    echo "agentscan test_storage: read-only now" >"/sys/fs/ext4/$(basename "$LOOP")/trigger_fs_error"
    ended
    check "exit status 7 on a read-only file system (got $RC)" test "$RC" -eq 7
    check "the message names the database" grep -q "database $DB: " "$X/slow.err"
    tail -2 "$X/slow.err"
    check "integrity_check ok, read-only" test "$(ro "$DB" "PRAGMA integrity_check")" = ok
    check "a reader on the read-only file system shows the scan interrupted" \
        header_says "$DB" interrupted
    check "the read-only file system unmounts" umount "$EXT"
    # Bounded: the superblock must be gone before e2fsck, or the next mount reuses it.
    check "no mount of $LOOP is left anywhere (its superblock is released)" sb_released "$LOOP"
    e2fsck -fy "$LOOP" >"$X/e2fsck.out" 2>&1
    rc=$?
    check "e2fsck repairs the file system (status $rc)" test "$rc" -le 1 || tail -5 "$X/e2fsck.out"
    mount "$LOOP" "$EXT"
    check "the repaired file system mounts read-write ($(findmnt -no OPTIONS "$EXT"))" \
        findmnt -no OPTIONS -O rw,noemergency_ro "$EXT"
    check "integrity_check ok after the file system is repaired" \
        test "$(ro "$DB" "PRAGMA integrity_check")" = ok
    after=$(ro "$DB" "SELECT count(*) FROM observation")
    # synchronous = FULL: what was committed was on the disk before it failed
    check "the $before observations committed before the failure survive the repair ($after)" \
        test "${after:-0}" -ge "$before"
    timeout 30 "$A" prune --keep 1000000 --db "$DB" >/dev/null 2>&1     # a writer: readers never write
    check "writable again: the next opener records it interrupted" \
        test "$(ro "$DB" "SELECT status FROM scan ORDER BY id DESC LIMIT 1")" = interrupted
else
    echo "SKIP (this part): no loop device or ext4 here"
fi

say "the database file deleted mid-scan"
DB=$X/gone.db
slow_scan "$DB"
check "the scan has stored rows before the delete" wait_rows "$DB"
rm -f "$DB" "$DB-wal" "$DB-shm"
ended
check "exit status 7 when the file is deleted (got $RC)" test "$RC" -eq 7
check "the message names the database and says it was deleted" \
    grep -q "database $DB: .*deleted or moved" "$X/slow.err"
tail -2 "$X/slow.err"

say "two sweeps of different jobs write one database at once, readers alongside"
cat >"$X/two.conf" <<EOF
[defaults]
dns-servers = $LAB_DNS
db = $X/shared.db

[job a]
targets = 198.18.0.0/20
max-rate = 6000

[job b]
targets = 198.18.0.0/19
max-rate = 6000
EOF
sweep_bg() { timeout 120 ip netns exec "$LAB_SCAN_NS" "$A" sweep "$1" --config "$X/two.conf" >"$X/$1.out" 2>"$X/$1.err"; }
sweep_bg a &
pid_a=$!
sweep_bg b &
pid_b=$!
readers_ok=0
readers=0
for _ in $(seq 1 40); do
    kill -0 "$pid_a" 2>/dev/null || kill -0 "$pid_b" 2>/dev/null || break
    readers=$((readers + 1))
    if [[ -f $X/shared.db ]]; then
        timeout 30 "$A" hosts --db "$X/shared.db" >/dev/null 2>"$X/reader.err" &&
            readers_ok=$((readers_ok + 1))
        grep -q "holds no scan yet" "$X/reader.err" && readers_ok=$((readers_ok + 1))
    else
        readers_ok=$((readers_ok + 1))
    fi
    sleep 0.2
done
wait "$pid_a"
ra=$?
wait "$pid_b"
rb=$?
check "sweep a completes (exit $ra)" test "$ra" -eq 0
check "sweep b completes (exit $rb)" test "$rb" -eq 0
((ra == 0 && rb == 0)) || tail -3 "$X/a.err" "$X/b.err"
check "both scans complete in the shared database" \
    test "$(ro "$X/shared.db" "SELECT count(*) FROM scan WHERE status = 'complete'")" -eq 2
check "every reader alongside succeeded ($readers_ok of $readers)" test "$readers_ok" -eq "$readers"
check "integrity_check ok after the concurrent sweeps" \
    test "$(ro "$X/shared.db" "PRAGMA integrity_check")" = ok
finish
