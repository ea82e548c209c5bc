# VM test, sourced by check.sh and run last (it kills the guest): the whole guest is killed
# (QEMU quits, no shutdown, no sync) while events are being written and forwarded, then boots
# again on the same disk.
#   test_crash
# The events come from a real source: `mamorictl otp unlock` in two loops (users crash1 and
# crash2), each call one MAMORI-ADMIN-505 through the reporter, which returns once its line is
# fdatasync'd. After each call the loop writes the key of its event ("host= stream= seq=") to
# the serial console, which the host logs as it comes: what the console shows was on the
# guest's disk before the plug was pulled. After the reboot:
# - every line of the durable log up to the highest such key, and every key the console
#   shows, is still in the durable log, unchanged;
# - an event after the reboot takes the next number (the sequence file may be behind), and
#   no number of the durable log is used twice;
# - every (host, stream, seq) of the durable log reaches the collector on the host;
# - `mamorictl report` over the collector's file finds no gap and no malformed line but a line
#   the crash cut in the durable log (the event after it starts a line of its own).
# shellcheck shell=sh
CRASH_MARK=mamori-fsynced

crash_count_guest() {
	vm_exec "grep -c '^MAMORI-ADMIN-505 .*user=crash[12] ' /var/log/mamori/events.log" || :
}
crash_count_collector() { grep -c " MAMORI-ADMIN-505 .*user=crash[12] " "$(collector_file)" || :; }

# Forwarding as test_syslog switched it on (`check.sh crash` runs this test alone).
crash_forwarding() {
	vm_exec 'test -L /etc/rsyslog.d/60-mamori-forward.conf' || collector_guest
}

# Two loops (tests/vm/guest/unlock-loop), so that events are written faster than they are
# forwarded.
crash_stream_start() {
	vm_push "$VM_DIR/guest/unlock-loop" /run/unlock-loop 0755 &&
		vm_exec "for u in crash1 crash2; do
			useradd -m \$u && mamorictl otp enroll \$u --no-verify >/dev/null || exit 1
			setsid sh /run/unlock-loop \$u $CRASH_MARK </dev/null >/dev/null 2>&1 &
		done"
}

# Mid-stream: some of the loops' events delivered, and more written than delivered or at least
# 4 written (the loops go on writing while the plug is pulled, so the forwarder is never idle).
crash_mid_stream() {
	i=0
	while :; do
		CRASH_WRITTEN=$(crash_count_guest) CRASH_DELIVERED=$(crash_count_collector)
		if [ "$CRASH_DELIVERED" -ge 1 ]; then
			[ "$CRASH_WRITTEN" -le "$CRASH_DELIVERED" ] || return 0
			[ "$CRASH_WRITTEN" -lt 4 ] || return 0
		fi
		i=$((i + 1)); [ $i -lt 60 ] || { vm_log "written $CRASH_WRITTEN, delivered $CRASH_DELIVERED"; return 1; }
		sleep 1
	done
}

crash_streaming() { crash_forwarding && crash_stream_start && crash_mid_stream; }

# The durable log as it was just before the plug was pulled (what the guest had written, not
# all of it on the disk yet), then the plug.
crash_pull_plug() {
	guest_journal "$VM_RUN/journal-before" || return 1
	vm_crash
	vm_log "plug pulled: $CRASH_WRITTEN unlock events seen in the durable log, $CRASH_DELIVERED at the collector"
	! vm_running
}

# Keys the console showed ("host stream seq"), sorted, each once.
crash_marked() {
	tr -d '\r' <"$VM_SERIAL" |
		sed -n "s/.*$CRASH_MARK host=\([^ ]*\) stream=\([^ ]*\) seq=\([0-9]*\) \..*/\1 \2 \3/p" |
		LC_ALL=C sort -u
}

# The lines of FILE whose seq is at most MAX.
lines_upto() { # file max
	awk -v max="$2" 'match($0, / seq=[0-9]+ /) &&
		substr($0, RSTART + 5, RLENGTH - 6) + 0 <= max + 0' "$1"
}

# What mamori had fdatasync'd before the plug was pulled is still in the durable log, as it was.
crash_journal_kept() {
	guest_journal "$VM_RUN/journal-after" || return 1
	crash_marked >"$VM_RUN/marked"
	top=$(cut -d' ' -f3 "$VM_RUN/marked" | sort -n | tail -n 1)
	[ -n "$top" ] || { vm_log "no $CRASH_MARK line on the serial console"; return 1; }
	lines_upto "$VM_RUN/journal-before" "$top" | LC_ALL=C sort >"$VM_RUN/kept-expected"
	lost_lines=$(LC_ALL=C sort "$VM_RUN/journal-after" | LC_ALL=C comm -23 "$VM_RUN/kept-expected" -)
	lost_keys=$(LC_ALL=C comm -23 "$VM_RUN/marked" "$VM_RUN/journal-after.keys")
	vm_log "durable log: $(wc -l <"$VM_RUN/journal-before.keys") events before the crash," \
		"$(wc -l <"$VM_RUN/marked") unlock events known on disk (highest seq $top)," \
		"$(wc -l <"$VM_RUN/journal-after.keys") after the reboot," \
		"$(tr -cd '\000' <"$VM_RUN/journal-after" | wc -c) NUL bytes in it (a line the crash cut)"
	[ -z "$lost_lines$lost_keys" ] && return 0
	printf '%s\n' "$lost_lines" "$lost_keys" | sed '/^$/d; s/^/# lost: /' | head -n 10
	return 1
}

# The sequence file is not fdatasync'd for every event, so the crash may have left it behind the
# durable log: an event after the reboot takes the number after the log's last line, and no
# number of the durable log is used twice.
crash_numbers_go_on() {
	top=$(collector_keys "$VM_RUN/journal-after" | cut -d' ' -f3 | sort -n | tail -n 1)
	vm_exec 'mamorictl otp unlock crash1 >/dev/null' || return 1
	vm_exec 'cat /var/log/mamori/events.log' >"$VM_RUN/journal-next" || return 1
	next=$(grep '^MAMORI-ADMIN-505 .* user=crash1 ' "$VM_RUN/journal-next" | tail -n 1 |
		sed -n 's/.* seq=\([0-9]*\) .*/\1/p')
	twice=$(sed -n 's/.* host=\([^ ]*\) stream=\([^ ]*\) seq=\([0-9]*\) .*/\1 \2 \3/p' \
		"$VM_RUN/journal-next" | LC_ALL=C sort | uniq -d | head -n 5)
	vm_log "after the reboot: the log ended at seq $top, the next unlock event took seq $next"
	[ -z "$twice" ] || { printf '# used twice: %s\n' "$twice"; return 1; }
	[ -n "$next" ] && [ "$next" -gt "$top" ]
}

# The report over the collector's file: no gap, no number missing, no malformed line but the
# lines the crash cut in the durable log itself (the start of an event without its end: the
# collector shows what the terminal holds).
crash_no_gap() {
	m=${MAMORICTL:-$BUILD/mamorictl}
	"$m" report --format json "$(collector_file)" >"$VM_RUN/report-collector.json" || return 1
	"$m" report --format json "$VM_RUN/journal-next" >"$VM_RUN/report-journal.json" || return 1
	torn=$(report_value "$VM_RUN/report-journal.json" malformed)
	vm_log "report: $(report_value "$VM_RUN/report-collector.json" events) events," \
		"$(report_value "$VM_RUN/report-collector.json" duplicates) duplicates removed," \
		"$torn cut lines in the durable log"
	for k in gaps missing malformed; do
		v=$(report_value "$VM_RUN/report-collector.json" $k)
		[ "$k" = malformed ] && [ "$v" -le "$torn" ] && continue
		[ "$v" = 0 ] && continue
		echo "# report: $k=$v"
		"$m" report "$(collector_file)" | sed 's/^/# /'
		# a number taken in the instant of the crash whose line never reached the disk
		"$m" report --format json "$VM_RUN/journal-after" >"$VM_RUN/report-after.json" &&
			echo "# the durable log itself misses $(report_value "$VM_RUN/report-after.json" missing)"
		return 1
	done
}

# t, and false when the test failed (t itself goes on with the suite).
crash_t() { crash_f=$FAILED; t "$@"; [ "$FAILED" -eq "$crash_f" ]; }

test_crash() {
	syslog_ready "crash: guest killed mid-stream, its events reach the collector" || return 0
	crash_t "crash: mamorictl otp unlock in loops writes events, some of them forwarded" \
		crash_streaming || return 0
	crash_t "crash: QEMU quits while events are written and forwarded (no shutdown)" \
		crash_pull_plug || return 0
	crash_t "crash: the guest boots again on the same disk" vm_boot_again || return 0
	vm_log "time: second boot ${VM_BOOT_SECONDS}s"
	vm_exec 'systemd-analyze | head -n 1' | sed 's/^/# second boot: /'
	t "crash: every event fdatasync'd before the crash is still in the durable log, unchanged" \
		crash_journal_kept
	t "crash: an event after the reboot takes the next number; none is used twice" \
		crash_numbers_go_on
	t "crash: every event of the durable log reaches the collector after the reboot" \
		arrives_all "$VM_RUN/journal-after"
	t "crash: mamorictl report over the collector's file: no gap, no malformed line" crash_no_gap
}
