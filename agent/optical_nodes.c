/* The nodes through which a disc can be written: SG_IO works on the block node (opened for
 * writing with O_NONBLOCK, whatever the medium) and on each SCSI generic node of the drive. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "mamori/buf.h"
#include "mamori/media_apply.h"

int
mamori_media_optical_nodes(const char *disk, int (*fn)(const char *node, void *ctx), void *ctx)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int r;

	if (disk[0] == '\0' || strchr(disk, '/') != NULL ||
	    mamori_snprintf(path, sizeof(path), "/dev/%s", disk) != 0)
		return -EINVAL;
	if ((r = fn(path, ctx)) < 0)
		return r;
	if (mamori_snprintf(path, sizeof(path), "/sys/class/block/%s/device/scsi_generic", disk) != 0)
		return -ENAMETOOLONG;
	if ((dir = opendir(path)) == NULL)
		return errno == ENOENT ? 0 : -errno; /* no sg driver: the block node is all */
	while (r >= 0 && (e = readdir(dir)) != NULL)
		if (e->d_name[0] != '.')
			r = mamori_snprintf(path, sizeof(path), "/dev/%s", e->d_name) != 0
				    ? -ENAMETOOLONG : fn(path, ctx);
	closedir(dir);
	return r < 0 ? r : 0;
}
