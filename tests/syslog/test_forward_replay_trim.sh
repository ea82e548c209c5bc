#!/bin/sh
# mamori-forward-replay keeps its replay input small: once MAMORI_REPLAY_LOG is larger than
# MAMORI_REPLAY_MAX_KB (1 here) and rsyslog's imfile has read all of it, the file goes at the
# next rsyslogd message the program gets (here the HUP Debian's logrotate sends daily); a later
# replay writes a new file, which imfile reads from its start, and its event arrives.
set -u
. tests/syslog/lib.sh

REPLAY=$T/term.work/mamori-replay.log
PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
REPLAY_MAX_KB=1 start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 10 first
expect_all 10 120 "the first events arrive"
# A replay as mamori-forward-replay writes one: journal lines again, more than 1 KiB of them.
cat "$T/log/events.log" >>"$REPLAY"
read_all() { # imfile's saved position of the replay file is at its end
	set -- "$(stat -c %i "$REPLAY")" "$(stat -c %s "$REPLAY")"
	grep -qs "\"curr_offs\": *$2\b" "$T/term.work/imfile-state:$1:"*
}
[ "$(stat -c %s "$REPLAY")" -gt 1024 ] && wait_until 60 read_all &&
	echo "ok - imfile read the $(stat -c %s "$REPLAY")-byte replay file to its end" ||
	echo "not ok - imfile did not read the replay file to its end"
kill -HUP "$(cat "$T/term.spawned")"
wait_until 30 sh -c "! test -e '$REPLAY'" && echo "ok - the read replay file is removed at rsyslogd's HUP" ||
	echo "not ok - the replay file is still there after rsyslogd's HUP"

# A collector holding an event unacknowledged is killed: the replay writes a new file (the
# terminal's rsyslogd started again with the default size, so that the new file stays for
# the look below).
stop term
start_terminal "$PORT" || echo "not ok - terminal rsyslogd starts again"
crash coll
start_stalled_collector "$PORT" || echo "not ok - the stalled collector starts"
emit 1 held
wait_until 60 stalled || echo "not ok - the collector did not block on the event"
sleep 1
crash stall
start_collector coll "$PORT" collector || echo "not ok - the collector starts again"
emit 2 after
expect_all 13 120 "the held event arrives through a new replay file, and those after it"
grep -q ' seq=11 tag=held ' "$REPLAY" 2>/dev/null &&
	echo "ok - the new replay file holds the held event" ||
	echo "not ok - no new replay file with the held event"
stop term
stop coll
