#!/bin/sh
# The collector killed with SIGKILL three times while a terminal sends: RELP acknowledges a
# message only once the collector's ruleset (Direct queue) has written it. The event in
# flight when the collector dies is freed unacknowledged by librelp while omrelp has already
# counted it delivered (test_forward_inflight.sh); mamori-forward-replay sends it again.
# Every event must arrive, duplicates allowed.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
( for i in 1 2 3 4 5 6 7 8; do emit 20 "s$i" || exit 1; sleep 0.5; done ) &
writer=$!
for k in 1 2 3; do
	sleep 1
	crash coll
	sleep 0.5
	start_collector coll "$PORT" collector
done
wait $writer && echo "ok - 160 events written while the collector was killed 3 times" ||
	echo "not ok - the writer failed"
expect_all 160 200 "every event arrives despite 3 SIGKILLs of the collector"
stop term
stop coll
