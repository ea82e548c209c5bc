#!/bin/sh
# Collector outages: events written while the collector is down wait in the terminal's disk
# queue and all arrive when it is back, including the first line written after a pause into
# the outage (the line the textbook recipe loses), and while the terminal's rsyslogd is
# stopped (SIGSTOP) during the outage.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 100 before
expect_all 100 60 "100 events with the collector up"

# (b) collector down for 10 s while events are written
stop coll
emit 300 outage
sleep 10
start_collector coll "$PORT" collector
expect_all 400 120 "300 events written during a 10 s outage arrive after it"
# rsyslogd's own word on it reaches the collector too (60-mamori-forward.conf, mamori_relp_self)
seen() { grep -q "$1" "$T"/central/*.log 2>/dev/null; }
wait_until 60 seen " rsyslogd[-0-9]*: action 'mamori_relp' suspended" &&
	wait_until 30 seen " rsyslogd[-0-9]*: action 'mamori_relp' resumed" &&
	echo "ok - the collector's file shows the terminal's rsyslogd: action 'mamori_relp' suspended, then resumed" ||
	{ echo "not ok - rsyslogd's suspended/resumed messages did not reach the collector"
	  grep rsyslogd "$T"/central/*.log | cut -c1-160 | sed 's/^/# /' | tail -n 5; }

# (c) collector down; a pause; then events, a burst and single lines with pauses between
stop coll
sleep 4
emit 1 pause1
sleep 3
emit 100 pause2
sleep 2
emit 1 pause3
start_collector coll "$PORT" collector
expect_all 502 120 "the first line written seconds into an outage arrives, and all after it"

# (c') the same with the terminal's rsyslogd stopped (SIGSTOP) while the lines are written
stop coll
sleep 3
kill -STOP "$(cat "$T/term.spawned")"
emit 100 stopped
sleep 2
kill -CONT "$(cat "$T/term.spawned")"
sleep 3
emit 1 after
start_collector coll "$PORT" collector
expect_all 603 120 "events written while rsyslogd was stopped during an outage arrive"
stop term
stop coll
