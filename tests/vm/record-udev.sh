#!/bin/sh
# Records the udev device trees that the unit tests of mamori-udev read (tests/data/udev/):
# boots the bench's guest with umockdev, plugs each emulated device kind, and saves
# `umockdev-record` of its kernel objects (device and every parent) plus one
# `udevadm info --export-db` of the whole machine. Run from the top of the tree, as root:
#   sh tests/vm/record-udev.sh [OUTDIR]        default tests/data/udev
set -eu
cd "$(dirname "$0")/../.."
OUT=${1:-tests/data/udev}
VM_DIR=$(pwd)/tests/vm
# shellcheck source=tests/vm/lib.sh
. "$VM_DIR/lib.sh"

rec() { # name guest-paths...
	name=$1; shift
	vm_exec "umockdev-record $*" >"$OUT/$name.umockdev"
	echo "recorded $name ($(grep -c '^P:' "$OUT/$name.umockdev") devices)"
}

usbdev() { vm_query usbdev "$1"; }
first_block() { vm_query wait 30 blocks "$1" >/dev/null && vm_query blocks "$1" | head -n 1; }

mkdir -p "$OUT"
vm_setup
vm_image umockdev
vm_boot

rec virtio-disk /dev/vda
rec sd-reader-empty /sys/class/mmc_host/mmc0
rec hub-root "$(vm_exec 'readlink -f /sys/bus/usb/devices/usb1')"

vm_make_fat_disk "$VM_RUN/stick.img" 64 STICK
vm_plug_stick stick1 "$VM_RUN/stick.img"
b=$(first_block stick1)
vm_query wait 20 test -b "/dev/${b}1"
rec usb-stick "/dev/$b" "/dev/${b}1"

vm_make_fat_disk "$VM_RUN/uas.img" 64 UASDISK
vm_plug_uas uas1 "$VM_RUN/uas.img"
b=$(first_block uas1)
vm_query wait 20 test -b "/dev/${b}1"
rec usb-uas "/dev/$b" "/dev/${b}1"

vm_make_iso "$VM_RUN/dvd.iso" DVDDISC
vm_plug_dvd dvd1 "$VM_RUN/dvd.iso"
b=$(first_block dvd1)
sg=$(vm_exec "ls /sys/class/block/$b/device/scsi_generic/")
rec usb-dvd "/dev/$b" "/sys/class/scsi_generic/$sg"

mkdir -p "$VM_RUN/phone"
echo photo >"$VM_RUN/phone/IMG0001.TXT"
vm_plug_phone phone1 "$VM_RUN/phone"
vm_query wait 30 classes phone1 >/dev/null
u=$(usbdev phone1)
rec usb-mtp "$u" "$(vm_exec "ls -d $u/*:*" | tr '\n' ' ')"

vm_plug_keyboard kbd1
vm_query wait 30 inputs kbd1 >/dev/null
u=$(usbdev kbd1)
rec usb-keyboard "$u" "$(vm_exec "ls -d $u/*:*" | tr '\n' ' ')"

vm_plug_smartcard_reader ccid1
vm_query wait 30 drivers ccid1 >/dev/null || vm_query wait 30 classes ccid1 >/dev/null
u=$(usbdev ccid1)
rec usb-ccid "$u" "$(vm_exec "ls -d $u/*:*" | tr '\n' ' ')"

vm_usb_add usb-hub hub1
vm_query wait 30 classes hub1 >/dev/null
u=$(usbdev hub1)
rec usb-hub "$u" "$(vm_exec "ls -d $u/*:*" | tr '\n' ' ')"

vm_make_fat_disk "$VM_RUN/sd.img" 64 SDCARD
vm_sd_insert "$VM_RUN/sd.img"
vm_query wait 30 mmc >/dev/null
vm_query wait 20 test -b /dev/mmcblk0p1
rec sd-card /dev/mmcblk0 /dev/mmcblk0p1

vm_exec 'udevadm info --export-db' >"$OUT/export-db.txt"
vm_exec 'uname -r; cat /etc/debian_version; udevadm --version' >"$OUT/recorded-on.txt"
vm_poweroff
