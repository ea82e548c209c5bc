#!/bin/sh
# make demo: mamori's main job on a disposable terminal, narrated step by step.
# Boots the VM bench's Debian guest (tests/vm/README.md) with the packages from build/deb
# (build/deb-SUITE for another SUITE than bookworm) installed, starts a central collector on
# this machine (tests/vm/collector.sh), then:
# enrols a person (QR code), plugs a USB stick (read-only, writes refused), logs in on the
# serial console with password and one-time code, and prints `mamorictl report` over what
# reached the collector. Every claim is checked; exits 1 when one failed.
#   env: BUILD (host build directory with mamorictl, default build), VM_KEEP=1, SUITE
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
VM_DIR=$(pwd)/tests/vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"
# shellcheck source=tests/vm/collector.sh
. "$VM_DIR/collector.sh"

USER_NAME=tanaka
USER_PW='Sakura-2026!'
T_START=$(date +%s)
PASSED=0 FAILED=0 CLAIMS=''

# ---- narration ---------------------------------------------------------------------------------
if [ -t 1 ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B='' N=''; fi
STEP=0
title() { # english japanese
	STEP=$((STEP + 1))
	printf '\n%s==== Step %s: %s%s\n' "$B" "$STEP" "$1" "$N"
	printf '%s     手順 %s: %s%s\n\n' "$B" "$STEP" "$2" "$N"
}
say() { printf '%s\n' "$*" | fold -s -w 92 | sed 's/^/  /'; }
indent() { tr -d '\r' | sed 's/\x1b\[?2004[hl]//g; s/^/      /'; }
# What an administrator types on the terminal, and what it answers.
on_terminal() { # cmd
	printf '    mamori-vm# %s\n' "$1"
	vm_exec "export DEBIAN_FRONTEND=noninteractive; $1" 2>&1 | indent
}
on_host() { # cmd...
	printf '    host$ %s\n' "$*"
	"$@" 2>&1 | indent
}

# claim WHAT CMD...: a statement of the demo, checked by CMD; PASS or FAIL now and in the summary.
claim() {
	what=$1; shift
	if "$@" >"$VM_RUN/claim.out" 2>&1; then r=PASS; PASSED=$((PASSED + 1))
	else r=FAIL; FAILED=$((FAILED + 1)); sed 's/^/      | /' "$VM_RUN/claim.out" | tail -n 15; fi
	printf '  [%s] %s\n' "$r" "$what"
	CLAIMS="$CLAIMS$r  $what
"
}

die() { say "Cannot go on: $*"; summary; exit 1; }

summary() {
	printf '\n%s==== What this run proved / 実証した内容%s\n\n' "$B" "$N"
	printf '%s' "$CLAIMS" | sed 's/^/  /'
	printf '\n  %s passed, %s failed; demo took %ss (packages %s, image %s, boot %s, boot and steps %s)\n' \
		"$PASSED" "$FAILED" "$(($(date +%s) - T_START))" "${T_DEBS:-?}s" "${T_IMAGE:-?}s" \
		"${VM_BOOT_SECONDS:-?}s" "${T_STEPS:-?}s"
}

# ---- preparation: packages, image, collector, boot ---------------------------------------------
# The package build is skipped when no file that goes into the packages changed since.
debs_fresh() {
	# shellcheck disable=SC2012 # names from our own build
	stamp=$(ls -t "build/$(vm_deb_dir)"/*.changes 2>/dev/null | head -n 1)
	[ -n "$stamp" ] || return 1
	[ -z "$(find Makefile include lib agent pam tools conf doc po debian -newer "$stamp" \
		-type f 2>/dev/null | head -n 1)" ]
}

packages() {
	t0=$(date +%s)
	if debs_fresh; then
		say "The Debian packages in build/$(vm_deb_dir) are up to date with the sources."
	else
		say "Building the Debian packages (make deb, a few minutes)..."
		make deb SUITE="${SUITE:-bookworm}" >"$VM_RUN/make-deb.log" 2>&1 || { tail -n 30 "$VM_RUN/make-deb.log"; die "make deb failed"; }
	fi
	DEBS=$(vm_newest_debs "build/$(vm_deb_dir)"/*.deb)
	T_DEBS=$(($(date +%s) - t0))
	for d in $DEBS; do say "  $(basename "$d")"; done
}

image() {
	t0=$(date +%s)
	say "Preparing the terminal's disk image (Debian ${SUITE:-bookworm}; built once, then cached)..."
	# The guest has no network: what the packages and the forwarding need is baked in.
	# shellcheck disable=SC2046,SC2086
	vm_image $(vm_deb_depends $DEBS) rsyslog-relp || die "the VM image could not be built"
	T_IMAGE=$(($(date +%s) - t0))
}

# ---- step 1: the terminal and the collector ----------------------------------------------------
step_collector() {
	title "a terminal and the central log collector" "端末と中央ログ収集サーバ（RELP/TLS）を用意します"
	say "This machine plays the central syslog collector of the city hall: the real rsyslogd" \
		"with mamori's collector file (RELP over TLS; it admits only terminals whose" \
		"certificate is *.mamori.test). The certificates come from a throw-away test CA."
	collector_start "$VM_RUN/collector" >"$VM_RUN/collector.port" ||
		die "the collector did not start"
	say "Collector listening on 127.0.0.1:$COLLECTOR_PORT; the terminal reaches it as" \
		"$VM_FWD_IP:$COLLECTOR_GUEST_PORT and nothing else."
	echo
	say "Starting the terminal: a Debian ${SUITE:-bookworm} virtual machine under QEMU (about a minute)..."
	vm_boot >"$VM_RUN/boot.log" 2>&1 || { cat "$VM_RUN/boot.log"; die "the terminal did not boot"; }
	say "The terminal is up after ${VM_BOOT_SECONDS}s. The administrator installs the packages:"
	install_packages
	say "and points the terminal's rsyslog at the collector (/etc/mamori/forward.env, the" \
		"shipped 60-mamori-forward.conf, certificates in /etc/mamori/tls):"
	collector_guest >"$VM_RUN/forward.out" 2>&1
	r=$?
	on_terminal 'grep -v "^#" /etc/mamori/forward.env'
	printf '    mamori-vm# rsyslogd -N1 && systemctl restart rsyslog\n'
	indent <"$VM_RUN/forward.out"
	claim "the terminal's forwarding configuration is valid (rsyslogd -N1) and rsyslog runs with it" \
		eval "[ $r -eq 0 ] && vm_exec 'systemctl is-active --quiet rsyslog'"
}

install_packages() {
	names=$(for d in $DEBS; do dpkg-deb -f "$d" Package; done | tr '\n' ' ')
	printf '    (copied to /root/debs: %s)\n' "$(for d in $DEBS; do basename "$d"; done | paste -sd ' ' -)"
	printf '    mamori-vm# apt-get install --no-install-recommends /root/debs/*.deb\n'
	# shellcheck disable=SC2086
	vm_install_debs $DEBS >"$VM_RUN/install.log" 2>&1
	grep -E '^(Setting up|Unpacking) (mamori|libpam-mamori)' "$VM_RUN/install.log" | indent
	# shellcheck disable=SC2086
	claim "the packages install with apt-get: $names" \
		vm_exec "dpkg-query -W -f '\${db:Status-Abbrev}\n' $names | grep -vq '^ii ' && exit 1 || exit 0"
	claim "mamori-agent.service is running after the install" \
		vm_exec 'systemctl is-active --quiet mamori-agent'
}

# ---- step 2: enrolment ---------------------------------------------------------------------------
step_enrol() {
	title "enrol a member of staff for the second factor" "職員の二要素認証を登録します（QR コード）"
	say "Tanaka gets an account and is enrolled. mamorictl prints the QR code that the" \
		"authenticator app on Tanaka's phone scans, and one-time recovery codes; the enrolment" \
		"only takes effect once the first code shown by the app has been typed in."
	vm_exec "useradd -m -s /bin/bash -c 'Tanaka Haruko' $USER_NAME &&
		echo '$USER_NAME:$USER_PW' | chpasswd" >/dev/null 2>&1 || die "no user account"
	# Runs in the background on the terminal, its answers read from a pipe we write to.
	vm_exec "mkfifo -m 0600 /run/enrol.in && setsid sh -c 'LANG=C.UTF-8 mamorictl otp enroll \
		$USER_NAME --png /root/$USER_NAME-qr.png <>/run/enrol.in >/run/enrol.out 2>&1;
		echo \$? >/run/enrol.rc' </dev/null >/dev/null 2>&1 &" || die "enrolment not started"
	printf '    mamori-vm# mamorictl otp enroll %s --png /root/%s-qr.png\n' "$USER_NAME" "$USER_NAME"
	vm_query wait 30 grep -q "'digits): '" /run/enrol.out >/dev/null || die "no enrolment prompt"
	vm_exec 'cat /run/enrol.out' >"$VM_RUN/enrol.out"
	grep -v 'digits): ' "$VM_RUN/enrol.out" | indent
	URI=$(grep '^otpauth://' "$VM_RUN/enrol.out")
	scan_qr
	# From here on, codes are made from what the scan found, as the phone's app would.
	[ -z "$SCANNED" ] || URI=$SCANNED
	CODE=$(code_of)
	ACT_STEP=$(($(date +%s) / 30))
	say "The app shows $CODE (here: oathtool on this machine, from the scanned secret):"
	vm_exec "echo $CODE >/run/enrol.in" || :
	vm_query wait 30 test -s /run/enrol.rc >/dev/null || :
	# shellcheck disable=SC2016 # the guest's sed script
	vm_exec 'sed -n "/digits): /,\$p" /run/enrol.out' | sed "s/digits): /&$CODE\\n/" | indent
	claim "the first code from the scanned secret activates the enrolment" \
		vm_exec "grep -qx 0 /run/enrol.rc && mamorictl otp show $USER_NAME | grep -q 'state: *active'"
	on_terminal "mamorictl otp show $USER_NAME"
}

# The PNG sheet, read back with a QR decoder as a phone's camera would.
scan_qr() {
	vm_exec "base64 /root/$USER_NAME-qr.png" | base64 -d >"$VM_RUN/qr.png" 2>/dev/null
	say "The QR code sheet /root/$USER_NAME-qr.png, scanned on this machine:"
	printf '    host$ zbarimg --quiet --raw %s-qr.png\n' "$USER_NAME"
	SCANNED=$(zbarimg --quiet --raw "$VM_RUN/qr.png" 2>/dev/null)
	printf '%s\n' "$SCANNED" | indent
	claim "the QR code holds exactly the otpauth:// URI that was printed" test "$SCANNED" = "$URI"
}

# The code for the enrolled URI at this machine's clock (the guest's clock is the same, UTC).
code_of() {
	secret=$(printf '%s\n' "$URI" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
	oathtool --totp -N "@$(date +%s)" -b "$secret"
}

# ---- step 3: USB stick ---------------------------------------------------------------------------
step_stick() {
	title "plug in a USB stick: read-only, writing refused" "USB メモリを挿します：読み取り専用、書き込みは拒否"
	say "Someone plugs a USB stick into the terminal to take data away. mamori's udev rule makes" \
		"the stick and its partition read-only before any program sees it, and reports it."
	vm_make_fat_disk "$VM_RUN/stick.img" 64 USBSTICK
	STICK_SUM=$(sha256sum <"$VM_RUN/stick.img")
	vm_plug_stick demo-stick "$VM_RUN/stick.img" &&
		vm_query wait 30 blocks demo-stick >/dev/null || die "the stick did not appear"
	D=$(vm_query blocks demo-stick | head -n 1)
	vm_query wait 20 test -b "/dev/${D}1" >/dev/null && vm_exec 'sleep 2; udevadm settle' || :
	on_terminal "lsblk -o NAME,RO,SIZE,LABEL /dev/$D"
	claim "the stick (/dev/$D) and its partition are read-only in the kernel" \
		vm_exec "grep -qx 1 /sys/block/$D/ro && grep -qx 1 /sys/block/$D/${D}1/ro"
	on_terminal "mkdir -p /media/usb && mount /dev/${D}1 /media/usb"
	on_terminal "grep /media/usb /proc/mounts"
	on_terminal "cat /media/usb/README.TXT"
	on_terminal "cp /etc/passwd /media/usb/"
	claim "the filesystem is mounted read-only and copying a file onto it fails" \
		vm_exec "grep -q ' /media/usb vfat ro,' /proc/mounts && ! cp /etc/passwd /media/usb/ 2>/dev/null"
	on_terminal "umount /media/usb; dd if=/etc/passwd of=/dev/${D}1 oflag=direct bs=4096 count=1"
	claim "writing the raw device with dd fails, on the disk and on the partition" \
		vm_exec "! dd if=/dev/zero of=/dev/$D bs=4096 count=1 oflag=direct 2>/dev/null &&
			! dd if=/dev/zero of=/dev/${D}1 bs=4096 count=1 oflag=direct 2>/dev/null"
	say "The event, as written to the terminal's journal /var/log/mamori/events.log:"
	on_terminal "grep '^MAMORI-MEDIA-101 .*uevent=add dev=/dev/${D}1 ' /var/log/mamori/events.log"
	claim "the event MAMORI-MEDIA-101 names the stick's partition, serial number and label" \
		vm_exec "grep '^MAMORI-MEDIA-101 ' /var/log/mamori/events.log | grep 'dev=/dev/${D}1 ' |
			grep 'serial=demo-stick' | grep -q 'label=USBSTICK'"
	claim "nothing failed to be made read-only: no MAMORI-MEDIA-107 or MAMORI-AGENT-308 (err)" \
		no_enforcement_error
	vm_unplug demo-stick >/dev/null 2>&1 || :
	claim "not one byte of the stick changed (its image file on this machine, sha256)" \
		test "$(sha256sum <"$VM_RUN/stick.img")" = "$STICK_SUM"
}

no_enforcement_error() {
	vm_exec "grep -E '^MAMORI-(MEDIA-107|AGENT-308) ' /var/log/mamori/events.log" >"$VM_RUN/errors"
	cut -c1-300 "$VM_RUN/errors" | head -n 3
	[ ! -s "$VM_RUN/errors" ]
}

# ---- step 4: console login -----------------------------------------------------------------------
step_login() {
	title "log in on the console with password and one-time code" "コンソールでパスワードとワンタイムコードでログインします"
	say "Once the staff are enrolled, the administrator switches the second factor on for every" \
		"login (pam-auth-update) and stops admitting people who are not enrolled:"
	on_terminal "pam-auth-update --enable mamori && sed -i 's/^#* *unenrolled = .*/unenrolled = deny/' /etc/mamori/mamori.conf && grep pam_mamori /etc/pam.d/common-auth"
	say "Tanaka sits at the terminal's console (its serial line). First with a wrong code:"
	console_wrong_code
	wait_next_code
	say "Then with the code the app shows now:"
	console_right_code
}

console_show() { { cat "$VM_RUN/console.out"; echo; } | tr -d '\r' | sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g; /^$/d; s/^/    | /'; }

console_wrong_code() {
	WRONG=$(code_of | awk '{ printf "%06d", ($1 + 1) % 1000000 }')
	vm_console '\r' 'login: ' 30 >"$VM_RUN/console.out" &&
		vm_console "$USER_NAME\\r" 'Password: ' 30 >>"$VM_RUN/console.out" &&
		vm_console "$USER_PW\\r" 'One-time code: ' 60 >>"$VM_RUN/console.out"
	r1=$?
	vm_console "$WRONG\\r" 'Login incorrect[\s\S]*login: ' 60 >>"$VM_RUN/console.out"
	r2=$?
	console_show
	say "(typed: the password, then $WRONG, which is not the code of this moment)"
	claim "the right password alone does not log in: the console asks for the one-time code" \
		test $r1 -eq 0
	claim "a wrong code is refused (Login incorrect) and reported as MAMORI-AUTH-202" \
		eval "[ $r2 -eq 0 ] && vm_exec \"grep -q '^MAMORI-AUTH-202 .*user=$USER_NAME .*service=login' /var/log/mamori/events.log\""
}

# A code is accepted once, and no earlier one after it: the login waits for the app's next code
# after the one that activated the enrolment.
wait_next_code() {
	while [ $(($(date +%s) / 30)) -le "$ACT_STEP" ]; do sleep 1; done
}

console_right_code() {
	CODE=$(code_of)
	vm_console "$USER_NAME\\r" 'Password: ' 30 >"$VM_RUN/console.out" &&
		vm_console "$USER_PW\\r" 'One-time code: ' 60 >>"$VM_RUN/console.out" &&
		vm_console "$CODE\\r" "$USER_NAME@mamori-vm:~\\$ " 60 >>"$VM_RUN/console.out" &&
		vm_console 'id\r' "$USER_NAME@mamori-vm:~\\$ " 30 >>"$VM_RUN/console.out"
	r=$?
	vm_console 'exit\r' 'login: ' 30 >>"$VM_RUN/console.out" || :
	console_show
	say "(typed: the password, then $CODE from the app)"
	claim "password and the right code log Tanaka in (a shell as uid $USER_NAME), reported as MAMORI-AUTH-201" \
		eval "[ $r -eq 0 ] && grep -q 'uid=[0-9]*($USER_NAME)' '$VM_RUN/console.out' &&
			vm_exec \"grep -q '^MAMORI-AUTH-201 .*user=$USER_NAME .*service=login' /var/log/mamori/events.log\""
}

# ---- step 5: the collector and the report --------------------------------------------------------
step_report() {
	title "the events reach the collector; the administrator's report" "事象が中央に届き、mamorictl report で確認します"
	LAST=$(vm_exec 'tail -n 1 /var/log/mamori/events.log' | sed -n 's/.* seq=\([0-9]*\) .*/\1/p')
	say "Every event of the terminal is forwarded from its journal over RELP/TLS. Waiting until" \
		"the collector holds the last one (seq=$LAST)..."
	collector_wait 120 " seq=$LAST " || :
	ls "$COLLECTOR_DIR"/ | sed 's/^/    collector file: /'
	say "The collector's file, last lines (the auth.log shape):"
	tail -n 4 "$COLLECTOR_DIR"/*.log | cut -c1-200 | indent
	claim "every event of the terminal's journal (seq 1..$LAST) arrived at the collector" all_arrived
	say "The administrator's report over the collector's files (mamorictl on this machine):"
	on_host "$BUILD/mamorictl" report "$COLLECTOR_DIR"/*.log
	claim "the report shows the terminal, its media and login events, the wrong code as a violation, no gap" \
		report_ok
}

seqs() { sed -n 's/.* seq=\([0-9]*\) .*/\1/p' | sort -u; }

all_arrived() {
	vm_exec 'cat /var/log/mamori/events.log' | seqs | awk -v n="$LAST" '$1 <= n' >"$VM_RUN/sent"
	seqs <"$(collector_file)" >"$VM_RUN/got"
	[ "$(wc -l <"$VM_RUN/sent")" -eq "$LAST" ] &&
		[ -z "$(comm -23 "$VM_RUN/sent" "$VM_RUN/got" | tee /dev/stderr)" ]
}

report_ok() {
	"$BUILD/mamorictl" report --format csv "$COLLECTOR_DIR"/*.log >"$VM_RUN/report.csv" || return 1
	for row in 'summary,,,"gaps",,,0,' 'summary,,,"missing",,,0,' 'terminal,"mamori-vm",' \
		'event,,,"MAMORI-MEDIA-101",' 'event,,,"MAMORI-AUTH-202",,,1,1' 'event,,,"MAMORI-AUTH-201",'; do
		grep -qF "$row" "$VM_RUN/report.csv" || { echo "no row $row"; return 1; }
	done
}

main() {
	[ "$(id -u)" -eq 0 ] || { echo "make demo: building the terminal's disk image needs root"; exit 1; }
	vm_setup
	printf '%smamori demo: a hardened terminal of the My Number network, step by step%s\n' "$B" "$N"
	printf '%smamori デモ：マイナンバー利用事務系端末の強化を順に実演します%s\n\n' "$B" "$N"
	[ -x "$BUILD/mamorictl" ] || die "$BUILD/mamorictl is not built (make)"
	packages
	image
	T_STEPS0=$(date +%s)
	step_collector
	step_enrol
	step_stick
	step_login
	step_report
	vm_poweroff >/dev/null 2>&1 || :
	T_STEPS=$(($(date +%s) - T_STEPS0))
	summary
	[ "$FAILED" -eq 0 ]
}

main "$@"
