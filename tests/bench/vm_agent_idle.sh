#!/bin/sh
# make bench, in the VM bench's guest (tests/vm): mamori-agent's memory and wake-ups over
# idle minutes beside its anchor, usbguard-daemon (Debian's usbguard package), both running
# as their packages install them in the same guest, at the same time; then the
# `systemd-analyze security` exposure of both units. Prints "skipped: <reason>" and passes
# when this machine cannot run the VM (see tests/vm/README.md).
#   tests/bench/vm_agent_idle.sh BUILD_DIR
#   env: VM_IDLE_SECONDS (600), VM_IDLE_STEP (60), VM_IDLE_SETTLE (60)
# usbguard is installed at run time, with the mamori packages, from .deb files the host's apt
# downloads (usbguard and what it needs that the image lacks): the guest has no network, and
# the image stays the test suite's (whose USB devices a usbguard daemon would block).
set -eu
cd "$(dirname "$0")/../.."
B=${1:-build}
IDLE=${VM_IDLE_SECONDS:-600}
STEP=${VM_IDLE_STEP:-60}
SETTLE=${VM_IDLE_SETTLE:-60}
VM_DIR=$(pwd)/tests/vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

echo "vm_agent_idle: mamori-agent beside usbguard-daemon, ${IDLE} s idle in the VM guest"
skip() { echo "  skipped: $*"; exit 0; }

preflight() {
	command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed"
	qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg || skip "QEMU has no TCG"
	for t in python3 qemu-img mmdebstrap dpkg-deb flock apt-get apt-cache; do
		command -v $t >/dev/null || skip "$t is not installed (see tests/deps.txt)"
	done
	[ "$(id -u)" -eq 0 ] || skip "building the VM image needs root"
}

# The newest .deb of each mamori package of the guest's suite, without debug symbols.
find_debs() {
	sub=$(vm_deb_dir)
	ls "$B/$sub"/*.deb >/dev/null 2>&1 || make deb SUITE="${SUITE:-bookworm}" >"$VM_RUN/make-deb.log" 2>&1 ||
		{ tail -n 20 "$VM_RUN/make-deb.log"; echo "  make deb failed"; exit 1; }
	DEBS=$(vm_newest_debs "$B/$sub"/*.deb "build/$sub"/*.deb)
}

# usbguard and every package it needs (Depends, Pre-Depends, the first of alternatives, as
# vm_deb_depends reads them) that the image lacks, downloaded by the host's apt (the same
# suite as the guest) into VM_RUN/usbguard, round after round until nothing is missing.
usbguard_debs() {
	dir=$VM_RUN/usbguard
	mkdir -p "$dir"
	chmod 0755 "$VM_RUN" "$dir" # apt downloads as _apt
	wanted=usbguard
	while [ -n "$wanted" ]; do
		# shellcheck disable=SC2086 # package names, one word each
		(cd "$dir" && apt-get download -q $wanted) >>"$VM_RUN/apt-download.log" 2>&1 ||
			{ tail -n 5 "$VM_RUN/apt-download.log"; return 1; }
		# shellcheck disable=SC2046
		wanted=$(vm_deb_depends $(ls "$dir"/*.deb) | while read -r p; do
			awk -v p="$p" '$1 == p { found = 1 } END { exit !found }' "$VM_IMAGE/manifest" ||
				echo "$p"
		done)
	done
	USBGUARD_DEBS=$(ls "$dir"/*.deb)
	echo "  usbguard from the host's apt: $(for d in $USBGUARD_DEBS; do dpkg-deb -f "$d" Package; done | paste -sd ' ')"
}

# Both daemons restarted together, so each is measured from the same start.
start_both() {
	# shellcheck disable=SC2086 # a list of file names without spaces
	vm_install_debs $DEBS $USBGUARD_DEBS >"$VM_RUN/install.log" 2>&1 ||
		{ tail -n 20 "$VM_RUN/install.log"; return 1; }
	# usbguard as its documentation sets it up: a policy allowing the devices present
	# (without one it blocks every USB device, the root hubs included).
	VM_EXEC_TIMEOUT=300 vm_exec 'usbguard generate-policy >/etc/usbguard/rules.conf &&
		chmod 0600 /etc/usbguard/rules.conf &&
		systemctl restart usbguard mamori-agent &&
		systemctl is-active usbguard mamori-agent' >/dev/null ||
		{ vm_exec 'systemctl status --no-pager -n 5 usbguard mamori-agent' | sed 's/^/# /'; return 1; }
}

# Medians over the samples of each unit, and its context switches over the idle time.
summarise() { # samples
	awk -v idle="$IDLE" -v step="$STEP" '
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$3 == 0 { dead[$2] = 1; next }
	{
		u = $2; n[u]++
		rss[u, n[u]] = $4; pss[u, n[u]] = $5; prv[u, n[u]] = $6; sw[u, n[u]] = $7; thr[u] = $8
		if (!(u in pid)) pid[u] = $3
		if (pid[u] != $3) restarted[u] = 1
	}
	END {
		units[1] = "mamori-agent"; units[2] = "usbguard"
		for (k = 1; k <= 2; k++) {
			u = units[k]
			if (dead[u] || restarted[u] || n[u] < 2) { bad[u] = 1; continue }
			for (i = 1; i <= n[u]; i++) { r[i] = rss[u, i]; p[i] = pss[u, i]; v[i] = prv[u, i] }
			R[u] = median(r, n[u]); P[u] = median(p, n[u]); V[u] = median(v, n[u])
			for (i = 2; i <= n[u]; i++) d[i - 1] = sw[u, i] - sw[u, i - 1]
			W[u] = sw[u, n[u]] - sw[u, 1]; D[u] = median(d, n[u] - 1)
		}
		a = "mamori-agent"; g = "usbguard"
		if (bad[a] || bad[g]) { print "  a daemon stopped or restarted while measured"; exit 1 }
		printf "  %-44s %14s %22s\n", "", "mamori-agent", "usbguard-daemon (anchor)"
		printf "  %-44s %14d %22d\n", "RSS median, kB (goal: <= 2048)", R[a], R[g]
		printf "  %-44s %14d %22d\n", "PSS median, kB", P[a], P[g]
		printf "  %-44s %14d %22d\n", "private (clean + dirty) median, kB", V[a], V[g]
		printf "  %-44s %14d %22d\n", "threads", thr[a], thr[g]
		printf "  %-44s %14d %22d\n", "wake-ups (context switches) in " idle " s", W[a], W[g]
		printf "  %-44s %14g %22g\n", "wake-ups per " step " s, median", D[a], D[g]
		printf "  goal RSS <= 2 MiB: %s\n", (R[a] <= 2048 ? "met" : "NOT met")
	}' "$1"
}

# Where a daemon's resident memory is, by mapped object: shared libraries, the program,
# anonymous memory (heap, stacks).
rss_by_object() { # unit
	vm_exec "pid=\$(systemctl show -p MainPID --value $1); awk '
		/^[0-9a-f]+-[0-9a-f]+ / { n = split(\$NF, p, \"/\"); o = NF >= 6 ? p[n] : \"[anon]\" }
		/^Rss:/ { kb[o] += \$2 }
		END { for (o in kb) if (kb[o] > 0) print kb[o], o }' /proc/\$pid/smaps | sort -rn |
		awk '{ printf \"%s%s %s kB\", (NR > 1 ? \", \" : \"\"), \$2, \$1 } END { print \"\" }'"
}

exposure() { # unit: the last line of systemd-analyze security, its score and verdict
	vm_exec "systemd-analyze security --no-pager $1" 2>/dev/null |
		awk '/Overall exposure level/ { print $(NF - 2), $(NF - 1) }'
}

main() {
	preflight
	vm_setup
	find_debs
	# shellcheck disable=SC2046,SC2086 # package and file names, one word each
	vm_image $(vm_deb_depends $DEBS) || { echo "  the VM image did not build"; exit 1; }
	usbguard_debs || { echo "  usbguard could not be downloaded on the host"; exit 1; }
	vm_boot || { echo "  guest did not boot"; exit 1; }
	start_both || { echo "  mamori-agent and usbguard did not both start"; exit 1; }
	vm_push tests/bench/guest/idle-sample /run/idle-sample 0755
	VM_EXEC_TIMEOUT=120 vm_exec "uname -r; dpkg-query -W -f '\${Package} \${Version}\n' usbguard mamori-agent" |
		sed 's/^/  guest: /'
	sleep "$SETTLE"
	VM_EXEC_TIMEOUT=$((IDLE * 2 + 300)) vm_exec "sh /run/idle-sample $IDLE $STEP mamori-agent usbguard" \
		>"$VM_RUN/samples" || { echo "  sampling failed"; exit 1; }
	summarise "$VM_RUN/samples"
	echo "  mamori-agent RSS by object: $(rss_by_object mamori-agent)"
	echo "  usbguard-daemon RSS by object: $(rss_by_object usbguard)"
	printf '  %-44s %14s %22s\n' "systemd-analyze security (exposure, 0-10)" \
		"$(exposure mamori-agent.service)" "$(exposure usbguard.service)"
	vm_poweroff || :
}

main "$@"
