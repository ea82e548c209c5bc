# VM tests, sourced by check.sh: the guest's events reach a central collector on the host
# (tests/vm/collector.sh) through the restricted forward, with the shipped rsyslog files.
#   syslog_before_boot   the collector and the forward to it (before vm_boot)
#   test_syslog          near the end of the run: forwarding switched on as an administrator
#                        would, then every event the earlier tests wrote into the guest's
#                        durable log must be in the collector's file, and the report over
#                        that file must show no gap
# shellcheck shell=sh
# shellcheck source=tests/vm/collector.sh
. "$VM_DIR/collector.sh"
SYSLOG_SKIP='' SYSLOG_PROBLEM=''
# Time allowed for the guest's backlog to arrive: one TLS handshake per event under TCG.
SYSLOG_WAIT=${SYSLOG_WAIT:-300}

syslog_before_boot() {
	command -v rsyslogd >/dev/null || { SYSLOG_SKIP="rsyslogd is not installed"; return 0; }
	collector_start "$VM_RUN/collector" >"$VM_RUN/collector.out" 2>&1 ||
		SYSLOG_PROBLEM="the host collector did not start"
}

# skip or not ok when the collector is missing; false then
syslog_ready() { # what
	if [ -n "$SYSLOG_SKIP" ]; then skip "$1 ($SYSLOG_SKIP)"; return 1; fi
	[ -z "$SYSLOG_PROBLEM" ] && return 0
	not_ok "$1 ($SYSLOG_PROBLEM)"
	cat "$VM_RUN/collector.out"
	return 1
}

# The guest's durable log as it is now, into FILE; its "host stream seq" keys into FILE.keys.
guest_journal() { # file
	vm_exec 'cat /var/log/mamori/events.log' >"$1" && collector_keys "$1" >"$1.keys" &&
		[ -s "$1.keys" ]
}

collector_lacks() { collector_keys "$(collector_file)" | LC_ALL=C comm -23 "$1.keys" -; }

# Every key of the journal snapshot FILE at the collector within SYSLOG_WAIT seconds.
arrives_all() { # file
	t0=$(date +%s)
	while [ -n "$(collector_lacks "$1" | head -n 1)" ]; do
		if [ $(($(date +%s) - t0)) -ge "$SYSLOG_WAIT" ]; then
			echo "# $(collector_lacks "$1" | wc -l) of $(wc -l <"$1.keys") never arrived, first:"
			collector_lacks "$1" | head -n 5 | sed 's/^/#   /'
			tail -n 5 "$COLLECTOR_ROOT/rsyslogd.log" 2>/dev/null | sed 's/^/# collector: /'
			vm_exec 'journalctl -u rsyslog --no-pager | tail -n 10' | sed 's/^/# guest: /'
			return 1
		fi
		sleep 2
	done
	vm_log "$(wc -l <"$1.keys") events at the collector $(($(date +%s) - t0))s after the check began"
}

syslog_all_arrive() {
	guest_journal "$VM_RUN/journal" && arrives_all "$VM_RUN/journal"
}

# What the earlier tests did is at the collector, as the administrator reads it there.
syslog_test_events_arrived() {
	f=$(collector_file)
	grep ' mamori: MAMORI-MEDIA-101 ' "$f" | grep -q 'serial=stick2 .*label=STICK2' &&
		grep ' mamori: MAMORI-AUTH-202 ' "$f" | grep -q 'user=kimura .*service=login' &&
		grep ' mamori: MAMORI-AUTH-201 ' "$f" | grep -q 'user=yamada .*service=login' &&
		grep -q ' mamori: MAMORI-AGENT-305 .*serial=boot-stick' "$f"
}

# report_value JSON_FILE KEY: a number of the report's summary.
report_value() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["summary"][sys.argv[2]])' "$1" "$2"
}

# mamorictl report over FILE: every line an event, no gap, as many events as JOURNAL's keys.
report_clean() { # file journal
	"${MAMORICTL:-$BUILD/mamorictl}" report --format json "$1" >"$VM_RUN/report.json" || return 1
	for k in gaps missing malformed; do
		v=$(report_value "$VM_RUN/report.json" $k)
		[ "$v" = 0 ] || { echo "# report: $k=$v"; "${MAMORICTL:-$BUILD/mamorictl}" report "$1" | sed 's/^/# /'; return 1; }
	done
	n=$(report_value "$VM_RUN/report.json" events)
	vm_log "report: $n events; seq $(cut -d' ' -f3 "$2.keys" | sort -n | sed -n '1p;$p' | paste -sd-) in the journal"
	[ "$n" -ge "$(wc -l <"$2.keys")" ]
}

test_syslog() {
	syslog_ready "syslog: events reach the collector on the host" || return 0
	t "syslog: the shipped forwarding configuration set up as README says, rsyslogd -N1 accepts it" \
		collector_guest || return
	t "syslog: every event of the guest's durable log reaches the collector on the host" \
		syslog_all_arrive || return
	if only media_udev && only agent && only login; then
		t "syslog: the media, agent and login events of this run are in the collector's file" \
			syslog_test_events_arrived
	fi
	t "syslog: mamorictl report over the collector's file: no gap, no malformed line" \
		report_clean "$(collector_file)" "$VM_RUN/journal"
}
