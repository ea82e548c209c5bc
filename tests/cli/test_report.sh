#!/bin/sh
# mamorictl report over collector files made of real events: three terminals (each its own
# host name, in its own UTS namespace) report through libmamori (emit_events, and refused
# `mamorictl otp` commands for violations with user names); their lines are written the way
# rsyslog writes them (RFC 3164, rsyslog's file format, RFC 5424) into a current and a
# rotated .gz collector file, with events delivered twice, three that never arrive, cut and
# broken lines, and an auth.log holding syslog copies. The report must show what a person
# needs: counts, the gap, the silent terminal, per user/event/day; CSV and JSON must parse.
set -u
M=${MAMORICTL:-build/mamorictl}
BUILD=${BUILD:-build}
EMIT=$BUILD/tests/progs/emit_events
# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

[ "$(id -u)" = 0 ] || { echo "skip: needs root (host names in UTS namespaces, mamorictl otp)"; exit 77; }
unshare -u true 2>/dev/null || { echo "skip: unshare -u does not work here"; exit 77; }
command -v python3 >/dev/null || { echo "skip: python3 not installed"; exit 77; }
[ -x "$EMIT" ] || { echo "not ok - $EMIT is built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-report.XXXXXX") || exit 1
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
chmod 0755 "$T"
# the terminals' clocks say Japan time; the report must use the offset in each line
export TZ=Asia/Tokyo

# terminal HOST N ADMIN_USER...: N events from emit_events, then one refused administrative
# command (MAMORI-ADMIN-509, a warning: a violation) per user, all in one stream.
terminal() {
	h=$1 n=$2; shift 2
	d=$T/$h
	mkdir -p "$d/log" && mkdir -m 0700 "$d/lib" "$d/users"
	cat >"$d/mamori.conf" <<-CONF
	auth { state_dir = "$d/users" }
	report {
	  event_log = "$d/log/events.log"
	  state_dir = "$d/lib"
	  spool_dir = "$d/run"
	  syslog_socket = "$d/no-syslog"
	}
	CONF
	chmod 0644 "$d/mamori.conf"
	unshare -u sh -c '
		h=$1 d=$2 emit=$3 m=$4 n=$5; shift 5
		hostname "$h" || exit 1
		"$emit" "$d/lib" "$d/log/events.log" "$d/run" "$n" "$h" || exit 1
		for u in "$@"; do "$m" otp --config "$d/mamori.conf" unlock "$u" 2>/dev/null; done
		exit 0' sh "$h" "$d" "$EMIT" "$M" "$n" "$@" ||
		not_ok "terminal $h reported its events"
}

terminal term03 10
# term03 falls silent: the others report at least eight seconds later (a slow build, ASan
# under load, may take seconds to write the 70 events of the others)
sleep 8
terminal term02 30 tanaka
terminal term01 40 tanaka "山田" "=cmd|x"

L1=$T/term01/log/events.log L2=$T/term02/log/events.log L3=$T/term03/log/events.log
check "the terminals wrote 43, 31 and 10 events" \
	[ "$(wc -l <"$L1"):$(wc -l <"$L2"):$(wc -l <"$L3")" = "43:31:10" ]
check "each terminal's lines carry its own host name" \
	[ "$(grep -c ' host=term01 ' "$L1"):$(grep -c ' host=term03 ' "$L3")" = "43:10" ]

# As rsyslog writes them on the collector; the receipt time is deliberately another day.
rfc3164() { sed "s/^/Jan  1 00:00:00 $1 mamori: /"; }
fileformat() { sed "s/^/2026-01-01T00:00:00.000000+00:00 $1 mamori: /"; }
rfc5424() { sed "s/^/<132>1 2026-01-01T00:00:00+00:00 $1.city.example.lg.jp mamori - - - /"; }
lines() { sed -n "$2,$3p" "$1"; }

# rotated: term01 1..22, term02 1..15
{ lines "$L1" 1 22 | rfc3164 term01; lines "$L2" 1 15 | fileformat term02; } |
	gzip -c >"$T/collector.log.1.gz"
# current: term01 18..43 without 25..27 (18..22 delivered again after a reconnect),
# term02 16..31 with a cut line and a broken one, term03 all
{
	lines "$L1" 18 24 | rfc3164 term01
	lines "$L2" 16 31 | fileformat term02
	lines "$L1" 28 43 | rfc3164 term01
	lines "$L2" 20 20 | sed 's/.....$//' | fileformat term02
	lines "$L2" 21 21 | sed 's/ sev=[a-z]* / sev=loud /' | fileformat term02
	rfc5424 term03 <"$L3"
	echo "Jan  1 00:00:00 collector rsyslogd: [origin software=\"rsyslogd\"] start"
} >"$T/collector.log"
# auth.log of term01 (the syslog copies of its first ten events) and other programs
{
	echo "Jan  1 00:00:00 term01 sshd[900]: Accepted password for tanaka from 10.1.2.3"
	lines "$L1" 1 10 | sed 's/^/Jan  1 00:00:00 term01 emit_events: /'
	echo "Jan  1 00:00:00 term01 sudo: tanaka : COMMAND=/usr/bin/grep MAMORI- /var/log/x"
} >"$T/auth.log"
FILES="$T/collector.log $T/collector.log.1.gz $T/auth.log"

# --until: one second after the last event; term03 has been silent for 9 s or more by then
UNTIL=$(cat "$L1" "$L2" | sed -n 's/.* time=\([^ ]*\) .*/\1/p' | sort | tail -n 1 |
	python3 -c 'import sys, datetime
t = datetime.datetime.fromisoformat(sys.stdin.read().strip()) + datetime.timedelta(seconds=1)
print(t.isoformat(timespec="milliseconds"))')
S1=$(sed -n '1s/.* stream=\([0-9a-f]*\) .*/\1/p' "$L1")
DAY=$(sed -n '1s/.* time=\([0-9-]*\)T.*/\1/p' "$L1")

# ---- the table a person reads ----
"$M" report --until "$UNTIL" --silent-after 6s $FILES >"$T/table" 2>"$T/err"; rc=$?
check "report: exit 0, nothing on stderr" [ "$rc" = 0 ] && [ ! -s "$T/err" ]
row() { sed -n "s/^  $1  *//p" "$T/table" | tr -s ' '; }
check "summary: 81 events counted (43 - 3 missing, 31, 10)" \
	[ "$(row 'events counted')" = 81 ]
check "summary: 15 duplicates removed (5 redelivered, 10 in auth.log)" \
	[ "$(row 'duplicates removed')" = 15 ]
check "summary: the cut line and the broken header are malformed" \
	[ "$(row 'malformed mamori lines')" = 2 ]
check "summary: 3 other programs' lines skipped" [ "$(row 'other lines skipped')" = 3 ]
check "summary: one gap of three events" \
	[ "$(row 'sequence gaps'):$(row 'events that never arrived')" = "1:3" ]
check "terminals: term01 40 events, 3 violations, 3 missing, 15 duplicates" \
	[ "$(row term01 | head -n 1 | cut -d' ' -f1-6)" = "40 3 1 3 15 0" ]
check "terminals: term02 31 events, 1 violation, nothing missing" \
	[ "$(row term02 | head -n 1 | cut -d' ' -f1-5)" = "31 1 1 0 0" ]
check "gaps: term01 is missing 25 to 27" \
	grep -q "^  term01  $S1  *25  *27  *3\$" "$T/table"
check "streams: term01's stream from 1 to 43, 40 received" \
	grep -q "^  term01  $S1  *1  *43  *40  *3\$" "$T/table"
sed -n '/^Silent terminals/,/^$/p' "$T/table" >"$T/silent"
check "silent: the heading names the threshold" grep -q 'more than 6s)' "$T/silent"
check "silent: term03 is listed, term01 and term02 are not" \
	[ "$(grep -c '^  term0' "$T/silent"):$(grep -c '^  term03  ' "$T/silent")" = "1:1" ]
check "users: tanaka has two violations, 山田 one" \
	[ "$(row tanaka):$(row '山田')" = "2 2:1 1" ]
check "events: MAMORI-ADMIN-509 is a warning, 4 times" \
	[ "$(row MAMORI-ADMIN-509)" = "warning 4 4" ]
check "days: the event's own date, not the collector's receipt date" \
	[ "$(row "$DAY")" = "81 4" ]

# ---- CSV (RFC 4180) ----
"$M" report --until "$UNTIL" --silent-after 6s --format csv $FILES >"$T/csv"
check "csv: parses, every record has 8 fields" python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert rows[0] == ["section","host","stream","name","first","last","count","violations"]
assert all(len(r) == 8 for r in rows), rows
gaps = [r for r in rows if r[0] == "gap"]
assert gaps == [["gap","term01",sys.argv[2],"","25","27","3",""]], gaps
silent = [r[1] for r in rows if r[0] == "silent"]
assert silent == ["term03"], silent
users = {r[3]: (r[6], r[7]) for r in rows if r[0] == "user"}
assert users["tanaka"] == ("2", "2") and users["山田"] == ("1", "1"), users
' "$T/csv" "$S1"
check "csv: a user name that is a formula is defused" grep -q "^user,,,\"'=cmd|x\",,,1,1" "$T/csv"
check "csv: lines end in CRLF" [ "$(grep -c "$(printf '\r')\$" "$T/csv")" = "$(wc -l <"$T/csv")" ]

# ---- JSON ----
"$M" report --until "$UNTIL" --silent-after 6s --format json $FILES >"$T/json"
check "json: parses, with the counts, the gap and the silent terminal" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert (s["events"], s["duplicates"], s["malformed"], s["missing"]) == (81, 15, 2, 3), s
t = {h["host"]: h for h in d["terminals"]}
assert t["term01"]["streams"][0]["gaps"] == [{"first": 25, "last": 27, "count": 3}]
assert t["term03"]["silent"] and not t["term01"]["silent"]
assert d["silent"] == ["term03"]
assert [x["day"] for x in d["days"]] == [sys.argv[2]], d["days"]
assert {u["user"] for u in d["users"]} == {"tanaka", "山田", "=cmd|x"}
' "$T/json" "$DAY"

# ---- filters ----
"$M" report --format json --host term02 $FILES >"$T/host.json"
check "--host: only term02's 31 events" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert [h["host"] for h in d["terminals"]] == ["term02"] and d["summary"]["events"] == 31
' "$T/host.json"
# one millisecond after term03's last event: none of term03's ten, all of the others
SINCE=$(sed -n '$s/.* time=\([^ ]*\) .*/\1/p' "$L3" | python3 -c 'import sys, datetime
t = datetime.datetime.fromisoformat(sys.stdin.read().strip())
print((t + datetime.timedelta(milliseconds=1)).isoformat(timespec="milliseconds"))')
"$M" report --format json --since "$SINCE" $FILES >"$T/since.json"
check "--since on the event's time: term03's events are outside, the gap is still seen" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["summary"]["events"] == 71 and d["summary"]["outside_time"] == 10, d["summary"]
assert d["summary"]["missing"] == 3
' "$T/since.json"

# ---- lines without seq= ----
# An event syslog got before it had a number (early boot, a full disk: doc/events.md) carries
# no stream and no seq. Nothing tells two such lines apart from one line delivered twice, so
# none is removed as a duplicate: three such lines in auth.log are three events.
U=$(sed -n '5p' "$L2" | sed 's/ stream=[0-9a-f]* seq=[0-9]*//')
case $U in *" seq="*) not_ok "an unnumbered line could be made: $U" ;; esac
{
	for i in 1 2 3; do echo "Jan  1 00:00:01 term02 mamori: $U"; done
	lines "$L2" 5 5 | sed 's/^/Jan  1 00:00:04 term02 mamori: /'
	lines "$L2" 5 5 | sed 's/^/Jan  1 00:00:05 term02 mamori: /'
} >"$T/unnumbered.log"
"$M" report --format json "$T/unnumbered.log" >"$T/unnumbered.json"
check "unnumbered lines: 3 identical ones count as 3 events, the numbered one twice as 1" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["summary"]
assert (s["events"], s["duplicates"], s["malformed"]) == (4, 1, 0), s
t = d["terminals"][0]
assert (t["host"], t["events"], t["unnumbered"], t["duplicates"]) == ("term02", 4, 3, 1), t
' "$T/unnumbered.json"
"$M" report "$T/unnumbered.log" >"$T/unnumbered.table"
check "unnumbered lines: the table shows term02 with 4 events, 1 duplicate, 3 without number" \
	[ "$(sed -n 's/^  term02  *//p' "$T/unnumbered.table" | head -n 1 | tr -s ' ' | cut -d' ' -f1,5,6)" = "4 1 3" ]

# ---- what goes wrong ----
"$M" report "$T/collector.log" "$T/nonexistent.log" >"$T/out" 2>"$T/err"; rc=$?
check "an unreadable file: exit 1, named on stderr, the others still reported" \
	[ "$rc" = 1 ] && grep -q 'nonexistent.log' "$T/err" &&
	grep -q 'files that could not be read *1' "$T/out"
head -c $(($(wc -c <"$T/collector.log.1.gz") / 2)) "$T/collector.log.1.gz" >"$T/cut.gz"
"$M" report "$T/cut.gz" >"$T/out" 2>"$T/err"; rc=$?
check "a cut .gz file: exit 1, said to be damaged" [ "$rc" = 1 ] && grep -q 'damaged' "$T/err"
"$M" report --format xml "$T/collector.log" >/dev/null 2>"$T/err"; rc=$?
check "an unknown format: exit 2" [ "$rc" = 2 ] && grep -q "format" "$T/err"
"$M" report --since yesterday "$T/collector.log" >/dev/null 2>"$T/err"; rc=$?
check "a time that is not one: exit 2" [ "$rc" = 2 ]
"$M" report >/dev/null 2>&1; rc=$?
check "no file: exit 2" [ "$rc" = 2 ]
"$M" report --help | grep -q -- '--silent-after' && "$M" --help | grep -q '^  report'
check "help: mamorictl report --help and the command list" [ $? = 0 ]
head -c 1000000 /dev/urandom >"$T/random"
"$M" report "$T/random" - <"$T/random" >"$T/out" 2>&1; rc=$?
check "random bytes (a file and standard input): exit 0, counted as lines" \
	[ "$rc" = 0 ] && grep -q 'files read *2' "$T/out"

exit $FAILED
