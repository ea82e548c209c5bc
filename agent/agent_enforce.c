/* Which disks mamori-agent protects, and the re-check that keeps them protected: the kernel
 * read-only flag on the disk and on every partition (reference: a flag cleared on either
 * level is a write path), then every read-write mount of them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "agent_internal.h"
#include "mamori/agent_mountinfo.h"
#include "mamori/err.h"
#include "mamori/log.h"
#include "mamori/media_apply.h"
#include "mamori/media_udev.h"

const struct mamori_media_config *
agent_media(const struct agent *a)
{
	return a->cfg_ok ? &a->cfg->media : NULL;
}

static bool
gone(int r)
{
	return r == -ENOENT || r == -ENODEV || r == -ENXIO;
}

/* /sys/class/block/NAME/diskseq (Linux 5.15): a new number for every new medium. */
static uint64_t
read_diskseq(const char *name)
{
	char path[PATH_MAX], buf[32];
	unsigned long long v = 0;
	ssize_t n;
	int fd, w = snprintf(path, sizeof(path), "/sys/class/block/%s/diskseq", name);

	if (w < 0 || (size_t)w >= sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return sscanf(buf, "%llu", &v) == 1 ? v : 0;
}

/* Whether the disk of this name is still the one taken in, not a new device that got its
 * name after a removal the agent did not hear of. */
static bool
same_disk(const struct agent_disk *d)
{
	char link[PATH_MAX], real[PATH_MAX];
	int w = snprintf(link, sizeof(link), "/sys/class/block/%s", d->dev.disk);

	if (w < 0 || (size_t)w >= sizeof(link) || realpath(link, real) == NULL)
		return false;
	return strcmp(real, d->syspath) == 0 && read_diskseq(d->dev.disk) == d->diskseq;
}

static struct agent_disk *
find(struct agent *a, const char *disk)
{
	for (size_t i = 0; i < a->n_disks; i++)
		if (strcmp(a->disks[i].dev.disk, disk) == 0)
			return &a->disks[i];
	return NULL;
}

static void
drop(struct agent *a, struct agent_disk *d)
{
	size_t i = (size_t)(d - a->disks);

	mamori_debug("%s: no longer re-checked", d->dev.disk);
	a->disks[i] = a->disks[--a->n_disks];
}

struct enforce {
	struct agent *a;
	const struct mamori_media_dev *dev;
	bool misplaced; /* a node's path held something else (reported) */
	bool said;      /* that was reported already for this disk, and is still so */
	bool every;     /* set each node's own flag, also on nodes that read read-only */
	int was_ro;   /* 1 while every node was already read-only */
	int fixed;    /* nodes the agent made read-only */
	int failed;   /* first failure */
	char failed_node[128];
};

void
agent_report_misplaced(struct agent *a, const struct mamori_media_dev *dev, const char *node,
		       dev_t devnum, enum mamori_node_found f, int r)
{
	char msg[512], num[24];

	(void)mamori_media_misplaced_msg(msg, sizeof(msg), node, f, devnum, r);
	(void)snprintf(num, sizeof(num), "%u:%u", major(devnum), minor(devnum));
	agent_report_dev(a, MAMORI_EV_MEDIA_NODE_MISPLACED, msg, dev, node,
			 (const struct mamori_field[]){
				 MAMORI_STR("found", mamori_node_found_name(f)),
				 MAMORI_STR("devnum", num), MAMORI_INT("readonly", r == 0),
				 MAMORI_STR("reason", r < 0 ? mamori_strerror(r) : NULL)},
			 4);
}

/* At start and reload every node gets the flag, also a partition that reads read-only only
 * because its disk does: the partition's own flag still counts when the disk's is cleared.
 * On a udev event only a node that reads writable is opened: mamori-udev has set the flags
 * of what the event announces, and an open of every partition at every event made a
 * partition table re-read (BLKRRPART) fail with EBUSY. A partition left with its disk's flag
 * alone gets its own at the re-check after the disk's is cleared. */
static int
enforce_node(const char *node, dev_t devnum, void *ctx)
{
	struct enforce *e = ctx;
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int ro = mamori_media_get_readonly(node, devnum, &f), r;

	if (ro != 1)
		e->was_ro = 0;
	if (ro < 0)
		r = ro;
	else if (ro == 1 && !e->every && !mamori_node_misplaced(f))
		r = 0;
	else
		r = mamori_media_set_readonly(node, devnum, NULL);
	if (mamori_node_misplaced(f)) {
		e->misplaced = true;
		if (!e->said)
			agent_report_misplaced(e->a, e->dev, node, devnum, f, r);
	}
	if (r == 0 && ro == 0)
		e->fixed++;
	else if (r < 0 && e->failed == 0) {
		e->failed = r;
		snprintf(e->failed_node, sizeof(e->failed_node), "%s", node);
	}
	return 0;
}

static void
report_taken_in(struct agent *a, const struct enforce *e, enum agent_origin why)
{
	const char *when = why == AGENT_AT_START ? "start" : why == AGENT_AT_EVENT ? "event" : "reload";

	if (e->failed < 0) {
		a->counts.failures++;
		agent_report_dev(a, MAMORI_EV_AGENT_ENFORCE_FAILED,
				 "could not make removable storage read-only", e->dev, e->failed_node,
				 (const struct mamori_field[]){MAMORI_STR("what", "readonly"),
							       MAMORI_STR("when", when),
							       MAMORI_STR("reason", mamori_strerror(e->failed))},
				 3);
		return;
	}
	if (e->fixed > 0)
		a->counts.enforced++;
	if (why != AGENT_AT_START && e->fixed == 0)
		return; /* the udev rules had done it; mamori-udev reported it */
	agent_report_dev(a, MAMORI_EV_AGENT_ENFORCED,
			 e->fixed > 0 ? "removable storage found writable, made read-only"
				      : "removable storage present, read-only",
			 e->dev, e->dev->devnode,
			 (const struct mamori_field[]){MAMORI_STR("when", when),
						       MAMORI_INT("was_readonly", e->was_ro),
						       MAMORI_INT("fixed", e->fixed)},
			 3);
}

static void
take_in(struct agent *a, const struct mamori_media_dev *dev, const char *syspath,
	enum mamori_media_class cls)
{
	struct agent_disk *d = find(a, dev->disk);
	char real[PATH_MAX];

	if (d == NULL && a->n_disks < AGENT_MAX_DISKS)
		d = &a->disks[a->n_disks++];
	else if (d == NULL) {
		mamori_warn("%s: more than %d disks, not re-checked", dev->disk, AGENT_MAX_DISKS);
		return;
	}
	memset(d, 0, sizeof(*d));
	d->dev = *dev;
	d->cls = cls;
	/* an unknown path never matches: the disk is dropped at the next re-check and taken
	 * in again by the monitor or the scan */
	if (realpath(syspath, real) != NULL && strlen(real) < sizeof(d->syspath))
		memcpy(d->syspath, real, strlen(real) + 1);
	d->diskseq = read_diskseq(dev->disk);
}

/* The disk of a block device, read through its class link. */
static int
read_disk(struct agent *a, const char *syspath, struct mamori_media_dev *dev, char *disk_path,
	  size_t cap)
{
	int r, w;

	if ((r = mamori_media_udev_read(a->udev, syspath, dev)) < 0)
		return r;
	if (strcmp(dev->subsystem, "block") != 0 || dev->disk[0] == '\0')
		return -ENOTBLK;
	w = snprintf(disk_path, cap, "/sys/class/block/%s", dev->disk);
	if (w < 0 || (size_t)w >= cap)
		return -ENAMETOOLONG;
	if (strcmp(dev->devtype, "disk") == 0)
		return 0;
	return mamori_media_udev_read(a->udev, disk_path, dev);
}

int
agent_consider(struct agent *a, const char *syspath, enum agent_origin why)
{
	struct mamori_media_dev dev;
	struct mamori_media_decision dec;
	struct enforce e = {.a = a, .dev = &dev, .was_ro = 1, .every = why != AGENT_AT_EVENT};
	struct agent_disk *known;
	char disk_path[PATH_MAX];
	enum mamori_media_class cls;
	int r;

	if ((r = read_disk(a, syspath, &dev, disk_path, sizeof(disk_path))) < 0)
		return gone(r) || r == -ENOTBLK ? 0 : r;
	if (a->only != NULL && strcmp(dev.disk, a->only) != 0)
		return 0;
	cls = mamori_media_classify(&dev, agent_media(a));
	mamori_media_decide(cls, &dev, agent_media(a), &dec);
	known = find(a, dev.disk);
	e.said = known != NULL && known->misplaced_said;
	if (!dec.set_readonly) {
		if (known != NULL)
			drop(a, known); /* a new configuration allows it; the flag stays as it is */
		return 0;
	}
	r = mamori_media_udev_disk_nodes(a->udev, &dev, enforce_node, &e);
	if (gone(r))
		return 0;
	if (r < 0 && e.failed == 0) {
		e.failed = r;
		snprintf(e.failed_node, sizeof(e.failed_node), "%s", dev.devnode);
	}
	if (known == NULL || why != AGENT_AT_EVENT || e.fixed > 0 || e.failed < 0)
		report_taken_in(a, &e, why);
	take_in(a, &dev, disk_path, cls);
	if ((known = find(a, dev.disk)) != NULL)
		known->misplaced_said = e.misplaced;
	return 0;
}

struct scan {
	struct agent *a;
	enum agent_origin why;
};

static int
scan_one(const char *syspath, void *ctx)
{
	struct scan *s = ctx;
	int r = agent_consider(s->a, syspath, s->why);

	if (r < 0)
		mamori_warn("%s: %s", syspath, mamori_strerror(r));
	return 0;
}

int
agent_scan(struct agent *a, enum agent_origin why)
{
	struct scan s = {a, why};

	return mamori_media_udev_each_disk(a->udev, scan_one, &s);
}

void
agent_forget(struct agent *a, const char *syspath)
{
	const char *name = strrchr(syspath, '/');
	struct agent_disk *d = name != NULL ? find(a, name + 1) : NULL;

	if (d != NULL && strcmp(d->syspath, syspath) == 0)
		drop(a, d);
}

/* ---- the periodic re-check ---------------------------------------------------------------- */

struct recheck {
	struct agent *a;
	struct agent_disk *d;
	struct agent_node nodes[AGENT_MAX_NODES];
	size_t n_nodes;
	bool cleared; /* a node of this disk was found writable */
	bool misplaced; /* a node's path of this disk held something else */
};

void
agent_report_repair(struct agent *a, const struct mamori_media_dev *dev, bool *failing,
		    const char *node, int r, const struct agent_repair *how)
{
	if (r == 0) {
		a->counts.tampers++;
		*failing = false;
		agent_report_dev(a, how->event, how->done, dev, node, NULL, 0);
		return;
	}
	a->counts.failures++;
	if (*failing)
		return; /* said once; tried again at every re-check */
	*failing = true;
	agent_report_dev(a, MAMORI_EV_AGENT_ENFORCE_FAILED, how->failed, dev, node,
			 (const struct mamori_field[]){MAMORI_STR("what", how->what),
						       MAMORI_STR("when", "recheck"),
						       MAMORI_STR("reason", mamori_strerror(r))},
			 3);
}

static void
report_restore(struct agent *a, struct agent_disk *d, const char *node, int r)
{
	static const struct agent_repair how = {
		MAMORI_EV_AGENT_TAMPER_READONLY,
		"read-only flag of removable storage was cleared: set again",
		"read-only flag of removable storage was cleared and cannot be set again", "readonly"};

	agent_report_repair(a, &d->dev, &d->failing, node, r, &how);
}

/* Said once while it lasts: the re-check finds it every second until someone removes it. */
static void
recheck_misplaced(struct recheck *rc, const char *node, dev_t devnum, enum mamori_node_found f,
		  int ro)
{
	if (!mamori_node_misplaced(f))
		return;
	rc->misplaced = true;
	if (!rc->d->misplaced_said)
		agent_report_misplaced(rc->a, &rc->d->dev, node, devnum, f, ro < 0 ? ro : 0);
	rc->d->misplaced_said = true;
}

static int
recheck_node(const char *node, dev_t devnum, void *ctx)
{
	struct recheck *rc = ctx;
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int ro = mamori_media_get_readonly(node, devnum, &f);

	if (!gone(ro) && rc->n_nodes < AGENT_MAX_NODES) {
		struct agent_node *n = &rc->nodes[rc->n_nodes++];

		n->rdev = devnum;
		n->disk = rc->d;
		snprintf(n->node, sizeof(n->node), "%s", node);
	}
	if (ro == 1 || gone(ro)) {
		recheck_misplaced(rc, node, devnum, f, ro);
		return 0;
	}
	rc->cleared = true;
	if (ro == 0)
		ro = mamori_media_set_readonly(node, devnum, NULL);
	recheck_misplaced(rc, node, devnum, f, ro);
	report_restore(rc->a, rc->d, node, ro);
	return 0;
}

static int
set_ro(const char *node, dev_t devnum, void *ctx)
{
	(void)ctx;
	(void)mamori_media_set_readonly(node, devnum, NULL);
	return 0;
}

void
agent_recheck(struct agent *a)
{
	static struct recheck rc; /* AGENT_MAX_NODES entries: kept off the stack */

	rc.a = a;
	rc.n_nodes = 0;
	for (size_t i = 0; i < a->n_disks;) {
		struct agent_disk *d = &a->disks[i];
		int r;

		if (!same_disk(d)) {
			drop(a, d); /* removed, or another device under its name: */
			continue;   /* the monitor or the next scan judges the newcomer */
		}
		rc.d = d;
		rc.cleared = false;
		rc.misplaced = false;
		r = mamori_media_udev_disk_nodes(a->udev, &d->dev, recheck_node, &rc);
		if (r < 0 && !gone(r))
			mamori_warn("%s: %s", d->dev.disk, mamori_strerror(r));
		/* both levels back: a partition that read read-only through its disk alone */
		if (rc.cleared)
			(void)mamori_media_udev_disk_nodes(a->udev, &d->dev, set_ro, NULL);
		if (!rc.misplaced)
			d->misplaced_said = false; /* said again should it come back */
		agent_check_acls(a, d);
		i++;
	}
	if (rc.n_nodes > 0)
		agent_check_mounts(a, rc.nodes, rc.n_nodes);
	agent_recheck_phones(a);
}
