/* Scratch directories for tests: made fresh under $TMPDIR, removed with everything in them. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"

int
test_tmpdir_make(char *out, size_t cap)
{
	const char *base = getenv("TMPDIR");
	int n = snprintf(out, cap, "%s/mamori-test.XXXXXX", base && *base ? base : "/tmp");

	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	return mkdtemp(out) ? 0 : -errno;
}

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
test_tmpdir_remove(const char *dir)
{
	if (dir != NULL && dir[0] != '\0')
		(void)nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
test_write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0)
		return -errno;
	return chmod(path, mode) == 0 ? 0 : -errno;
}
