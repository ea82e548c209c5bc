/* Checked opens, whole reads and atomic replacement against real files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/err.h"
#include "mamori/safefile.h"
#include "tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	struct mamori_file_rules rules;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(f->path, sizeof(f->path), "%s/file", f->dir);
	f->rules.owner = geteuid();
	f->rules.forbidden = S_IWGRP | S_IWOTH;
	f->rules.max_size = 64;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static void
reads_a_good_file(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	assert_int_equal(test_write_file(f->path, "hello\n", 0644), 0);
	fd = mamori_open_checked(f->path, &f->rules, NULL);
	assert_true(fd >= 0);
	assert_int_equal(mamori_read_all(fd, 64, &buf, &len), 0);
	assert_string_equal(buf, "hello\n");
	assert_int_equal(len, 6);
	free(buf);
	close(fd);
}

static void
refuses_symlink(void **state)
{
	struct fixture *f = *state;
	char target[PATH_MAX + 16];

	snprintf(target, sizeof(target), "%s/target", f->dir);
	assert_int_equal(test_write_file(target, "x", 0644), 0);
	assert_int_equal(symlink(target, f->path), 0);
	assert_int_equal(mamori_open_checked(f->path, &f->rules, NULL), -ELOOP);
}

static void
refuses_group_writable(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(test_write_file(f->path, "x", 0664), 0);
	assert_int_equal(mamori_open_checked(f->path, &f->rules, NULL), MAMORI_E_MODE);
}

static void
refuses_wrong_owner(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(test_write_file(f->path, "x", 0644), 0);
	f->rules.owner = geteuid() + 1;
	assert_int_equal(mamori_open_checked(f->path, &f->rules, NULL), MAMORI_E_OWNER);
}

static void
refuses_oversized_and_nonregular(void **state)
{
	struct fixture *f = *state;
	char big[100];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(test_write_file(f->path, big, 0644), 0);
	assert_int_equal(mamori_open_checked(f->path, &f->rules, NULL), MAMORI_E_TOOBIG);
	assert_int_equal(mamori_open_checked(f->dir, &f->rules, NULL), MAMORI_E_NOTREG);
	unlink(f->path);
	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_int_equal(mamori_open_checked(f->path, &f->rules, NULL), MAMORI_E_NOTREG);
}

static void
read_all_stops_at_limit(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	int fd;

	assert_int_equal(test_write_file(f->path, "0123456789", 0644), 0);
	fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(mamori_read_all(fd, 9, &buf, NULL), MAMORI_E_TOOBIG);
	assert_null(buf);
	/* exactly at the limit is fine */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(mamori_read_all(fd, 10, &buf, NULL), 0);
	assert_string_equal(buf, "0123456789");
	free(buf);
	close(fd);
}

static void
replace_is_complete_and_leaves_no_temp(void **state)
{
	struct fixture *f = *state;
	char *buf = NULL;
	struct stat st;
	int fd;

	assert_int_equal(test_write_file(f->path, "old", 0600), 0);
	assert_int_equal(mamori_replace_file(f->path, "new text", 8, 0600, geteuid(), getegid()), 0);
	fd = mamori_open_checked(f->path, &f->rules, &st);
	assert_true(fd >= 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(mamori_read_all(fd, 64, &buf, NULL), 0);
	assert_string_equal(buf, "new text");
	free(buf);
	close(fd);
	/* the directory holds only the file: no temporary left behind */
	assert_int_equal(rmdir(f->dir), -1);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(rmdir(f->dir), 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
}

static void
replace_refuses_symlink_target(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(symlink("/etc/passwd", f->path), 0);
	assert_int_equal(mamori_replace_file(f->path, "x", 1, 0600, geteuid(), getegid()), -ELOOP);
}

static void
ensure_dir_checks_existing(void **state)
{
	struct fixture *f = *state;
	char sub[PATH_MAX + 16];

	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	assert_int_equal(mamori_ensure_dir(sub, 0700, geteuid(), getegid()), 0);
	assert_int_equal(mamori_ensure_dir(sub, 0700, geteuid(), getegid()), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	assert_int_equal(mamori_ensure_dir(sub, 0700, geteuid(), getegid()), MAMORI_E_MODE);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(symlink(f->dir, sub), 0);
	assert_int_equal(mamori_ensure_dir(sub, 0700, geteuid(), getegid()), -ELOOP);
}

static void
strerror_covers_every_code(void **state)
{
	(void)state;
	for (int r = MAMORI_E_CONFIG; r > MAMORI_E_LAST; r--)
		assert_string_not_equal(mamori_strerror(r), "unknown error");
	assert_string_equal(mamori_strerror(-ENOENT), "No such file or directory");
	assert_string_equal(mamori_strerror(MAMORI_E_LAST), "unknown error");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(reads_a_good_file, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_symlink, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_group_writable, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_wrong_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_oversized_and_nonregular, setup, teardown),
		cmocka_unit_test_setup_teardown(read_all_stops_at_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(replace_is_complete_and_leaves_no_temp, setup,
						teardown),
		cmocka_unit_test_setup_teardown(replace_refuses_symlink_target, setup, teardown),
		cmocka_unit_test_setup_teardown(ensure_dir_checks_existing, setup, teardown),
		cmocka_unit_test(strerror_covers_every_code),
	};
	return cmocka_run_group_tests_name("safefile", tests, NULL, NULL);
}
