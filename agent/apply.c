/* The kernel read-only flag. Set on the disk and on every partition: before Linux 5.12 a
 * partition did not follow its disk's flag, and a partition table re-read (BLKRRPART)
 * still drops a flag set on a partition alone (reference/removable-media.md (c)4-5). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/fs.h>

#include "mamori/acl.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/media_apply.h"

/* O_NONBLOCK: an optical drive or card reader without a medium still opens. Read-only:
 * closing a node opened for writing would make udev's watch re-read the partitions. When the
 * path holds something else (devnode.h), or nothing for the moment, the device is reached
 * through a private node: the flag must not wait for someone to clean up /dev. */
static int
open_node(const char *devnode, dev_t devnum, enum mamori_node_found *found)
{
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int fd = mamori_node_open(devnode, S_IFBLK, devnum, O_RDONLY | O_NONBLOCK, &f);

	if (found != NULL)
		*found = f;
	if (fd == MAMORI_E_NOTNODE || fd == -ENOENT)
		fd = mamori_node_open_private(MAMORI_PRIVATE_NODE_DIR, S_IFBLK, devnum,
					      O_RDONLY | O_NONBLOCK);
	return fd == -ENXIO || fd == -ENODEV ? -ENOENT : fd; /* the device is gone */
}

int
mamori_sysfs_flag(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, &c, 1);
	close(fd);
	return n == 1 && (c == '0' || c == '1') ? c - '0' : -EIO;
}

/* From sysfs, which says what BLKROGET says, not through an open of the device: the agent
 * reads the flag of every protected node every second, and an open partition makes a
 * partition table re-read (BLKRRPART: blockdev --rereadpt, partprobe, udisks) fail with
 * EBUSY. The path is only looked at (O_PATH opens no driver), for *found. */
int
mamori_media_get_readonly(const char *devnode, dev_t devnum, enum mamori_node_found *found)
{
	char ro[64];
	int fd = mamori_node_open(devnode, S_IFBLK, devnum, O_PATH, found), r;

	if (fd >= 0)
		close(fd);
	else if (fd != MAMORI_E_NOTNODE && fd != -ENOENT)
		return fd;
	if (mamori_snprintf(ro, sizeof(ro), "/sys/dev/block/%u:%u/ro", major(devnum),
			    minor(devnum)) != 0)
		return -ENAMETOOLONG;
	r = mamori_sysfs_flag(ro);
	return r == -ENXIO || r == -ENODEV ? -ENOENT : r; /* the device is gone */
}

int
mamori_media_set_readonly(const char *devnode, dev_t devnum, enum mamori_node_found *found)
{
	int fd = open_node(devnode, devnum, found), one = 1, ro = 0, r;

	if (fd < 0)
		return fd;
	if (ioctl(fd, BLKROSET, &one) < 0)
		r = -errno;
	else if (ioctl(fd, BLKROGET, &ro) < 0)
		r = -errno;
	else
		r = ro ? 0 : -EIO; /* the kernel did not keep it: never report success */
	close(fd);
	return r;
}

int
mamori_media_misplaced_msg(char *buf, size_t cap, const char *path, enum mamori_node_found f,
			   dev_t devnum, int r)
{
	return mamori_snprintf(buf, cap,
			       "%s at %s, not the node of device %u:%u (a write that raced a "
			       "partition table re-read, or tampering): %s; remove %s and plug "
			       "the device in again",
			       mamori_node_found_name(f), path, major(devnum), minor(devnum),
			       r == 0 ? "the device itself was acted on through a private node"
				      : "the device could not be reached",
			       path);
}

/* Not removexattr: that would leave the mode's group bits as they show the ACL's mask (rw
 * when udev's uaccess had given the seat user rw), and the owning group (cdrom) could then
 * write. The minimal ACL of the same owner, group and other permissions makes the kernel drop
 * the ACL and put the owning group's own permissions back into the mode. */
static int
drop_acl(const char *path)
{
	static const char name[] = "system.posix_acl_access";
	unsigned char acl[4 + 8 * 64], min[MAMORI_ACL_MINIMAL_LEN];
	ssize_t n = getxattr(path, name, acl, sizeof(acl));

	if (n < 0)
		return errno == ENODATA ? 0 : -errno;
	if (mamori_acl_minimal(acl, (size_t)n, min) < 0)
		return removexattr(path, name) < 0 ? -errno : 0; /* malformed: away with it */
	return setxattr(path, name, min, sizeof(min), 0) < 0 ? -errno : 0;
}

bool
mamori_node_misplaced(enum mamori_node_found f)
{
	return f != MAMORI_NODE_DEVICE && f != MAMORI_NODE_MISSING;
}

/* The ACL of the node itself, through /proc/self/fd of an O_PATH fd: getxattr and setxattr
 * on the path would follow a symlink, and O_PATH opens no driver (nor needs the device
 * cgroup's permission, which the agent has for block devices only). */
int
mamori_media_node_acl(const struct mamori_node_ref *n, bool drop, enum mamori_node_found *found)
{
	char path[MAMORI_FD_PATH_MAX];
	int fd = mamori_node_open(n->path, n->type, n->devnum, O_PATH, found), r;

	if (fd < 0)
		return fd;
	mamori_node_fd_path(fd, path);
	r = mamori_acl_node_grants(path, n->perm);
	if (r > 0 && drop) {
		int d = drop_acl(path);

		r = d < 0 ? d : 1;
	}
	close(fd);
	return r;
}

int
mamori_media_request_change(const char *syspath)
{
	char path[PATH_MAX];
	int fd, w, r = 0;

	w = snprintf(path, sizeof(path), "%s/uevent", syspath);
	if (w < 0 || (size_t)w >= sizeof(path))
		return -ENAMETOOLONG;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -errno;
	if (write(fd, "change", 6) != 6)
		r = errno > 0 ? -errno : -EIO;
	close(fd);
	return r;
}
