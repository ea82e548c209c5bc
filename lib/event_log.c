/* The durable event log (opened, appended, fsync'd and closed for every event, so logrotate
 * can rename it at any moment) and the spool that holds events while /var is not writable. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/event_log.h"
#include "mamori/log.h"
#include "mamori/report.h"
#include "mamori/safefile.h"

/* read too: mamori_evlog_last_seq looks at the last line */
#define APPEND_FLAGS (O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

int
mamori_evfile_check(int fd, mode_t forbidden)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return MAMORI_E_NOTREG;
	if (st.st_uid != geteuid())
		return MAMORI_E_OWNER;
	if (st.st_mode & forbidden)
		return MAMORI_E_MODE;
	return 0;
}

/* fd from an open just made (or -1 with errno), kept only when the file passes the check. */
static int
keep_if_ours(int fd, mode_t forbidden)
{
	int r;

	if (fd < 0)
		return -errno;
	if ((r = mamori_evfile_check(fd, forbidden)) < 0) {
		close(fd);
		return r;
	}
	return fd;
}

/* Give a file this call created its owner, group and mode, and make its name durable. */
static int
settle_new(int fd, const char *path, mode_t mode, gid_t group)
{
	if (group == MAMORI_LOG_GROUP_ADM)
		group = mamori_adm_group();
	/* an unprivileged caller (tests) keeps its own group */
	if (fchown(fd, geteuid(), group) < 0 && geteuid() == 0)
		return -errno;
	if (fchmod(fd, mode) < 0)
		return -errno;
	return mamori_fsync_parent(path);
}

/* Open path for appending; when missing, create it with mode and owner:group. */
static int
open_append(const char *path, mode_t mode, gid_t group, mode_t forbidden)
{
	int fd, r;

	fd = open(path, APPEND_FLAGS);
	if (fd < 0 && errno == ENOENT) {
		fd = open(path, APPEND_FLAGS | O_CREAT | O_EXCL, mode);
		if (fd < 0 && errno == EEXIST)
			fd = open(path, APPEND_FLAGS);
		else if (fd >= 0 && (r = settle_new(fd, path, mode, group)) < 0) {
			close(fd);
			return r;
		}
	}
	return keep_if_ours(fd, forbidden);
}

int
mamori_evlog_open(const char *path, gid_t group)
{
	return open_append(path, 0640, group, S_IWGRP | S_IWOTH);
}

/* Whether the file's last byte is something other than a newline: the end of an append that
 * a crash cut short. On ext4 that is often a run of NUL bytes, not text: the new size reached
 * the disk with another file's fsync, the data of the line did not. */
static int
ends_unfinished(int fd, off_t size)
{
	char last;
	ssize_t n;

	if (size == 0)
		return 0;
	do
		n = pread(fd, &last, 1, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 1 && last != '\n';
}

int
mamori_evlog_append(int fd, const char *line, size_t len)
{
	/* a newline first when the file ends unfinished, then the line and its newline */
	char buf[MAMORI_EVENT_LINE_MAX + 1];
	size_t start, total;
	struct stat st;
	ssize_t n;
	int r;

	if (len >= MAMORI_EVENT_LINE_MAX || memchr(line, '\n', len) != NULL)
		return -EINVAL;
	if (fstat(fd, &st) < 0)
		return -errno;
	/* The line gets a line of its own: glued to an unfinished one, it would be read as part
	 * of it (a line starting with NUL bytes reaches the collector empty). */
	if ((r = ends_unfinished(fd, st.st_size)) < 0)
		return r;
	start = r ? 0 : 1;
	buf[0] = '\n';
	memcpy(buf + 1, line, len);
	buf[len + 1] = '\n';
	total = len + 2 - start;
	do
		n = write(fd, buf + start, total);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != total)
		r = -ENOSPC;
	else if (fdatasync(fd) < 0)
		r = -errno;
	else
		return 0;
	/* Every writer holds the sequence lock, so nothing was appended after us: cutting back
	 * to the old size leaves no part of this line behind. */
	if (ftruncate(fd, st.st_size) < 0)
		mamori_error("cannot cut back %d bytes: %s", (int)n, mamori_strerror(-errno));
	return r;
}

/* The last whole line of buf[0..n), whose first byte is at file offset start: NULL when it may
 * begin before the buffer. A half line after it (no newline yet) is skipped. */
static char *
last_whole_line(char *buf, size_t n, off_t start)
{
	char *end = memrchr(buf, '\n', n), *line;

	if (end == NULL)
		return NULL;
	*end = '\0';
	line = memrchr(buf, '\n', (size_t)(end - buf));
	if (line == NULL && start != 0)
		return NULL;
	return line ? line + 1 : buf;
}

int
mamori_evlog_last_seq(int fd, const char *stream, uint64_t *ret_seq)
{
	/* a whole line and a half one after it: two lines at most, and the newline before */
	char buf[2 * MAMORI_EVENT_LINE_MAX + 1];
	struct mamori_revent ev;
	struct stat st;
	size_t want;
	ssize_t n;
	char *line;

	if (fstat(fd, &st) < 0)
		return -errno;
	want = st.st_size < (off_t)sizeof(buf) ? (size_t)st.st_size : sizeof(buf);
	do
		n = pread(fd, buf, want, st.st_size - (off_t)want);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != want ||
	    (line = last_whole_line(buf, want, st.st_size - (off_t)want)) == NULL)
		return -ENOENT;
	if (mamori_rline_parse(line, strlen(line), &ev) != MAMORI_RLINE_EVENT || ev.seq == 0 ||
	    ev.stream.len != strlen(stream) || memcmp(ev.stream.p, stream, ev.stream.len) != 0)
		return -ENOENT;
	*ret_seq = ev.seq;
	return 0;
}

bool
mamori_evlog_not_ready(int r)
{
	return r == -ENOENT || r == -ENOTDIR || r == -EACCES || r == -EROFS || r == -EPERM;
}

static int
spool_path(const char *dir, char *out, size_t cap)
{
	return mamori_snprintf(out, cap, "%s/%s", dir, MAMORI_SPOOL_NAME);
}

int
mamori_spool_append(const char *dir, const char *line, size_t len)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, r;

	if ((r = spool_path(dir, path, sizeof(path))) < 0)
		return r;
	if ((r = mamori_ensure_dir(dir, 0755, geteuid(), getegid())) < 0)
		return r;
	if ((fd = open_append(path, 0600, getegid(), S_IRWXG | S_IRWXO)) < 0)
		return fd;
	if ((r = mamori_lock(fd, LOCK_EX)) < 0)
		goto out;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto out;
	}
	if ((size_t)st.st_size + len + 1 > MAMORI_SPOOL_MAX) {
		r = -ENOSPC;
		goto out;
	}
	r = mamori_evlog_append(fd, line, len);
out:
	close(fd);
	return r;
}

/* Hand each line of text to move(); *ret_used receives how many bytes were handed over. */
static int
move_lines(char *text, size_t len, int (*move)(void *, const char *), void *ctx,
	   size_t *ret_used, size_t *ret_moved, size_t *ret_dropped)
{
	size_t used = 0, moved = 0, dropped = 0;
	int r = 0;

	while (used < len) {
		char *nl = memchr(text + used, '\n', len - used);
		size_t next;

		if (nl == NULL) /* an unfinished last line: a crash cut it, nobody wrote it whole */
			next = len, dropped++;
		else {
			*nl = '\0';
			next = (size_t)(nl - text) + 1;
			if ((r = move(ctx, text + used)) == MAMORI_E_CORRUPT)
				dropped++;
			else if (r < 0)
				break;
			else
				moved++;
		}
		used = next;
	}
	*ret_used = used, *ret_moved = moved, *ret_dropped = dropped;
	return r == MAMORI_E_CORRUPT ? 0 : r;
}

/* Keep only text[used..len) in the spool. */
static int
keep_rest(int fd, const char *text, size_t used, size_t len)
{
	ssize_t n = 0;

	if (used < len) {
		do
			n = pwrite(fd, text + used, len - used, 0);
		while (n < 0 && errno == EINTR);
		if (n != (ssize_t)(len - used))
			return n < 0 ? -errno : -EIO;
	}
	if (ftruncate(fd, (off_t)(len - used)) < 0 || fdatasync(fd) < 0)
		return -errno;
	return 0;
}

static int
open_spool_rw(const char *path)
{
	return keep_if_ours(open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK),
			    S_IRWXG | S_IRWXO);
}

int
mamori_spool_drain(const char *dir, int (*move)(void *ctx, const char *line), void *ctx,
		   size_t *ret_moved, size_t *ret_dropped)
{
	char path[PATH_MAX], *text = NULL;
	size_t len = 0, used = 0, moved = 0, dropped = 0;
	int fd, r, r2;

	if ((r = spool_path(dir, path, sizeof(path))) < 0)
		return r;
	fd = open_spool_rw(path);
	if (fd == -ENOENT || fd == -ENOTDIR) {
		*ret_moved = 0, *ret_dropped = 0;
		return 0;
	}
	if (fd < 0)
		return fd;
	if ((r = mamori_lock(fd, LOCK_EX)) < 0 ||
	    (r = mamori_read_all(fd, MAMORI_SPOOL_MAX, &text, &len)) < 0)
		goto out;
	r = move_lines(text, len, move, ctx, &used, &moved, &dropped);
	if ((r2 = keep_rest(fd, text, used, len)) < 0 && r == 0)
		r = r2;
	if (r < 0)
		goto out;
	*ret_moved = moved, *ret_dropped = dropped;
	r = 0;
out:
	free(text);
	close(fd);
	return r;
}
