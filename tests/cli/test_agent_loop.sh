#!/bin/sh
# mamori-agent against real block devices: a loop device with two partitions, handled as
# removable (media.loop = true) and limited to that one disk (--only), so that no other loop
# device of this machine is touched. As root only. Checks what an administrator would meet:
# a disk attached and mounted read-write before the agent started is read-only and its
# filesystem remounted read-only once it runs; `blockdev --setrw` is undone and reported as
# tamper; a read-write mount made in a window is remounted read-only; a broken configuration
# on SIGHUP is reported and the one in force kept; SIGTERM ends it with a stop event.
# Waits are polls with a generous limit, never assertions of speed. KEEP=1 keeps the
# temporary directory (configuration, event log) for a look after a failure.
# shellcheck disable=SC2317 # functions run through check() and the trap
set -u
AGENT=${BUILD:-build}/mamori-agent
# shellcheck source=tests/cli/loop_lib.sh
. tests/cli/loop_lib.sh
loop_need mkfs.ext4 mkfs.ext2 mount umount dd
[ -x "$AGENT" ] || { echo "not ok - $AGENT is built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-agent.XXXXXX")
PID=''
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
	for m in "$T/mnt1" "$T/mnt2"; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
	loop_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

# ---- a disk with two partitions: ext4 on the first, ext2 on the second ---------------------
loop_setup "$T"
mkfs.ext4 -q -L MAMORIAGENT "${LOOP}p1"
mkfs.ext2 -q -L MAMORIEXT2 "${LOOP}p2"
mkdir -m 0700 "$T/state" "$T/log" "$T/spool" "$T/mnt1" "$T/mnt2"
LOG=$T/log/events.log

conf() { # file
	cat >"$1" <<EOC
media {
  loop = true
  recheck_interval = 1
}
report {
  event_log = $LOG
  state_dir = $T/state
  spool_dir = $T/spool
  syslog_socket = $T/no-syslog
  heartbeat = 10
}
EOC
	chmod 0644 "$1"
}
conf "$T/test.conf"

ro_all() { loop_ro_all "$@" >/dev/null; }
# The superblock's own rw/ro (last field of the mount's mountinfo line): what every mount
# of the filesystem, in every namespace, is bound by.
super_opt() { # mount point -> rw or ro
	awk -v mp="$1" '$5 == mp { print $NF }' /proc/self/mountinfo | tr ',' '\n' | grep -E '^r[ow]$' | tail -n1
}
super_is() { [ "$(super_opt "$1")" = "$2" ]; }
has_event() { grep -qE "$1" "$LOG" 2>/dev/null; }
count() { grep -cE "$1" "$LOG" 2>/dev/null || echo 0; }

# ---- present before the agent: writable, and mounted read-write ----------------------------
mount -o rw "${LOOP}p1" "$T/mnt1"
check "before the agent: the disk is writable" ro_all 0
check "before the agent: ${NAME}p1 is mounted read-write" super_is "$T/mnt1" rw

"$AGENT" --config "$T/test.conf" --only "$NAME" 2>"$T/agent.err" &
PID=$!

check "the agent reports its start (MAMORI-AGENT-301)" eventually has_event "^MAMORI-AGENT-301 .* config=ok "
check "the start event names the policy hash" has_event "^MAMORI-AGENT-301 .* policy_hash=[0-9a-f]{16} "
check "startup scan: read-only flag on the disk and both partitions" eventually ro_all 1
check "startup scan reported (MAMORI-AGENT-305, when=start, was_readonly=0)" \
	has_event "^MAMORI-AGENT-305 .* dev=$LOOP disk=$NAME class=loop when=start was_readonly=0 "
check "dd to the disk fails" sh -c "! dd if=/dev/zero of=$LOOP bs=4096 count=1 oflag=direct 2>/dev/null"
check "the read-write mount is remounted read-only" eventually super_is "$T/mnt1" ro
check "the remount is reported (MAMORI-AGENT-307)" \
	eventually has_event "^MAMORI-AGENT-307 .* dev=${LOOP}p1 .*mount=$T/mnt1 fs=ext4 how=superblock "
check "writing a file through the mount fails" sh -c "! touch '$T/mnt1/written' 2>/dev/null"
check "reading through the mount still works" test -d "$T/mnt1/lost+found"

# ---- tamper: the flag cleared by hand ---------------------------------------------------------
blockdev --setrw "${LOOP}p1" "${LOOP}p2" "$LOOP"
check "blockdev --setrw: read-only again on the disk and both partitions" eventually ro_all 1
check "the tamper is reported (MAMORI-AGENT-306)" eventually has_event "^MAMORI-AGENT-306 .* dev=$LOOP "

# ---- a window: flag cleared and a read-write mount made before the agent looks again ---------
# The agent is held (SIGSTOP) while the window is open, so the mount is read-write for sure.
kill -STOP "$PID"
blockdev --setrw "${LOOP}p2" "$LOOP"
mount -o rw "${LOOP}p2" "$T/mnt2"
check "in the window ${NAME}p2 is mounted read-write" super_is "$T/mnt2" rw
kill -CONT "$PID"
check "the window's mount is remounted read-only" eventually super_is "$T/mnt2" ro
check "and reported (MAMORI-AGENT-307, fs=ext2)" \
	eventually has_event "^MAMORI-AGENT-307 .* dev=${LOOP}p2 .*mount=$T/mnt2 fs=ext2 "
check "writing a file through it fails" sh -c "! touch '$T/mnt2/written' 2>/dev/null"
check "after the window: read-only everywhere" eventually ro_all 1

# ---- SIGHUP with a broken configuration: reported, the one in force kept -----------------------
printf 'media {\n  policy = sometimes\n}\n' >"$T/test.conf"
kill -HUP "$PID"
check "a broken configuration is reported (MAMORI-CONF-001, kept=previous)" \
	eventually has_event "^MAMORI-CONF-001 .*file=$T/test.conf .*kept=previous "
check "the agent is still running" kill -0 "$PID"
blockdev --setrw "${LOOP}p1" "$LOOP"
check "the configuration in force still protects the loop device" eventually ro_all 1
check "and reports the tamper" eventually test "$(count '^MAMORI-AGENT-306 ')" -ge 2

# ---- SIGHUP with a good configuration: reloaded -------------------------------------------------
conf "$T/test.conf"
kill -HUP "$PID"
check "a good configuration is reloaded (MAMORI-AGENT-303)" \
	eventually has_event "^MAMORI-AGENT-303 .*policy_hash=[0-9a-f]{16} "
check "the heartbeat counts the device and the tampers (MAMORI-AGENT-304)" \
	eventually has_event "^MAMORI-AGENT-304 .* devices=1 .*tampers=[2-9]"

# ---- SIGTERM: a stop event that says the rules keep enforcing ------------------------------------
kill -TERM "$PID"
wait "$PID"; rc=$?
PID=
check "SIGTERM: the agent exits 0" test $rc -eq 0
check "the stop is reported (MAMORI-AGENT-302, signal=TERM)" has_event "^MAMORI-AGENT-302 .* signal=TERM "
check "the stop event says the udev rules keep enforcing" has_event '^MAMORI-AGENT-302 .*still made read-only by the udev rules'
check "events are numbered without a gap" \
	sh -c "sed -n 's/.* seq=\([0-9]*\) .*/\1/p' '$LOG' | awk 'NR != \$1 { exit 1 }'"
check "the agent wrote no diagnostics" test ! -s "$T/agent.err"
[ -s "$T/agent.err" ] && sed 's/^/# /' "$T/agent.err"

# ---- bad arguments ---------------------------------------------------------------------------------
"$AGENT" --only >/dev/null 2>&1
check "a missing argument is refused (exit 2)" test $? -eq 2

exit $FAILED
