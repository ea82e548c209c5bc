/* Read-write mounts of protected disks. The kernel read-only flag stops new writers, not a
 * filesystem mounted read-write before it was set: Linux only warns when such a filesystem
 * writes (block/blk-core.c bio_check_ro, "Older lvm-tools actually trigger this";
 * reference/removable-media.md (c)1). So such a filesystem is remounted read-only.
 *
 * The superblock is what is remounted: under systemd's sandboxing the agent has a mount
 * namespace of its own, and only a superblock's state is shared with every other namespace.
 * When the filesystem refuses (a file is open for writing: EBUSY), the mount point in the
 * agent's own namespace is made read-only at least, and the failure is reported. */
#include <errno.h>
#include <fcntl.h>
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

#define MOUNTINFO "/proc/self/mountinfo"

static int
read_mountinfo(char **ret, size_t *ret_len)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd = open(MOUNTINFO, O_RDONLY | O_CLOEXEC), r = 0;

	if (fd < 0 || buf == NULL) {
		r = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len < cap)
			continue;
		if (cap >= MAMORI_MOUNTINFO_MAX) {
			r = MAMORI_E_TOOBIG;
			goto out;
		}
		if ((nb = realloc(buf, cap * 2)) == NULL) {
			r = -ENOMEM;
			goto out;
		}
		buf = nb;
		cap *= 2;
	}
	if (n < 0) {
		r = -errno;
		goto out;
	}
	*ret = buf;
	*ret_len = len;
	buf = NULL;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return r;
}

/* Remount through an O_PATH descriptor of the mount point whose device was checked: a path
 * that another filesystem has been mounted over since the line was read is never touched. */
static int
remount_ro(const struct mamori_mount *m, const char **how)
{
	char path[64];
	struct stat st;
	int fd = open(m->mount_point, O_PATH | O_CLOEXEC | O_NOFOLLOW), r;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || major(st.st_dev) != m->major || minor(st.st_dev) != m->minor) {
		r = -ESTALE;
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_RDONLY | m->keep_flags, NULL) == 0) {
		*how = "superblock";
		r = 0;
		goto out;
	}
	r = -errno;
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | m->keep_flags, NULL) == 0)
		*how = "mountpoint";
out:
	close(fd);
	return r;
}

struct mounts {
	struct agent *a;
	const struct agent_node *nodes;
	size_t n;
	unsigned long seen_failing[AGENT_MAX_FAILING]; /* still failing, still mounted */
	size_t n_seen;
};

static const struct agent_node *
node_of(const struct mounts *ms, const struct mamori_mount *m)
{
	for (size_t i = 0; i < ms->n; i++)
		if (major(ms->nodes[i].rdev) == m->major && minor(ms->nodes[i].rdev) == m->minor)
			return &ms->nodes[i];
	return NULL;
}

static bool
was_reported(const struct agent *a, unsigned long id)
{
	for (size_t i = 0; i < a->n_failing; i++)
		if (a->failing_mounts[i] == id)
			return true;
	return false;
}

static void
report_failure(struct mounts *ms, const struct agent_node *n, const struct mamori_mount *m,
	       int r, const char *how)
{
	struct agent *a = ms->a;
	bool said = was_reported(a, m->id);

	a->counts.failures++;
	if (ms->n_seen < AGENT_MAX_FAILING)
		ms->seen_failing[ms->n_seen++] = m->id;
	if (said)
		return; /* said once; tried again at every re-check */
	agent_report_dev(a, MAMORI_EV_AGENT_ENFORCE_FAILED,
			 "read-write mount of removable storage cannot be made read-only",
			 &n->disk->dev, n->node,
			 (const struct mamori_field[]){MAMORI_STR("what", "remount"),
						       MAMORI_STR("when", "recheck"),
						       MAMORI_STR("mount", m->mount_point),
						       MAMORI_STR("fs", m->fstype),
						       MAMORI_STR("partial", how),
						       MAMORI_STR("reason", mamori_strerror(r))},
			 6);
}

static int
check_mount(const struct mamori_mount *m, void *ctx)
{
	struct mounts *ms = ctx;
	const struct agent_node *n = node_of(ms, m);
	const char *how = NULL;
	int r;

	if (n == NULL || !m->super_rw)
		return 0;
	if ((r = remount_ro(m, &how)) < 0) {
		report_failure(ms, n, m, r, how);
		return 0;
	}
	ms->a->counts.remounts++;
	agent_report_dev(ms->a, MAMORI_EV_AGENT_TAMPER_MOUNT,
			 "removable storage was mounted read-write: remounted read-only",
			 &n->disk->dev, n->node,
			 (const struct mamori_field[]){MAMORI_STR("mount", m->mount_point),
						       MAMORI_STR("fs", m->fstype),
						       MAMORI_STR("how", how)},
			 3);
	return 0;
}

void
agent_check_mounts(struct agent *a, const struct agent_node *nodes, size_t n)
{
	struct mounts ms = {.a = a, .nodes = nodes, .n = n};
	char *text = NULL;
	size_t len = 0, bad = 0;
	int r;

	if ((r = read_mountinfo(&text, &len)) < 0) {
		mamori_error("%s: %s", MOUNTINFO, mamori_strerror(r));
		return;
	}
	(void)mamori_mountinfo_each(text, len, check_mount, &ms, &bad);
	if (bad > 0)
		mamori_warn("%s: %zu lines not understood", MOUNTINFO, bad);
	free(text);
	/* a mount that works now, or is gone, may be reported again should it fail later */
	memcpy(a->failing_mounts, ms.seen_failing, ms.n_seen * sizeof(ms.seen_failing[0]));
	a->n_failing = ms.n_seen;
}
