#!/bin/sh
# The collector dies while it holds an event it has not acknowledged. omrelp (rsyslog 8.2302)
# sends every event on a connection of its own (rebindInterval="1") and closes it at once;
# librelp waits for the acknowledgement during that close, and when the session breaks there
# it frees the unacknowledged frame (relpSessDestruct) after omrelp has already reported the
# event delivered: the event has left the disk queue and exists only in the journal.
# Made certain here: the collector's file for this terminal is a FIFO nobody reads, so the
# collector blocks on the event and never acknowledges it; then it is killed with SIGKILL.
# mamori-forward-replay (omprog, shipped configuration) sends again what left the queue
# around the broken session: the event arrives, and the events after it.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
start_stalled_collector "$PORT" || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 1 held
# The event is in flight, unacknowledged (librelp gives up after omrelp's timeout, 30 s: the
# same loss without a kill).
wait_until 60 stalled && echo "ok - the collector holds the event without acknowledging it" ||
	echo "not ok - the collector did not block on the event"
sleep 1
crash stall
start_collector coll "$PORT" collector || echo "not ok - the collector starts again"
emit 4 after
expect_all 5 120 "the event the collector held when it was killed arrives, and those after it"
grep -q ' seq=1 tag=held ' "$T/term.work/mamori-replay.log" 2>/dev/null &&
	echo "ok - it came through mamori-forward-replay (in MAMORI_REPLAY_LOG)" ||
	echo "not ok - mamori-forward-replay did not send the held event again"
stop term
stop coll
