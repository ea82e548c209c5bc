/* What an event says about a device beyond sysfs: its filesystem (read-only libblkid probe)
 * and who sits at the terminal (logind's seat state). */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "mamori/err.h"
#include "mamori/media_apply.h"

/* The filesystems removable media carry: what cameras, phones, Windows, macOS and Linux
 * format them with, optical discs, live images and encrypted containers. Probing for only
 * these keeps the probe off the RAID and pool signatures (zfs_member alone reads four
 * 256 KiB labels), which made it take most of the helper's time on a FAT stick; a medium
 * with another filesystem is reported without an fs key, and is protected all the same. */
static char removable_fs[][12] = {
	"vfat", "exfat", "ntfs", "ext2", "ext3", "ext4", "iso9660", "udf", "hfsplus", "hfs",
	"apfs", "btrfs", "xfs", "f2fs", "jfs", "nilfs2", "squashfs", "erofs", "crypto_LUKS",
	"BitLocker",
};
#define N_REMOVABLE_FS (sizeof(removable_fs) / sizeof(removable_fs[0]))

/* LUKS's primary header starts with this magic (cryptsetup, docs/on-disk-format-luks2.pdf
 * 2.1; LUKS1 the same). */
static const unsigned char luks_magic[6] = {'L', 'U', 'K', 'S', 0xba, 0xbe};

/* libblkid's LUKS prober, when sector 0 holds no LUKS header, looks for a LUKS2 secondary
 * header at nine offsets from 16 KiB to 4 MiB: nine reads from the stick (each a USB round
 * trip; the node's page cache is dropped at every last close) before any other filesystem
 * is tried, on every FAT stick. So crypto_LUKS is probed for only when sector 0 holds the
 * magic; a container whose primary header was wiped is reported without an fs key. */
static bool
has_luks_header(int fd)
{
	unsigned char b[sizeof(luks_magic)];

	return pread(fd, b, sizeof(b), 0) == (ssize_t)sizeof(b) &&
	       memcmp(b, luks_magic, sizeof(b)) == 0;
}

/* libblkid takes the list as char ** (it only reads it) */
static int
only_removable_fs(blkid_probe pr, bool luks)
{
	char *names[N_REMOVABLE_FS + 1];
	size_t n = 0;

	for (size_t i = 0; i < N_REMOVABLE_FS; i++)
		if (luks || strcmp(removable_fs[i], "crypto_LUKS") != 0)
			names[n++] = removable_fs[i];
	names[n] = NULL;
	return blkid_probe_filter_superblocks_type(pr, BLKID_FLTR_ONLYIN, names) < 0 ? -ENOMEM : 0;
}

static void
copy_value(blkid_probe pr, const char *name, char *dst, size_t cap)
{
	const char *v = NULL;
	size_t n = 0;

	dst[0] = '\0';
	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v != NULL) {
		n = strnlen(v, cap - 1);
		memcpy(dst, v, n);
		dst[n] = '\0';
	}
}

/* Type, label and UUID of the first filesystem found in libblkid's order; 0 also when none
 * is (1). Not blkid_do_safeprobe: to make sure no second signature is there, it goes on
 * through every remaining prober (on a FAT stick four more reads at 1 KiB, 32 KiB, 64 KiB
 * and the last 4 KiB, each a round trip to the device while udev waits: about 0.36 ms of
 * the 0.77 ms blkid_do_safeprobe took for a FAT loop device here), and when it finds one it
 * reports nothing. A medium with two signatures is reported by the first one found. */
static int
probe_fd(int fd, struct mamori_media_fs *fs)
{
	blkid_probe pr = blkid_new_probe();
	int r;

	if (pr == NULL)
		return -ENOMEM;
	/* set_device advises random access first, so the magic read below fetches one page */
	if (blkid_probe_set_device(pr, fd, 0, 0) < 0) {
		blkid_free_probe(pr);
		return -EIO;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
						      BLKID_SUBLKS_UUID);
	blkid_probe_enable_partitions(pr, 0);
	if ((r = only_removable_fs(pr, has_luks_header(fd))) == 0 &&
	    (r = blkid_do_probe(pr)) == 0) {
		copy_value(pr, "TYPE", fs->type, sizeof(fs->type));
		copy_value(pr, "LABEL", fs->label, sizeof(fs->label));
		copy_value(pr, "UUID", fs->uuid, sizeof(fs->uuid));
	}
	blkid_free_probe(pr);
	return r == -1 ? -EIO : r < 0 ? r : 0;
}

int
mamori_media_probe_fs(const char *devnode, dev_t devnum, struct mamori_media_fs *ret)
{
	struct mamori_media_fs fs;
	int fd, r;

	memset(&fs, 0, sizeof(fs));
	/* read-only, as libblkid itself opens a node: O_NONBLOCK for a drive without a disc;
	 * never what a file or a symlink in the node's place holds */
	if ((fd = mamori_node_open(devnode, S_IFBLK, devnum, O_RDONLY | O_NONBLOCK, NULL)) < 0)
		return fd;
	r = probe_fd(fd, &fs);
	close(fd);
	if (r < 0)
		return r;
	*ret = fs;
	return 0;
}

/* The active user of seat0 as logind publishes it in /run/systemd/seats/seat0, the file
 * sd_seat_get_active() parses (systemd src/libsystemd/sd-login/sd-login.c). Read here
 * directly: linking libsystemd for this one call costs about 0.9 ms of loading per udev
 * event (gcrypt, lzma, zstd, lz4), as much again as the whole blockdev rule (make bench). */
#define SEAT0_STATE "/run/systemd/seats/seat0"
#define SEAT_STATE_MAX 4096

int
mamori_media_parse_seat_uid(const char *text, uid_t *ret)
{
	const char *p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, "ACTIVE_UID=", 11) == 0) {
			const char *v = p + 11;
			char *end;
			unsigned long uid;

			if (*v < '0' || *v > '9')
				return -EINVAL;
			errno = 0;
			uid = strtoul(v, &end, 10);
			if (errno != 0 || (*end != '\n' && *end != '\0') || uid >= (uid_t)-1)
				return -EINVAL;
			*ret = (uid_t)uid;
			return 1;
		}
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	return 0;
}

/* The state file, checked like any file mamori trusts: root's, not writable by others. */
static int
read_seat_state(char *buf, size_t cap)
{
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd = open(SEAT0_STATE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), r = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno; /* no logind, or no session on the seat */
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022) != 0)
		r = MAMORI_E_OWNER;
	while (r == 0 && len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return r < 0 ? r : 1;
}

int
mamori_media_seat_user(char *buf, size_t len)
{
	char state[SEAT_STATE_MAX], pwbuf[4096];
	struct passwd pw, *res = NULL;
	uid_t uid;
	int r;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((r = read_seat_state(state, sizeof(state))) <= 0)
		return r;
	if ((r = mamori_media_parse_seat_uid(state, &uid)) <= 0)
		return r;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) != 0 || res == NULL)
		return -ENOENT;
	if (strlen(pw.pw_name) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, pw.pw_name, strlen(pw.pw_name) + 1);
	return 0;
}
