/* Device nodes reached by path only when they are the device they should be
 * (agent/devnode.c): what is judged from a file's mode and number, what is opened and what
 * is refused on this machine's own /dev/null and /dev/zero, a private node made with mknod,
 * and the device numbers udev and sysfs give. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/devnode.h"
#include "tmpdir.h"
#include "mamori/err.h"
#include "mamori/media_apply.h"

#define NULL_DEV makedev(1, 3)
#define ZERO_DEV makedev(1, 5)

static void
judge_each_kind_of_file(void **state)
{
	dev_t sdb1 = makedev(8, 17);

	(void)state;
	assert_int_equal(mamori_node_judge(S_IFBLK | 0660, sdb1, S_IFBLK, sdb1), MAMORI_NODE_DEVICE);
	assert_int_equal(mamori_node_judge(S_IFBLK | 0660, makedev(8, 0), S_IFBLK, sdb1),
			 MAMORI_NODE_WRONG_DEVICE);
	assert_int_equal(mamori_node_judge(S_IFCHR | 0660, sdb1, S_IFBLK, sdb1), MAMORI_NODE_WRONG_TYPE);
	assert_int_equal(mamori_node_judge(S_IFBLK | 0660, sdb1, S_IFCHR, sdb1), MAMORI_NODE_WRONG_TYPE);
	/* what dd leaves when it races a partition table re-read: st_rdev 0 */
	assert_int_equal(mamori_node_judge(S_IFREG | 0644, 0, S_IFBLK, sdb1), MAMORI_NODE_REGULAR);
	assert_int_equal(mamori_node_judge(S_IFLNK | 0777, 0, S_IFBLK, sdb1), MAMORI_NODE_SYMLINK);
	assert_int_equal(mamori_node_judge(S_IFDIR | 0755, 0, S_IFBLK, sdb1), MAMORI_NODE_DIRECTORY);
	assert_int_equal(mamori_node_judge(S_IFIFO | 0644, 0, S_IFBLK, sdb1), MAMORI_NODE_OTHER);
	assert_int_equal(mamori_node_judge(S_IFSOCK | 0644, 0, S_IFBLK, sdb1), MAMORI_NODE_OTHER);
	assert_string_equal(mamori_node_found_name(MAMORI_NODE_REGULAR), "regular file");
	assert_string_equal(mamori_node_found_name(MAMORI_NODE_SYMLINK), "symbolic link");
	/* only these are something in the node's place; a missing node is udev's moment */
	assert_false(mamori_node_misplaced(MAMORI_NODE_DEVICE));
	assert_false(mamori_node_misplaced(MAMORI_NODE_MISSING));
	assert_true(mamori_node_misplaced(MAMORI_NODE_REGULAR));
	assert_true(mamori_node_misplaced(MAMORI_NODE_WRONG_DEVICE));
}

static char dir[4096], path[4096 + 16];

static int
make_dir(void **state)
{
	(void)state;
	if (test_tmpdir_make(dir, sizeof(dir)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/sdb1", dir);
	return 0;
}

static int
remove_dir(void **state)
{
	(void)state;
	test_tmpdir_remove(dir);
	return 0;
}

static void
expect_refused(const char *p, enum mamori_node_found want)
{
	enum mamori_node_found f = MAMORI_NODE_DEVICE;

	assert_int_equal(mamori_node_open(p, S_IFCHR, NULL_DEV, O_RDONLY, &f), MAMORI_E_NOTNODE);
	assert_int_equal(f, want);
}

static void
open_only_the_expected_device(void **state)
{
	enum mamori_node_found f = MAMORI_NODE_MISSING;
	struct stat st;
	int fd, r;

	(void)state;
	fd = mamori_node_open("/dev/null", S_IFCHR, NULL_DEV, O_RDONLY, &f);
	assert_true(fd >= 0);
	assert_int_equal(f, MAMORI_NODE_DEVICE);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == NULL_DEV);
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	expect_refused("/dev/zero", MAMORI_NODE_WRONG_DEVICE);
	assert_int_equal(mamori_node_open(path, S_IFCHR, NULL_DEV, O_RDONLY, &f), -ENOENT);
	assert_int_equal(f, MAMORI_NODE_MISSING);

	assert_int_equal(symlink("/dev/null", path), 0); /* never followed */
	expect_refused(path, MAMORI_NODE_SYMLINK);
	assert_int_equal(unlink(path), 0);
	assert_true((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0);
	close(fd);
	expect_refused(path, MAMORI_NODE_REGULAR);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0); /* a FIFO is judged, never opened (no hang) */
	expect_refused(path, MAMORI_NODE_OTHER);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0700), 0);
	expect_refused(path, MAMORI_NODE_DIRECTORY);
	/* O_PATH: the node itself, its driver not opened */
	r = mamori_node_open("/dev/null", S_IFCHR, NULL_DEV, O_PATH, NULL);
	assert_true(r >= 0);
	assert_int_equal(fcntl(r, F_GETFL) & O_PATH, O_PATH);
	close(r);
}

/* The way to a device whose path holds something else: a node of its own, gone at once. */
static void
private_node_reaches_the_device(void **state)
{
	struct stat st;
	int fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	fd = mamori_node_open_private(MAMORI_PRIVATE_NODE_DIR, S_IFCHR, ZERO_DEV, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true(S_ISCHR(st.st_mode) && st.st_rdev == ZERO_DEV);
	assert_int_equal(st.st_nlink, 0); /* removed again */
	close(fd);
	assert_int_equal(mamori_node_open_private("/nonexistent", S_IFCHR, ZERO_DEV, O_RDONLY), -ENOENT);
}

static void
device_numbers_parsed(void **state)
{
	dev_t d = 0;

	(void)state;
	assert_int_equal(mamori_devnum_parse("8", "17", &d), 0);
	assert_true(d == makedev(8, 17));
	assert_int_equal(mamori_devnum_parse("259", "1048575", &d), 0);
	assert_true(d == makedev(259, 1048575));
	assert_int_equal(mamori_devnum_parse("4096", "0", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse("8", "1048576", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse("-8", "1", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse("8 ", "1", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse("", "1", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse(NULL, "1", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse("00000008", "1", &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse_dev("21:3\n", 5, &d), 0);
	assert_true(d == makedev(21, 3));
	assert_int_equal(mamori_devnum_parse_dev("21:3", 4, &d), 0);
	assert_int_equal(mamori_devnum_parse_dev("21:3\n\n", 6, &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse_dev("21", 2, &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse_dev("21:3:4", 6, &d), -EINVAL);
	assert_int_equal(mamori_devnum_parse_dev("2\0:3", 4, &d), -EINVAL);
	assert_int_equal(mamori_devnum_read("/nonexistent/dev", &d), -ENOENT);
	if (access("/sys/class/mem/null/dev", R_OK) == 0) {
		assert_int_equal(mamori_devnum_read("/sys/class/mem/null/dev", &d), 0);
		assert_true(d == NULL_DEV);
	}
}

/* The event's text says what was found where, what was done and what to do. */
static void
misplaced_message(void **state)
{
	char msg[512];

	(void)state;
	assert_int_equal(mamori_media_misplaced_msg(msg, sizeof(msg), "/dev/sdb1",
						    MAMORI_NODE_REGULAR, makedev(8, 17), 0), 0);
	assert_string_equal(msg, "regular file at /dev/sdb1, not the node of device 8:17 (a write "
				 "that raced a partition table re-read, or tampering): the device "
				 "itself was acted on through a private node; remove /dev/sdb1 and "
				 "plug the device in again");
	assert_int_equal(mamori_media_misplaced_msg(msg, sizeof(msg), "/dev/sdb1",
						    MAMORI_NODE_SYMLINK, makedev(8, 17), -EPERM), 0);
	assert_non_null(strstr(msg, "symbolic link at /dev/sdb1"));
	assert_non_null(strstr(msg, "the device could not be reached"));
	assert_int_equal(mamori_media_misplaced_msg(msg, 20, "/dev/sdb1", MAMORI_NODE_SYMLINK,
						    makedev(8, 17), 0), MAMORI_E_TRUNC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(judge_each_kind_of_file),
		cmocka_unit_test_setup_teardown(open_only_the_expected_device, make_dir, remove_dir),
		cmocka_unit_test(private_node_reaches_the_device),
		cmocka_unit_test(device_numbers_parsed),
		cmocka_unit_test(misplaced_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
