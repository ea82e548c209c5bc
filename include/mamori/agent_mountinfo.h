/* /proc/self/mountinfo (proc(5)) read into the few facts mamori-agent acts on: which block
 * device a mount is on, where it is, and whether its superblock and its mount point are
 * writable. Pure: no I/O, so the parser is unit-tested and fuzzed on any text. */
#ifndef MAMORI_AGENT_MOUNTINFO_H
#define MAMORI_AGENT_MOUNTINFO_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* A mountinfo text larger than this is refused: a program may not make the agent allocate
 * without bound by mounting things. */
#define MAMORI_MOUNTINFO_MAX (8u * 1024 * 1024)

struct mamori_mount {
	unsigned long id;             /* mount id, unique while the mount exists */
	unsigned major, minor;        /* st_dev of the filesystem: the block device for disk filesystems */
	char mount_point[PATH_MAX];   /* octal escapes (\040 …) decoded */
	char fstype[64];
	bool mount_rw;                /* the mount point's own option is "rw" */
	bool super_rw;                /* the superblock's option is "rw" */
	unsigned long keep_flags;     /* MS_NOSUID, MS_NODEV, MS_NOEXEC, atime flags of the mount
	                               * point, to be kept when it is remounted */
};

/* Parse one line (without its newline). 0, or MAMORI_E_CORRUPT when the line does not have
 * the shape proc(5) gives it; *ret is written only on success. */
int mamori_mountinfo_parse_line(const char *line, size_t len, struct mamori_mount *ret);

/* Call fn for each well-formed line of text[len]; malformed lines are skipped and counted in
 * *bad (may be NULL). Stops at and returns the first negative result of fn; 0 otherwise. */
int mamori_mountinfo_each(const char *text, size_t len,
			  int (*fn)(const struct mamori_mount *m, void *ctx), void *ctx,
			  size_t *bad);

#endif
