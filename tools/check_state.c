/* mamorictl check: the per-user second-factor state (auth.state_dir): a root-only directory
 * of root-only files. The module refuses a login over any file that breaks this, so a bad
 * file is a locked-out user as well as a leak. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/i18n.h"

/* One directory entry; true when it is as it must be. */
static bool
check_file(struct check_ctx *c, int dfd, const char *dir, const char *name)
{
	char path[PATH_MAX + NAME_MAX + 2];
	struct stat st;

	(void)mamori_snprintf(path, sizeof(path), "%s/%s", dir, name); /* fits by its size */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		check_add(c, "state.file", CHECK_FAIL, "unreadable", path, 0,
			  N_("state store: %s cannot be examined (%s)."), path, strerror(errno));
		return false;
	}
	if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode)) {
		check_add(c, "state.file", CHECK_FAIL, "not-regular", path, 0,
			  N_("state store: %s is not a regular file; logins of that user are "
			     "refused. Remove it."), path);
		return false;
	}
	if (st.st_uid != 0) {
		check_add(c, "state.file", CHECK_FAIL, "owner", path, 0,
			  N_("state store: %s is owned by uid %lu, expected root; logins of that "
			     "user are refused."), path, (unsigned long)st.st_uid);
		return false;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		check_add(c, "state.file", CHECK_FAIL, "mode", path, 0,
			  N_("state store: %s has mode %04o, expected 0600: others may read the "
			     "secret; logins of that user are refused."),
			  path, (unsigned)(st.st_mode & 07777));
		return false;
	}
	return true;
}

static int
select_entry(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

/* Every file, in name order so that the output is stable. */
static void
check_files(struct check_ctx *c, int dfd, const char *dir, bool dir_ok)
{
	struct dirent **list = NULL;
	int n = scandirat(dfd, ".", &list, select_entry, alphasort);
	size_t good = 0;

	if (n < 0) {
		check_add(c, "state", CHECK_FAIL, "unreadable", dir, 0,
			  N_("state store: %s cannot be listed (%s)."), dir, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		good += check_file(c, dfd, dir, list[i]->d_name);
		free(list[i]);
	}
	free(list);
	if (dir_ok && good == (size_t)n)
		check_add(c, "state", CHECK_OK, "private", dir, 0,
			  N_("state store: %s is root-owned with mode 0700 and its %d files are "
			     "root-owned with mode 0600."), dir, n);
}

void
check_state(struct check_ctx *c)
{
	char dir[PATH_MAX];
	struct stat st;
	bool dir_ok;
	int dfd;

	if (!check_path(c, c->cfg->auth.state_dir, dir, sizeof(dir))) {
		check_add(c, "state", CHECK_FAIL, "path-too-long", NULL, 0,
			  N_("state store: the path below --root is too long."));
		return;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			check_add(c, "state", CHECK_WARN, "missing", dir, 0,
				  N_("state store: %s does not exist: nobody is enrolled yet."), dir);
		else if (errno == EACCES)
			check_add(c, "state", CHECK_WARN, "no-access", dir, 0,
				  N_("state store: %s can be examined by root only: run mamorictl "
				     "check as root."), dir);
		else
			check_add(c, "state", CHECK_FAIL, "not-directory", dir, 0,
				  N_("state store: %s cannot be opened as a directory (%s); it must "
				     "be a real directory, not a symbolic link."), dir, strerror(errno));
		return;
	}
	if (fstat(dfd, &st) < 0) {
		check_add(c, "state", CHECK_FAIL, "unreadable", dir, 0,
			  N_("state store: %s cannot be examined (%s)."), dir, strerror(errno));
		close(dfd);
		return;
	}
	dir_ok = st.st_uid == 0 && (st.st_mode & 07777) == 0700;
	if (!dir_ok)
		check_add(c, "state", CHECK_FAIL, "directory-mode", dir, 0,
			  N_("state store: %s is owned by uid %lu with mode %04o, expected root "
			     "and 0700."),
			  dir, (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
	check_files(c, dfd, dir, dir_ok);
	close(dfd);
}
