#!/bin/sh
# Something else than a partition's node at its path: what `dd of=/dev/sdb1` leaves when it
# races the partition table re-read udev starts after the disk was closed for writing (the
# node is gone for an instant, dd's O_CREAT makes a regular file, devtmpfs cannot put the node
# back), or what root puts there (a symlink to another node). Against a real loop device with
# two partitions (media.loop = true), in a private mount namespace: there a regular file is
# bound over /dev/loopNp1, or /dev is a tmpfs holding the disk's node, a symlink for p1 and
# p2's node. mamori-udev and mamori-agent must report what is at which path
# (MAMORI-MEDIA-116), never report it as a failure to set the flag (MAMORI-MEDIA-107), never
# act through the symlink, and still give the real partition its own read-only flag (through
# a private node). mamorictl check names it. As root only.
# shellcheck disable=SC2317 # functions run through check() and the trap
set -u
B=${BUILD:-build}
HELPER=$B/mamori-udev AGENT=$B/mamori-agent
# shellcheck source=tests/cli/loop_lib.sh
. tests/cli/loop_lib.sh
loop_need unshare mount umount
[ -x "$HELPER" ] && [ -x "$AGENT" ] || { echo "not ok - $HELPER and $AGENT are built"; exit 1; }

T=$(mktemp -d)
PID=''
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
	loop_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

loop_setup "$T"
DISK=$(readlink -f "/sys/class/block/$NAME" | sed 's|^/sys||')
P1=${LOOP}p1
mkdir -m 0700 "$T/state" "$T/log" "$T/spool"
LOG=$T/log/events.log
cat >"$T/test.conf" <<EOC
media {
  loop = true
  recheck_interval = 1
}
report {
  event_log = $LOG
  state_dir = $T/state
  spool_dir = $T/spool
  syslog_socket = $T/no-syslog
  heartbeat = 300
}
EOC
chmod 0644 "$T/test.conf"
has_event() { grep -qE "$1" "$LOG" 2>/dev/null; }
count() { n=$(grep -cE "$1" "$LOG" 2>/dev/null) || :; echo "${n:-0}"; }
# the partition's own flag: the disk's cleared first (a partition reads read-only through it)
own_flag() { # name
	blockdev --setrw "$LOOP" && [ "$(cat "/sys/class/block/$1/ro")" = 1 ]
}
# a regular file bound over p1's node, as dd leaves it
REGULAR="touch '$T/file' && mount --bind '$T/file' '$P1'"
# the command in a mount namespace of its own after setup; its own process (exec all along),
# so that $! of `in_ns … &` is the program's pid
in_ns() { # setup command...
	setup=$1; shift
	exec unshare --mount --propagation private sh -c "$setup && exec \"\$@\"" sh "$@"
}

run_ns() { (in_ns "$@"); }

# ---- mamori-udev: a regular file at p1's path ----------------------------------------------
check "regular file at $P1: mamori-udev exits 0" \
	run_ns "$REGULAR" "$HELPER" --config "$T/test.conf" add "$DISK/${NAME}p1" >"$T/out" 2>"$T/err"
check "its properties say read-only, not error" \
	sh -c "grep -qx MAMORI_ACTION=readonly '$T/out' && grep -qx MAMORI_READONLY=1 '$T/out'"
check "the real ${NAME}p1 carries its own read-only flag" own_flag "${NAME}p1"
check "what was found is reported (MAMORI-MEDIA-116, found=\"regular file\", readonly=1)" \
	has_event "^MAMORI-MEDIA-116 .* uevent=add dev=$P1 found=\"regular file\" devnum=[0-9]+:[0-9]+ disk=$NAME readonly=1 "
check "its text says what is where and what to do" \
	has_event "^MAMORI-MEDIA-116 .*msg=\"regular file at $P1, not the node of device [0-9]+:[0-9]+ .*remove $P1 and plug the device in again\""
check "no false MAMORI-MEDIA-107" test "$(count '^MAMORI-MEDIA-107 ')" -eq 0
check "the partition's own event is MAMORI-MEDIA-101" has_event "^MAMORI-MEDIA-101 .* dev=$P1 "
check "the file in the node's place was neither written nor removed" test -f "$T/file" -a ! -s "$T/file"

# ---- mamori-udev: /dev a tmpfs with a symlink for p1 pointing at p2's node ------------------
blockdev --setrw "$LOOP" "${LOOP}p1" "${LOOP}p2"
# p2's node under p2's name, the disk's under its own, p1 a symlink to p2's node
SYMLINK="mount -t tmpfs -o mode=0755 tmpfs /dev && mknod -m 0660 $LOOP b $(stat -c '0x%t 0x%T' "$LOOP") &&
	mknod -m 0660 ${LOOP}p2 b $(stat -c '0x%t 0x%T' "${LOOP}p2") && ln -s ${LOOP}p2 $P1"
check "symlink at $P1: mamori-udev exits 0" \
	run_ns "$SYMLINK" "$HELPER" --config "$T/test.conf" change "$DISK/${NAME}p1" >"$T/out" 2>"$T/err"
check "properties: read-only" grep -qx MAMORI_READONLY=1 "$T/out"
check "the real ${NAME}p1 carries its own read-only flag" own_flag "${NAME}p1"
check "reported: MAMORI-MEDIA-116 found=\"symbolic link\"" \
	has_event "^MAMORI-MEDIA-116 .* uevent=change dev=$P1 found=\"symbolic link\" .*readonly=1 "
check "still no MAMORI-MEDIA-107" test "$(count '^MAMORI-MEDIA-107 ')" -eq 0

# ---- mamori-agent: the file there from its start on; the flag cleared by hand ----------------
blockdev --setrw "$LOOP" "${LOOP}p1" "${LOOP}p2"
in_ns "$REGULAR" "$AGENT" --config "$T/test.conf" --only "$NAME" 2>"$T/agent.err" &
PID=$!
check "agent: started" eventually has_event "^MAMORI-AGENT-301 "
check "agent: p1's own flag set through the private node" eventually own_flag "${NAME}p1"
check "agent: MAMORI-MEDIA-116 for $P1 (found=\"regular file\")" \
	eventually has_event "^MAMORI-MEDIA-116 .*dev=$P1 disk=$NAME .*found=\"regular file\" "
n116=$(count "^MAMORI-MEDIA-116 .*dev=$P1 disk=$NAME ")
# both levels: a partition whose disk is read-only reads read-only whatever its own flag
blockdev --setrw "${LOOP}p1" "$LOOP"
check "agent: the tamper is reported (MAMORI-AGENT-306)" \
	eventually has_event "^MAMORI-AGENT-306 .*dev=($LOOP|$P1) "
check "agent: p1's own flag is back, set through the private node" eventually own_flag "${NAME}p1"
sleep 2
check "agent: MAMORI-MEDIA-116 said once while the file stays, not at every re-check" \
	test "$(count "^MAMORI-MEDIA-116 .*dev=$P1 disk=$NAME ")" -eq "$n116"
check "agent: no MAMORI-AGENT-308 and no MAMORI-MEDIA-107" \
	test "$(count '^MAMORI-(AGENT-308|MEDIA-107) ')" -eq 0
kill -TERM "$PID"; wait "$PID"; PID=
check "agent: no diagnostics" test ! -s "$T/agent.err"
[ -s "$T/agent.err" ] && sed 's/^/# /' "$T/agent.err"

# ---- mamorictl check: names the file as a failure of its own -------------------------------
run_ns "$REGULAR" "$B/mamorictl" check --config "$T/test.conf" --only media >"$T/check.out" 2>&1
rc=$?
check "mamorictl check: exit 1" test "$rc" -eq 1
check "mamorictl check: says a regular file is at $P1" \
	grep -q "media: $P1 is a regular file, not the node of device" "$T/check.out"
[ "$rc" -eq 1 ] || sed 's/^/# /' "$T/check.out"

# ---- no private node left behind ------------------------------------------------------------
check "no private node directory left in /dev" sh -c '! ls -d /dev/.mamori-* 2>/dev/null'

exit $FAILED
