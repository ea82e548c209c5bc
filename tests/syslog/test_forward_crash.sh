#!/bin/sh
# The terminal's rsyslogd killed with SIGKILL three times while events flow, once more during
# a collector outage: every event written to the journal reaches the collector. Delivery is at
# least once, so lines may come twice; the distinct (stream, seq) pairs must be all of them.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }

# A writer in the background, three kills while it writes.
( for i in 1 2 3 4 5 6 7 8 9 10; do emit 20 "stream$i" || exit 1; sleep 0.4; done ) &
writer=$!
for k in 1 2 3; do
	sleep 1
	crash term
	sleep 0.5
	start_terminal "$PORT"
done
wait $writer && echo "ok - 200 events written while rsyslogd was killed 3 times" ||
	echo "not ok - the writer failed"
expect_all 200 300 "every event of the stream arrives despite 3 SIGKILLs"

# During an outage: events queued on disk, rsyslogd killed, restarted, collector back.
# The first lines written into an outage are the ones omrelp sends into the dead connection
# unless it opens a connection per message (rebindInterval="1"); a restart of rsyslogd
# before the collector is back used to lose them.
stop coll
emit 1 outage1
sleep 2
emit 30 outage2
crash term
emit 1 outage3
start_terminal "$PORT"
sleep 2
crash term
start_terminal "$PORT"
emit 10 outage4
sleep 2
stop term
start_terminal "$PORT"
emit 1 outage5
start_collector coll "$PORT" collector
expect_all 243 300 "events written during an outage survive 2 SIGKILLs and a restart of rsyslogd"
stop term
stop coll
