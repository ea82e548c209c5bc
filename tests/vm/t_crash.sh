# VM test, sourced by check.sh and run after test_syslog (forwarding on): the whole guest is
# killed (QEMU quits, no shutdown, no sync) while events are being written and forwarded,
# then boots again on the same disk. Every event found in the durable log after the reboot
# must reach the collector on the host, and the collector's file must have no gap that the
# durable log does not have itself.
#   test_crash
# The events come from a real source: `mamorictl otp unlock` in two loops, each call one
# MAMORI-ADMIN-505 through the reporter (sequence number, fsync'd line in the journal).
# shellcheck shell=sh
CRASH_USER=crash1

crash_count_guest() {
	vm_exec "grep -c '^MAMORI-ADMIN-505 .*user=$CRASH_USER ' /var/log/mamori/events.log" || :
}
crash_count_collector() { grep -c " MAMORI-ADMIN-505 .*user=$CRASH_USER " "$(collector_file)" || :; }

# Two loops, so that events are written faster than they are forwarded.
crash_stream_start() {
	vm_exec "useradd -m $CRASH_USER && mamorictl otp enroll $CRASH_USER --no-verify >/dev/null &&
		for i in 1 2; do
			setsid sh -c 'while :; do mamorictl otp unlock $CRASH_USER; done' \
				</dev/null >/dev/null 2>&1 &
		done"
}

# Mid-stream: some of the loops' events delivered and more written than delivered; on a
# slow host the forwarder may keep up with the loops, then after 20 looks any moment with
# events delivered will do (the loops are still writing).
crash_mid_stream() {
	i=0
	while :; do
		CRASH_WRITTEN=$(crash_count_guest) CRASH_DELIVERED=$(crash_count_collector)
		if [ "$CRASH_DELIVERED" -ge 1 ]; then
			[ "$CRASH_WRITTEN" -le "$CRASH_DELIVERED" ] || return 0
			[ $i -lt 20 ] || return 0
		fi
		i=$((i + 1)); [ $i -lt 60 ] || { vm_log "written $CRASH_WRITTEN, delivered $CRASH_DELIVERED"; return 1; }
		sleep 1
	done
}

crash_streaming() { crash_stream_start && crash_mid_stream; }

crash_pull_plug() {
	vm_crash
	vm_log "plug pulled: $CRASH_WRITTEN unlock events seen in the journal, $CRASH_DELIVERED at the collector"
	! vm_running
}

# What mamori had fsync'd before the plug was pulled is still in the journal (the last line
# seen may have been in the middle of its fsync).
crash_journal_kept() {
	guest_journal "$VM_RUN/journal-after" || return 1
	n=$(grep -c "^MAMORI-ADMIN-505 .*user=$CRASH_USER " "$VM_RUN/journal-after")
	vm_log "journal after the reboot: $n unlock events, $(wc -l <"$VM_RUN/journal-after.keys") in all"
	[ "$n" -ge $((CRASH_WRITTEN - 1)) ]
}

# The report's count of numbers that never arrived, over the collector's file and over the
# durable log: equal, i.e. forwarding lost nothing. A number taken just before the plug was
# pulled, whose line never reached the disk, is missing in both (at most one).
crash_no_gap() {
	m=${MAMORICTL:-$BUILD/mamorictl}
	"$m" report --format json "$(collector_file)" >"$VM_RUN/report-collector.json" &&
		"$m" report --format json "$VM_RUN/journal-after" >"$VM_RUN/report-journal.json" || return 1
	at_collector=$(report_value "$VM_RUN/report-collector.json" missing)
	in_journal=$(report_value "$VM_RUN/report-journal.json" missing)
	vm_log "missing numbers: $at_collector at the collector, $in_journal in the journal;" \
		"$(report_value "$VM_RUN/report-collector.json" duplicates) duplicates removed"
	if [ "$at_collector" = "$in_journal" ] && [ "$in_journal" -le 1 ] &&
		[ "$(report_value "$VM_RUN/report-collector.json" malformed)" = 0 ]; then
		return 0
	fi
	"$m" report "$(collector_file)" | sed 's/^/# /'
	return 1
}

test_crash() {
	syslog_ready "crash: guest killed mid-stream, its events reach the collector" || return 0
	t "crash: mamorictl otp unlock in loops writes events, some of them forwarded" \
		crash_streaming || return
	t "crash: QEMU quits while events are written and forwarded (no shutdown)" crash_pull_plug ||
		return
	t "crash: the guest boots again on the same disk" vm_boot_again || return
	t "crash: every event fsync'd before the crash is still in the durable log" crash_journal_kept ||
		return
	t "crash: every event of the durable log reaches the collector after the reboot" \
		arrives_all "$VM_RUN/journal-after"
	t "crash: mamorictl report: the collector misses no number the durable log holds" crash_no_gap
}
