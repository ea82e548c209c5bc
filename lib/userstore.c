/* Per-user state files: locking, loading, atomic saving. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/safefile.h"
#include "mamori/secmem.h"
#include "mamori/userstore.h"

struct mamori_userstore {
	char dir[PATH_MAX];
	uid_t owner;
};

struct mamori_userlock {
	const struct mamori_userstore *store;
	char path[PATH_MAX];
	int fd;
};

int
mamori_userstore_open(const char *dir, uid_t owner, struct mamori_userstore **ret)
{
	struct mamori_userstore *s;
	int r;

	if ((r = mamori_check_dir(dir, owner)) < 0)
		return r;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -ENOMEM;
	if ((r = mamori_snprintf(s->dir, sizeof(s->dir), "%s", dir)) < 0) {
		free(s);
		return r;
	}
	s->owner = owner;
	*ret = s;
	return 0;
}

void
mamori_userstore_close(struct mamori_userstore **store)
{
	if (store == NULL || *store == NULL)
		return;
	free(*store);
	*store = NULL;
}

static bool
keep_char(unsigned char c, size_t pos)
{
	if (pos == 0 && c == '.')
		return false;
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '@';
}

int
mamori_user_filename(const char *user, char *out, size_t cap)
{
	char name[MAMORI_USERFILE_MAX + 1];
	struct mamori_buf b;

	if (user == NULL || user[0] == '\0')
		return -EINVAL;
	mamori_buf_init(&b, name, sizeof(name));
	for (size_t i = 0; user[i] != '\0' && !b.truncated; i++) {
		unsigned char c = (unsigned char)user[i];
		if (keep_char(c, i))
			(void)mamori_buf_addc(&b, (char)c);
		else
			(void)mamori_buf_printf(&b, "%%%02X", c);
	}
	if (b.truncated)
		return -ENAMETOOLONG;
	return mamori_snprintf(out, cap, "%s", name) < 0 ? -ENAMETOOLONG : 0;
}

int
mamori_userstore_lock(struct mamori_userstore *store, const char *user,
		      struct mamori_userlock **ret)
{
	char name[MAMORI_USERFILE_MAX + 1], lockpath[PATH_MAX];
	struct mamori_userlock *l = NULL;
	int fd = -1, r;

	if ((r = mamori_user_filename(user, name, sizeof(name))) < 0)
		return r;
	if ((r = mamori_snprintf(lockpath, sizeof(lockpath), "%s/.%s.lock", store->dir, name)) < 0)
		return r;
	/* A separate lock file: the state file itself is replaced by rename, and a lock on a
	 * replaced inode would protect nothing. */
	fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return -errno;
	if ((r = mamori_lock(fd, LOCK_EX)) < 0)
		goto fail;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = mamori_snprintf(l->path, sizeof(l->path), "%s/%s", store->dir, name)) < 0)
		goto fail;
	l->store = store;
	l->fd = fd;
	*ret = l;
	return 0;
fail:
	free(l);
	close(fd);
	return r;
}

void
mamori_userstore_unlock(struct mamori_userlock **lock)
{
	if (lock == NULL || *lock == NULL)
		return;
	close((*lock)->fd); /* closing drops the flock */
	free(*lock);
	*lock = NULL;
}

int
mamori_userstore_load(struct mamori_userlock *lock, struct mamori_userstate *ret)
{
	const struct mamori_file_rules rules = {
		.owner = lock->store->owner,
		.forbidden = S_IRWXG | S_IRWXO,
		.max_size = MAMORI_USERSTATE_MAX_SIZE,
	};
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	if ((fd = mamori_open_checked(lock->path, &rules, NULL)) < 0)
		return fd;
	r = mamori_read_all(fd, MAMORI_USERSTATE_MAX_SIZE, &text, &len);
	close(fd);
	if (r < 0)
		return r;
	r = mamori_userstate_parse(text, ret);
	mamori_freezero((void **)&text, len);
	return r;
}

int
mamori_userstore_save(struct mamori_userlock *lock, const struct mamori_userstate *st)
{
	char text[MAMORI_USERSTATE_MAX_SIZE];
	size_t len;
	int r;

	if ((r = mamori_userstate_format(st, text, sizeof(text), &len)) == 0)
		r = mamori_replace_file(lock->path, text, len, 0600, lock->store->owner,
					getegid());
	mamori_wipe(text, sizeof(text));
	return r;
}

int
mamori_userstore_remove(struct mamori_userlock *lock)
{
	if (unlink(lock->path) < 0)
		return -errno;
	return mamori_fsync_parent(lock->path);
}
