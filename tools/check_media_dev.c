/* mamorictl check: every removable disk present, classified and decided as mamori-udev and
 * the agent do it (media.h), is in the state its policy demands: the kernel read-only flag on
 * the disk and every partition, no read-write mount of them (kernel 6.1 only warns when the
 * flag is set under a mounted filesystem), udev's database showing the rules ran on it, and
 * for optical drives no write access to the sr and sg nodes for the seat user (uaccess ACL)
 * or the cdrom group. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <libudev.h>

#include "check.h"
#include "mamori/acl.h"
#include "mamori/agent_mountinfo.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/media_apply.h"
#include "mamori/media_udev.h"

#define MAX_NODES 256

struct disk_check {
	struct check_ctx *c;
	struct udev *udev;
	const char *mountinfo;
	size_t mountinfo_len;
	struct mamori_media_dev dev;
	struct mamori_media_decision dec;
	dev_t nodes[MAX_NODES];
	size_t n_nodes;
	bool bad;
	size_t seen; /* disks that are mamori's to look after */
};

/* udev's database entry of a node ("b8:16"): whether it holds the line "E:key=". */
static bool
udev_db_has(dev_t rdev, char type, const char *key)
{
	char path[64], line[1024];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	if (mamori_snprintf(path, sizeof(path), "/run/udev/data/%c%u:%u", type, major(rdev),
			    minor(rdev)) != 0 ||
	    (f = fopen(path, "re")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, "E:", 2) == 0 && strncmp(line + 2, key, klen) == 0 &&
			line[2 + klen] == '=';
	fclose(f);
	return found;
}

/* A FAIL line about a node of the disk under d; the disk gets no OK line. */
#define FAIL(d, code, node, ...)                                                           \
	do {                                                                               \
		(d)->bad = true;                                                           \
		check_add((d)->c, "media.device", CHECK_FAIL, code, node, 0, __VA_ARGS__); \
	} while (0)

/* Something else than the device's node at its path (a regular file left by a dd that raced
 * a partition table re-read, a symlink, another device's node): the device itself is judged
 * through a private node, and this is a failure of its own. */
static void
check_misplaced(struct disk_check *d, const char *node, dev_t devnum, enum mamori_node_found f)
{
	if (!mamori_node_misplaced(f))
		return;
	FAIL(d, "misplaced-node", node, N_("media: %s is a %s, not the node of device %u:%u: programs that open "
		"it do not reach the device. Remove it and plug the device in again."), node,
	     mamori_node_found_name(f), major(devnum), minor(devnum));
}

static int
check_node(const char *node, dev_t devnum, void *ctx)
{
	struct disk_check *d = ctx;
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int ro = mamori_media_get_readonly(node, devnum, &f);

	check_misplaced(d, node, devnum, f);
	if (ro == -ENOENT)
		return 0; /* gone meanwhile */
	if (d->n_nodes < MAX_NODES)
		d->nodes[d->n_nodes++] = devnum;
	if (!d->dec.set_readonly)
		return 0;
	if (ro < 0)
		FAIL(d, "unreadable", node, N_("media: %s: the read-only flag cannot be read (%s)."), node, strerror(-ro));
	else if (ro == 0)
		FAIL(d, "writable", node, N_("media: %s is writable: the kernel read-only flag is not set, although "
			"the policy (%s) demands it. Unplug it and run mamorictl check again."), node, mamori_media_policy_name(d->dec.policy));
	return 0;
}

static int
check_mount(const struct mamori_mount *m, void *ctx)
{
	struct disk_check *d = ctx;

	if (!m->super_rw)
		return 0;
	for (size_t i = 0; i < d->n_nodes; i++)
		if (major(d->nodes[i]) == m->major && minor(d->nodes[i]) == m->minor)
			FAIL(d, "mounted-rw", d->dev.devnode, N_("media: a filesystem of %s is mounted read-write on %s: files "
				"can be written to it."), d->dev.devnode, m->mount_point);
	return 0;
}

/* A node of an optical drive: no ACL entry giving a user or group write access (what
 * udev's uaccess gives the seat user), and no write bit for the group or others. */
static int
check_no_write_access(const struct mamori_node_ref *n, void *ctx)
{
	struct disk_check *d = ctx;
	const char *node = n->path;
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	struct stat st;
	int g = mamori_media_node_acl(n, false, &f);

	if (g == MAMORI_E_NOTNODE) {
		check_misplaced(d, node, n->devnum, f);
		return 0;
	}
	if (g == -ENOENT || stat(node, &st) < 0)
		return 0;
	if (g != 0) {
		FAIL(d, "acl-write", node, N_("media: %s gives a user write access through an ACL (udev's "
			   "uaccess): a disc can be burnt. Unplug the drive."), node);
		return 0;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		FAIL(d, "node-writable", node, N_("media: %s has mode %s: its group or everybody can write to it and burn a "
			"disc."), node, (st.st_mode & S_IWOTH) != 0 ? "o+w" : "g+w");
	return 0;
}

static void
report_disk(struct disk_check *d, enum mamori_media_class cls)
{
	const char *cname = mamori_media_class_name(cls);
	const char *pname = mamori_media_policy_name(d->dec.policy);

	if (d->bad)
		return;
	if (d->dec.set_readonly)
		check_add(d->c, "media.device", CHECK_OK, "readonly", d->dev.devnode, 0,
			  N_("media: %s (%s, policy %s) is read-only on the disk and its "
			     "partitions, and not mounted read-write."), d->dev.devnode, cname, pname);
	else
		check_add(d->c, "media.device", CHECK_OK, "not-restricted", d->dev.devnode, 0,
			  N_("media: %s (%s) is not restricted: policy %s."), d->dev.devnode, cname,
			  pname);
}

static int
check_disk(const char *syspath, void *ctx)
{
	struct disk_check *d = ctx;
	const struct mamori_media_config *media = d->c->config_valid ? &d->c->cfg->media : NULL;
	enum mamori_media_class cls;

	if (mamori_media_udev_read(d->udev, syspath, &d->dev) < 0 || d->dev.devnode[0] == '\0')
		return 0;
	cls = mamori_media_classify(&d->dev, media);
	mamori_media_decide(cls, &d->dev, media, &d->dec);
	if (d->dec.action == MAMORI_MA_NONE)
		return 0;
	d->seen++;
	d->bad = false;
	d->n_nodes = 0;
	if (d->c->udevd_running && d->dev.devnum != 0 &&
	    !udev_db_has(d->dev.devnum, 'b', "MAMORI_CLASS"))
		FAIL(d, "not-seen-by-rules", d->dev.devnode, N_("media: %s has not been through mamori's udev rules (no MAMORI_CLASS "
			   "in udev's database): run \"udevadm control --reload && udevadm "
			   "trigger\"."), d->dev.devnode);
	(void)mamori_media_udev_disk_nodes(d->udev, &d->dev, check_node, d);
	if (d->dec.set_readonly && d->mountinfo != NULL)
		(void)mamori_mountinfo_each(d->mountinfo, d->mountinfo_len, check_mount, d, NULL);
	if (d->dec.strip_uaccess)
		(void)mamori_media_optical_nodes(d->dev.disk, check_no_write_access, d);
	report_disk(d, cls);
	return 0;
}

/* A phone or camera (MTP/PTP) the policy keeps from users: no ACL on its USB node giving a
 * user or group access, reading included (what udev's uaccess would give the seat user). */
static int
check_phone(const char *syspath, void *ctx)
{
	struct disk_check *d = ctx;
	const struct mamori_media_config *media = d->c->config_valid ? &d->c->cfg->media : NULL;
	struct mamori_node_ref n = {.path = d->dev.devnode, .type = S_IFCHR,
				    .perm = MAMORI_ACL_READ | MAMORI_ACL_WRITE};
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int g;

	if (mamori_media_udev_read(d->udev, syspath, &d->dev) < 0 ||
	    !mamori_media_phone_kept(&d->dev, media))
		return 0;
	n.devnum = d->dev.devnum;
	if ((g = mamori_media_node_acl(&n, false, &f)) == MAMORI_E_NOTNODE)
		check_misplaced(d, n.path, n.devnum, f);
	else if (g != 0 && g != -ENOENT)
		FAIL(d, "phone-acl", n.path, N_("media: %s, a phone or camera (MTP/PTP), gives a user access through an ACL "
			"(udev's uaccess): files can be copied to it. Unplug it."), n.path);
	return 0;
}

/* /proc/self/mountinfo into a buffer of at most MAMORI_MOUNTINFO_MAX bytes, or NULL. */
static char *
read_mountinfo(size_t *len)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = NULL, *nb;
	ssize_t r;
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while (cap <= MAMORI_MOUNTINFO_MAX && (nb = realloc(buf, cap)) != NULL) {
		buf = nb;
		while (n < cap && (r = read(fd, buf + n, cap - n)) > 0)
			n += (size_t)r;
		if (n < cap) {
			close(fd);
			*len = n;
			return buf;
		}
		cap *= 2;
	}
	close(fd);
	free(buf);
	return NULL;
}

void
check_media_devices(struct check_ctx *c)
{
	struct disk_check *d = calloc(1, sizeof(*d));
	char *mi;
	int r;

	if (d == NULL || (d->udev = udev_new()) == NULL) {
		free(d);
		c->out_of_memory = true;
		return;
	}
	d->c = c;
	d->mountinfo = mi = read_mountinfo(&d->mountinfo_len);
	if (mi == NULL)
		check_add(c, "media.mounts", CHECK_FAIL, "unreadable", "/proc/self/mountinfo", 0,
			  N_("media: /proc/self/mountinfo cannot be read: read-write mounts of "
			     "removable devices cannot be found."));
	if ((r = mamori_media_udev_each_disk(d->udev, check_disk, d)) < 0)
		check_add(c, "media.device", CHECK_FAIL, "unreadable", NULL, 0,
			  N_("media: the block devices cannot be listed (%s)."), strerror(-r));
	else if (d->seen == 0)
		check_add(c, "media.device", CHECK_OK, "none", NULL, 0,
			  N_("media: no removable storage is present."));
	(void)mamori_media_udev_each_usb(d->udev, check_phone, d);
	free(mi);
	udev_unref(d->udev);
	free(d);
}
