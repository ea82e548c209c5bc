/* A device node reached by its path under /dev, checked to be the device it should be before
 * anything acts through it. /dev is a filesystem root writes to: `dd of=/dev/sdb1` in the
 * instant a partition table re-read has removed the node creates a regular file there
 * (O_CREAT), and devtmpfs then cannot put the node back; root can also leave a symlink or
 * another device's node under the name. An ioctl or an ACL change through such a path fails
 * (ENOTTY) or acts on something else. */
#ifndef MAMORI_DEVNODE_H
#define MAMORI_DEVNODE_H

#include <stddef.h>
#include <sys/types.h>

/* What is at a device node's path. */
enum mamori_node_found {
	MAMORI_NODE_DEVICE,       /* the expected device */
	MAMORI_NODE_MISSING,      /* nothing */
	MAMORI_NODE_SYMLINK,
	MAMORI_NODE_REGULAR,
	MAMORI_NODE_DIRECTORY,
	MAMORI_NODE_OTHER,        /* a FIFO or a socket */
	MAMORI_NODE_WRONG_TYPE,   /* a character device where a block device belongs, or back */
	MAMORI_NODE_WRONG_DEVICE, /* a node of the right type for another device number */
};

/* What a file of this mode and device number is, against the type (S_IFBLK or S_IFCHR) and
 * the device number expected. */
enum mamori_node_found mamori_node_judge(mode_t mode, dev_t rdev, mode_t want_type, dev_t want);

/* Words for events and messages: "regular file", "symbolic link", … */
const char *mamori_node_found_name(enum mamori_node_found f);

/* Open path as the node of device want of type want_type (S_IFBLK, S_IFCHR), without following
 * a symlink and without opening anything but that device. flags: O_PATH for an fd that does
 * not open the device (for its ACL, through mamori_node_fd_path), else the open flags
 * (O_RDONLY, O_NONBLOCK …; O_CLOEXEC and O_NOCTTY are added). An fd; MAMORI_E_NOTNODE with
 * *found set when something else is at path; -ENOENT when nothing is; a negative errno. */
int mamori_node_open(const char *path, mode_t want_type, dev_t want, int flags,
		     enum mamori_node_found *found);

/* The way to a device whose /dev path holds something else: a node made with mknod in a new
 * directory (mode 0700) under dir ("/dev": a filesystem that allows device nodes), opened as
 * mamori_node_open does and removed again at once. An fd, or a negative errno. */
int mamori_node_open_private(const char *dir, mode_t want_type, dev_t want, int flags);

/* "/proc/self/fd/N": a path for calls that take no fd (getxattr on an O_PATH fd). */
#define MAMORI_FD_PATH_MAX 32
void mamori_node_fd_path(int fd, char out[MAMORI_FD_PATH_MAX]);

/* MAJOR and MINOR as udev passes them to a program: decimal, within the kernel's 12 and 20
 * bits. 0 and *ret, or -EINVAL. */
int mamori_devnum_parse(const char *major, const char *minor, dev_t *ret);

/* A sysfs "dev" attribute's text ("8:17", a newline at the end or not), len bytes of it:
 * 0 and *ret, or -EINVAL. */
int mamori_devnum_parse_dev(const char *text, size_t len, dev_t *ret);

/* The same, read from the file at sysfs_dev ("/sys/class/scsi_generic/sg0/dev"). */
int mamori_devnum_read(const char *sysfs_dev, dev_t *ret);

#endif
