#!/bin/sh
# The collector's certificate name is checked: a collector whose certificate (from the same
# CA) names another host receives nothing. rsyslog 8.2302's omrelp then disables the action
# for good ("DISABLING action", rsyslog#5636; tls.permanentFailureDisablesAction only
# exists from 8.2606) and throws away what its queue held. The journal still holds every
# event: the administrator fixes the collector, stops rsyslog, removes imfile's position in
# the journal and starts rsyslog (README, "When forwarding stops"); the journal is sent again
# from its start and the right collector receives every event, duplicates aside.
set -u
. tests/syslog/lib.sh

PORT=$(free_port)
mkdir -p "$T/wrong-central"
start_collector wrong "$PORT" wrong wrong-central || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 50 tls

# The terminal says why it does not send: the peer's name is not the permitted one.
refused() { cat "$T/term.out" "$T/term.rsyslog.log" 2>/dev/null | grep -q 'authentication error.*DISABLING action'; }
if wait_until 60 refused; then
	echo "ok - the terminal refuses the collector: omrelp: authentication error ... DISABLING action"
else
	echo "not ok - no refusal logged by the terminal"
	cat "$T/term.out" "$T/term.rsyslog.log" 2>/dev/null | sed 's/^/# /' | tail -n 20
fi
n=$(cat "$T"/wrong-central/*.log 2>/dev/null | grep -c ' seq=')
[ "$n" -eq 0 ] && echo "ok - the collector with the wrong certificate name received nothing" ||
	echo "not ok - the wrong collector received $n events"

emit 10 disabled
stop wrong
start_collector coll "$PORT" collector || echo "not ok - right collector starts"
stop term
for f in "$T"/term.work/imfile-state:*; do
	grep -q 'events\.log"' "$f" && rm -f "$f"
done
start_terminal "$PORT"
expect_all 60 120 "the right collector then receives every event, those discarded by the disabled action included"
n=$(cat "$T"/wrong-central/*.log 2>/dev/null | grep -c ' seq=')
[ "$n" -eq 0 ] && echo "ok - still nothing at the wrong collector" || echo "not ok - wrong collector: $n"
stop term
stop coll
