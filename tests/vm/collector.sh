# A central collector on the host for the VM guest: the real rsyslogd with the shipped
# collector file (imrelp over TLS, client certificate name check), a throw-away PKI from
# tests/syslog/make-pki.sh, and the guest set up as README "Central collector" tells an
# administrator. Sourced after tests/vm/lib.sh (uses vm_forward, vm_push, vm_exec).
#
#   collector_start DIR     before boot: PKI and rsyslogd in DIR, listening on a free port of
#                           127.0.0.1 (printed, and in COLLECTOR_PORT); the guest reaches it
#                           at $VM_FWD_IP:$COLLECTOR_GUEST_PORT
#   collector_guest_setup   after the packages are installed: certificates, forward.env
#                           pointing at the collector, rsyslog restarted with the shipped
#                           60-mamori-forward.conf
#   collector_wait SECONDS PATTERN   until a collector file holds a line matching PATTERN
#                           (grep -E); the files are $COLLECTOR_DIR/central/<hostname>.log
# shellcheck shell=sh

COLLECTOR_GUEST_PORT=${COLLECTOR_GUEST_PORT:-2514}
# The guest's certificate name; the collector admits *.mamori.test.
COLLECTOR_TERMINAL=${COLLECTOR_TERMINAL:-mamori-vm.mamori.test}
COLLECTOR_DIR='' COLLECTOR_PORT=''

collector_listening() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

collector_start() { # dir
	COLLECTOR_DIR=$1
	rsyslogd=$(command -v rsyslogd || echo /usr/sbin/rsyslogd)
	mkdir -p "$COLLECTOR_DIR/work" "$COLLECTOR_DIR/central"
	sh "$VM_DIR/../syslog/make-pki.sh" "$COLLECTOR_DIR/pki" "$COLLECTOR_TERMINAL" >/dev/null ||
		return 1
	cat >"$COLLECTOR_DIR/rsyslog.conf" <<EOC
global(workDirectory="$COLLECTOR_DIR/work")
include(file="$VM_DIR/../../conf/rsyslog/60-mamori-collector.conf")
*.* action(type="omfile" file="$COLLECTOR_DIR/rsyslogd.log")
EOC
	COLLECTOR_PORT=$("$VM_PY" "$VM_DIR/vmctl.py" free-port)
	env MAMORI_RELP_PORT="$COLLECTOR_PORT" MAMORI_PERMITTED_PEER="*.mamori.test" \
		MAMORI_TLS_CA="$COLLECTOR_DIR/pki/ca.pem" \
		MAMORI_TLS_CERT="$COLLECTOR_DIR/pki/collector.pem" \
		MAMORI_TLS_KEY="$COLLECTOR_DIR/pki/collector.key" \
		MAMORI_CENTRAL_DIR="$COLLECTOR_DIR/central" \
		"$rsyslogd" -n -f "$COLLECTOR_DIR/rsyslog.conf" -i "$COLLECTOR_DIR/rsyslogd.pid" \
		</dev/null >"$COLLECTOR_DIR/rsyslogd.out" 2>&1 &
	vm_helper_started $!
	i=0
	until collector_listening "$COLLECTOR_PORT"; do
		i=$((i + 1))
		if [ $i -ge 100 ] || ! kill -0 $! 2>/dev/null; then
			sed 's/^/# collector: /' "$COLLECTOR_DIR/rsyslogd.out"
			return 1
		fi
		sleep 0.1
	done
	vm_forward "$COLLECTOR_GUEST_PORT" "$COLLECTOR_PORT"
	echo "$COLLECTOR_PORT"
}

collector_guest_setup() {
	p=$COLLECTOR_DIR/pki
	vm_exec 'mkdir -p -m 0700 /etc/mamori/tls' &&
		vm_push "$p/ca.pem" /etc/mamori/tls/ca.pem 0644 &&
		vm_push "$p/$COLLECTOR_TERMINAL.pem" /etc/mamori/tls/terminal.pem 0644 &&
		vm_push "$p/$COLLECTOR_TERMINAL.key" /etc/mamori/tls/terminal.key 0600 &&
		vm_exec "s=/usr/share/mamori/rsyslog
		sed -e 's/^MAMORI_COLLECTOR=.*/MAMORI_COLLECTOR=$VM_FWD_IP/' \
		    -e 's/^MAMORI_COLLECTOR_PORT=.*/MAMORI_COLLECTOR_PORT=$COLLECTOR_GUEST_PORT/' \
		    -e 's/^MAMORI_COLLECTOR_NAME=.*/MAMORI_COLLECTOR_NAME=collector.mamori.test/' \
		    \$s/forward.env >/etc/mamori/forward.env &&
		install -D -m 0644 \$s/rsyslog-service-mamori.conf \
			/etc/systemd/system/rsyslog.service.d/mamori.conf &&
		ln -sf \$s/60-mamori-forward.conf /etc/rsyslog.d/ &&
		env \$(grep '^MAMORI_' /etc/mamori/forward.env) rsyslogd -N1 2>&1 &&
		systemctl daemon-reload && systemctl restart rsyslog"
}

collector_has() { cat "$COLLECTOR_DIR"/central/*.log 2>/dev/null | grep -Eq "$1"; }

collector_wait() { # seconds pattern
	i=0
	until collector_has "$2"; do
		i=$((i + 1)); [ $i -lt $(($1 * 2)) ] || return 1
		sleep 0.5
	done
}
