#!/bin/sh
# mmdebstrap hooks for the VM test image.
#   image-hook.sh essential ROOT   before the kernel is installed: a small initramfs
#   image-hook.sh customize ROOT   after everything is installed: boot, network, quiet timers
set -eu

# Only the drivers that mount the root disk go into the initramfs: the default (MODULES=most)
# is ten times larger and its decompression alone costs seconds under software emulation.
essential() {
	mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"
	printf 'MODULES=list\nCOMPRESS=gzip\n' >"$1/etc/initramfs-tools/conf.d/mamori-vm"
	cat >"$1/etc/initramfs-tools/hooks/mamori-vm" <<'HOOK'
#!/bin/sh
[ "${1:-}" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
force_load virtio_pci
force_load virtio_blk
force_load ext4
HOOK
	chmod 0755 "$1/etc/initramfs-tools/hooks/mamori-vm"
}

customize() {
	r=$1
	echo mamori-vm >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tmamori-vm\n' >"$r/etc/hosts"
	# Root is the whole virtio disk; no fsck (a fresh overlay every run).
	echo '/dev/vda / ext4 rw,errors=remount-ro 0 0' >"$r/etc/fstab"
	# Static address on QEMU's user network: no DHCP wait at boot.
	mkdir -p "$r/etc/systemd/network"
	printf '[Match]\nName=eth0\n\n[Network]\nAddress=10.0.2.15/24\nGateway=10.0.2.2\n' \
		>"$r/etc/systemd/network/10-mamori-vm.network"
	chroot "$r" systemctl enable systemd-networkd.service
	# Timers that would start package or disk jobs in the middle of a test.
	for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
		man-db.timer dpkg-db-backup.timer systemd-networkd-wait-online.service; do
		ln -sf /dev/null "$r/etc/systemd/system/$u"
	done
	mkdir -p "$r/etc/systemd/journald.conf.d"
	printf '[Journal]\nStorage=volatile\n' >"$r/etc/systemd/journald.conf.d/mamori-vm.conf"
}

case $1 in
essential) essential "$2" ;;
customize) customize "$2" ;;
*) echo "usage: $0 essential|customize ROOT" >&2; exit 2 ;;
esac
