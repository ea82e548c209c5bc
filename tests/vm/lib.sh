# Driver library of the VM test bench, sourced by tests/vm/check.sh and by VM tests.
# One disposable Debian guest under QEMU software emulation (TCG): serial console logged,
# QMP for the machine, qemu-guest-agent for commands in the guest. See tests/vm/README.md.
#
#   vm_setup                       run directory, cleanup traps (call first)
#   vm_image [PKG...]              cached base image (build-image.sh) -> VM_IMAGE
#   vm_forward GUEST_PORT HOST_PORT  before boot: 10.0.2.100:GUEST_PORT -> 127.0.0.1:HOST_PORT
#   vm_boot_stick ID IMAGE         before boot: a USB stick plugged in at power-on
#   vm_boot                        start the machine, wait until systemd is up
#   vm_crash / vm_boot_again       QEMU quits without a shutdown / boots the same disk again
#   vm_exec CMD                    sh -c CMD in the guest: stdout, stderr, exit status
#   vm_console SEND EXPECT [SECS]  type on the serial console, read until EXPECT matches
#   vm_push LOCAL REMOTE [MODE]    copy a file into the guest
#   vm_qmp COMMAND [ARGS_JSON]     QEMU monitor command
#   vm_plug_* / vm_unplug ID       emulated devices (below)
#   vm_poweroff                    ACPI power button, wait for QEMU to exit
# shellcheck shell=sh

# Tests run from the top of the tree; VM_DIR says otherwise.
VM_DIR=${VM_DIR:-$(pwd)/tests/vm}
VM_PY=${VM_PY:-python3}
VM_MEM=${VM_MEM:-1024}
VM_SMP=${VM_SMP:-2}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-300}
# VM_ACCEL=kvm is for machines where KVM is known to work; it hangs on some hosts.
VM_EXEC_TIMEOUT=${VM_EXEC_TIMEOUT:-60}
# The address the guest dials for every forwarded service (QEMU user network, restrict=on).
VM_FWD_IP=10.0.2.100
VM_PID='' VM_RUN='' VM_HELPERS='' VM_NETFWD='' VM_BOOTDEVS='' VM_CHILD=''

vm_log() { echo "# $*"; }

# ---- lifecycle -----------------------------------------------------------------------------
vm_setup() {
	VM_RUN=$(mktemp -d "${TMPDIR:-/tmp}/mamori-vm.XXXXXX")
	VM_QMP=$VM_RUN/qmp.sock VM_QGA=$VM_RUN/qga.sock VM_SERIAL=$VM_RUN/serial.log
	VM_CONSOLE=$VM_RUN/console.sock
	# fd 3: the test's stdin, for commands run in the background (see vm_py)
	exec 3<&0
	trap vm_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	vm_watchdog
}

vm_cleanup() {
	rc=$?
	trap - EXIT INT TERM HUP
	[ -z "$VM_CHILD" ] || { kill "$VM_CHILD" 2>/dev/null; wait "$VM_CHILD" 2>/dev/null; } || :
	vm_kill
	for p in $VM_HELPERS; do kill "$p" 2>/dev/null || :; done
	for p in $VM_HELPERS; do wait "$p" 2>/dev/null || :; done
	[ -z "${VM_KEEP:-}" ] || { vm_log "kept run directory $VM_RUN"; exit $rc; }
	[ -z "$VM_RUN" ] || rm -rf "$VM_RUN"
	exit $rc
}

# A background process of the test (e.g. a listener) that cleanup must end.
vm_helper_started() { VM_HELPERS="$VM_HELPERS $1"; }

vm_kill() {
	[ -n "$VM_PID" ] || return 0
	kill "$VM_PID" 2>/dev/null || :
	i=0
	while kill -0 "$VM_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$VM_PID" 2>/dev/null || :
	wait "$VM_PID" 2>/dev/null || :
	VM_PID=
}

vm_image() {
	sh "$VM_DIR/build-image.sh" "$@" >"$VM_RUN/image" &
	VM_CHILD=$!
	r=0
	wait "$VM_CHILD" || r=$?
	VM_CHILD=''
	VM_IMAGE=$(tail -n 1 "$VM_RUN/image")
	[ $r -eq 0 ] && [ -f "$VM_IMAGE/rootfs.raw" ]
}

# ---- before boot ---------------------------------------------------------------------------
# Each connection to VM_FWD_IP:GUEST_PORT runs its own socat to the host port, so a guest
# that reconnects (rsyslog after an outage) gets a new connection.
vm_forward() {
	VM_NETFWD="$VM_NETFWD,guestfwd=tcp:$VM_FWD_IP:$1-cmd:socat - TCP:127.0.0.1:$2"
}

vm_boot_stick() { # id image
	VM_BOOTDEVS="$VM_BOOTDEVS -blockdev raw,node-name=$1-blk,file.driver=file,file.filename=$2"
	VM_BOOTDEVS="$VM_BOOTDEVS -device usb-storage,bus=xhci.0,id=$1,drive=$1-blk,serial=$1,removable=on"
}

# ---- boot ----------------------------------------------------------------------------------
vm_qemu_args() {
	# Fresh copy-on-write layer over the cached image: every run starts from the same disk.
	qemu-img create -q -f qcow2 -b "$VM_IMAGE/rootfs.raw" -F raw "$VM_RUN/disk.qcow2"
	set -- -nodefaults -no-user-config -display none -machine "q35,accel=${VM_ACCEL:-tcg}" \
		-m "$VM_MEM" -smp "$VM_SMP" -no-reboot -pidfile "$VM_RUN/qemu.pid" \
		-kernel "$VM_IMAGE/vmlinuz" -initrd "$VM_IMAGE/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 net.ifnames=0 panic=-1 ${VM_APPEND:-}" \
		-drive "file=$VM_RUN/disk.qcow2,if=virtio,format=qcow2" \
		-chardev "socket,id=qmp,path=$VM_QMP,server=on,wait=off" -mon chardev=qmp,mode=control \
		-chardev "socket,id=qga,path=$VM_QGA,server=on,wait=off" \
		-device virtio-serial-pci -device virtserialport,chardev=qga,name=org.qemu.guest_agent.0 \
		-chardev "socket,id=con,path=$VM_CONSOLE,server=on,wait=off,logfile=$VM_SERIAL,logappend=on" \
		-serial chardev:con \
		-netdev "user,id=net0,restrict=on$VM_NETFWD" -device virtio-net-pci,netdev=net0 \
		-device virtio-rng-pci \
		-device qemu-xhci,id=xhci,p2=8,p3=8 \
		-device sdhci-pci,id=sdhci -drive if=none,id=sd0 -device sd-card,id=sdcard,drive=sd0
	# shellcheck disable=SC2086 # VM_BOOTDEVS is a list of options without spaces
	printf '%s\n' "$@" $VM_BOOTDEVS
}

vm_boot() {
	vm_qemu_args >"$VM_RUN/qemu.args"
	vm_boot_again
}

# QEMU with the options and the disk of the last vm_boot: after vm_crash, power back on.
vm_boot_again() {
	# Options are one a line; the IFS split keeps the commas and spaces inside each.
	(
		IFS='
'
		# shellcheck disable=SC2046
		exec qemu-system-x86_64 $(cat "$VM_RUN/qemu.args") </dev/null >"$VM_RUN/qemu.log" 2>&1
	) &
	VM_PID=$!
	t0=$(date +%s)
	if ! vm_py qga-wait "$VM_QGA" "$VM_BOOT_TIMEOUT" 2>"$VM_RUN/qga-wait.log"; then
		vm_log "guest agent did not answer within ${VM_BOOT_TIMEOUT}s"
		tail -n 5 "$VM_RUN/qga-wait.log" | sed 's/^/# /'
		vm_diag
		return 1
	fi
	state=$(VM_EXEC_TIMEOUT=$VM_BOOT_TIMEOUT vm_exec 'systemctl is-system-running --wait') || :
	VM_BOOT_SECONDS=$(($(date +%s) - t0))
	vm_log "guest up in ${VM_BOOT_SECONDS}s, systemd: $state ($(tail -n 1 "$VM_RUN/qga-wait.log"))"
	vm_push "$VM_DIR/guest/vm-query" /run/vm-query 0755
	case $state in
	running) return 0 ;;
	degraded) vm_exec 'systemctl --failed --no-legend' | sed 's/^/# failed unit: /'; return 0 ;;
	*) vm_diag; return 1 ;;
	esac
}

# Should the test shell die without running its traps (SIGKILL), this ends QEMU (its pid
# is in the run directory) and removes the run directory all the same.
vm_watchdog() {
	(
		trap - EXIT INT HUP
		s=''
		trap 'kill $s 2>/dev/null; exit 0' TERM
		while kill -0 $$ 2>/dev/null; do sleep 1 & s=$!; wait $s; done
		[ ! -f "$VM_RUN/qemu.pid" ] || kill -9 "$(cat "$VM_RUN/qemu.pid")" 2>/dev/null
		rm -rf "$VM_RUN"
	) </dev/null >/dev/null 2>&1 &
	vm_helper_started $!
}

vm_running() { [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; }

# Pulls the plug: QEMU quits at once, the guest neither syncs nor shuts down. What the guest
# had handed to its disk is in the overlay; its page cache is gone.
vm_crash() {
	vm_qmp quit >/dev/null 2>&1 || :
	i=0
	while vm_running && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	vm_kill
}

vm_poweroff() {
	vm_qmp system_powerdown >/dev/null || return 1
	i=0
	while vm_running && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
	if vm_running; then vm_log "no power-off within 60s"; vm_kill; return 1; fi
	wait "$VM_PID" 2>/dev/null || :
	VM_PID=
}

# ---- talking to it -------------------------------------------------------------------------
# vmctl.py runs in the background and the shell waits for it: a shell runs its traps only
# between commands, and `wait` is the one that a signal interrupts, so an interrupted test
# still cleans up at once instead of after a long guest command.
vm_py() {
	"$VM_PY" "$VM_DIR/vmctl.py" "$@" <&3 &
	VM_CHILD=$!
	r=0
	wait "$VM_CHILD" || r=$?
	VM_CHILD=
	return $r
}
vm_exec() { vm_py exec "$VM_QGA" "$VM_EXEC_TIMEOUT" "$*"; }
# Same, with the test's stdin fed to the command.
vm_exec_stdin() { vm_py exec "$VM_QGA" "$VM_EXEC_TIMEOUT" --stdin "$*"; }
vm_push() { vm_py push "$VM_QGA" "$@"; }
# Types on the serial console (\n, \r escapes) and prints what it shows until the regular
# expression EXPECT matches; fails after SECONDS (default 30). For console-login tests.
vm_console() { vm_py console "$VM_CONSOLE" "${3:-30}" "$1" "$2"; }
vm_qmp() { vm_py qmp "$VM_QMP" "$@"; }
# vm-query (tests/vm/guest/vm-query) in the guest: kernel objects behind a device.
vm_query() { vm_exec "sh /run/vm-query $*"; }

# A shell condition in the guest, tried every 0.1 s until it holds, at most SECONDS: events
# reach the durable log and syslog a moment after what caused them, sooner or later
# depending on the machine's load.
vm_until() { # seconds condition
	vm_exec "i=0; until $2; do i=\$((i + 1)); [ \$i -lt $(($1 * 10)) ] || exit 1; sleep 0.1; done"
}

# Failure context for the test log: end of the serial console and of the kernel log.
vm_diag() {
	echo "# --- serial console (last 15 lines) ---"
	tail -n 15 "$VM_SERIAL" 2>/dev/null | tr -d '\r' | sed 's/^/# /'
	if vm_running; then
		echo "# --- guest dmesg (last 15 lines) ---"
		VM_EXEC_TIMEOUT=15 vm_exec 'dmesg | tail -n 15' 2>&1 | sed 's/^/# /'
	else
		echo "# --- qemu exited ---"
		sed 's/^/# /' "$VM_RUN/qemu.log" 2>/dev/null
	fi
}

# ---- packages ------------------------------------------------------------------------------
# Where `make deb` puts the packages of the guest's suite (Makefile, DEB_DIR): bookworm's in
# deb/, another suite's in deb-SUITE/, below the build directory. A bookworm build names
# bookworm's library packages (libssl3, libpng16-16, libpskc0), which trixie renamed
# (libssl3t64, ...; the old names survive there only as Provides on 64-bit architectures),
# and is not what a trixie terminal installs.
vm_deb_dir() { if [ "${SUITE:-bookworm}" = bookworm ]; then echo deb; else echo "deb-$SUITE"; fi; }

# The newest .deb of each package among the given files; debug symbols are left out, as an
# administrator would.
vm_newest_debs() { # file...
	seen=''
	# shellcheck disable=SC2012,SC2010 # names come from our own build
	for d in $(ls -t "$@" 2>/dev/null | grep '\.deb$'); do
		p=$(dpkg-deb -f "$d" Package) || continue
		case $p in *-dbgsym) continue ;; esac
		case " $seen " in *" $p "*) continue ;; esac
		seen="$seen $p"
		echo "$d"
	done
}

# What the .deb files depend on, for the base image: the guest has no network, so apt can
# install the local packages only when their dependencies are already there.
vm_deb_depends() { # deb...
	own=$(for d in "$@"; do dpkg-deb -f "$d" Package; done)
	for d in "$@"; do dpkg-deb -f "$d" Pre-Depends Depends; done |
		sed 's/^[A-Za-z-]*: //' | tr ',' '\n' | sed 's/|.*//; s/(.*//; s/:any//; s/[[:space:]]//g' |
		sed '/^$/d' | LC_ALL=C sort -u | while read -r p; do
			echo "$own" | grep -qx "$p" || echo "$p"
		done
}

# As an administrator would: copy the files over, `apt-get install ./x.deb`.
vm_install_debs() { # deb...
	vm_exec 'rm -rf /root/debs && mkdir -p /root/debs' || return 1
	for d in "$@"; do vm_push "$d" "/root/debs/$(basename "$d")" || return 1; done
	VM_EXEC_TIMEOUT=300 vm_exec 'DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends /root/debs/*.deb'
}

# ---- devices -------------------------------------------------------------------------------
# Every USB device gets serial=ID, which `vm-query` uses to find its kernel objects.
vm_blockdev() { # node image [read-only]
	ro=false; [ "${3:-}" = ro ] && ro=true
	vm_qmp blockdev-add "{\"node-name\":\"$1\",\"driver\":\"raw\",\"read-only\":$ro,
		\"file\":{\"driver\":\"file\",\"filename\":\"$2\",\"read-only\":$ro}}" >/dev/null
}

vm_usb_add() { # driver id [extra json members]
	vm_qmp device_add "{\"driver\":\"$1\",\"id\":\"$2\",\"bus\":\"xhci.0\",\"serial\":\"$2\"${3:+,$3}}" \
		>/dev/null
}

# USB stick: usb-storage, reporting a removable medium like real sticks do.
vm_plug_stick() { # id image
	vm_blockdev "$1-blk" "$2" && vm_usb_add usb-storage "$1" "\"drive\":\"$1-blk\",\"removable\":true"
}

# USB Attached SCSI disk. usb-uas and usb-bot stay detached until their SCSI device exists.
vm_plug_uas() { # id image
	vm_blockdev "$1-blk" "$2" && vm_usb_add usb-uas "$1" &&
		vm_qmp device_add "{\"driver\":\"scsi-hd\",\"id\":\"$1-hd\",\"bus\":\"$1.0\",\"drive\":\"$1-blk\"}" >/dev/null &&
		vm_attach "$1"
}

# USB DVD drive (bulk-only transport) with a disc in it.
vm_plug_dvd() { # id iso
	vm_blockdev "$1-blk" "$2" ro && vm_usb_add usb-bot "$1" &&
		vm_qmp device_add "{\"driver\":\"scsi-cd\",\"id\":\"$1-cd\",\"bus\":\"$1.0\",\"drive\":\"$1-blk\"}" >/dev/null &&
		vm_attach "$1"
}

vm_attach() { vm_qmp qom-set "{\"path\":\"$1\",\"property\":\"attached\",\"value\":true}" >/dev/null; }

# Phone in MTP mode exporting a host directory, read-only.
vm_plug_phone() { # id dir
	vm_usb_add usb-mtp "$1" "\"rootdir\":\"$2\",\"readonly\":true,\"desc\":\"Phone $1\""
}

# USB network adapter (QEMU usb-net: RNDIS and CDC ECM configurations, as phones offer for
# tethering) on its own user-mode network that reaches nothing. Its USB serial number is the
# MAC address in hex (QEMU sets it so), not the id. Unplug with vm_unplug_net.
vm_plug_net() { # id mac
	vm_qmp netdev_add "{\"type\":\"user\",\"id\":\"$1-net\",\"restrict\":true}" >/dev/null &&
		vm_usb_add usb-net "$1" "\"netdev\":\"$1-net\",\"mac\":\"$2\""
}
vm_unplug_net() { vm_unplug "$1" && vm_qmp netdev_del "{\"id\":\"$1-net\"}" >/dev/null; } # id

vm_plug_keyboard() { vm_usb_add usb-kbd "$1"; }        # id
vm_plug_smartcard_reader() { vm_usb_add usb-ccid "$1"; } # id (reader without a card)

# Unplugs a device, then frees its disk image once QEMU has let go of the device.
vm_unplug() { # id
	vm_qmp device_del "{\"id\":\"$1\"}" >/dev/null || return 1
	i=0
	while vm_qmp qom-list '{"path":"/machine/peripheral"}' | grep -q "\"name\": \"$1\""; do
		i=$((i + 1)); [ $i -lt 50 ] || { vm_log "device $1 still present"; return 1; }
		sleep 0.2
	done
	if vm_qmp query-named-block-nodes | grep -q "\"node-name\": \"$1-blk\""; then
		vm_qmp blockdev-del "{\"node-name\":\"$1-blk\"}" >/dev/null
	fi
}

# SD card in the PCI reader (sdhci-pci) present since boot: sd-card cannot be hot-plugged,
# its medium can.
vm_sd_insert() { # image
	vm_qmp blockdev-change-medium "{\"id\":\"sdcard\",\"filename\":\"$1\",\"format\":\"raw\"}" >/dev/null
}
vm_sd_eject() { vm_qmp eject '{"id":"sdcard","force":true}' >/dev/null; }

# ---- media images, made without root or loop devices ----------------------------------------
# A disk with an MBR partition table and one FAT partition at 1 MiB, holding README.TXT.
vm_make_fat_disk() { # file size_mb label
	rm -f "$1"
	truncate -s "${2}M" "$1"
	echo 'start=2048, type=e' | sfdisk -q "$1"
	mformat -i "$1@@1M" -v "$3" ::
	echo "mamori test medium $3" >"$VM_RUN/README.TXT"
	mcopy -i "$1@@1M" "$VM_RUN/README.TXT" ::/README.TXT
}

vm_make_iso() { # file label
	mkdir -p "$VM_RUN/iso-$2"
	echo "mamori test disc $2" >"$VM_RUN/iso-$2/README.TXT"
	xorriso -as mkisofs -quiet -V "$2" -o "$1" "$VM_RUN/iso-$2" 2>/dev/null
}
