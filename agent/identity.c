/* What an event says about a device beyond sysfs: its filesystem (read-only libblkid probe)
 * and who sits at the terminal (sd-login). */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <blkid/blkid.h>
#include <systemd/sd-login.h>

#include "mamori/media_apply.h"

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

int
mamori_media_probe_fs(const char *devnode, struct mamori_media_fs *ret)
{
	struct mamori_media_fs fs;
	blkid_probe pr;
	int r;

	memset(&fs, 0, sizeof(fs));
	/* blkid_new_probe_from_filename opens the node O_RDONLY and never writes. */
	errno = 0;
	if ((pr = blkid_new_probe_from_filename(devnode)) == NULL)
		return errno > 0 ? -errno : -EIO;
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
						      BLKID_SUBLKS_UUID);
	blkid_probe_enable_partitions(pr, 0);
	r = blkid_do_safeprobe(pr);
	if (r == 0) {
		copy_value(pr, "TYPE", fs.type, sizeof(fs.type));
		copy_value(pr, "LABEL", fs.label, sizeof(fs.label));
		copy_value(pr, "UUID", fs.uuid, sizeof(fs.uuid));
	}
	blkid_free_probe(pr);
	/* 1: nothing found, -2: ambiguous (more than one signature): both leave fs empty */
	if (r == -1)
		return -EIO;
	*ret = fs;
	return 0;
}

int
mamori_media_seat_user(char *buf, size_t len)
{
	char *session = NULL;
	uid_t uid;
	struct passwd pw, *res = NULL;
	char pwbuf[4096];
	int r;

	if (len == 0)
		return -EINVAL;
	buf[0] = '\0';
	r = sd_seat_get_active("seat0", &session, &uid);
	free(session);
	if (r == -ENXIO || r == -ENODATA || r == -ENOENT)
		return 0; /* no active session on the seat (or no logind at all) */
	if (r < 0)
		return r;
	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &res) != 0 || res == NULL)
		return -ENOENT;
	if (strlen(pw.pw_name) >= len)
		return -ENAMETOOLONG;
	memcpy(buf, pw.pw_name, strlen(pw.pw_name) + 1);
	return 0;
}
