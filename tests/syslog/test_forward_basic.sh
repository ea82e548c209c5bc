#!/bin/sh
# The shipped terminal and collector configurations on loopback: 1000 events arrive in order
# with no gap, over RELP with TLS and both certificate names checked.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
start_collector coll "$PORT" collector || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
# At its start rsyslogd has mamori-forward-replay send again the journal lines written no later
# than the second of its start message (whole seconds: they may be the batch a stop cut off).
# Lines written in that second arrive twice, so the events here begin in the next one.
wait_until 30 grep -q '\] start' "$T/term.rsyslog.log" || echo "not ok - rsyslogd logs its start"
started=$(date +%s)
while [ "$(date +%s)" -le "$started" ]; do sleep 0.1; done
emit 1000 basic || echo "not ok - 1000 events written to the journal"
expect_all 1000 60 "1000 events reach the collector"

# In order: the seq numbers in the collector's file only ever grow.
sed -n 's/.* seq=\([0-9]*\) .*/\1/p' "$T"/central/*.log >"$T/order"
if sort -n -c "$T/order" 2>/dev/null && [ "$(wc -l <"$T/order")" -eq 1000 ]; then
	echo "ok - the collector's file holds them in order, each once"
else
	echo "not ok - out of order or doubled: $(wc -l <"$T/order") lines"
fi

# What an administrator reads: the auth.log shape, tag mamori, the event as written.
line=$(grep -m1 ' seq=1 ' "$T"/central/*.log)
case $line in
*" mamori: MAMORI-CONF-002 sev="*"tag=basic n=1 "*) echo "ok - a line reads: timestamp host mamori: MAMORI-CONF-002 ..." ;;
*) echo "not ok - unexpected line shape: $line" ;;
esac
ls "$T/central" | grep -qx "$(hostname).log" && echo "ok - one file per terminal, named by its host name" ||
	echo "not ok - collector files: $(ls "$T/central")"
# the file name's guard against "/" and ".." in a host name is a property option rsyslog knows
grep -qE 'template error|error during parsing|invalid' "$T/coll.out" 2>/dev/null &&
	{ echo "not ok - the collector reports errors in its configuration"; sed 's/^/# /' "$T/coll.out"; } ||
	echo "ok - the collector reads the shipped file without an error (secpath-replace)"
stop term
stop coll
