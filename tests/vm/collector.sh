# The central collector for VM tests and the demo, sourced after lib.sh: a real rsyslogd on
# the host with the shipped collector configuration (conf/rsyslog/60-mamori-collector.conf,
# RELP over TLS, client certificate name check) and the test PKI (tests/syslog/make-pki.sh);
# the guest's rsyslog forwards to it with the shipped terminal configuration, installed from
# /usr/share/mamori/rsyslog/ the way README "Central collector" tells an administrator.
#
#   collector_start DIR   before vm_boot: PKI in DIR/pki, rsyslogd (after rsyslogd -N1
#                         accepted the configuration) on a free host port, and the forward
#                         $VM_FWD_IP:$COLLECTOR_GUEST_PORT -> that port
#   collector_guest       after vm_install_debs: CA, certificate and key into
#                         /etc/mamori/tls, forward.env pointing at the forward, rsyslog
#                         restarted; fails when rsyslog rejects the configuration
#   collector_file        the file the collector writes for the guest (one per terminal)
#   collector_keys FILE...  "host stream seq" of every numbered event in the files, sorted,
#                         each once (duplicates from at-least-once delivery count once)
#   collector_wait S PAT  until the guest's file at the collector holds PAT (S seconds at most)
#   collector_stop        SIGTERM, wait until it is gone (vm_cleanup sends the SIGTERM too,
#                         through vm_helper_started)
#
# The collector listens on every address (the shipped file has no address setting) on a port
# chosen at random; only a holder of a certificate from this run's throw-away CA can send.
# shellcheck shell=sh
COLLECTOR_GUEST_PORT=${COLLECTOR_GUEST_PORT:-6514}
COLLECTOR_NAME=collector.mamori.test
# The guest's host name (tests/vm/image-hook.sh): the collector names its file after it.
COLLECTOR_TERMINAL=mamori-vm
COLLECTOR_PID=''

collector_start() { # dir
	COLLECTOR_ROOT=$1 COLLECTOR_DIR=$1/central
	conf=${MAMORI_RSYSLOG_CONF:-$VM_DIR/../../conf/rsyslog}
	mkdir -p "$1/work" "$COLLECTOR_DIR"
	sh "$VM_DIR/../syslog/make-pki.sh" "$1/pki" "$COLLECTOR_TERMINAL.mamori.test" >/dev/null ||
		return 1
	COLLECTOR_PORT=$("$VM_PY" "$VM_DIR/vmctl.py" free-port) || return 1
	cat >"$1/rsyslog.conf" <<EOC
global(workDirectory="$1/work")
include(file="$conf/60-mamori-collector.conf")
*.* action(type="omfile" file="$1/rsyslogd.log")
EOC
	# a template or parameter rsyslogd does not know is only a message at start: refuse it
	collector_rsyslogd -N1 >"$1/rsyslogd.out" 2>&1 ||
		{ sed 's/^/# collector: /' "$1/rsyslogd.out"; return 1; }
	collector_rsyslogd -n -i "$1/rsyslogd.pid" </dev/null >>"$1/rsyslogd.out" 2>&1 &
	COLLECTOR_PID=$!
	vm_helper_started "$COLLECTOR_PID"
	collector_listening || { sed 's/^/# collector: /' "$1/rsyslogd.out"; return 1; }
	# $! is the shell that runs the function, and rsyslogd its child: a SIGTERM to that shell
	# left rsyslogd running after the test. Stopping means rsyslogd itself, from its pid file.
	COLLECTOR_PID=$(cat "$1/rsyslogd.pid") || return 1
	vm_helper_started "$COLLECTOR_PID"
	vm_forward "$COLLECTOR_GUEST_PORT" "$COLLECTOR_PORT"
}

# rsyslogd with the collector's configuration, its values as collector.env would set them.
collector_rsyslogd() { # option...
	env MAMORI_RELP_PORT="$COLLECTOR_PORT" MAMORI_PERMITTED_PEER="*.mamori.test" \
		MAMORI_TLS_CA="$COLLECTOR_ROOT/pki/ca.pem" \
		MAMORI_TLS_CERT="$COLLECTOR_ROOT/pki/collector.pem" \
		MAMORI_TLS_KEY="$COLLECTOR_ROOT/pki/collector.key" MAMORI_CENTRAL_DIR="$COLLECTOR_DIR" \
		rsyslogd -f "$COLLECTOR_ROOT/rsyslog.conf" "$@"
}

collector_listening() {
	i=0
	until ss -Htln "sport = :$COLLECTOR_PORT" | grep -q .; do
		kill -0 "$COLLECTOR_PID" 2>/dev/null || return 1
		i=$((i + 1)); [ $i -lt 100 ] || return 1
		sleep 0.1
	done
}

collector_stop() {
	[ -n "$COLLECTOR_PID" ] || return 0
	kill "$COLLECTOR_PID" 2>/dev/null || :
	i=0
	while kill -0 "$COLLECTOR_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	COLLECTOR_PID=''
}

collector_file() { echo "$COLLECTOR_DIR/$COLLECTOR_TERMINAL.log"; }

# The README's steps; rsyslogd -N1 checks the result with forward.env's values in its
# environment, as rsyslog.service will have them.
collector_guest() {
	pki=$COLLECTOR_ROOT/pki t=$COLLECTOR_TERMINAL.mamori.test
	vm_exec 'install -d -m 0750 /etc/mamori/tls' &&
		vm_push "$pki/ca.pem" /etc/mamori/tls/ca.pem 0644 &&
		vm_push "$pki/$t.pem" /etc/mamori/tls/terminal.pem 0644 &&
		vm_push "$pki/$t.key" /etc/mamori/tls/terminal.key 0600 &&
		vm_exec "set -e; cd /usr/share/mamori/rsyslog
			sed -e 's/^MAMORI_COLLECTOR=.*/MAMORI_COLLECTOR=$VM_FWD_IP/' \
			    -e 's/^MAMORI_COLLECTOR_PORT=.*/MAMORI_COLLECTOR_PORT=$COLLECTOR_GUEST_PORT/' \
			    -e 's/^MAMORI_COLLECTOR_NAME=.*/MAMORI_COLLECTOR_NAME=$COLLECTOR_NAME/' \
			    forward.env >/etc/mamori/forward.env
			install -D -m 0644 rsyslog-service-mamori.conf \
				/etc/systemd/system/rsyslog.service.d/mamori.conf
			ln -sf /usr/share/mamori/rsyslog/60-mamori-forward.conf /etc/rsyslog.d/
			systemctl daemon-reload
			(set -a; . /etc/mamori/forward.env; rsyslogd -N1 2>&1)
			systemctl restart rsyslog
			# on the disk before the crash test pulls the plug: written back only within 30 s,
			# forward.env came back empty after the reboot and rsyslogd had no collector
			sync"
}

collector_keys() { # file...
	cat "$@" 2>/dev/null |
		sed -n 's/.* host=\([^ ]*\) stream=\([^ ]*\) seq=\([0-9]*\) .*/\1 \2 \3/p' | LC_ALL=C sort -u
}

collector_wait() { # seconds pattern: until the guest's file at the collector holds pattern
	i=0
	until grep -q -F -- "$2" "$(collector_file)" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt $(($1 * 2)) ] || return 1
		sleep 0.5
	done
}
