# VM tests of media.policy = deny and of the USB interface classes refused by default,
# sourced by tests/vm/check.sh (which provides t, plugged, unplugged and the vm_* helpers)
# and run by its test_deny, on the guest that has the mamori packages installed.
#
# What a user would see: under deny a USB stick gives no block device at all (a listener on
# the udev monitor, standing in for udisks, never hears of an sd* node), a keyboard and a
# smart-card reader keep working, a USB network adapter (phone tethering) gives no network
# interface, an allowlisted stick still works (read-only, as its entry says), and each
# refusal is in the durable event log with the device's identity.
# shellcheck shell=sh

DENY_CONF=/etc/mamori/mamori.conf
DENY_LOG=/var/log/mamori/events.log
DENY_NET_MAC=40:54:00:00:00:01
# QEMU's usb-storage is 46f4:0001; the allowlisted stick's entry names its serial.
DENY_POLICY='media {
  policy = deny
  allow "46f4:0001:allow1" {
    policy = readonly
    comment = "approved stick"
  }
}'

# The guest's view of one USB device's interfaces: "NAME authorized driver" per line.
DENY_IFACES='for i in $u/*:*; do
	d=-; [ -e $i/driver ] && d=$(basename $(readlink -f $i/driver))
	echo "$(basename $i) $(cat $i/authorized) $d"; done'

# Waits (up to 30 s) for an event line matching all the patterns given, one grep each.
deny_event() { # pattern...
	cmd="grep -e '$1' $DENY_LOG"
	shift
	for p in "$@"; do cmd="$cmd | grep -e '$p'"; done
	vm_until 30 "$cmd >/dev/null" ||
		{ vm_exec "tail -n 5 $DENY_LOG" | sed 's/^/# /'; return 1; }
}

deny_setup() {
	printf '%s\n' "$DENY_POLICY" >"$VM_RUN/deny.conf"
	vm_push "$VM_RUN/deny.conf" /root/deny.conf 0644 &&
		vm_exec "cp -p $DENY_CONF /root/mamori.conf.orig && cat /root/deny.conf >$DENY_CONF &&
			mamorictl config check && mamorictl config check --show | grep -qx '  policy = deny' &&
			systemctl reload mamori-agent" &&
		vm_exec 'setsid sh -c "exec udevadm monitor --udev --subsystem-match=block \
			>/run/deny-monitor.log 2>&1" </dev/null >/dev/null 2>&1 &' &&
		vm_query wait 10 test -s /run/deny-monitor.log
}

# Closed by mamori-agent at its start after the package install (the root hubs were added
# before the rules existed), and reported.
deny_buses_closed() {
	vm_exec 'for f in /sys/bus/usb/devices/usb*/interface_authorized_default; do
		grep -qx 0 $f || { echo "$f: $(cat $f)"; exit 1; }; done' &&
		deny_event '^MAMORI-AGENT-310 ' 'when=start'
}

deny_stick_refused() {
	vm_plug_stick deny1 "$VM_RUN/deny1.img" && plugged usbdev deny1 || return 1
	deny_event '^MAMORI-MEDIA-111 ' 'serial=deny1' 'class=usb-storage' 'action=refuse' \
		'setting=media.policy' || return 1
	u=$(vm_query usbdev deny1)
	out=$(vm_exec "sleep 2; udevadm settle; u=$u; $DENY_IFACES") || return 1
	echo "$out" | sed 's/^/# interface: /'
	echo "$out" | grep -q ' 0 -$' && ! echo "$out" | grep -qv ' 0 -$' &&
		! vm_query blocks deny1 >/dev/null
}

deny_keyboard_works() {
	vm_plug_keyboard kbd2 && plugged inputs kbd2 && has_line kbd2 drivers usbhid || return 1
	i=$(vm_query inputs kbd2 | head -n 1)
	vm_exec "grep -q Keyboard /sys/class/input/$i/name"
}

# No kernel driver binds CCID (pcscd claims it through usbfs): authorized is what it needs.
deny_ccid_works() {
	vm_plug_smartcard_reader ccid2 && plugged classes ccid2 && has_line ccid2 classes 0b ||
		return 1
	u=$(vm_query usbdev ccid2)
	vm_query wait 20 sh -c "\"grep -qx 1 $u/*:*/authorized\""
}

deny_usbnet_usbdev() {
	vm_exec 'for d in /sys/bus/usb/devices/*; do
		[ "$(cat $d/idVendor 2>/dev/null):$(cat $d/idProduct 2>/dev/null)" = 0525:a4a2 ] &&
			{ readlink -f $d; exit 0; }; done; exit 1'
}

deny_net_refused() {
	before=$(vm_exec 'ls /sys/class/net | tr "\n" " "') || return 1
	vm_plug_net net1 "$DENY_NET_MAC" || return 1
	i=0
	until u=$(deny_usbnet_usbdev); do
		i=$((i + 1)); [ $i -lt 30 ] || { vm_log "usb-net never appeared"; return 1; }
		sleep 1
	done
	deny_event '^MAMORI-MEDIA-110 ' 'class=network' 'action=refuse' 'setting=media.network' \
		'vid=0525' || return 1
	out=$(vm_exec "sleep 2; udevadm settle; u=$u; $DENY_IFACES") || return 1
	echo "$out" | sed 's/^/# interface: /'
	after=$(vm_exec 'ls /sys/class/net | tr "\n" " "')
	[ "$before" = "$after" ] || { vm_log "network interfaces: $before -> $after"; return 1; }
	! echo "$out" | grep -qv ' 0 -$'
}

deny_listener_saw_no_block() {
	vm_exec '! grep "/block/sd" /run/deny-monitor.log' | sed 's/^/# listener: /'
	vm_exec '! grep -q "/block/sd" /run/deny-monitor.log'
}

# The allowlisted stick gets its entry's policy: a block device, read-only. It also shows the
# listener was hearing block events all along.
deny_allowlisted_works() {
	vm_plug_stick allow1 "$VM_RUN/allow1.img" && plugged blocks allow1 || return 1
	d=$(vm_query blocks allow1 | head -n 1)
	vm_query wait 20 test -b "/dev/${d}1" &&
		vm_exec "sleep 2; udevadm settle; grep -qx 1 /sys/block/$d/ro &&
			grep -qx 1 /sys/block/$d/${d}1/ro && grep -q '/block/$d' /run/deny-monitor.log" &&
		deny_event '^MAMORI-MEDIA-104 ' 'serial=allow1' 'action=readonly'
}

# A root hub found open (here: opened by hand) is closed again when the agent starts.
deny_agent_recloses() {
	n=$(vm_exec "grep -c '^MAMORI-AGENT-310 .*roothub=usb1 ' $DENY_LOG") || n=0
	vm_exec 'echo 1 >/sys/bus/usb/devices/usb1/interface_authorized_default &&
		systemctl restart mamori-agent' || return 1
	vm_query wait 20 grep -qx 0 /sys/bus/usb/devices/usb1/interface_authorized_default &&
		vm_query wait 20 sh -c "\"[ \\\$(grep -c '^MAMORI-AGENT-310 .*roothub=usb1 ' $DENY_LOG) -gt $n ]\""
}

# An SD card in the PCI reader has no USB authorization: read-only at once, then its driver
# is unbound and the block device goes away.
deny_sd_unbound() {
	vm_sd_insert "$VM_RUN/denysd.img" || return 1
	deny_event '^MAMORI-MEDIA-114 ' 'class=sd' 'action=deny' 'unbound=mmc0:' || return 1
	vm_query gone 20 mmc >/dev/null ||
		{ vm_log "block devices left: $(vm_query mmc | tr '\n' ' ')"; return 1; }
}

deny_restore() {
	vm_exec "cp -p /root/mamori.conf.orig $DENY_CONF && systemctl reload mamori-agent"
}

test_deny() {
	vm_make_fat_disk "$VM_RUN/deny1.img" 32 DENY1
	vm_make_fat_disk "$VM_RUN/allow1.img" 32 ALLOW1
	sum=$(sha256sum <"$VM_RUN/deny1.img")
	t "deny: every root hub starts interfaces unauthorized (MAMORI-AGENT-310 at start)" \
		deny_buses_closed
	t "deny: media.policy = deny with an allowlist entry, agent reloaded, listener started" \
		deny_setup || return
	t "deny: USB stick gets no block device, its interface stays unauthorized (MAMORI-MEDIA-111)" \
		deny_stick_refused
	t "deny: keyboard works (interface authorized, usbhid, input device)" deny_keyboard_works
	t "deny: smart-card reader's CCID interface is authorized" deny_ccid_works
	t "deny: usb-net (RNDIS/CDC) gets no network interface (MAMORI-MEDIA-110 class=network)" \
		deny_net_refused
	t "deny: a listener on the udev monitor never saw an sd* block device" \
		deny_listener_saw_no_block
	t "deny: allowlisted stick works read-only as its entry says (MAMORI-MEDIA-104)" \
		deny_allowlisted_works
	t "deny: a root hub opened by hand is closed again at agent start (MAMORI-AGENT-310)" \
		deny_agent_recloses
	vm_make_fat_disk "$VM_RUN/denysd.img" 32 DENYSD
	sdsum=$(sha256sum <"$VM_RUN/denysd.img")
	t "deny: SD card on the PCI reader: driver unbound, no block device left (MAMORI-MEDIA-114)" \
		deny_sd_unbound
	vm_sd_eject >/dev/null 2>&1 || :
	t "deny: the refused SD card's image file is unchanged on the host" \
		test "$(sha256sum <"$VM_RUN/denysd.img")" = "$sdsum"
	for id in deny1 kbd2 ccid2 allow1; do unplugged $id >/dev/null 2>&1 || :; done
	vm_unplug_net net1 >/dev/null 2>&1 || :
	t "deny: the refused stick's image file is unchanged on the host" \
		test "$(sha256sum <"$VM_RUN/deny1.img")" = "$sum"
	t "deny: configuration restored" deny_restore
}
