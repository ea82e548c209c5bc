/* The nodes through which a disc can be written: SG_IO works on the block node (opened for
 * writing with O_NONBLOCK, whatever the medium) and on each SCSI generic node of the drive.
 * Each with its device number from sysfs, so that only that device is acted on (devnode.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "mamori/acl.h"
#include "mamori/buf.h"
#include "mamori/media_apply.h"

/* /dev/NAME and the device number in sysfs_dir/dev; fn on it. */
static int
node_of(const char *name, const char *sysfs_dir, mode_t type,
	int (*fn)(const struct mamori_node_ref *node, void *ctx), void *ctx)
{
	char path[PATH_MAX], dev[PATH_MAX];
	struct mamori_node_ref n = {.path = path, .type = type, .perm = MAMORI_ACL_WRITE};
	int r;

	if (mamori_snprintf(path, sizeof(path), "/dev/%s", name) != 0 ||
	    mamori_snprintf(dev, sizeof(dev), "%s/dev", sysfs_dir) != 0)
		return -ENAMETOOLONG;
	if ((r = mamori_devnum_read(dev, &n.devnum)) < 0)
		return r == -ENOENT ? 0 : r; /* gone meanwhile */
	return fn(&n, ctx);
}

int
mamori_media_optical_nodes(const char *disk,
			   int (*fn)(const struct mamori_node_ref *node, void *ctx), void *ctx)
{
	char path[PATH_MAX], sg[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int r;

	if (disk[0] == '\0' || strchr(disk, '/') != NULL ||
	    mamori_snprintf(path, sizeof(path), "/sys/class/block/%s", disk) != 0)
		return -EINVAL;
	if ((r = node_of(disk, path, S_IFBLK, fn, ctx)) < 0)
		return r;
	if (mamori_snprintf(path, sizeof(path), "/sys/class/block/%s/device/scsi_generic", disk) != 0)
		return -ENAMETOOLONG;
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -errno; /* no sg driver: the block node is all */
	while (r >= 0 && (e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.' && strchr(e->d_name, '/') == NULL)
			r = mamori_snprintf(sg, sizeof(sg), "%s/%s", path, e->d_name) != 0
				    ? -ENAMETOOLONG : node_of(e->d_name, sg, S_IFCHR, fn, ctx);
	closedir(dir);
	return r < 0 ? r : 0;
}
