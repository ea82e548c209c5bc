#!/bin/sh
# A crash during an append leaves the journal's last line unfinished: on ext4 most often a
# run of NUL bytes (the new size reached the disk, the line's data did not), sometimes the
# start of the line. The event written after the reboot must reach the collector whole: glued
# to NUL bytes, imfile sent it as an empty message and the collector never had it.
set -u
. tests/syslog/lib.sh
MAMORICTL=${MAMORICTL:-$BUILD/mamorictl}

# report_is KEY WANT: a number of mamorictl report's summary over the collector's files.
report_is() {
	got=$("$MAMORICTL" report --format json "$T"/central/*.log |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"][sys.argv[1]])' "$1")
	[ "$got" = "$2" ] || { echo "# report: $1=$got, expected $2"; return 1; }
}

# report_shows EVENTS MALFORMED WHAT: the report over the collector's files counts EVENTS
# events, no gap, MALFORMED malformed lines.
report_shows() {
	if report_is gaps 0 && report_is malformed "$2" && report_is events "$1"; then
		echo "ok - mamorictl report over the collector's file: $3"
	else
		echo "not ok - mamorictl report over the collector's file: $3"
	fi
}

PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 3 before || echo "not ok - 3 events written"
expect_all 3 60 "3 events before the crash reach the collector"

# what ext4 leaves: the size of a 300-byte line, no data
head -c 300 /dev/zero >>"$T/log/events.log"
emit 2 after-nul || echo "not ok - 2 events written after the NUL bytes"
expect_all 5 60 "the events written after a NUL tail reach the collector"
report_shows 5 0 "5 events, no gap, nothing malformed"

# the start of a line without its end: that torn line is what the terminal's log holds, and
# the collector shows it as malformed; the next event stays whole
printf 'MAMORI-CONF-002 sev=info time=2026-11-28T09:14:0' >>"$T/log/events.log"
emit 2 after-half || echo "not ok - 2 events written after the half line"
expect_all 7 60 "the events written after a half line reach the collector"
report_shows 7 1 "7 events, no gap, the torn line counted as malformed"

# The replay input (mamori-forward-replay appends to it) can be cut the same way: events
# written while rsyslogd is down are sent again from it when it starts, after the cut line.
REPLAY=$T/term.work/mamori-replay.log
stop term
head -c 300 /dev/zero >>"$REPLAY"
emit 2 while-down || echo "not ok - 2 events written while rsyslogd is down"
start_terminal "$PORT" || echo "not ok - terminal rsyslogd starts again"
expect_all 9 60 "the events written while rsyslogd was down reach the collector"
# the first event sent again, right after the NUL bytes: once from the journal, once from there
first=$(tr -d '\000' <"$REPLAY" | sed -n '/^MAMORI-/{s/.* seq=\([0-9]*\) .*/\1/p;q}')
twice() { [ "$(grep -c " seq=$first " "$T"/central/*.log)" -ge 2 ]; }
if [ -n "$first" ] && wait_until 60 twice; then
	echo "ok - the replay's copy of the event appended after a NUL tail (seq $first) arrives too"
else
	echo "not ok - seq '$first' at the collector: $(grep -c " seq=$first " "$T"/central/*.log) lines, expected 2"
	od -c "$REPLAY" | sed -n '18,24p' | sed 's/^/# /'
fi
stop term
stop coll
