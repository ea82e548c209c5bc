/* What mamori-udev does to a device and learns from it beyond sysfs: the kernel read-only
 * flag, the filesystem on it (read-only probe), the user at the seat. */
#ifndef MAMORI_MEDIA_APPLY_H
#define MAMORI_MEDIA_APPLY_H

#include <stddef.h>
#include <sys/types.h>

/* Set the kernel read-only flag (BLKROSET) on a block node and read it back (BLKROGET).
 * 0, or a negative errno. */
int mamori_media_set_readonly(const char *devnode);

/* Whether the node's read-only flag is set: 1, 0, or a negative errno. */
int mamori_media_get_readonly(const char *devnode);

/* Remove the extended access ACL of a device node (what udev's uaccess builtin granted the
 * seat user). 0 also when there was none; a negative errno. */
int mamori_media_drop_acl(const char *devnode);

/* fn for each node of an optical drive through which a disc can be written (SG_IO): the
 * block node /dev/DISK and every SCSI generic node of the drive. Stops at fn's first
 * negative return and returns it; 0 otherwise. */
int mamori_media_optical_nodes(const char *disk, int (*fn)(const char *node, void *ctx),
			       void *ctx);

/* Ask the kernel to replay a device's event as "change" (write to its uevent file), so the
 * udev rules see it again now that its children exist. */
int mamori_media_request_change(const char *syspath);

/* Unbind the driver of a kernel device ("mmc", "mmc0:4567"), so it has no block node any
 * more: deny for devices without USB authorization. 0, -ENODEV when no driver is bound. */
int mamori_media_unbind(const char *bus, const char *name);

struct mamori_media_fs {
	char type[32];
	char label[128];
	char uuid[64];
};

/* Filesystem type, label and UUID on a block node, through libblkid (opened read-only).
 * A node without a filesystem gives empty strings and 0; a negative errno when the node
 * cannot be read. */
int mamori_media_probe_fs(const char *devnode, struct mamori_media_fs *ret);

/* Name of the user of the active session on seat0, "" when nobody is logged in there. */
int mamori_media_seat_user(char *buf, size_t len);

/* The ACTIVE_UID= of logind's seat state text: 1 and *ret, 0 when the seat has no active
 * session, -EINVAL when the value is malformed. */
int mamori_media_parse_seat_uid(const char *text, uid_t *ret);

#endif
