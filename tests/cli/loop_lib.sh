# Shared by the tests that need a real removable-looking disk (test_media_loop.sh,
# test_agent_loop.sh, test_check_media.sh): a 64 MiB loop device with an MBR partition table
# and two partitions, and a cleanup that clears the read-only flags before detaching it (loop
# devices keep the flag after detaching, whatever happened). As root only.
#   loop_need TOOL...     exit 77 unless root and every tool is installed
#   loop_setup DIR        $DIR/disk.img attached: sets LOOP (/dev/loopN) and NAME (loopN)
#   loop_cleanup          flags cleared, detached (call from the EXIT trap)
#   loop_ro_all 0|1       the flag on the disk and both partitions is as given
#   eventually CMD...     CMD until it succeeds, at most 15 s (the agent re-checks every second);
#                         the last try's output is shown
# shellcheck shell=sh
LOOP='' NAME=''

loop_need() {
	[ "$(id -u)" -eq 0 ] || { echo "skip: loop devices need root"; exit 77; }
	for t in losetup sfdisk blockdev partx "$@"; do
		command -v "$t" >/dev/null || { echo "skip: $t is not installed"; exit 77; }
	done
}

loop_setup() { # dir
	truncate -s 64M "$1/disk.img"
	printf 'start=2048, size=40960, type=83\nstart=43008, type=83\n' | sfdisk -q "$1/disk.img"
	LOOP=$(losetup -f --show -P "$1/disk.img") || { echo "skip: no free loop device"; LOOP=; exit 77; }
	# a loop device keeps the read-only flag of its last use when that user detached it
	# without clearing it: the tests start from a writable disk
	blockdev --setrw "$LOOP"
	i=0
	while [ ! -b "${LOOP}p2" ] && [ $i -lt 25 ]; do
		# some kernels leave the scan to the caller
		[ $i -eq 5 ] && partx -a "$LOOP" 2>/dev/null
		sleep 0.2; i=$((i + 1))
	done
	[ -b "${LOOP}p2" ] || { echo "not ok - partitions of $LOOP appeared"; exit 1; }
	NAME=$(basename "$LOOP")
}

loop_cleanup() {
	[ -n "$LOOP" ] || return 0
	for n in "$LOOP"p1 "$LOOP"p2 "$LOOP"; do
		[ -b "$n" ] && blockdev --setrw "$n" 2>/dev/null
	done
	losetup -d "$LOOP"
	LOOP=
}

loop_ro_all() { # want
	for n in "$LOOP" "${LOOP}p1" "${LOOP}p2"; do
		[ "$(blockdev --getro "$n")" = "$1" ] || { echo "# $n: ro=$(blockdev --getro "$n")"; return 1; }
	done
}

eventually() {
	i=0
	while [ "$i" -lt 150 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	"$@"
}
