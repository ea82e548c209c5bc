#!/bin/sh
# mamorictl check, removable-media part, against a real loop device handled as removable
# (media.loop = true) and a real mamori-agent limited to it (--only): the lines an
# administrator reads about that disk and about the agent, in the states a terminal can be
# in — just plugged (writable, nothing enforced yet), enforced by the running agent, then
# broken by hand with the agent stopped (flag cleared, mounted read-write) — and the --json
# document. Only lines naming this loop device or this configuration are asserted: the
# machine's other checks (PAM, udevd, other loop devices) are its own. As root only.
# shellcheck disable=SC2317 # functions run through check() and the trap
set -u
M=${MAMORICTL:-build/mamorictl}
AGENT=${BUILD:-build}/mamori-agent
# shellcheck source=tests/cli/loop_lib.sh
. tests/cli/loop_lib.sh
loop_need mkfs.ext4 mount umount python3
[ -x "$M" ] && [ -x "$AGENT" ] || { echo "not ok - $M and $AGENT are built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-checkmedia.XXXXXX")
PID=''
cleanup() {
	if [ -n "$PID" ]; then kill -TERM "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
	mountpoint -q "$T/mnt" 2>/dev/null && umount "$T/mnt"
	loop_cleanup
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

loop_setup "$T"
mkfs.ext4 -q -L CHECKMEDIA "${LOOP}p1"
mkdir -m 0700 "$T/state" "$T/log" "$T/spool" "$T/mnt"
conf() { # policy
	cat >"$T/test.conf" <<EOC
media {
  policy = $1
  loop = true
  recheck_interval = 1
}
report {
  event_log = $T/log/events.log
  state_dir = $T/state
  spool_dir = $T/spool
  syslog_socket = $T/no-syslog
}
EOC
	chmod 0644 "$T/test.conf"
}
conf readonly

# run: mamorictl check on this machine with the test configuration; RC and OUT
run() { "$M" check --config "$T/test.conf" "$@" >"$T/out" 2>"$T/err"; RC=$?; OUT=$(cat "$T/out"); }
# has LINE: LINE is one of the output's lines
has() {
	printf '%s\n' "$OUT" | grep -qxF -- "$1" && return 0
	echo "# missing: $1"; printf '%s\n' "$OUT" | grep -F -e "$LOOP" -e agent | sed 's/^/#   /'
	return 1
}
expect() { # what line...
	what=$1; shift
	for l in "$@"; do has "$l" || { not_ok "$what"; return; }; done
	ok "$what"
}
# no line about this disk other than the given ones says FAIL
no_fail_about_disk() {
	! printf '%s\n' "$OUT" | grep -E "^FAIL .*$LOOP(p[0-9]+)? " | grep -q . ||
		{ printf '%s\n' "$OUT" | grep "^FAIL .*$LOOP" | sed 's/^/# /'; return 1; }
}

NOAGENT="FAIL  media: mamori-agent is not running for $T/test.conf: a read-only flag cleared by hand is not restored and read-write mounts are not undone (new devices are still made read-only by the udev rules). Start it: systemctl start mamori-agent."

# ---- just plugged: nothing enforced (no udev rules on this machine), no agent -------------
run
expect "plugged, nothing enforced: the disk and each partition FAIL as writable" \
	"FAIL  media: $LOOP is writable: the kernel read-only flag is not set, although the policy (readonly) demands it. Unplug it and run mamorictl check again." \
	"FAIL  media: ${LOOP}p1 is writable: the kernel read-only flag is not set, although the policy (readonly) demands it. Unplug it and run mamorictl check again." \
	"FAIL  media: ${LOOP}p2 is writable: the kernel read-only flag is not set, although the policy (readonly) demands it. Unplug it and run mamorictl check again."
expect "no agent for this configuration: FAIL naming it" "$NOAGENT"
[ "$RC" = 1 ] && ok "a FAIL: exit 1" || not_ok "a FAIL: exit $RC"

# ---- the agent running: it makes the disk read-only, check says so ----------------------
"$AGENT" --config "$T/test.conf" --only "$NAME" 2>"$T/agent.err" &
PID=$!
eventually loop_ro_all 1 >/dev/null || not_ok "the agent made $LOOP read-only"
run
expect "agent running: its line gives the pid" "OK    media: mamori-agent is running (pid $PID)."
expect "enforced: one OK line for the disk" \
	"OK    media: $LOOP (loop, policy readonly) is read-only on the disk and its partitions, and not mounted read-write."
no_fail_about_disk && ok "enforced: no FAIL line about $LOOP" || not_ok "enforced: no FAIL line about $LOOP"
run --json
if printf '%s' "$OUT" | LOOP="$LOOP" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
dev = [c for c in d["checks"] if c["id"] == "media.device" and c.get("path") == os.environ["LOOP"]]
assert len(dev) == 1 and dev[0]["status"] == "ok" and dev[0]["code"] == "readonly", dev
ag = [c for c in d["checks"] if c["id"] == "media.agent"][0]
assert ag["status"] == "ok" and ag["code"] == "running", ag
'; then ok "--json: media.device ok/readonly for $LOOP, media.agent ok/running"; else not_ok "--json: $OUT"; fi

# ---- broken by hand with the agent stopped --------------------------------------------------
kill -TERM "$PID"; wait "$PID"; PID=
blockdev --setrw "${LOOP}p1" "$LOOP"
mount -o rw "${LOOP}p1" "$T/mnt"
run
expect "agent stopped, flag cleared: FAIL for the disk and p1, not for p2" \
	"FAIL  media: $LOOP is writable: the kernel read-only flag is not set, although the policy (readonly) demands it. Unplug it and run mamorictl check again." \
	"FAIL  media: ${LOOP}p1 is writable: the kernel read-only flag is not set, although the policy (readonly) demands it. Unplug it and run mamorictl check again."
printf '%s\n' "$OUT" | grep -q "^FAIL  media: ${LOOP}p2 " && not_ok "p2 is still read-only: no line for it" ||
	ok "p2 is still read-only: no line for it"
expect "a read-write mount: FAIL naming the mount point" \
	"FAIL  media: a filesystem of $LOOP is mounted read-write on $T/mnt: files can be written to it."
expect "agent stopped: FAIL" "$NOAGENT"
[ "$RC" = 1 ] && ok "broken: exit 1" || not_ok "broken: exit $RC"
run --json
if [ "$RC" = 1 ] && printf '%s' "$OUT" | LOOP="$LOOP" python3 -c '
import json, os, sys
d = json.load(sys.stdin)
codes = sorted(c["code"] for c in d["checks"] if c["id"] == "media.device" and
               c.get("path") in (os.environ["LOOP"], os.environ["LOOP"] + "p1"))
assert codes == ["mounted-rw", "writable", "writable"], codes
assert d["result"] == "fail"
'; then ok "--json: writable twice and mounted-rw, result fail"; else not_ok "broken --json: $OUT"; fi
umount "$T/mnt"

# ---- policy audit: nothing is demanded of the disk -----------------------------------------
conf audit
run
expect "policy audit: the writable disk is OK, not restricted" \
	"OK    media: $LOOP (loop) is not restricted: policy audit."
no_fail_about_disk && ok "policy audit: no FAIL about $LOOP" || not_ok "policy audit: no FAIL about $LOOP"

exit $FAILED
