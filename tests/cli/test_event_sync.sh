#!/bin/sh
# What one event costs in fdatasync(2), counted by strace on emit_events: one (the durable
# log's) once the log holds a line of the store's stream; the sequence store is made durable
# as well only when the log cannot vouch for the number: a new store, the first event of a log
# that logrotate renamed to events.log.1. After a half line (a crash cut an append short) the
# next line starts a line of its own and vouches: the log's fdatasync alone. The numbers stay
# 1..N once each across the current and the rotated log.
set -u
command -v strace >/dev/null || { echo "skip: strace not installed"; exit 77; }
EMIT=$BUILD/tests/progs/emit_events
[ -x "$EMIT" ] || { echo "not ok - $EMIT is built"; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -m 0755 "$T/state" "$T/log"
LOG=$T/log/events.log
# LeakSanitizer (SANITIZE=1) cannot run under a tracer
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
export ASAN_OPTIONS

# syncs COUNT TAG: report COUNT events, print how many fdatasync calls they made
syncs() {
	strace -f -c -e trace=fdatasync -o "$T/strace" "$EMIT" "$T/state" "$LOG" "$T/spool" "$1" "$2" ||
		echo "not ok - emit_events $2 failed" >&2
	awk '$NF == "fdatasync" { print $4; found = 1 } END { if (!found) print 0 }' "$T/strace"
}

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh
expect_syncs() { # WHAT WANT GOT
	if [ "$3" -eq "$2" ]; then ok "$1: $3 fdatasync"; else not_ok "$1: $3 fdatasync, expected $2"; fi
}

expect_syncs "first event: a new store, a new log" 3 "$(syncs 1 first)"
expect_syncs "20 events, one fdatasync each (the log's)" 20 "$(syncs 20 steady)"
mv "$LOG" "$LOG.1"
expect_syncs "3 events after a rotation: the store once more for the first" 4 "$(syncs 3 rotated)"
printf 'MAMORI-CONF-002 sev=info time=2026-11-28T09:14:0' >>"$LOG"
expect_syncs "an event after a half line: its line is whole, the log's alone" 1 "$(syncs 1 half)"

seqs=$(cat "$LOG.1" "$LOG" | sed -n 's/.* seq=\([0-9]*\) .*/\1/p' | tr '\n' ' ')
if [ "$seqs" = "$(seq -s ' ' 1 25) " ]; then
	ok "the rotated and current logs hold seq 1..25 once each, in order"
else
	not_ok "seq in the logs: $seqs"
fi
exit $FAILED
