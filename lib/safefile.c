/* Files an attacker may have tampered with: checked opens, whole reads, locks, atomic and
 * durable replacement. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/safefile.h"

static int
check_stat(const struct stat *st, const struct mamori_file_rules *rules)
{
	if (!S_ISREG(st->st_mode))
		return MAMORI_E_NOTREG;
	if (st->st_uid != rules->owner)
		return MAMORI_E_OWNER;
	if (st->st_mode & rules->forbidden)
		return MAMORI_E_MODE;
	if (st->st_size < 0 || (uintmax_t)st->st_size > rules->max_size)
		return MAMORI_E_TOOBIG;
	return 0;
}

int
mamori_open_checked(const char *path, const struct mamori_file_rules *rules,
		    struct stat *ret_st)
{
	struct stat st;
	int fd, r;

	/* O_NONBLOCK: a FIFO planted in place of the file must not hang us before fstat. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = check_stat(&st, rules)) < 0)
		goto fail;
	if (fcntl(fd, F_SETFL, 0) < 0) {
		r = -errno;
		goto fail;
	}
	if (ret_st != NULL)
		*ret_st = st;
	return fd;
fail:
	close(fd);
	return r;
}

int
mamori_read_all(int fd, size_t max, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 4096 < max ? 4096 : max;
	char *buf = NULL, *nb;
	ssize_t n;
	int r;

	if (max == SIZE_MAX)
		return -EINVAL;
	for (;;) {
		if (buf == NULL || len == cap) {
			if (buf != NULL && cap >= max) {
				/* full: only end-of-file may follow (the buffer has one spare byte) */
				while ((n = read(fd, buf + len, 1)) < 0 && errno == EINTR)
					;
				if (n == 0)
					break;
				r = n < 0 ? -errno : MAMORI_E_TOOBIG;
				goto fail;
			}
			cap = buf == NULL ? cap : (cap > max / 2 ? max : cap * 2);
			if ((nb = realloc(buf, cap + 1)) == NULL) {
				r = -ENOMEM;
				goto fail;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = buf;
	if (ret_len != NULL)
		*ret_len = len;
	return 0;
fail:
	if (buf != NULL)
		explicit_bzero(buf, len);
	free(buf);
	return r;
}

int
mamori_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
mamori_lock(int fd, int op)
{
	while (flock(fd, op) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/* Split path into its directory (into dir[cap]); "." when it has no slash. */
static int
parent_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return mamori_snprintf(dir, cap, ".");
	if (slash == path)
		return mamori_snprintf(dir, cap, "/");
	return mamori_snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

int
mamori_fsync_parent(const char *path)
{
	char dir[PATH_MAX];
	int fd, r;

	if ((r = parent_of(path, dir, sizeof(dir))) < 0)
		return r;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fsync(fd) < 0 ? -errno : 0;
	close(fd);
	return r;
}

static int
write_temp(int fd, const void *data, size_t len, mode_t mode, uid_t uid, gid_t gid)
{
	int r;

	if (fchmod(fd, mode) < 0)
		return -errno;
	if (fchown(fd, uid, gid) < 0 && (errno != EPERM || uid != geteuid()))
		return -errno;
	if ((r = mamori_write_all(fd, data, len)) < 0)
		return r;
	return fsync(fd) < 0 ? -errno : 0;
}

int
mamori_replace_file(const char *path, const void *data, size_t len, mode_t mode, uid_t uid,
		    gid_t gid)
{
	char tmp[PATH_MAX];
	struct stat st;
	int fd, r;

	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : MAMORI_E_NOTREG;
	if ((r = mamori_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid())) < 0)
		return r;
	/* Callers serialise writers of one path, so a temporary of this name can only be left
	 * over from a crash (of an earlier process with the same pid). */
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	r = write_temp(fd, data, len, mode, uid, gid);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		(void)unlink(tmp);
		return r;
	}
	return mamori_fsync_parent(path);
}

int
mamori_check_dir(const char *path, uid_t uid)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
	if (st.st_uid != uid)
		return MAMORI_E_OWNER;
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return MAMORI_E_MODE;
	return 0;
}

int
mamori_ensure_dir(const char *path, mode_t mode, uid_t uid, gid_t gid)
{
	if (mkdir(path, mode) == 0) {
		if (chown(path, uid, gid) < 0 && (errno != EPERM || uid != geteuid()))
			return -errno;
		if (chmod(path, mode) < 0)
			return -errno;
		return mamori_fsync_parent(path);
	}
	if (errno != EEXIST)
		return -errno;
	return mamori_check_dir(path, uid);
}
