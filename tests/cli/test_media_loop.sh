#!/bin/sh
# mamori-udev against real block devices: a loop device with an MBR partition table and two
# partitions, handled as removable (media.loop = true). As root only (loop devices and
# BLKROSET need it). Checks what a user would meet: the kernel read-only flag on the disk
# and on every partition, dd refused, the flag back after `blockdev --setrw` and a new event,
# the durable event log naming the device and its filesystem. Loop devices keep their
# read-only flag after detaching, so cleanup clears it before detaching, whatever happened.
# shellcheck disable=SC2317 # functions run through check() and the trap
set -u
HELPER=${BUILD:-build}/mamori-udev
# shellcheck source=tests/cli/loop_lib.sh
. tests/cli/loop_lib.sh
loop_need mkfs.ext4 mformat dd
[ -x "$HELPER" ] || { echo "not ok - $HELPER is built"; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/mamori-loop.XXXXXX")
TWO=
cleanup() {
	loop_cleanup
	if [ -n "$TWO" ]; then blockdev --setrw "$TWO"; losetup -d "$TWO"; fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# shellcheck source=tests/cli/tap_lib.sh
. tests/cli/tap_lib.sh

# ---- a disk with two partitions, an ext4 filesystem on the first ---------------------------
loop_setup "$T"
mkfs.ext4 -q -L MAMORITEST "${LOOP}p1"
FSUUID=$(blkid -o value -s UUID "${LOOP}p1")
# a LUKS1 header on partition 2 (magic, version 1, the UUID at byte 168): an encrypted
# container is named as such, though the helper probes for it only when sector 0 has the magic
LUKSUUID=6d616d6f-7269-4c55-4b53-000000000001
printf 'LUKS\272\276\000\001' | dd of="${LOOP}p2" conv=notrunc 2>/dev/null
printf '%s' "$LUKSUUID" | dd of="${LOOP}p2" bs=1 seek=168 conv=notrunc 2>/dev/null
DISK=$(readlink -f "/sys/class/block/$NAME" | sed 's|^/sys||')

mkdir -m 0700 "$T/state" "$T/log" "$T/spool"
conf() { # file loop(true|false)
	cat >"$1" <<EOC
media {
  loop = $2
}
report {
  event_log = $T/log/events.log
  state_dir = $T/state
  spool_dir = $T/spool
  syslog_socket = $T/no-syslog
}
EOC
	chmod 0644 "$1"
}
conf "$T/test.conf" true
conf "$T/noloop.conf" false

udev_helper() { # conf action devpath -> properties in $T/out
	"$HELPER" --config "$1" "$2" "$3" >"$T/out" 2>"$T/err"
}
ro_all() { loop_ro_all "$@"; }
has_prop() { grep -qx "$1" "$T/out" || { echo "# properties:"; sed 's/^/#   /' "$T/out"; return 1; }; }
events() { grep -c "^MAMORI-MEDIA-101 " "$T/log/events.log" 2>/dev/null || echo 0; }

# ---- without media.loop the loop device is not touched ---------------------------------------
check "without media.loop the helper exits 0" udev_helper "$T/noloop.conf" add "$DISK"
check "without media.loop: MAMORI_CLASS=virtual" has_prop MAMORI_CLASS=virtual
check "without media.loop: disk and partitions stay writable" ro_all 0
check "without media.loop: no event" test "$(events)" -eq 0

# ---- add of the disk: read-only everywhere -----------------------------------------------------
check "add $NAME: the helper exits 0" udev_helper "$T/test.conf" add "$DISK"
check "add $NAME: MAMORI_CLASS=loop" has_prop MAMORI_CLASS=loop
check "add $NAME: MAMORI_ACTION=readonly" has_prop MAMORI_ACTION=readonly
check "add $NAME: MAMORI_READONLY=1" has_prop MAMORI_READONLY=1
check "add $NAME: kernel read-only flag on the disk and both partitions" ro_all 1
check "dd to the disk fails" sh -c "! dd if=/dev/zero of=$LOOP bs=4096 count=1 oflag=direct 2>/dev/null"
check "dd to partition 1 fails" sh -c "! dd if=/dev/zero of=${LOOP}p1 bs=4096 count=1 oflag=direct 2>/dev/null"
check "dd to partition 2 fails" sh -c "! dd if=/dev/zero of=${LOOP}p2 bs=4096 count=1 oflag=direct 2>/dev/null"
check "reading still works" sh -c "dd if=${LOOP}p1 of=/dev/null bs=4096 count=1 2>/dev/null"
check "the filesystem is intact" sh -c "[ \"\$(blkid -o value -s LABEL ${LOOP}p1)\" = MAMORITEST ]"

# ---- partitions: each gets its own event with its filesystem -----------------------------------
check "add ${NAME}p1" udev_helper "$T/test.conf" add "$DISK/${NAME}p1"
check "add ${NAME}p2" udev_helper "$T/test.conf" add "$DISK/${NAME}p2"
check "three MAMORI-MEDIA-101 events in the durable log" test "$(events)" -eq 3
line=$(grep "^MAMORI-MEDIA-101 .* dev=${LOOP}p1 " "$T/log/events.log")
for want in uevent=add class=loop action=readonly policy=readonly bus=virtual size=20971520 \
	fs=ext4 label=MAMORITEST "uuid=$FSUUID" config=ok 'msg="removable storage attached read-only"'; do
	case " $line " in
	*" $want "*) ok "the event of ${NAME}p1 says $want" ;;
	*) not_ok "the event of ${NAME}p1 says $want"; echo "# $line" ;;
	esac
done
check "the event of ${NAME}p2 names its LUKS container" \
	grep -q "^MAMORI-MEDIA-101 .* dev=${LOOP}p2 .*fs=crypto_LUKS uuid=$LUKSUUID " "$T/log/events.log"
check "the disk's event gives its size" grep -q "^MAMORI-MEDIA-101 .* dev=$LOOP .*size=67108864 " "$T/log/events.log"

# ---- a medium with two signatures: the first filesystem found is named -------------------------
# FAT32 leaves sectors 2 and 3 unused, where an ext4 superblock fits. blkid -p calls that
# ambivalent and names nothing; the helper's probe stops at the first filesystem in libblkid's
# order (vfat) and names it. Its own log and sequence, apart from the events above.
truncate -s 40M "$T/two.img" && mformat -F -i "$T/two.img" -v TWOSIGS :: &&
	truncate -s 8M "$T/ext4.img" && mkfs.ext4 -q "$T/ext4.img" &&
	dd if="$T/ext4.img" of="$T/two.img" bs=1024 skip=1 seek=1 count=1 conv=notrunc 2>/dev/null &&
	TWO=$(losetup -f --show "$T/two.img") || { not_ok "a loop device with two signatures"; exit 1; }
blkid -p "$TWO" >/dev/null 2>&1
check "blkid -p finds two signatures on $TWO (exit 8, ambivalent)" test $? -eq 8
mkdir -m 0700 "$T/state2"
sed "s|$T/log/events.log|$T/log/two.log|; s|state_dir = $T/state|state_dir = $T/state2|" \
	"$T/test.conf" >"$T/two.conf"
check "add $TWO: the helper exits 0" udev_helper "$T/two.conf" add "$(readlink -f "/sys/class/block/${TWO#/dev/}" | sed 's|^/sys||')"
check "its event names the first filesystem: fs=vfat label=TWOSIGS" \
	grep -q "^MAMORI-MEDIA-101 .* dev=$TWO .*fs=vfat label=TWOSIGS " "$T/log/two.log"

# ---- cleared by hand, re-applied by the next event (change of one partition) -------------------
blockdev --setrw "${LOOP}p1" "${LOOP}p2" "$LOOP"
check "blockdev --setrw cleared the flags" ro_all 0
check "change ${NAME}p2: the helper exits 0" udev_helper "$T/test.conf" change "$DISK/${NAME}p2"
check "change ${NAME}p2: read-only again on the disk and both partitions" ro_all 1
check "change ${NAME}p2: dd to partition 1 fails again" \
	sh -c "! dd if=/dev/zero of=${LOOP}p1 bs=4096 count=1 oflag=direct 2>/dev/null"
check "the change is reported" grep -q "^MAMORI-MEDIA-101 .* uevent=change dev=${LOOP}p2 " "$T/log/events.log"
check "events are numbered 1..4 without a gap" \
	sh -c "[ \"\$(sed -n 's/.* seq=\([0-9]*\) .*/\1/p' '$T/log/events.log' | paste -sd ' ')\" = '1 2 3 4' ]"

# ---- other actions: enforced without a report; remove: nothing ---------------------------------
blockdev --setrw "${LOOP}p1" "${LOOP}p2" "$LOOP"
check "bind $NAME: the helper exits 0" udev_helper "$T/test.conf" bind "$DISK"
check "bind $NAME: read-only again, MAMORI_READONLY=1" sh -c "$(command -v blockdev) --getro $LOOP | grep -qx 1 && grep -qx MAMORI_READONLY=1 '$T/out'"
check "bind is not reported" test "$(events)" -eq 4
check "remove $NAME: exit 0 and no properties" sh -c "'$HELPER' --config '$T/test.conf' remove '$DISK' | wc -c | grep -qx 0"

# ---- bad arguments -------------------------------------------------------------------------------
"$HELPER" add /etc/passwd >/dev/null 2>&1
check "a path outside /devices is refused (exit 2)" test $? -eq 2

exit $FAILED
