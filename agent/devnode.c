/* Device nodes opened by path only when they are the device they should be (devnode.h).
 * The path is opened with O_PATH|O_NOFOLLOW, which opens neither a symlink's target nor a
 * device's driver, and judged by fstat; the device itself is then opened through
 * /proc/self/fd, which reaches the very inode judged, not whatever the path holds by then. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/devnode.h"
#include "mamori/err.h"

enum mamori_node_found
mamori_node_judge(mode_t mode, dev_t rdev, mode_t want_type, dev_t want)
{
	switch (mode & S_IFMT) {
	case S_IFLNK:
		return MAMORI_NODE_SYMLINK;
	case S_IFREG:
		return MAMORI_NODE_REGULAR;
	case S_IFDIR:
		return MAMORI_NODE_DIRECTORY;
	case S_IFBLK:
	case S_IFCHR:
		if ((mode & S_IFMT) != (want_type & S_IFMT))
			return MAMORI_NODE_WRONG_TYPE;
		return rdev == want ? MAMORI_NODE_DEVICE : MAMORI_NODE_WRONG_DEVICE;
	default:
		return MAMORI_NODE_OTHER;
	}
}

const char *
mamori_node_found_name(enum mamori_node_found f)
{
	switch (f) {
	case MAMORI_NODE_DEVICE: return "device node";
	case MAMORI_NODE_MISSING: return "nothing";
	case MAMORI_NODE_SYMLINK: return "symbolic link";
	case MAMORI_NODE_REGULAR: return "regular file";
	case MAMORI_NODE_DIRECTORY: return "directory";
	case MAMORI_NODE_WRONG_TYPE: return "device node of the other type";
	case MAMORI_NODE_WRONG_DEVICE: return "node of another device";
	default: return "FIFO or socket";
	}
}

void
mamori_node_fd_path(int fd, char out[MAMORI_FD_PATH_MAX])
{
	(void)snprintf(out, MAMORI_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

/* The device behind a judged O_PATH fd, opened with flags; the O_PATH fd is consumed. */
static int
reopen(int pfd, int flags)
{
	char path[MAMORI_FD_PATH_MAX];
	int fd;

	if ((flags & O_PATH) != 0)
		return pfd;
	mamori_node_fd_path(pfd, path);
	fd = open(path, (flags & ~O_NOFOLLOW) | O_CLOEXEC | O_NOCTTY);
	fd = fd < 0 ? -errno : fd;
	close(pfd);
	return fd;
}

int
mamori_node_open(const char *path, mode_t want_type, dev_t want, int flags,
		 enum mamori_node_found *found)
{
	struct stat st;
	enum mamori_node_found f;
	int pfd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	if (pfd < 0) {
		if (errno == ENOENT && found != NULL)
			*found = MAMORI_NODE_MISSING;
		return -errno;
	}
	if (fstat(pfd, &st) < 0) {
		int r = -errno;

		close(pfd);
		return r;
	}
	if ((f = mamori_node_judge(st.st_mode, st.st_rdev, want_type, want)) != MAMORI_NODE_DEVICE) {
		close(pfd);
		if (found != NULL)
			*found = f;
		return MAMORI_E_NOTNODE;
	}
	if (found != NULL)
		*found = f;
	return reopen(pfd, flags);
}

/* A new directory of this process under dir, mode 0700. mkdir never follows a symlink and
 * fails on anything already there, so a planted name is skipped, never used; dir ("/dev") is
 * writable by root alone. */
static int
make_private_dir(const char *dir, char *out, size_t cap)
{
	for (unsigned i = 0; i < 16; i++) {
		if (mamori_snprintf(out, cap, "%s/.mamori-%ld-%u", dir, (long)getpid(), i) != 0)
			return -ENAMETOOLONG;
		if (mkdir(out, 0700) == 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int
mamori_node_open_private(const char *dir, mode_t want_type, dev_t want, int flags)
{
	char tmp[PATH_MAX], node[PATH_MAX];
	int fd = make_private_dir(dir, tmp, sizeof(tmp));

	if (fd < 0)
		return fd;
	if (mamori_snprintf(node, sizeof(node), "%s/node", tmp) != 0)
		fd = -ENAMETOOLONG;
	else if (mknod(node, (want_type & S_IFMT) | 0600, want) < 0)
		fd = -errno;
	else {
		fd = mamori_node_open(node, want_type, want, flags, NULL);
		(void)unlink(node);
	}
	(void)rmdir(tmp);
	return fd;
}

/* A decimal number of at most 7 digits, no sign, no space, at most max. */
static int
parse_num(const char *s, unsigned long max, unsigned long *ret)
{
	unsigned long v = 0;
	size_t n = 0;

	if (s == NULL)
		return -EINVAL;
	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 7)
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[n] - '0');
	}
	if (n == 0 || s[n] != '\0' || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

int
mamori_devnum_parse(const char *major, const char *minor, dev_t *ret)
{
	unsigned long ma, mi;

	/* MINORBITS 20; majors beyond 4095 (CHRDEV_MAJOR_MAX, BLKDEV_MAJOR_MAX 512) do not exist */
	if (parse_num(major, 4095, &ma) < 0 || parse_num(minor, (1ul << 20) - 1, &mi) < 0)
		return -EINVAL;
	*ret = makedev((unsigned)ma, (unsigned)mi);
	return 0;
}

int
mamori_devnum_parse_dev(const char *text, size_t len, dev_t *ret)
{
	char buf[24], *colon;

	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len >= sizeof(buf) || memchr(text, '\0', len) != NULL)
		return -EINVAL;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if ((colon = strchr(buf, ':')) == NULL)
		return -EINVAL;
	*colon = '\0';
	return mamori_devnum_parse(buf, colon + 1, ret);
}

int
mamori_devnum_read(const char *sysfs_dev, dev_t *ret)
{
	char buf[24];
	ssize_t n;
	int fd = open(sysfs_dev, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n < 0)
		return -EIO;
	return mamori_devnum_parse_dev(buf, (size_t)n, ret);
}
