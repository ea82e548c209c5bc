# Sourced by tests/syslog/test_*.sh: a terminal rsyslogd and collector rsyslogds on loopback,
# each with its own configuration (the shipped files, unchanged, included from a small
# wrapper), work directory, pid file and port, all stopped at exit. Events come from the
# real reporter (emit_events) into a real journal; the collector's files are counted by
# (stream, seq), never by lines.
RSYSLOGD=${RSYSLOGD:-$(command -v rsyslogd || echo /usr/sbin/rsyslogd)}
[ -x "$RSYSLOGD" ] || { echo "skip: rsyslogd not installed"; exit 77; }
for m in omrelp imrelp imfile; do
	ls /usr/lib/*/rsyslog/$m.so >/dev/null 2>&1 ||
		{ echo "skip: rsyslog module $m missing (rsyslog-relp)"; exit 77; }
done
command -v openssl >/dev/null || { echo "skip: openssl not installed"; exit 77; }
EMIT=$BUILD/tests/progs/emit_events
[ -x "$EMIT" ] || { echo "not ok - $EMIT is built"; exit 1; }
SRC=$(pwd)
CONF=${MAMORI_RSYSLOG_CONF:-$SRC/conf/rsyslog}

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-syslog.XXXXXX")
mkdir -p "$T/state" "$T/log" "$T/central"
PIDS_STARTED=

cleanup() {
	for p in $PIDS_STARTED $(cat "$T"/*.pid 2>/dev/null); do
		kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null
	done
	[ -n "${KEEP_TMP:-}" ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$SRC/tests/syslog/make-pki.sh" "$T/pki" term01.mamori.test >/dev/null

# A port nobody listens on: bind to port 0 and keep what the kernel chose.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_until SECONDS COMMAND...: polls; false when it never came true.
wait_until() {
	limit=$(( $1 * 10 )); shift
	i=0
	while ! "$@"; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.1
	done
}

pid_of() { cat "$T/$1.pid" 2>/dev/null; }
is_up() { p=$(pid_of "$1") && [ -n "$p" ] && kill -0 "$p" 2>/dev/null; }

# start_collector NAME PORT CERT-STEM [DIR]: rsyslogd with the shipped collector file, writing
# into $T/DIR (default central, the directory the counts read).
start_collector() {
	name=$1 port=$2 stem=$3 cdir=${4:-central}
	mkdir -p "$T/$name.work"
	cat >"$T/$name.conf" <<EOC
global(workDirectory="$T/$name.work")
include(file="$CONF/60-mamori-collector.conf")
*.* action(type="omfile" file="$T/$name.rsyslog.log")
EOC
	env MAMORI_RELP_PORT="$port" MAMORI_PERMITTED_PEER="*.mamori.test" \
	    MAMORI_TLS_CA="$T/pki/ca.pem" MAMORI_TLS_CERT="$T/pki/$stem.pem" \
	    MAMORI_TLS_KEY="$T/pki/$stem.key" MAMORI_CENTRAL_DIR="$T/$cdir" \
	    "$RSYSLOGD" -n -f "$T/$name.conf" -i "$T/$name.pid" >>"$T/$name.out" 2>&1 &
	PIDS_STARTED="$PIDS_STARTED $!"
	echo $! >"$T/$name.spawned"
	wait_until 30 listening "$port" || { echo "# collector $name not listening"; cat "$T/$name.out"; return 1; }
}

# start_stalled_collector PORT: a collector ("stall") whose file for this terminal is a FIFO
# nobody reads: it blocks on the first event and acknowledges nothing.
start_stalled_collector() {
	mkdir -p "$T/stall"
	for h in "$(hostname)" "$(hostname -s)"; do mkfifo "$T/stall/$h.log" 2>/dev/null; done
	start_collector stall "$1" collector stall
}
# stalled: that collector's rsyslogd waits in openat(2) (syscall 257 on x86_64) on the FIFO.
stalled() { grep -qs '^257 ' /proc/"$(cat "$T/stall.spawned")"/task/*/syscall; }

listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# start_terminal PORT: rsyslogd with the shipped terminal file, collector on 127.0.0.1:PORT.
# It processes its own messages (it is not the system's logger) into term.rsyslog.log and
# through the shipped rules; $T/term.sock is its local syslog socket (what /dev/log is on a
# terminal). $T/term.start starts it again the same way (for a restart done
# by another program: its pid is then only in $T/term.pid).
start_terminal() {
	mkdir -p "$T/term.work"
	cat >"$T/term.conf" <<EOC
global(workDirectory="$T/term.work" processInternalMessages="on")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$T/term.sock")
include(file="$CONF/60-mamori-forward.conf")
*.* action(type="omfile" file="$T/term.rsyslog.log")
EOC
	cat >"$T/forward.env" <<EOC
MAMORI_EVENT_LOG=$T/log/events.log
MAMORI_COLLECTOR=127.0.0.1
MAMORI_COLLECTOR_PORT=$1
MAMORI_COLLECTOR_NAME=collector.mamori.test
MAMORI_TLS_CA=$T/pki/ca.pem
MAMORI_TLS_CERT=$T/pki/term01.mamori.test.pem
MAMORI_TLS_KEY=$T/pki/term01.mamori.test.key
MAMORI_DISABLED_FLAG=$T/term.disabled
MAMORI_SENT_LOG=$T/term.work/mamori-sent.log
MAMORI_REPLAY_LOG=$T/term.work/mamori-replay.log
MAMORI_REPLAY_MAX_KB=${REPLAY_MAX_KB:-1024}
MAMORI_FORWARD_REPLAY=$SRC/conf/rsyslog/mamori-forward-replay
EOC
	cat >"$T/term.start" <<EOC
#!/bin/sh
set -a
. "$T/forward.env"
exec "$RSYSLOGD" -n -f "$T/term.conf" -i "$T/term.pid" >>"$T/term.out" 2>&1
EOC
	chmod 0755 "$T/term.start"
	"$T/term.start" &
	PIDS_STARTED="$PIDS_STARTED $!"
	echo $! >"$T/term.spawned"
	wait_until 30 is_up term || { echo "# terminal rsyslogd did not start"; cat "$T/term.out"; return 1; }
}

# stop NAME: SIGTERM, then wait for the process to be gone (rsyslogd saves its queue).
stop() {
	p=$(cat "$T/$1.spawned") || return 0
	kill -TERM "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$T/$1.spawned"
}

# crash NAME: SIGKILL, nothing saved, nothing flushed.
crash() {
	p=$(cat "$T/$1.spawned") || return 0
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
	rm -f "$T/$1.spawned" "$T/$1.pid"
}

# emit COUNT TAG: COUNT events through the reporter into the journal.
emit() { "$EMIT" "$T/state" "$T/log/events.log" "$T/spool" "$1" "$2"; }

# Distinct (stream, seq) pairs in the collector's files; duplicates counted once.
unique_events() {
	cat "$T"/central/*.log 2>/dev/null |
		sed -n 's/.* stream=\([^ ]*\) seq=\([0-9]*\) .*/\1 \2/p' | sort -u | wc -l
}
received_lines() { cat "$T"/central/*.log 2>/dev/null | grep -c ' seq=' ; }
has_events() { [ "$(unique_events)" -ge "$1" ]; }

# The seq numbers 1..N missing at the collector, as a short list.
missing_seqs() {
	cat "$T"/central/*.log 2>/dev/null | sed -n 's/.* seq=\([0-9]*\) .*/\1/p' | sort -u >"$T/got"
	seq 1 "$1" | sort | comm -23 - "$T/got" | sort -n | tr '\n' ' ' | cut -c1-200
}

# expect_all N WAIT-SECONDS DESCRIPTION: every seq 1..N arrives (duplicates allowed).
expect_all() {
	wait_until "$2" has_events "$1"
	u=$(unique_events)
	if [ "$u" -eq "$1" ] && [ -z "$(missing_seqs "$1")" ]; then
		echo "ok - $3 ($u distinct of $1, $(received_lines) lines)"
	else
		echo "not ok - $3: $u distinct of $1, missing: $(missing_seqs "$1")"
		tail -n 20 "$T/term.rsyslog.log" 2>/dev/null | sed 's/^/# /'
	fi
}
