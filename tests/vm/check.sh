#!/bin/sh
# The VM test suite: one disposable Debian guest under QEMU (software emulation), the mamori
# packages installed in it, and every emulated device kind plugged in and out of it.
# Prints "ok - ", "not ok - " or "skip - " per test; exits 0 when all passed, 1 when one
# failed, 77 (after "skip: <reason>") when this machine cannot run the VM.
#   env: BUILD (build directory, default build), SUITE (bookworm), VM_KEEP=1 keeps the run dir
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
# the guest's Debian release, for the base image (build-image.sh) and the packages (find_debs)
SUITE=${SUITE:-bookworm}
export SUITE
VM_DIR=$(pwd)/tests/vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"
# shellcheck source=tests/vm/t_syslog.sh
. "$VM_DIR/t_syslog.sh"

FAILED=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILED=$((FAILED + 1)); }
skip() { echo "skip - $*"; }
skip_all() { echo "skip: $*"; exit 77; }

# ---- can this machine run it ----------------------------------------------------------------
free_mb() { df -Pm "$1" | awk 'NR == 2 { print $4 }'; }

preflight() {
	command -v qemu-system-x86_64 >/dev/null || skip_all "qemu-system-x86_64 is not installed"
	qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg ||
		skip_all "this QEMU has no software emulation (TCG)"
	for t in python3 qemu-img mmdebstrap socat sfdisk mformat mcopy xorriso dpkg-deb flock; do
		command -v $t >/dev/null || skip_all "$t is not installed (see tests/deps.txt)"
	done
	[ "$(id -u)" -eq 0 ] || skip_all "building the VM image needs root"
	cache=${MAMORI_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mamori-vm}
	mkdir -p "$cache"
	[ "$(free_mb "$cache")" -ge 3000 ] || skip_all "less than 3 GB free for the image in $cache"
	[ "$(free_mb "${TMPDIR:-/tmp}")" -ge 1000 ] || skip_all "less than 1 GB free in ${TMPDIR:-/tmp}"
}

# ---- the mamori packages --------------------------------------------------------------------
# The packages built for the guest's suite, the ones shipped for it (vm_deb_dir).
find_debs() {
	DEB_PROBLEM='' DEB_FAILED=''
	sub=$(vm_deb_dir)
	DEBS=$(vm_newest_debs "$BUILD/$sub"/*.deb)
	[ -z "$DEBS" ] || return 0
	if [ ! -f debian/control ]; then
		DEB_PROBLEM="no packages built: this tree has no debian/ packaging yet"
		return 0
	fi
	vm_log "no packages in $BUILD/$sub, running make deb SUITE=$SUITE"
	if ! make deb SUITE="$SUITE" >"$VM_RUN/make-deb.log" 2>&1; then
		DEB_FAILED="make deb SUITE=$SUITE failed"
		return 0
	fi
	DEBS=$(vm_newest_debs "$BUILD/$sub"/*.deb "build/$sub"/*.deb)
	[ -n "$DEBS" ] || DEB_FAILED="make deb SUITE=$SUITE wrote no .deb into $BUILD/$sub or build/$sub"
}

test_packages() {
	if [ -n "$DEB_PROBLEM" ]; then skip "mamori packages installed ($DEB_PROBLEM)"; return; fi
	if [ -n "$DEB_FAILED" ]; then
		not_ok "mamori packages installed ($DEB_FAILED)"
		tail -n 20 "$VM_RUN/make-deb.log" 2>/dev/null | sed 's/^/# /'
		return
	fi
	names=$(for d in $DEBS; do dpkg-deb -f "$d" Package; done | tr '\n' ' ')
	t_install=$(date +%s)
	# shellcheck disable=SC2086
	if vm_install_debs $DEBS >"$VM_RUN/install.log" 2>&1 &&
		vm_log "packages copied in and installed in $(($(date +%s) - t_install))s" &&
		vm_exec "dpkg-query -W -f '\${db:Status-Abbrev}\${Package}\n' $names" >"$VM_RUN/dpkg.out" &&
		! grep -qv '^ii ' "$VM_RUN/dpkg.out"; then
		ok "mamori packages installed with apt-get: $names"
	else
		not_ok "mamori packages installed: $names"
		tail -n 20 "$VM_RUN/install.log" | sed 's/^/# /'
	fi
}

# ---- tests ----------------------------------------------------------------------------------
# Runs "what" as a test: ok when the command succeeds, otherwise not ok with diagnostics.
t() { # what cmd...
	what=$1; shift
	if "$@"; then ok "$what"; else not_ok "$what"; vm_diag; fi
}

test_boot() {
	if vm_boot; then
		t "guest boots to multi-user.target in ${VM_BOOT_SECONDS}s" \
			vm_exec 'systemctl is-active --quiet multi-user.target'
	else
		not_ok "guest boots to multi-user.target"
		return 1
	fi
}

console_prompt() { vm_console '\r' 'login: ' 30 >"$VM_RUN/console.out"; }

# A block device below the USB device with the given serial, named PREFIX*, whose partition
# PART (1, or empty for the whole medium) carries LABEL.
block_with_label() { # serial prefix label [part]
	b=$(vm_query blocks "$1" | head -n 1)
	case $b in "$2"*) ;; *) vm_log "$1: block device '$b', expected $2*"; return 1 ;; esac
	dev=/dev/$b${4:-}
	vm_query wait 20 test -b "$dev" || { vm_log "$1: no $dev"; return 1; }
	label=$(vm_exec "blkid -p -o value -s LABEL $dev") || :
	[ "$label" = "$3" ] || { vm_log "$1: $dev label '$label', expected $3"; return 1; }
}

has_line() { # serial query line
	vm_query "$2" "$1" | grep -qx "$3" || { vm_log "$1: $2 = $(vm_query "$2" "$1" | tr '\n' ' ')"; return 1; }
}

plugged() { vm_query wait 30 "$1" "$2" >/dev/null; }   # query serial
unplugged() { vm_unplug "$1" && vm_query gone 30 usbdev "$1"; }   # id (= serial)

# systemd may be up before the USB bus has enumerated what was plugged in at power-on.
boot_stick_present() { plugged blocks boot-stick && block_with_label boot-stick sd BOOTSTICK 1; }

test_boot_stick() {
	t "USB stick plugged at power-on is sd* with its FAT partition after boot" boot_stick_present
}

stick_appears() {
	vm_plug_stick stick1 "$VM_RUN/stick.img" && plugged blocks stick1 &&
		block_with_label stick1 sd STICK 1 && has_line stick1 drivers usb-storage
}

test_stick() {
	vm_make_fat_disk "$VM_RUN/stick.img" 64 STICK
	t "usb-storage stick appears as sd* with its FAT partition, driver usb-storage" stick_appears
	t "usb-storage stick leaves the guest on unplug" unplugged stick1
}

uas_appears() {
	vm_plug_uas uas1 "$VM_RUN/uas.img" && plugged blocks uas1 &&
		block_with_label uas1 sd UASDISK 1 && has_line uas1 drivers uas
}

test_uas() {
	vm_make_fat_disk "$VM_RUN/uas.img" 64 UASDISK
	t "usb-uas + scsi-hd disk appears as sd* with its FAT partition, driver uas" uas_appears
	t "usb-uas disk leaves the guest on unplug" unplugged uas1
}

dvd_appears() {
	vm_plug_dvd dvd1 "$VM_RUN/dvd.iso" && plugged blocks dvd1 &&
		block_with_label dvd1 sr MAMORI_DVD
}

test_dvd() {
	vm_make_iso "$VM_RUN/dvd.iso" MAMORI_DVD
	t "usb-bot + scsi-cd DVD drive appears as sr* with the disc's label" dvd_appears
	t "USB DVD drive leaves the guest on unplug" unplugged dvd1
}

phone_appears() {
	vm_plug_phone phone1 "$VM_RUN/phone" && plugged classes phone1 && has_line phone1 classes 06
}

test_phone() {
	mkdir -p "$VM_RUN/phone/DCIM"
	echo photo >"$VM_RUN/phone/DCIM/IMG_0001.TXT"
	t "usb-mtp phone appears with a still-image interface (class 06)" phone_appears
	t "phone leaves the guest on unplug" unplugged phone1
}

keyboard_appears() {
	vm_plug_keyboard kbd1 && plugged inputs kbd1 && has_line kbd1 drivers usbhid || return 1
	i=$(vm_query inputs kbd1 | head -n 1)
	vm_exec "grep -q Keyboard /sys/class/input/$i/name"
}

test_keyboard() {
	t "usb-kbd appears as a keyboard input device, driver usbhid" keyboard_appears
	t "keyboard leaves the guest on unplug" unplugged kbd1
}

ccid_appears() {
	vm_plug_smartcard_reader ccid1 && plugged classes ccid1 && has_line ccid1 classes 0b
}

test_ccid() {
	t "usb-ccid smart-card reader appears with a CCID interface (class 0b)" ccid_appears
	t "smart-card reader leaves the guest on unplug" unplugged ccid1
}

sd_appears() {
	vm_sd_insert "$VM_RUN/sd.img" && vm_query wait 30 mmc >/dev/null || return 1
	b=$(vm_query mmc | head -n 1)
	vm_query wait 20 test -e "/sys/block/$b/${b}p1" || return 1
	label=$(vm_exec "blkid -p -o value -s LABEL /dev/${b}p1")
	[ "$label" = SDCARD ] || { vm_log "SD: /dev/${b}p1 label '$label', expected SDCARD"; return 1; }
}

sd_gone() { vm_sd_eject && vm_query gone 30 mmc; }

test_sd() {
	vm_make_fat_disk "$VM_RUN/sd.img" 64 SDCARD
	t "SD card inserted in the sdhci-pci reader appears as mmcblk* with its partition" sd_appears
	t "SD card leaves the guest when removed" sd_gone
}

# ---- mamori-udev and its rules (package mamori-agent) ---------------------------------------
media_install() {
	vm_exec 'test -x /usr/libexec/mamori/mamori-udev &&
		test -f /usr/lib/udev/rules.d/10-mamori.rules &&
		test -f /usr/lib/udev/rules.d/72-mamori-uaccess.rules' &&
		# a listener like udisks: every block event as udev announces it, with its properties
		vm_exec 'setsid sh -c "exec udevadm monitor --udev --property --subsystem-match=block \
			>/run/mamori-monitor.log 2>&1" </dev/null >/dev/null 2>&1 &' &&
		vm_query wait 10 test -s /run/mamori-monitor.log
}

# udev reads every line of mamori's rules as written: `udevadm test` parses all rules files
# and names each line it warns about (an operator the key does not take, an unknown key)
# as FILE:LINE; systemd 252 (bookworm) and 257 (trixie) word it alike.
media_rules_clean() {
	out=$(vm_exec 'SYSTEMD_LOG_LEVEL=debug udevadm test /sys/class/mem/null 2>&1') || return 1
	for f in 10-mamori.rules 69-mamori-uaccess.rules 72-mamori-uaccess.rules; do
		printf '%s\n' "$out" | grep -q "Reading rules file: /usr/lib/udev/rules.d/$f" ||
			{ vm_log "udevadm test did not read $f"; return 1; }
	done
	bad=$(printf '%s\n' "$out" | grep 'mamori[^ /]*\.rules:[0-9]') || return 0
	printf '%s\n' "$bad" | sed 's/^/# udev: /'
	return 1
}

# Every announced add/change of the stick's disk and partitions already said MAMORI_READONLY=1,
# which mamori-udev prints only after reading the flag back from the kernel.
media_announced_readonly() { # disk
	vm_push "$VM_DIR/guest/announced-ro" /run/announced-ro 0755 || return 1
	r=0
	out=$(vm_exec "sh /run/announced-ro /run/mamori-monitor.log $1 2") || r=$?
	echo "$out" | sed 's/^/# /'
	return $r
}

media_stick_readonly() {
	vm_plug_stick stick2 "$VM_RUN/stick2.img" && plugged blocks stick2 || return 1
	MEDIA_DISK=$(vm_query blocks stick2 | head -n 1)
	vm_query wait 20 test -b "/dev/${MEDIA_DISK}1" &&
		vm_exec "sleep 2; udevadm settle; grep -qx 1 /sys/block/$MEDIA_DISK/ro &&
			grep -qx 1 /sys/block/$MEDIA_DISK/${MEDIA_DISK}1/ro"
}

media_dd_fails() {
	vm_exec "! dd if=/dev/zero of=/dev/$MEDIA_DISK bs=4096 count=1 oflag=direct 2>/dev/null &&
		! dd if=/dev/zero of=/dev/${MEDIA_DISK}1 bs=4096 count=1 oflag=direct 2>/dev/null"
}

media_mount_readonly() {
	vm_exec "mkdir -p /mnt/stick && mount /dev/${MEDIA_DISK}1 /mnt/stick 2>/dev/null;
		r=0; grep -q 'mamori test medium STICK2' /mnt/stick/README.TXT || r=1
		! touch /mnt/stick/written 2>/dev/null || r=1
		umount /mnt/stick; exit \$r"
}

media_event_logged() {
	vm_until 10 "grep '^MAMORI-MEDIA-101 ' /var/log/mamori/events.log |
		grep 'dev=/dev/${MEDIA_DISK}1 ' | grep 'serial=stick2' | grep -q 'label=STICK2'" ||
		{ vm_exec 'tail -n 5 /var/log/mamori/events.log; ls -la /run/mamori' | sed 's/^/# /'; return 1; }
}

dvd_generic_node_closed() {
	vm_make_iso "$VM_RUN/dvd2.iso" MAMORI_DVD2
	vm_plug_dvd dvd2 "$VM_RUN/dvd2.iso" && plugged blocks dvd2 || return 1
	sr=$(vm_query blocks dvd2 | head -n 1)
	vm_exec "sleep 2; udevadm settle; sg=\$(ls /sys/class/block/$sr/device/scsi_generic/)
		for n in /dev/$sr /dev/\$sg; do
			m=\$(stat -c %a \$n); [ \$m = 640 ] || { echo \$n mode \$m; exit 1; }
			! udevadm info -q property \$n | grep -q '^CURRENT_TAGS=.*:uaccess:' || { echo \$n uaccess; exit 1; }
		done"
}

phone_node_closed() {
	mkdir -p "$VM_RUN/phone2"
	vm_plug_phone phone2 "$VM_RUN/phone2" && plugged classes phone2 || return 1
	u=$(vm_query usbdev phone2)
	vm_exec "sleep 2; udevadm settle; n=/dev/\$(udevadm info -q name $u)
		udevadm info -q property $u | grep -qx MAMORI_CLASS=mtp || { echo no MAMORI_CLASS; exit 1; }
		! udevadm info -q property $u | grep -q '^CURRENT_TAGS=.*:uaccess:' || { echo uaccess; exit 1; }
		m=\$(stat -c %a \$n); [ \$m = 600 ] || { echo \$n mode \$m; exit 1; }"
}

test_media_udev() {
	vm_make_fat_disk "$VM_RUN/stick2.img" 64 STICK2
	sum=$(sha256sum <"$VM_RUN/stick2.img")
	t "mamori-udev and its udev rules installed by the package, listener started" media_install || return
	t "media: udev reads every line of the mamori rules without a warning (udevadm test)" \
		media_rules_clean
	t "media: USB stick disk and partition read-only after plug" media_stick_readonly || return
	t "media: each announcement of the stick's disk and partitions already read-only" \
		media_announced_readonly "$MEDIA_DISK"
	t "media: dd to the stick's disk and partition fails" media_dd_fails
	t "media: mounting gives a read-only filesystem, reading works" media_mount_readonly
	t "media: MAMORI-MEDIA-101 in the durable log with serial and label" media_event_logged
	t "media: stick unplugged" unplugged stick2
	t "media: the stick's image file is unchanged on the host" \
		test "$(sha256sum <"$VM_RUN/stick2.img")" = "$sum"
	t "media: DVD drive's sr and sg nodes: mode 0640, no uaccess tag" dvd_generic_node_closed
	t "media: DVD drive unplugged" unplugged dvd2
	t "media: MTP phone: no uaccess tag, node mode 0600" phone_node_closed
	t "media: phone unplugged" unplugged phone2
	t "media: keyboard still works with the rules installed" keyboard_appears
	t "media: keyboard unplugged" unplugged kbd1
}

# ---- mamori-agent (package mamori-agent, started by its postinst) ---------------------------
agent_active() { vm_exec 'systemctl is-active --quiet mamori-agent'; }

agent_started_logged() {
	vm_until 10 "grep -q '^MAMORI-AGENT-301 .* config=ok ' /var/log/mamori/events.log"
}

# The stick present at power-on was there before the package: the agent lists it at start.
agent_boot_stick_listed() {
	vm_until 10 "grep '^MAMORI-AGENT-305 ' /var/log/mamori/events.log | grep 'when=start' |
		grep -q 'serial=boot-stick'"
}

# The flags of the disk and its partition are back within 2 s of `blockdev --setrw` on both
# (policy: tamper undone at once), looked at every 0.1 s in the guest.
agent_restores_setrw() {
	vm_plug_stick stick3 "$VM_RUN/stick3.img" && plugged blocks stick3 || return 1
	d=$(vm_query blocks stick3 | head -n 1)
	AGENT_DISK=$d
	vm_query wait 20 test -b "/dev/${d}1" || return 1
	vm_exec "sleep 2; udevadm settle; grep -qx 1 /sys/block/$d/ro || exit 1
		blockdev --setrw /dev/${d}1 /dev/$d
		for i in \$(seq 20); do
			grep -qx 1 /sys/block/$d/ro && grep -qx 1 /sys/block/$d/${d}1/ro && exit 0
			sleep 0.1
		done
		echo flags not back after 2 s: \$(cat /sys/block/$d/ro /sys/block/$d/${d}1/ro); exit 1"
}

agent_tamper_logged() {
	vm_until 10 "grep '^MAMORI-AGENT-306 ' /var/log/mamori/events.log | grep -q 'serial=stick3'"
}

# The window between --setrw and the agent's next look, used for a read-write mount: the agent
# is held (SIGSTOP) while the window is open, so the mount is read-write for sure; once it
# runs again it must remount the filesystem read-only, from its own sandboxed namespace.
agent_remounts() {
	d=$AGENT_DISK
	vm_exec "mkdir -p /mnt/s3; systemctl kill -s STOP mamori-agent
		blockdev --setrw /dev/${d}1 /dev/$d; mount -o rw /dev/${d}1 /mnt/s3 2>/dev/null
		grep -q ' /mnt/s3 vfat rw' /proc/mounts; rw=\$?
		systemctl kill -s CONT mamori-agent
		[ \$rw -eq 0 ] || { echo the mount in the window was not read-write; exit 1; }
		for i in \$(seq 50); do
			grep -q ' /mnt/s3 vfat ro' /proc/mounts && break; sleep 0.1
		done
		grep -q ' /mnt/s3 vfat ro' /proc/mounts || { echo still read-write after 5 s; exit 1; }
		! touch /mnt/s3/written 2>/dev/null || { echo writable; exit 1; }
		sleep 0.5; umount /mnt/s3
		grep '^MAMORI-AGENT-307 ' /var/log/mamori/events.log | grep -q 'serial=stick3' ||
			{ echo no MAMORI-AGENT-307; exit 1; }"
}

# Enforcement never depends on the agent: stopped, a new stick is still read-only.
agent_stopped_still_readonly() {
	vm_exec 'systemctl stop mamori-agent' || return 1
	vm_exec "grep -q '^MAMORI-AGENT-302 .*udev rules' /var/log/mamori/events.log" ||
		{ echo "# no MAMORI-AGENT-302"; return 1; }
	vm_plug_stick stick4 "$VM_RUN/stick4.img" && plugged blocks stick4 || return 1
	d=$(vm_query blocks stick4 | head -n 1)
	vm_query wait 20 test -b "/dev/${d}1" &&
		vm_exec "sleep 2; udevadm settle; grep -qx 1 /sys/block/$d/ro && grep -qx 1 /sys/block/$d/${d}1/ro"
}

test_agent() {
	vm_make_fat_disk "$VM_RUN/stick3.img" 64 STICK3
	vm_make_fat_disk "$VM_RUN/stick4.img" 64 STICK4
	t "agent: mamori-agent.service is active after the package install" agent_active || return
	t "agent: MAMORI-AGENT-301 (started) in the durable log" agent_started_logged
	t "agent: the stick present at power-on is listed at start (MAMORI-AGENT-305)" \
		agent_boot_stick_listed
	t "agent: blockdev --setrw on a hot-plugged stick's disk and partition undone within 2 s" \
		agent_restores_setrw || return
	t "agent: MAMORI-AGENT-306 (tamper) in the durable log" agent_tamper_logged
	t "agent: a read-write mount made in the window is remounted read-only (MAMORI-AGENT-307)" \
		agent_remounts
	t "agent: stick3 unplugged" unplugged stick3
	t "agent: stopped (MAMORI-AGENT-302), a new stick is still read-only" \
		agent_stopped_still_readonly
	t "agent: stick4 unplugged" unplugged stick4
	vm_exec 'systemctl start mamori-agent' >/dev/null 2>&1 || :
}

# A listener on the host's loopback stands in for the central syslog.
net_forwarded() {
	vm_exec "bash -c 'echo mamori-net-check >/dev/tcp/$VM_FWD_IP/2514'" || return 1
	i=0
	until grep -qx mamori-net-check "$VM_RUN/net.out" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 20 ] || return 1
		sleep 0.2
	done
}

net_nothing_else() {
	vm_exec "! timeout 10 bash -c 'echo x >/dev/tcp/10.0.2.2/$NET_PORT' 2>/dev/null &&
		! timeout 10 bash -c 'echo x >/dev/tcp/$VM_FWD_IP/2515' 2>/dev/null"
}

test_network() {
	socat -u "TCP-LISTEN:$NET_PORT,bind=127.0.0.1,reuseaddr,fork" "OPEN:$VM_RUN/net.out,creat,append" &
	vm_helper_started $!
	sleep 0.3
	t "guest reaches a forwarded host port ($VM_FWD_IP:2514 -> 127.0.0.1)" net_forwarded
	t "guest reaches nothing else (the host at 10.0.2.2, an unforwarded port)" net_nothing_else
}

# ---- login with the second factor (the stacks pam-auth-update generates) ----------------
# Each person has an account with a password and a TOTP enrolment; each test uses its own
# person, since a code is accepted once and no earlier code after it.
LOGIN_PW='Haru-2026!'

# login_user NAME: account, password, enrolment; sets URI
login_user() {
	URI=$(vm_exec "id $1 >/dev/null 2>&1 || useradd -m -s /bin/sh $1 &&
		echo '$1:$LOGIN_PW' | chpasswd &&
		mamorictl otp enroll $1 --no-verify --force | grep '^otpauth://'") &&
		[ -n "$URI" ]
}
# code_of [SECONDS_AHEAD]: the code for the last enrolled URI at the host's clock (UTC, as the
# guest's), computed by oathtool from the secret in the URI
code_of() {
	secret=$(printf '%s\n' "$URI" | sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p')
	oathtool --totp -N "@$(( $(date +%s) + ${1:-0} ))" -b "$secret"
}

login_stack_enabled() {
	vm_exec 'pam-auth-update --enable mamori &&
		grep -q "^auth.*required.*pam_mamori.so" /etc/pam.d/common-auth &&
		sed -i "s/^#*\s*unenrolled = .*/unenrolled = deny/" /etc/mamori/mamori.conf'
}

console_login_ok() {
	login_user yamada || return 1
	vm_console '\r' 'login: ' 30 >"$VM_RUN/console.out" &&
		vm_console 'yamada\r' 'Password: ' 30 >>"$VM_RUN/console.out" &&
		vm_console "$LOGIN_PW\\r" 'One-time code: ' 60 >>"$VM_RUN/console.out" &&
		vm_console "$(code_of)\\r" '\$ $' 60 >>"$VM_RUN/console.out" &&
		vm_console 'exit\r' 'login: ' 30 >>"$VM_RUN/console.out"
}

console_wrong_code_fails() {
	login_user kimura || return 1
	wrong=$(code_of | awk '{ printf "%06d", ($1 + 1) % 1000000 }')
	vm_console 'kimura\r' 'Password: ' 30 >"$VM_RUN/console.out" &&
		vm_console "$LOGIN_PW\\r" 'One-time code: ' 60 >>"$VM_RUN/console.out" &&
		vm_console "$wrong\\r" 'Login incorrect[\s\S]*login: ' 60 >>"$VM_RUN/console.out" &&
		vm_exec "grep -q '^MAMORI-AUTH-202 .*user=kimura .*service=login' /var/log/mamori/events.log"
}

# sudo -S reads the password and every further prompt of PAM from its standard input (no -p:
# sudo would show that prompt in place of the module's)
sudo_demands_code() {
	login_user sato && vm_exec 'usermod -aG sudo sato' || return 1
	out=$(vm_exec "runuser -u sato -- sh -c 'printf \"%s\\n\" \"$LOGIN_PW\" | sudo -S -k id -u' 2>&1")
	case $out in *'One-time code'*) ;; *) echo "# sudo without a code: $out"; return 1 ;; esac
	[ "$(vm_exec "runuser -u sato -- sh -c 'printf \"%s\\n%s\\n\" \"$LOGIN_PW\" $(code_of) | sudo -S -k id -u' 2>/dev/null")" = 0 ]
}

su_demands_code() {
	login_user suzuki || return 1
	vm_exec "runuser -u nobody -- sh -c 'printf \"%s\\n\" \"$LOGIN_PW\" | su -c true suzuki'" \
		>/dev/null 2>&1 && { echo "# su accepted the password alone"; return 1; }
	[ "$(vm_exec "runuser -u nobody -- sh -c 'printf \"%s\\n%s\\n\" \"$LOGIN_PW\" $(code_of) | su -c whoami suzuki' 2>/dev/null")" = suzuki ]
}

# ssh with the shipped drop-in; the client answers every prompt through SSH_ASKPASS (a program
# outside /run, which is mounted noexec)
# (one line: the guest runs the command through a shell, where a newline ends it)
SSH='SSH_ASKPASS=/usr/local/bin/mamori-askpass SSH_ASKPASS_REQUIRE=force DISPLAY=none setsid -w ssh -n'
SSH="$SSH -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o NumberOfPasswordPrompts=1"
ssh_ready() {
	vm_exec "install -m 0644 /usr/share/mamori/sshd_config.d/mamori.conf /etc/ssh/sshd_config.d/ &&
		printf '#!/bin/sh\ncase \"\$1\" in *assword*) echo \"$LOGIN_PW\" ;; *ode*) cat /run/mamori-code ;; esac\n' \
			>/usr/local/bin/mamori-askpass && chmod 0755 /usr/local/bin/mamori-askpass &&
		systemctl restart ssh && sshd -T | grep -qx 'kbdinteractiveauthentication yes'"
}
ssh_demands_code() {
	login_user ito || return 1
	vm_exec "echo 000000 >/run/mamori-code; $SSH -o PreferredAuthentications=keyboard-interactive ito@127.0.0.1 true" \
		>/dev/null 2>&1 && { echo "# ssh accepted a wrong code"; return 1; }
	out=$(vm_exec "echo $(code_of) >/run/mamori-code; $SSH -o PreferredAuthentications=keyboard-interactive ito@127.0.0.1 whoami 2>&1")
	printf '%s\n' "$out" | grep -qx ito || { printf '%s\n' "$out" | sed 's/^/# ssh: /'; return 1; }
}
ssh_password_burns_no_code() {
	login_user kato || return 1
	code=$(code_of)
	vm_exec "echo $code >/run/mamori-code; $SSH -o PreferredAuthentications=password kato@127.0.0.1 true" \
		>/dev/null 2>&1 && { echo "# ssh password authentication got in"; return 1; }
	vm_exec "! grep -q 'MAMORI-AUTH-20[12] .*user=kato' /var/log/mamori/events.log" &&
		vm_exec "$SSH -o PreferredAuthentications=keyboard-interactive kato@127.0.0.1 whoami" | grep -qx kato
}

test_login() {
	t "login: pam-auth-update --enable mamori stacks pam_mamori in common-auth" login_stack_enabled ||
		return
	t "login: serial console, password + TOTP from oathtool logs in" console_login_ok
	t "login: serial console, password + wrong code is refused (MAMORI-AUTH-202)" \
		console_wrong_code_fails
	t "login: sudo asks for the code and accepts password + code" sudo_demands_code
	t "login: su asks for the code and accepts password + code" su_demands_code
	t "login: sshd with the shipped drop-in" ssh_ready || return
	t "login: ssh refuses a wrong code and accepts password + code" ssh_demands_code
	t "login: ssh password authentication is refused and burns no code" ssh_password_burns_no_code
}

# check.sh NAME...: boot, packages, then only the named tests, in the suite's order; a name is
# that of a test_NAME function here or of a tests/vm/t_NAME.sh file (e.g. `check.sh crash`).
only() { # name
	[ -z "$VM_ONLY" ] && return 0
	case " $VM_ONLY " in *" $1 "* | *" t_$1 "*) return 0 ;; esac
	return 1
}

main() {
	VM_ONLY=$*
	preflight
	vm_setup
	find_debs
	extra=
	# shellcheck disable=SC2086
	[ -z "$DEBS" ] || extra=$(vm_deb_depends $DEBS)
	T_IMAGE=$(date +%s)
	# shellcheck disable=SC2086
	vm_image $extra || { not_ok "VM base image builds"; exit 1; }
	T_TESTS=$(date +%s)
	vm_make_fat_disk "$VM_RUN/boot-stick.img" 32 BOOTSTICK
	vm_boot_stick boot-stick "$VM_RUN/boot-stick.img"
	NET_PORT=$("$VM_PY" "$VM_DIR/vmctl.py" free-port)
	vm_forward 2514 "$NET_PORT"
	syslog_before_boot
	test_boot || exit 1
	BOOT_FIRST=$VM_BOOT_SECONDS
	test_packages
	only console && t "serial console offers a login prompt" console_prompt
	only boot_stick && test_boot_stick
	only network && test_network
	only stick && test_stick
	only uas && test_uas
	only dvd && test_dvd
	only sd && test_sd
	only phone && test_phone
	only keyboard && test_keyboard
	only ccid && test_ccid
	only media_udev && test_media_udev
	only agent && test_agent
	if only media; then
		. "$VM_DIR/t_media.sh" && test_media_real || not_ok "media+: tests/vm/t_media.sh ran to its end"
	fi
	only login && test_login
	only deny && . "$VM_DIR/t_deny.sh" && test_deny
	only syslog && test_syslog
	T_CRASH=$(date +%s)
	# last: it kills the guest and boots it again
	only crash && . "$VM_DIR/t_crash.sh" && test_crash
	vm_log "time: crash test $(($(date +%s) - T_CRASH))s"
	t "guest powers off on the ACPI power button" vm_poweroff
	vm_log "time: image $((T_TESTS - T_IMAGE))s, boot ${BOOT_FIRST}s, all tests $(($(date +%s) - T_TESTS))s"
	[ "$FAILED" -eq 0 ]
}

main "$@"
