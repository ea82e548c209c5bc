# Removable media against the real kernel, beyond what check.sh's own media tests cover:
# the host-side hash of each emulated medium is unchanged after every attack (dd, read-write
# mount, --setrw followed at once by a read-write mount, a dirty ext4 journal, a stick
# present at power-on or before udevd starts); a listener on the udev monitor finds the
# read-only flag already set on every announcement; the DVD drive's sr and sg nodes and the
# phone's node cannot be opened for writing by the cdrom group nor by the seat user, whichever
# session becomes active when and however often udev handles them again; each device kind under
# readonly and audit, with its event in syslog and in the durable log; mamorictl check.
# Sourced by tests/vm/check.sh after its agent tests (it uses t, ok, not_ok, plugged,
# unplugged and lib.sh); test_media_real runs it all, called so that a failing step is a
# "not ok" line, never the end of the suite (check.sh runs under set -e).
# shellcheck shell=sh

TM_LOG=/var/log/mamori/events.log
tm_hash() { sha256sum <"$1" | cut -d' ' -f1; }
tm_same_hash() { # image hash
	now=$(tm_hash "$1")
	[ "$now" = "$2" ] || { vm_log "$(basename "$1"): sha256 $2 before, $now after"; return 1; }
}
tm_disk() { vm_query blocks "$1" | head -n 1; }   # the sd*/sr* of a USB device
# wait until the disk and its partition 1 (if any) carry the flag
tm_ro() { # disk [part-suffix]
	vm_exec "udevadm settle; for i in \$(seq 50); do
		grep -qx 1 /sys/block/$1/ro && { [ -z '${2:-}' ] || grep -qx 1 /sys/block/$1/$1${2:-}/ro; } && exit 0
		sleep 0.1; done; echo $1: ro=\$(cat /sys/block/$1/ro); exit 1"
}
tm_writable() { vm_exec "udevadm settle; grep -qx 0 /sys/block/$1/ro" || { vm_log "$1 is read-only"; return 1; }; }

# ---- the attacks --------------------------------------------------------------------------
# In the instant udev re-reads the partition table (after the write-close of the disk),
# /dev/sdX1 may be gone, and dd then creates a regular file in its place, which hides the
# partition's node. Before Linux 6.6 (bookworm) O_DIRECT fails on tmpfs, so that dd "fails"
# and leaves the file; from 6.6 on (trixie's 6.12) tmpfs takes O_DIRECT and the dd succeeds,
# writing only into that file on devtmpfs: a dd that worked counts as refused only when what
# it wrote to is now a regular file, never when it is the device (the host-side hash of the
# medium is checked as well). mamori must report that file (MAMORI-MEDIA-116), not a failure
# to set the flag (MAMORI-MEDIA-107), and keep the partition read-only; tm_misplaced_ok
# checks it and puts the node back.
tm_dd_fails() { # disk
	from=$(tm_log_lines) || return 1
	vm_exec "for n in /dev/$1 /dev/${1}1; do [ -b \$n ] || continue
		dd if=/dev/zero of=\$n bs=4096 count=1 seek=1 oflag=direct 2>/dev/null || continue
		[ ! -b \$n ] && [ -f \$n ] || { echo dd to \$n worked; exit 1; }
		echo \"# dd to \$n wrote a regular file: the partition table re-read raced it\"
	done" || return 1
	if vm_exec "udevadm settle; test -f /dev/${1}1"; then
		vm_log "dd raced the partition table re-read: a regular file at /dev/${1}1"
		tm_misplaced_ok "$1" "$from" || return 1
	fi
	tm_no_false_107 "$1" "$from"
}
tm_log_lines() { vm_exec "wc -l <$TM_LOG"; }
tm_new_events() { echo "tail -n +\$(($1 + 1)) $TM_LOG"; } # lines after line N: a guest command
tm_no_false_107() { # disk from-line
	! vm_exec "$(tm_new_events "$2") | grep '^MAMORI-MEDIA-107 ' | grep -q 'failed_dev=/dev/$1'" ||
		{ vm_log "MAMORI-MEDIA-107 for $1: $(vm_exec "grep '^MAMORI-MEDIA-107 ' $TM_LOG | tail -n 1")"; return 1; }
}
# A regular file at /dev/DISK1: both mamori-udev and the agent report it (MAMORI-MEDIA-116,
# readonly=1: the agent's private node works within its sandbox), the real partition is
# read-only, nothing says MAMORI-MEDIA-107; then the file goes and the node comes back.
tm_misplaced_ok() { # disk from-line
	ev=$(tm_new_events "$2")
	vm_exec "for i in \$(seq 50); do
			$ev | grep '^MAMORI-MEDIA-116 .*uevent=[a-z]* dev=/dev/${1}1 found=\"regular file\" .* readonly=1' >/dev/null &&
			$ev | grep '^MAMORI-MEDIA-116 .*dev=/dev/${1}1 disk=$1 .*found=\"regular file\" .* readonly=1 ' >/dev/null && exit 0
			sleep 0.1; done; $ev | grep '^MAMORI-MEDIA-116 '; exit 1" ||
		{ vm_log "no MAMORI-MEDIA-116 readonly=1 from mamori-udev and the agent for /dev/${1}1"; return 1; }
	vm_until 10 "grep 'mamori-udev\[[0-9]*\]: MAMORI-MEDIA-116 .*dev=/dev/${1}1 ' /var/log/auth.log >/dev/null" ||
		{ vm_log "MAMORI-MEDIA-116 not in /var/log/auth.log"; return 1; }
	vm_exec "grep -qx 1 /sys/block/$1/${1}1/ro" || { vm_log "${1}1 writable"; return 1; }
	tm_no_false_107 "$1" "$2" || return 1
	tm_rereadpt "$1" "rm -f /dev/${1}1" "test -b /dev/${1}1" || { vm_log "/dev/${1}1 did not come back"; return 1; }
	tm_ro "$1" 1
}
# before; partition table re-read (again while the agent has a partition open for an instant:
# EBUSY); then
tm_rereadpt() { # disk before then
	vm_exec "$2 && for i in 1 2 3 4 5; do blockdev --rereadpt /dev/$1 2>/dev/null && break; sleep 0.2; done
		udevadm settle && $3"
}
# The race made certain: the partition's node replaced by a regular file, then the table
# re-read (devtmpfs cannot put the node back, udev announces the partition again).
tm_misplaced_node() { # disk
	from=$(tm_log_lines) || return 1
	tm_rereadpt "$1" "rm /dev/${1}1 && : >/dev/${1}1" "test -f /dev/${1}1" || return 1
	tm_misplaced_ok "$1" "$from"
}
# mount -o rw either fails or gives a read-only mount, and nothing can be written through it
tm_rw_mount_refused() { # node
	vm_exec "mkdir -p /mnt/tm; mount -o rw $1 /mnt/tm 2>/dev/null || exit 0
		r=0; grep -q '^$1 /mnt/tm [^ ]* rw' /proc/mounts && { echo mounted read-write; r=1; }
		touch /mnt/tm/written 2>/dev/null && { echo written; r=1; }
		umount /mnt/tm; exit \$r"
}
# the attacker clears both flags and mounts read-write at once, before the agent looks again
tm_setrw_then_mount() { # disk
	vm_exec "mkdir -p /mnt/tm; blockdev --setrw /dev/${1}1 /dev/$1 && mount -o rw /dev/${1}1 /mnt/tm
		sleep 3; grep ' /mnt/tm ' /proc/mounts; umount /mnt/tm; sleep 0.5
		grep -qx 1 /sys/block/$1/ro && grep -qx 1 /sys/block/$1/${1}1/ro"
}

tm_attacks() { # disk
	[ -n "$1" ] && tm_ro "$1" 1 && tm_dd_fails "$1" && tm_rw_mount_refused "/dev/${1}1"
}

# ---- media images ---------------------------------------------------------------------------
# Two FAT partitions: every announcement of the disk carries two partitions.
tm_make_two_part() { # file label
	rm -f "$1"; truncate -s 64M "$1"
	printf 'start=2048, size=40960, type=e\nstart=43008, type=e\n' | sfdisk -q "$1"
	mformat -i "$1@@1M" -v "$2" ::
	mformat -i "$1@@21M" -v "${2}B" ::
}

# ext4 on the whole medium with a journal that needs recovery: copied from a loop mount on
# the host after writing and before unmounting, as a stick pulled out of a running machine.
tm_make_dirty_ext4() { # file
	rm -f "$1"; truncate -s 32M "$1"
	mkfs.ext4 -q -F -L DIRTYJNL "$1" || return 1
	m=$VM_RUN/dirty-mnt; mkdir -p "$m"
	mount -o loop "$1" "$m" || return 1
	for i in 1 2 3 4 5; do echo "written before the crash $i" >"$m/file$i"; done
	sync -f "$m/file5"
	cp --sparse=always "$1" "$1.crash"
	umount "$m"
	mv "$1.crash" "$1"
	dumpe2fs -h "$1" 2>/dev/null | grep -q needs_recovery ||
		debugfs -w -R 'feature needs_recovery' "$1" >/dev/null 2>&1
	dumpe2fs -h "$1" 2>/dev/null | grep -q needs_recovery
}

# ---- events ---------------------------------------------------------------------------------
# The event is in the durable log and in syslog (authpriv: /var/log/auth.log).
tm_event() { # id pattern...
	ev_id=$1; shift
	ev_f="grep '^$ev_id '" ev_s="grep 'mamori-udev\\[[0-9]*\\]: $ev_id '"
	for ev_p in "$@"; do ev_f="$ev_f | grep -e '$ev_p'" ev_s="$ev_s | grep -e '$ev_p'"; done
	vm_until 10 "$ev_f $TM_LOG >/dev/null" ||
		{ vm_log "$ev_id $* not in $TM_LOG"; vm_exec "tail -n 3 $TM_LOG" | sed 's/^/# /'; return 1; }
	vm_until 10 "$ev_s /var/log/auth.log >/dev/null" || { vm_log "$ev_id $* not in /var/log/auth.log"; return 1; }
}

# ---- the users: one in the cdrom group, one with the active session of seat0 ------------
# A session on tty1 opened through PAM (pam_systemd), as a console login would: logind puts
# it on seat0 and makes it active, which is what udev's uaccess ACLs follow.
tm_seat_user() {
	vm_exec "id ken >/dev/null 2>&1 || useradd -m -G cdrom ken
		id hana >/dev/null 2>&1 || useradd -m hana
		systemctl stop getty@tty1 2>/dev/null
		systemd-run --no-block --unit=tm-seat -p PAMName=login -p User=hana \
			-p TTYPath=/dev/tty1 -p StandardInput=tty-force -p StandardOutput=null sleep 3600" ||
		return 1
	i=0
	until vm_exec "s=\$(loginctl show-seat seat0 -p ActiveSession --value) && [ -n \"\$s\" ] &&
		loginctl activate \$s && loginctl show-session \$s -p Name -p Seat -p Active | tr '\n' ' '" \
		>"$VM_RUN/seat.out" 2>&1 && grep -q 'Name=hana Seat=seat0 Active=yes' "$VM_RUN/seat.out"; do
		i=$((i + 1))
		[ $i -lt 10 ] || { sed 's/^/# /' "$VM_RUN/seat.out"; vm_exec 'loginctl list-sessions; systemctl status tm-seat --no-pager | tail -n 5' | sed 's/^/# /'; return 1; }
		sleep 2
	done
}

# The DVD drive's nodes: srN and each of its SCSI generic nodes. Burning goes through SG_IO
# on either, so neither may be open for writing to anyone but root.
tm_sg_of() { vm_exec "ls /sys/class/block/$1/device/scsi_generic/"; }
tm_dvd_nodes() { # sr
	g=$(tm_sg_of "$1") || return 1
	[ -n "$g" ] || { vm_log "$1 has no SCSI generic node"; return 1; }
	echo "/dev/$1 $(echo "$g" | sed 's|^|/dev/|' | tr '\n' ' ')"
}
# Succeeds when the user can open the node for writing the way cdrecord does: O_NONBLOCK
# opens srN for writing even with a read-only medium in it (QEMU's), and SG_IO follows.
tm_open_rw() { # user node
	vm_exec "runuser -u $1 -- perl -MFcntl -e 'sysopen(F, \$ARGV[0], O_RDWR | O_NONBLOCK) or exit 1' $2 2>/dev/null"
}
# No ACL entry of a named user or group with the write bit (getfacl) on any of the nodes,
# and the user cannot open one for writing.
tm_no_write() { # user node...
	nw_u=$1; shift
	for nw_n in "$@"; do
		nw_acl=$(vm_exec "getfacl -cp $nw_n") || { vm_log "getfacl $nw_n failed"; return 1; }
		if printf '%s\n' "$nw_acl" | grep -q '^\(user\|group\):[^:][^:]*:.w'; then
			vm_log "$nw_n: ACL $(printf '%s' "$nw_acl" | tr '\n' ' ')"; return 1
		fi
		! tm_open_rw "$nw_u" "$nw_n" || { vm_log "$nw_u opened $nw_n for writing"; return 1; }
	done
}
# ken (cdrom) and hana (seat0) cannot write to the drive; ken can still read it
tm_dvd_closed() { # sr
	nodes=$(tm_dvd_nodes "$1") || return 1
	# shellcheck disable=SC2086 # one node a word
	tm_no_write ken $nodes && tm_no_write hana $nodes || return 1
	sg=$(tm_sg_of "$1" | head -n 1)
	vm_exec "runuser -u ken -- sh -c 'exec 3</dev/$sg'" || { vm_log "ken cannot even read /dev/$sg"; return 1; }
}

# ---- timing: which session is active when ------------------------------------------------
# Another console session (PAM, pam_systemd) on seat0, not active yet.
tm_session() { # user tty unit
	vm_exec "id $1 >/dev/null 2>&1 || useradd -m $1
		systemctl stop getty@$2 2>/dev/null
		systemd-run --no-block --unit=$3 -p PAMName=login -p User=$1 \
			-p TTYPath=/dev/$2 -p StandardInput=tty-force -p StandardOutput=null sleep 3600" ||
		return 1
	vm_exec "for i in \$(seq 100); do
		loginctl list-sessions --no-legend | grep -q ' $1 seat0 ' && exit 0; sleep 0.2
	done; exit 1" || { vm_log "no session of $1 on seat0"; return 1; }
}
# The user's session becomes the active one of seat0 (loginctl activate: a VT switch).
tm_activate() { # user
	vm_exec "s=\$(loginctl list-sessions --no-legend | awk '\$3 == \"$1\" { print \$1; exit }')
		[ -n \"\$s\" ] && loginctl activate \$s || exit 1
		for i in \$(seq 50); do
			[ \"\$(loginctl show-seat seat0 -p ActiveSession --value)\" = \"\$s\" ] && exit 0
			sleep 0.2
		done; exit 1" || { vm_log "$1's session did not become active"; return 1; }
	vm_exec "udevadm settle"
}
# The orders that gave the seat user a write ACL before (systemd 252's sticky uaccess tag):
# udev handling the nodes' change events again while a session is active, and a session
# becoming active after the devices appeared. The nodes must stay closed to each user.
tm_seat_timing() { # node...
	# shellcheck disable=SC2086
	vm_exec "for i in 1 2 3; do udevadm trigger --settle --action=change $*; done" &&
		tm_no_write hana "$@" &&
		tm_session kumi tty2 tm-seat2 && tm_activate kumi && tm_no_write kumi "$@" &&
		vm_exec "for i in 1 2; do udevadm trigger --settle --action=change $*; done" &&
		tm_no_write kumi "$@" && tm_activate hana && tm_no_write hana "$@" && tm_no_write kumi "$@"
}

# ---- the listener ---------------------------------------------------------------------------
tm_listener_start() {
	command -v cc >/dev/null || { vm_log "no C compiler on the host"; return 1; }
	cc -O2 -o "$VM_RUN/ro-listener" "$VM_DIR/guest/ro-listener.c" -ludev || return 1
	vm_push "$VM_RUN/ro-listener" /usr/local/bin/mamori-ro-listener 0755 &&
		vm_exec 'setsid sh -c "exec /usr/local/bin/mamori-ro-listener >/var/tmp/ro-listener.log 2>&1" \
			</dev/null >/dev/null 2>&1 &' &&
		vm_query wait 10 grep -qx ready /var/tmp/ro-listener.log
}

# Plug, re-read the partition table again and again, unplug, plug again: each announcement
# of a disk or a partition is one line of the listener.
tm_announce_loop() {
	tm_make_two_part "$VM_RUN/ann.img" ANN
	for _ in 1 2; do
		vm_plug_stick ann "$VM_RUN/ann.img" && plugged blocks ann || return 1
		d=$(tm_disk ann)
		vm_query wait 20 test -b "/dev/${d}2" && tm_ro "$d" 2 || return 1
		# every re-read must work: the agent never holds a partition open (BLKRRPART fails
		# with EBUSY then), neither at its re-check nor for the events a re-read sends
		VM_EXEC_TIMEOUT=300 vm_exec "for i in \$(seq 12); do blockdev --rereadpt /dev/$d || exit 1; udevadm settle; done" ||
			{ vm_log "a partition table re-read of $d failed"; return 1; }
		unplugged ann || return 1
	done
}

# Each announcement of an sd*/mmcblk* disk or partition: ro=1 counts, ro=gone only when that
# device's "remove" follows (it was unplugged before the listener could look), anything else
# is a device some listener could have found writable.
# shellcheck disable=SC2016 # an awk program
TM_ANN_AWK='
$2 !~ /^(sd|mmcblk)[a-z0-9]*$/ { next }
$1 == "remove" { if ($2 in gone) { removed++; delete gone[$2] }; next }
$2 in gone { bad++; print "#   " gone[$2] " (no remove after it)"; delete gone[$2] }
$3 == "ro=1" { ok++; next }
$3 == "ro=gone" { gone[$2] = $0; next }
{ bad++; print "#   " $0 }
END {
	for (n in gone) { bad++; print "#   " gone[n] " (no remove after it)" }
	printf "# listener: %d announcements of sd*/mmcblk* disks and partitions with the flag set, %d of a device already removed, %d without the flag\n", ok, removed, bad
	exit !(ok >= 50 && bad == 0)
}'
tm_announcements_ro() {
	vm_exec 'cat /var/tmp/ro-listener.log' >"$VM_RUN/ro-listener.log" || return 1
	awk "$TM_ANN_AWK" "$VM_RUN/ro-listener.log"
}

# ---- policies -------------------------------------------------------------------------------
tm_policy() { # readonly | audit
	if [ "$1" = audit ]; then
		vm_exec "cp -n /etc/mamori/mamori.conf /root/mamori.conf.orig
			sed -i 's/^  #policy = readonly/  policy = audit/; s/^  #optical = readonly/  optical = audit/;
				s/^  #mtp = deny/  mtp = audit/' /etc/mamori/mamori.conf
			mamorictl config check >/dev/null && grep -q '^  mtp = audit' /etc/mamori/mamori.conf"
	else
		vm_exec "[ ! -f /root/mamori.conf.orig ] || cp /root/mamori.conf.orig /etc/mamori/mamori.conf"
	fi && vm_exec 'systemctl reload mamori-agent'
}

tm_stick_ok() { # id image label policy
	vm_plug_stick "$1" "$2" && plugged blocks "$1" || return 1
	d=$(tm_disk "$1"); vm_query wait 20 test -b "/dev/${d}1" || return 1
	if [ "$4" = readonly ]; then
		tm_ro "$d" 1 && tm_dd_fails "$d" && tm_rw_mount_refused "/dev/${d}1" &&
			tm_event MAMORI-MEDIA-101 "dev=/dev/${d}1 " "serial=$1 " "label=$3 " "class=usb-storage " &&
			tm_misplaced_node "$d"
	else
		tm_writable "$d" && tm_event MAMORI-MEDIA-103 "dev=/dev/${d}1 " "serial=$1 " "action=audit "
	fi
}

tm_uas_ok() { # id image policy
	vm_plug_uas "$1" "$2" && plugged blocks "$1" || return 1
	d=$(tm_disk "$1"); vm_query wait 20 test -b "/dev/${d}1" || return 1
	vm_query drivers "$1" | grep -qx uas || { vm_log "$1 not on uas"; return 1; }
	if [ "$3" = readonly ]; then
		tm_ro "$d" 1 && tm_dd_fails "$d" && tm_event MAMORI-MEDIA-101 "dev=/dev/${d}1 " "serial=$1 "
	else
		tm_writable "$d" && tm_event MAMORI-MEDIA-103 "dev=/dev/${d}1 " "serial=$1 "
	fi
}

tm_sd_ok() { # image policy
	vm_sd_insert "$1" && vm_query wait 30 mmc >/dev/null || return 1
	b=$(vm_query mmc | head -n 1)
	vm_query wait 20 test -b "/dev/${b}p1" || return 1
	if [ "$2" = readonly ]; then
		tm_ro "$b" p1 && tm_dd_fails "$b" && tm_rw_mount_refused "/dev/${b}p1" &&
			tm_event MAMORI-MEDIA-101 "dev=/dev/${b}p1 " "class=sd "
	else
		tm_writable "$b" && tm_event MAMORI-MEDIA-103 "dev=/dev/${b}p1 " "class=sd "
	fi
}

tm_dvd_ok() { # id iso policy
	vm_plug_dvd "$1" "$2" && plugged blocks "$1" || return 1
	sr=$(tm_disk "$1")
	vm_exec "udevadm settle" || return 1
	sg=$(tm_sg_of "$sr" | head -n 1) || return 1
	if [ "$3" = readonly ]; then
		tm_dvd_closed "$sr" && tm_event MAMORI-MEDIA-105 "serial=$1 " "class=optical "
	else
		# control: the same seat user can now open it for writing (udev's uaccess ACL), so
		# the readonly case above was refused by mamori, not by a missing session
		tm_open_rw hana "/dev/$sg" || { vm_log "hana cannot open /dev/$sg under audit"; vm_exec "getfacl -p /dev/$sg" | sed 's/^/# /'; return 1; }
		tm_event MAMORI-MEDIA-103 "serial=$1 " "class=optical "
	fi
}

# Root gives hana access to the phone's USB node by hand (defence in depth behind the udev
# rules): mamori-agent takes the ACL away at its next re-check (1 s) and reports
# MAMORI-MEDIA-117; hana cannot open the node again.
tm_phone_acl_stripped() { # node
	# setfacl's success is the proof the ACL was there: the agent may take it away at once,
	# before a getfacl could look (its re-check runs every second)
	vm_exec "setfacl -m u:hana:rw $1" || { vm_log "setfacl on $1 failed"; return 1; }
	vm_until 3 "! getfacl -cp $1 | grep -q '^user:hana:'" ||
		{ vm_log "the ACL on $1 still there after 3 s"; vm_exec "getfacl -cp $1" | sed 's/^/# /'; return 1; }
	! tm_open_rw hana "$1" || { vm_log "hana opened $1 after the ACL was removed"; return 1; }
	vm_until 10 "grep '^MAMORI-MEDIA-117 .*dev=$1 .*class=mtp ' $TM_LOG >/dev/null" ||
		{ vm_log "no MAMORI-MEDIA-117 for $1"; vm_exec "tail -n 3 $TM_LOG" | sed 's/^/# /'; return 1; }
	vm_until 10 "grep 'mamori-agent\[[0-9]*\]: MAMORI-MEDIA-117 .*dev=$1 ' /var/log/auth.log >/dev/null" ||
		{ vm_log "MAMORI-MEDIA-117 not in /var/log/auth.log"; return 1; }
}
tm_phone_ok() { # id dir policy
	vm_plug_phone "$1" "$2" && plugged classes "$1" || { vm_log "phone $1 has no interfaces"; return 1; }
	u=$(vm_query usbdev "$1")
	vm_exec "udevadm settle" || return 1
	n=$(vm_exec "udevadm info -q name $u") || { vm_log "no device node for $u"; return 1; }
	if [ "$3" = readonly ]; then
		! tm_open_rw hana "/dev/$n" || { vm_log "hana opened the phone's /dev/$n"; return 1; }
		tm_event MAMORI-MEDIA-106 "serial=$1 " "class=mtp " && tm_phone_acl_stripped "/dev/$n"
	else
		tm_open_rw hana "/dev/$n" || { vm_log "hana cannot open the phone under audit"; return 1; }
		tm_event MAMORI-MEDIA-103 "serial=$1 " "class=mtp "
	fi
}

tm_devices() { # policy suffix
	tm_pol=$1 tm_suf=$2
	vm_make_fat_disk "$VM_RUN/tm-stick$tm_suf.img" 64 "TMSTICK$tm_suf"
	vm_make_fat_disk "$VM_RUN/tm-uas$tm_suf.img" 64 "TMUAS$tm_suf"
	vm_make_fat_disk "$VM_RUN/tm-sd$tm_suf.img" 64 "TMSD$tm_suf"
	vm_make_iso "$VM_RUN/tm-dvd$tm_suf.iso" "TMDVD$tm_suf"
	mkdir -p "$VM_RUN/tm-phone$tm_suf/DCIM"
	for f in stick uas sd; do eval "H_$f=\$(tm_hash \"\$VM_RUN/tm-$f$tm_suf.img\")"; done
	t "$tm_pol: usb-storage stick: expected state, MAMORI-MEDIA in syslog and the durable log" \
		tm_stick_ok "tmstick$tm_suf" "$VM_RUN/tm-stick$tm_suf.img" "TMSTICK$tm_suf" "$tm_pol"
	t "$tm_pol: usb-uas disk: expected state and event" tm_uas_ok "tmuas$tm_suf" "$VM_RUN/tm-uas$tm_suf.img" "$tm_pol"
	t "$tm_pol: SD card on sdhci-pci: expected state and event" tm_sd_ok "$VM_RUN/tm-sd$tm_suf.img" "$tm_pol"
	t "$tm_pol: USB DVD drive plugged while hana's session is active: sr and sg nodes as expected for the cdrom group and the seat user, event" \
		tm_dvd_ok "tmdvd$tm_suf" "$VM_RUN/tm-dvd$tm_suf.iso" "$tm_pol"
	t "$tm_pol: usb-mtp phone: seat user's access as expected, event" \
		tm_phone_ok "tmphone$tm_suf" "$VM_RUN/tm-phone$tm_suf" "$tm_pol"
}

tm_unplug_devices() { # suffix
	for id in tmstick$1 tmuas$1 tmdvd$1 tmphone$1; do unplugged "$id" >/dev/null || vm_log "$id not unplugged"; done
	vm_sd_eject || :; vm_query gone 30 mmc >/dev/null || :
}

tm_timing_readonly() { # suffix
	nodes=$(tm_dvd_nodes "$(tm_disk "tmdvd$1")") || return 1
	u=$(vm_query usbdev "tmphone$1") && n=$(vm_exec "udevadm info -q name $u") || return 1
	# shellcheck disable=SC2086
	tm_seat_timing $nodes "/dev/$n"
}

# Root gives hana a write ACL on each node of the drive by hand: mamori-agent takes it away at
# its next re-check (1 s) and reports MAMORI-MEDIA-115 for each node.
tm_agent_strips_acl() { # suffix
	nodes=$(tm_dvd_nodes "$(tm_disk "tmdvd$1")") || return 1
	vm_exec "setfacl -m u:hana:rw $nodes" || { vm_log "setfacl on $nodes failed"; return 1; }
	vm_until 3 "! getfacl -cp $nodes | grep -q '^user:hana:'" ||
		{ vm_log "an ACL still there after 3 s"; vm_exec "getfacl -cp $nodes" | sed 's/^/# /'; return 1; }
	# shellcheck disable=SC2086
	tm_no_write hana $nodes || return 1
	for n in $nodes; do
		vm_until 10 "grep '^MAMORI-MEDIA-115 ' $TM_LOG | grep -q 'dev=$n '" ||
			{ vm_log "no MAMORI-MEDIA-115 for $n"; return 1; }
	done
}

# ---- mamorictl check in the guest ----------------------------------------------------------
tm_check_says() { # want-exit
	r=0
	vm_exec 'mamorictl check --only media' >"$VM_RUN/check.out" 2>&1 || r=$?
	sed 's/^/# /' "$VM_RUN/check.out"
	[ "$r" -eq "$1" ]
}

tm_check_broken() {
	d=$(tm_disk tmstick1)
	vm_exec "systemctl stop mamori-agent && blockdev --setrw /dev/${d}1 /dev/$d" || return 1
	tm_check_says 1 || return 1
	grep -q "^FAIL  media: /dev/$d is writable" "$VM_RUN/check.out" &&
		grep -q "^FAIL  media: /dev/${d}1 is writable" "$VM_RUN/check.out" &&
		grep -q '^FAIL  media: mamori-agent is not running' "$VM_RUN/check.out"
}

# ---- stick present before udevd runs (as at power-on, with mamori installed) --------------
# At power-on the kernel binds a stick's interfaces before udevd runs: its root hubs are
# created open (interface_authorized_default = 1) and 10-mamori.rules closes them only when
# systemd-udev-trigger replays their "add". Once running, a stopped udevd alone would not
# give that state (the hubs stay closed, the stick gets no block device at all), so the test
# opens the hubs again as the kernel creates them before it plugs the stick.
TM_HUBS='/sys/bus/usb/devices/usb*/interface_authorized_default'   # a glob for the guest
tm_udevd_stopped() {
	vm_exec "systemctl stop mamori-agent systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-udevd &&
		for h in $TM_HUBS; do echo 1 >\$h; done"
}
tm_cold_plugged() { # image
	vm_plug_stick cold "$1" && plugged blocks cold || return 1
	d=$(tm_disk cold)
	vm_query wait 20 test -e "/sys/block/$d/${d}2" || return 1
	vm_exec "grep -qx 0 /sys/block/$d/ro" || { vm_log "$d read-only before udevd ran"; return 1; }
}
# What boot does: udevd starts, systemd-udev-trigger replays every device (the rules close
# the root hubs again), the agent starts. The agent is started whatever failed before, so that
# no later test finds udevd or the agent stopped.
tm_boot_replay() {
	br_r=0
	VM_EXEC_TIMEOUT=300 vm_exec "systemctl start systemd-udevd && systemctl restart systemd-udev-trigger &&
		udevadm settle" || br_r=1
	vm_exec "for h in $TM_HUBS; do grep -qx 0 \$h || { echo \$h open after the replay; exit 1; }; done" || br_r=1
	vm_exec 'systemctl start mamori-agent' || br_r=1
	return $br_r
}
tm_coldplug() {
	tm_make_two_part "$VM_RUN/cold.img" COLD
	H_cold=$(tm_hash "$VM_RUN/cold.img")
	cp_r=0
	tm_udevd_stopped && tm_cold_plugged "$VM_RUN/cold.img" || cp_r=1
	tm_boot_replay || cp_r=1
	[ $cp_r -eq 0 ] || return 1
	tm_ro "$d" 1 && vm_exec "grep -qx 1 /sys/block/$d/${d}2/ro" && tm_dd_fails "$d" &&
		tm_rw_mount_refused "/dev/${d}1" && unplugged cold && tm_same_hash "$VM_RUN/cold.img" "$H_cold"
}

# A restart of udevd (an upgrade of systemd does one) leaves the agent running, the same process.
tm_agent_outlives_udevd() {
	p=$(vm_exec 'systemctl show -p MainPID --value mamori-agent') || return 1
	[ "${p:-0}" -gt 0 ] || { vm_log "mamori-agent not running"; return 1; }
	vm_exec "systemctl restart systemd-udevd && udevadm settle && sleep 2 &&
		systemctl is-active --quiet mamori-agent && [ \$(systemctl show -p MainPID --value mamori-agent) = $p ]" ||
		{ vm_exec 'systemctl status mamori-agent --no-pager | head -n 5' | sed 's/^/# /'; return 1; }
}

# ---- all of it -------------------------------------------------------------------------------
test_media_real() {
	t "media+: listener on the udev monitor started" tm_listener_start
	t "media+: hana has the active session of seat0 (loginctl), ken is in cdrom" tm_seat_user

	# the stick QEMU had at power-on: not one byte written since, whatever is tried now
	bd=$(tm_disk boot-stick) sd='' dd_=
	H_boot=$(tm_hash "$VM_RUN/boot-stick.img")
	t "media+: stick present at power-on: its image not written since QEMU started" \
		sh -c "[ -z \"\$(find '$VM_RUN/boot-stick.img' -newer '$VM_RUN/qemu.args')\" ]"
	t "media+: stick present at power-on: read-only, dd and a read-write mount refused" \
		tm_attacks "$bd"
	t "media+: stick present at power-on: image hash unchanged" tm_same_hash "$VM_RUN/boot-stick.img" "$H_boot"

	tm_devices readonly 1
	t "media+: DVD drive and phone: no write access for any seat user after udev replays their events and after another session becomes active" \
		tm_timing_readonly 1
	t "media+: a write ACL set by hand on the DVD drive's nodes is removed by the agent within 3 s, MAMORI-MEDIA-115" \
		tm_agent_strips_acl 1
	t "media+: mamorictl check --only media in the guest: exit 0 with everything enforced" tm_check_says 0
	t "media+: agent stopped and a stick's flags cleared: mamorictl check says so, exit 1" tm_check_broken
	vm_exec "systemctl start mamori-agent" >/dev/null 2>&1 || :
	tm_ro "$(tm_disk tmstick1)" 1 >/dev/null || :
	tm_unplug_devices 1
	for f in stick uas sd; do
		h=$(eval echo "\$H_$f")
		t "media+: $f image hash unchanged after dd and read-write mounts" tm_same_hash "$VM_RUN/tm-${f}1.img" "$h"
	done

	# --setrw on disk and partition followed at once by a read-write mount
	tm_make_two_part "$VM_RUN/setrw.img" SETRW
	H_setrw=$(tm_hash "$VM_RUN/setrw.img")
	vm_plug_stick setrw "$VM_RUN/setrw.img" && plugged blocks setrw && sd=$(tm_disk setrw) &&
		vm_query wait 20 test -b "/dev/${sd}1" >/dev/null && tm_ro "$sd" 1 >/dev/null
	t "media+: blockdev --setrw on disk and partition, then at once mount -o rw: flags back" tm_setrw_then_mount "$sd"
	t "media+: setrw stick unplugged" unplugged setrw
	t "media+: setrw stick: image hash unchanged" tm_same_hash "$VM_RUN/setrw.img" "$H_setrw"

	# an ext4 journal that needs recovery: mounting must not replay it onto the medium
	if tm_make_dirty_ext4 "$VM_RUN/dirty.img" >"$VM_RUN/dirty.log" 2>&1; then
		H_dirty=$(tm_hash "$VM_RUN/dirty.img")
		vm_plug_stick dirty "$VM_RUN/dirty.img" && plugged blocks dirty && dd_=$(tm_disk dirty) &&
			tm_ro "$dd_" >/dev/null
		t "media+: dirty ext4 journal: mount and mount -o ro replay nothing, noload reads the files" \
			vm_exec "mkdir -p /mnt/tm; udevadm settle
				if mount /dev/$dd_ /mnt/tm 2>/dev/null; then umount /mnt/tm; fi
				if mount -o ro /dev/$dd_ /mnt/tm 2>/dev/null; then umount /mnt/tm; fi
				mount -o ro,noload /dev/$dd_ /mnt/tm && grep -q 'before the crash 1' /mnt/tm/file1; r=\$?
				umount /mnt/tm; exit \$r"
		t "media+: dirty ext4 stick unplugged" unplugged dirty
		t "media+: dirty ext4 stick: image hash unchanged" tm_same_hash "$VM_RUN/dirty.img" "$H_dirty"
	else
		not_ok "media+: an ext4 image with a journal that needs recovery is made on the host"
		sed 's/^/# /' "$VM_RUN/dirty.log"
	fi

	t "media+: stick present before udevd starts: read-only after the boot-time trigger, image unchanged" tm_coldplug
	t "media+: mamori-agent still runs, the same process, after systemd-udevd restarts" tm_agent_outlives_udevd
	t "media+: plug, re-read partition tables, unplug, plug again" tm_announce_loop
	t "media+: the listener found the flag already set on every announcement (at least 50)" tm_announcements_ro

	t "media+: policy audit for storage, optical and MTP, agent reloaded" tm_policy audit
	tm_devices audit 2
	tm_unplug_devices 2
	t "media+: policy back to the shipped configuration" tm_policy readonly
	vm_exec 'systemctl stop tm-seat tm-seat2' >/dev/null 2>&1 || :
}
