#!/bin/sh
# The terminal's rsyslogd is stopped (SIGTERM: a shutdown) while the collector holds events it
# has not acknowledged. The sessions end without a "session broken" message, and omrelp has
# already reported the events delivered: they are noted as sent and exist only in the journal.
# Made certain here: the collector's file for this terminal is a FIFO nobody reads, so the
# collector blocks on the first event and acknowledges nothing. mamori-forward-replay sends
# again, at rsyslogd's next start, what was sent in the last minute before it stopped: both
# events arrive once a working collector is back, and the events after them.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
start_stalled_collector "$PORT" || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 2 held
wait_until 60 stalled && echo "ok - the collector holds the events without acknowledging them" ||
	echo "not ok - the collector did not block on the events"
sleep 1
stop term
start_terminal "$PORT" || echo "not ok - terminal rsyslogd starts again"
crash stall
start_collector coll "$PORT" collector || echo "not ok - the collector starts again"
emit 3 after
expect_all 5 120 "the events the collector held when rsyslogd stopped arrive, and those after them"
grep -q ' seq=1 tag=held ' "$T/term.work/mamori-replay.log" 2>/dev/null &&
	echo "ok - they came through mamori-forward-replay at rsyslogd's start (in MAMORI_REPLAY_LOG)" ||
	echo "not ok - mamori-forward-replay did not send the held events again at rsyslogd's start"
stop term
stop coll
