#!/bin/sh
# The collector's certificate name is checked: a collector whose certificate (from the same
# CA) names another host receives nothing. rsyslog 8.2302's omrelp then disables the action
# for good ("DISABLING action", rsyslog#5636) and throws away what reaches it; the shipped
# rule writes the flag file, and mamori-forward-resume (run here as the path unit would run
# it, when the flag appears) waits until the collector passes the name check, restarts
# rsyslogd and has the journal sent again. Once the right collector replaces the wrong one,
# every event arrives with no gap, and no one did anything on the terminal.
set -u
. tests/syslog/lib.sh
RESUME=$SRC/conf/rsyslog/mamori-forward-resume

PORT=$(free_port)
mkdir -p "$T/wrong-central"
start_collector wrong "$PORT" wrong wrong-central || { echo "not ok - collector starts"; exit 1; }
start_terminal "$PORT" || { echo "not ok - terminal rsyslogd starts"; exit 1; }
emit 50 tls

# The terminal says why it does not send: the peer's name is not the permitted one.
refused() { grep -q 'authentication error.*DISABLING action' "$T/term.rsyslog.log" 2>/dev/null; }
if wait_until 60 refused; then
	echo "ok - the terminal refuses the collector: omrelp: authentication error ... DISABLING action"
else
	echo "not ok - no refusal logged by the terminal"
	cat "$T/term.out" "$T/term.rsyslog.log" 2>/dev/null | sed 's/^/# /' | tail -n 20
fi
wait_until 10 test -s "$T/term.disabled" &&
	echo "ok - the shipped rule wrote the flag file for mamori-forward-resume" ||
	echo "not ok - no flag file $T/term.disabled"

# What mamori-forward-resume.path does: run the service when the flag exists.
cat >"$T/term.stop" <<EOS
p=\$(cat "$T/term.pid") || exit 1
kill -TERM "\$p"
while kill -0 "\$p" 2>/dev/null; do sleep 0.1; done
EOS
# mamori-forward-resume's lines go to the test terminal's syslog socket, as they go to /dev/log
# on a terminal; the wrapper waits for the socket of the rsyslogd it has just started.
mkdir "$T/bin"
cat >"$T/bin/logger" <<EOS
#!/bin/sh
i=0
while [ ! -S "$T/term.sock" ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done
exec $(command -v logger) -u "$T/term.sock" "\$@"
EOS
chmod +x "$T/bin/logger"
( while :; do
	[ -e "$T/term.disabled" ] && PATH="$T/bin:$PATH" \
		"$RESUME" --env "$T/forward.env" --work-dir "$T/term.work" --interval 1 \
			--stop "sh $T/term.stop" --start "$T/term.start &" >>"$T/resume.out" 2>&1
	sleep 1
done ) &
PIDS_STARTED="$PIDS_STARTED $!"

emit 10 disabled
sleep 5
n=$(cat "$T"/wrong-central/*.log 2>/dev/null | grep -c ' seq=')
[ "$n" -eq 0 ] && echo "ok - the collector with the wrong certificate name received nothing" ||
	echo "not ok - the wrong collector received $n events"
grep -q 'waiting for a collector named collector.mamori.test' "$T/resume.out" &&
	[ -e "$T/term.disabled" ] && [ "$(cat "$T/term.pid")" = "$(cat "$T/term.spawned")" ] &&
	echo "ok - mamori-forward-resume waits, rsyslogd is not restarted while the name is wrong" ||
	{ echo "not ok - resume did not wait"; sed 's/^/# /' "$T/resume.out"; }

# The wrong collector is replaced by the right one on the same address.
stop wrong
start_collector coll "$PORT" collector || echo "not ok - right collector starts"
emit 10 replaced
expect_all 70 120 "the right collector receives every event, those thrown away by the disabled action too"
grep -q 'the journal .* is sent again' "$T/resume.out" && [ ! -e "$T/term.disabled" ] &&
	echo "ok - mamori-forward-resume restarted rsyslogd and removed the flag" ||
	{ echo "not ok - resume"; sed 's/^/# /' "$T/resume.out"; }
emit 5 after
expect_all 75 60 "events written after the recovery arrive"
seen() { grep -q "$1" "$T"/central/*.log 2>/dev/null; }
# rsyslogd's own DISABLING line may be lost (the action for its messages can be the one that
# was disabled first); mamori-forward-resume's line after the restart carries it.
wait_until 30 seen ' mamori-forward-resume[^:]*: .*rsyslogd restarted.*forwarding had been disabled: .*omrelp.*DISABLING action' &&
	echo "ok - the collector's file shows that forwarding had been disabled, and why (mamori-forward-resume)" ||
	echo "not ok - mamori-forward-resume's line with the DISABLING action did not reach the collector"
n=$(cat "$T"/wrong-central/*.log 2>/dev/null | grep -c ' seq=')
[ "$n" -eq 0 ] && echo "ok - still nothing at the wrong collector" || echo "not ok - wrong collector: $n"
kill -TERM "$(cat "$T/term.pid")" 2>/dev/null
stop coll
