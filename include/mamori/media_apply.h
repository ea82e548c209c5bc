/* What mamori-udev does to a device and learns from it beyond sysfs: the kernel read-only
 * flag, the filesystem on it (read-only probe), the user at the seat. */
#ifndef MAMORI_MEDIA_APPLY_H
#define MAMORI_MEDIA_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "mamori/devnode.h"

/* Where a private node of a device is made when its /dev path holds something else
 * (devnode.h): a filesystem that allows device nodes, writable under the agent's sandbox. */
#define MAMORI_PRIVATE_NODE_DIR "/dev"

/* Set the kernel read-only flag (BLKROSET) on the block device devnum, whose node is devnode,
 * and read it back (BLKROGET). *found (may be NULL) says what was at devnode; when that was
 * not the device's node, the flag went through a private node. 0, -ENOENT when the device is
 * gone, or a negative errno. */
int mamori_media_set_readonly(const char *devnode, dev_t devnum, enum mamori_node_found *found);

/* Whether the device's read-only flag is set (from sysfs; *found as above): 1, 0, -ENOENT
 * when the device is gone, or a negative errno. */
int mamori_media_get_readonly(const char *devnode, dev_t devnum, enum mamori_node_found *found);

/* A sysfs attribute holding 0 or 1 ("ro", "authorized"): 0, 1, or a negative errno. */
int mamori_sysfs_flag(const char *path);

/* Whether *found names something that has no business at a device node's path (a regular
 * file, a symlink, another device): not the device, and not a node missing for an instant. */
bool mamori_node_misplaced(enum mamori_node_found f);

/* The text of the event about a misplaced node (MAMORI-MEDIA-116): what was found at path
 * instead of the node of devnum, what was done (r: the result of acting on the device
 * through a private node) and what to do. 0, or MAMORI_E_TRUNC. */
int mamori_media_misplaced_msg(char *buf, size_t cap, const char *path,
			       enum mamori_node_found f, dev_t devnum, int r);

/* A device node as the sysfs tree names it: its path, type (S_IFBLK, S_IFCHR), number, and
 * the permissions (MAMORI_ACL_READ, MAMORI_ACL_WRITE) no user or group may hold on it. */
struct mamori_node_ref {
	const char *path;
	mode_t type;
	dev_t devnum;
	unsigned perm;
};

/* Whether the node's access ACL gives a named user or group any of n->perm (what udev's
 * uaccess builtin grants the seat user); with drop, that ACL is replaced by the minimal one.
 * Only when the path holds that very node: else MAMORI_E_NOTNODE and *found. 1 (found, and
 * with drop removed), 0 (none), or a negative errno. */
int mamori_media_node_acl(const struct mamori_node_ref *n, bool drop, enum mamori_node_found *found);

/* fn for each node of an optical drive through which a disc can be written (SG_IO): the
 * block node /dev/DISK and every SCSI generic node of the drive. Stops at fn's first
 * negative return and returns it; 0 otherwise. */
int mamori_media_optical_nodes(const char *disk,
			       int (*fn)(const struct mamori_node_ref *node, void *ctx), void *ctx);

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

/* Filesystem type, label and UUID on a block node, through libblkid (opened read-only, only
 * when devnode is the node of devnum).
 * A node without a filesystem gives empty strings and 0; a negative errno when the node
 * cannot be read. */
int mamori_media_probe_fs(const char *devnode, dev_t devnum, struct mamori_media_fs *ret);

/* Name of the user of the active session on seat0, "" when nobody is logged in there. */
int mamori_media_seat_user(char *buf, size_t len);

/* The ACTIVE_UID= of logind's seat state text: 1 and *ret, 0 when the seat has no active
 * session, -EINVAL when the value is malformed. */
int mamori_media_parse_seat_uid(const char *text, uid_t *ret);

#endif
