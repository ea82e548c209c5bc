#!/bin/sh
# The shipped logrotate configuration, run for real and repeatedly while several processes
# report events: the current and rotated logs together hold every sequence number exactly
# once, each file in order; the rotated log is always events.log.1 (even under a global dateext),
# which is where mamori finds the last number after a rotation and a crash.
set -u
LOGROTATE=$(command -v logrotate || echo /usr/sbin/logrotate)
[ -x "$LOGROTATE" ] || { echo "skip: logrotate not installed"; exit 77; }
EMIT=$BUILD/tests/progs/emit_events
[ -x "$EMIT" ] || { echo "not ok - $EMIT is built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-lr.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -m 0755 "$T/state" "$T/log"
PROCS=4 EACH=1500
TOTAL=$((PROCS * EACH))

# The shipped file, pointed at the test directory and the test user, after a global dateext as
# an /etc/logrotate.conf may set: the shipped file must still name the rotated log events.log.1.
echo dateext >"$T/logrotate.conf"
sed -e "s|/var/log/mamori/events.log|$T/log/events.log|" \
    -e "s|/usr/libexec/mamori/|$(pwd)/conf/rsyslog/|" -e "s|/var/spool/rsyslog|$T/spool-rsyslog|" \
    -e "s|rotate 36|rotate 1000|" conf/logrotate.mamori >>"$T/logrotate.conf"

pids=
for p in $(seq 1 $PROCS); do
	"$EMIT" "$T/state" "$T/log/events.log" "$T/spool" $EACH "p$p" &
	pids="$pids $!"
done
rotations=0
while kill -0 $pids 2>/dev/null; do
	"$LOGROTATE" -f -s "$T/logrotate.state" "$T/logrotate.conf" 2>>"$T/logrotate.err" &&
		rotations=$((rotations + 1))
	sleep 0.05
done
failed=0
for pid in $pids; do wait "$pid" || failed=1; done
[ $failed -eq 0 ] && echo "ok - $PROCS emitters reported $EACH events each" ||
	echo "not ok - an emitter failed"

files=$(ls "$T/log" | wc -l)
if [ "$files" -gt 3 ] && [ "$rotations" -gt 3 ]; then
	echo "ok - logrotate rotated $rotations times while they ran ($files files)"
else
	echo "not ok - too few rotations to test anything: $rotations rotations, $files files"
	cat "$T/logrotate.err"
fi

# Every file, rotated (plain or gzip) and current, one seq per line.
for f in "$T"/log/*; do
	case $f in *.gz) gzip -dc "$f" ;; *) cat "$f" ;; esac >"$T/one"
	sed -n 's/.* seq=\([0-9]*\) .*/\1/p' "$T/one" >"$T/one.seq"
	sort -n -c "$T/one.seq" 2>/dev/null || echo "not ok - $(basename "$f") out of order"
	cat "$T/one.seq" >>"$T/all.seq"
	cat "$T/one" >>"$T/all.lines"
done
lines=$(wc -l <"$T/all.lines")
unique=$(sort -n -u "$T/all.seq" | wc -l)
first=$(sort -n "$T/all.seq" | head -n1)
last=$(sort -n "$T/all.seq" | tail -n1)
if [ "$lines" -eq $TOTAL ] && [ "$unique" -eq $TOTAL ] && [ "$first" -eq 1 ] &&
	[ "$last" -eq $TOTAL ]; then
	echo "ok - rotated and current logs hold seq 1..$TOTAL exactly once"
else
	echo "not ok - expected seq 1..$TOTAL once each: $lines lines, $unique distinct, $first..$last"
fi
if ls "$T/log" | grep -qvE '^events\.log(\.[0-9]+(\.gz)?)?$' || [ ! -f "$T/log/events.log.1" ]; then
	echo "not ok - rotated logs not named events.log.N: $(ls "$T/log" | tr '\n' ' ')"
else
	echo "ok - rotated logs are named events.log.N, the newest events.log.1, uncompressed"
fi

# A rotation, then a crash that leaves the sequence file behind (it is not fdatasync'd for
# every event): the next event follows the last line of events.log.1, no number repeats.
"$LOGROTATE" -f -s "$T/logrotate.state" "$T/logrotate.conf" 2>>"$T/logrotate.err"
stream=$(cut -c1-16 "$T/state/seq")
printf '%s %020d\n' "$stream" 7 >"$T/state/seq"
"$EMIT" "$T/state" "$T/log/events.log" "$T/spool" 1 after-crash
after=$(sed -n 's/.* seq=\([0-9]*\) .*/\1/p' "$T/log/events.log" 2>/dev/null | head -c 40 | tr '\n' ' ')
if [ ! -e "$T/log/events.log.1.gz" ] && [ "$after" = "$((TOTAL + 1)) " ]; then
	echo "ok - after a rotation and a crash the new log goes on at seq $after"
else
	echo "not ok - after a rotation and a crash the new log holds seq $after..., expected $((TOTAL + 1)) alone"
fi
if grep -q 'already exists' "$T/logrotate.err" || ls "$T"/log/*.backup >/dev/null 2>&1; then
	echo "not ok - logrotate found a log in its way (renamed to .backup):"
	sed 's/^/#   /' "$T/logrotate.err" | head -n 5
else
	echo "ok - logrotate never found a new log in its way"
fi
if grep -v '^#' conf/logrotate.mamori | grep -qw create; then
	echo "not ok - the shipped configuration creates the log itself (an event can beat it to it)"
else
	echo "ok - the shipped configuration leaves creating the log to mamori (nocreate)"
fi
perms=$(stat -c %a "$T/log/events.log")
[ "$perms" = 640 ] && echo "ok - the new log is created 0640" || echo "not ok - new log mode $perms"
if grep -v '^#' conf/logrotate.mamori | grep -q copytruncate; then
	echo "not ok - the shipped configuration uses copytruncate"
else
	echo "ok - the shipped configuration rotates by rename, not copytruncate"
fi
