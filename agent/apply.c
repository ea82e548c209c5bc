/* The kernel read-only flag. Set on the disk and on every partition: before Linux 5.12 a
 * partition did not follow its disk's flag, and a partition table re-read (BLKRRPART)
 * still drops a flag set on a partition alone (reference/removable-media.md (c)4-5). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <linux/fs.h>

#include "mamori/acl.h"
#include "mamori/media_apply.h"

/* O_NONBLOCK: an optical drive or card reader without a medium still opens. Read-only:
 * closing a node opened for writing would make udev's watch re-read the partitions. */
static int
open_node(const char *devnode)
{
	int fd = open(devnode, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

int
mamori_media_get_readonly(const char *devnode)
{
	int fd = open_node(devnode), ro = 0, r;

	if (fd < 0)
		return fd;
	r = ioctl(fd, BLKROGET, &ro) < 0 ? -errno : ro != 0;
	close(fd);
	return r;
}

int
mamori_media_set_readonly(const char *devnode)
{
	int fd = open_node(devnode), one = 1, ro = 0, r;

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

/* Not removexattr: that would leave the mode's group bits as they show the ACL's mask (rw
 * when udev's uaccess had given the seat user rw), and the owning group (cdrom) could then
 * write. The minimal ACL of the same owner, group and other permissions makes the kernel drop
 * the ACL and put the owning group's own permissions back into the mode. */
int
mamori_media_drop_acl(const char *devnode)
{
	static const char name[] = "system.posix_acl_access";
	unsigned char acl[4 + 8 * 64], min[MAMORI_ACL_MINIMAL_LEN];
	ssize_t n = getxattr(devnode, name, acl, sizeof(acl));

	if (n < 0)
		return errno == ENODATA ? 0 : -errno;
	if (mamori_acl_minimal(acl, (size_t)n, min) < 0)
		return removexattr(devnode, name) < 0 ? -errno : 0; /* malformed: away with it */
	return setxattr(devnode, name, min, sizeof(min), 0) < 0 ? -errno : 0;
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
