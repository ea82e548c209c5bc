#!/bin/sh
# make bench: run every benchmark built into BUILD_DIR/bench, each given a work directory for
# its scratch files and BUILD_DIR (the VM bench, vm_agent_idle.sh, takes about 20 minutes: it
# is `make bench-vm`, not run here). The work directory is on ext4, never tmpfs (fsync must cost
# what it costs on a terminal's disk): BUILD_DIR itself when it is on ext4, else a
# loop-mounted ext4 image made for the run (needs root, mkfs.ext4 and a free loop device).
#   tests/bench/run.sh BUILD_DIR
set -u
B=${1:?usage: run.sh BUILD_DIR}
WORK=$B
MNT=
cleanup() {
	[ -n "$MNT" ] && { umount "$MNT"; rmdir "$MNT"; rm -f "$B/bench-ext4.img"; }
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# statfs reports ext2, ext3 and ext4 alike as "ext2/ext3"
if [ "$(stat -f -c %T "$B")" != ext2/ext3 ]; then
	MNT=$(mktemp -d "${TMPDIR:-/tmp}/mamori-bench.XXXXXX")
	truncate -s 256M "$B/bench-ext4.img" && mkfs.ext4 -q -F "$B/bench-ext4.img" &&
		mount -o loop "$B/bench-ext4.img" "$MNT" || {
		echo "bench: $B is not on ext4 and no ext4 image could be mounted"
		rmdir "$MNT"; MNT=; exit 1
	}
	WORK=$MNT
	echo "bench: $B is on $(stat -f -c %T "$B"); scratch files on a loop-mounted ext4 image"
fi

rc=0
for bench in "$B"/bench/bench_*; do
	[ -x "$bench" ] || continue
	"$bench" "$WORK" "$B" || { echo "FAILED: $bench"; rc=1; }
done
# forwarding through a real rsyslogd pair (skipped, status 77, without rsyslog-relp)
sh tests/bench/bench_forward.sh "$B"
case $? in 0 | 77) ;; *) echo "FAILED: tests/bench/bench_forward.sh"; rc=1 ;; esac
exit $rc
