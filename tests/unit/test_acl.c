/* Write access through POSIX ACLs (lib/acl.c): the kernel's xattr form parsed byte by byte,
 * and real ACLs set on a file of this machine with setxattr(2), read back and removed the way
 * mamori-agent and mamorictl check do it, on a device node and never on what stands in its
 * place (agent/apply.c). The nodes of an optical drive (agent/optical_nodes.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/acl.h"
#include "mamori/err.h"
#include "mamori/media_apply.h"
#include "tmpdir.h"

/* tags and permissions of include/uapi/linux/posix_acl_xattr.h */
enum { USER_OBJ = 1, USER = 2, GROUP_OBJ = 4, GROUP = 8, MASK = 0x10, OTHER = 0x20 };
enum { R = 4, W = 2 };
#define NO_ID 0xffffffffu

struct acl {
	unsigned char b[4 + 8 * 8];
	size_t len;
};

static void
add(struct acl *a, unsigned tag, unsigned perm, uint32_t id)
{
	unsigned char *p = a->b + a->len;

	p[0] = (unsigned char)tag, p[1] = (unsigned char)(tag >> 8);
	p[2] = (unsigned char)perm, p[3] = 0;
	for (int i = 0; i < 4; i++)
		p[4 + i] = (unsigned char)(id >> (8 * i));
	a->len += 8;
}

/* user::rw- group::r-- other::--- and, when given, one named entry and the mask */
static struct acl
acl_with(unsigned tag, unsigned perm, uint32_t id)
{
	struct acl a = {.b = {2, 0, 0, 0}, .len = 4};

	add(&a, USER_OBJ, R | W, NO_ID);
	if (tag != 0)
		add(&a, tag, perm, id);
	add(&a, GROUP_OBJ, R, NO_ID);
	if (tag != 0)
		add(&a, MASK, R | W, NO_ID);
	add(&a, OTHER, 0, NO_ID);
	return a;
}

static void
owner_entries_grant_nothing(void **state)
{
	struct acl a = acl_with(0, 0, 0);

	(void)state;
	assert_int_equal(mamori_acl_grants_write(a.b, a.len), 0);
}

static void
named_user_with_write_grants(void **state)
{
	struct acl a = acl_with(USER, R | W, 1001); /* what udev's uaccess gives the seat user */

	(void)state;
	assert_int_equal(mamori_acl_grants_write(a.b, a.len), 1);
}

static void
named_user_read_only_grants_nothing(void **state)
{
	struct acl a = acl_with(USER, R, 1001);

	(void)state;
	assert_int_equal(mamori_acl_grants_write(a.b, a.len), 0);
}

static void
named_group_with_write_grants(void **state)
{
	struct acl a = acl_with(GROUP, W, 24);

	(void)state;
	assert_int_equal(mamori_acl_grants_write(a.b, a.len), 1);
}

static void
malformed_is_einval(void **state)
{
	struct acl a = acl_with(USER, R | W, 1001);

	(void)state;
	assert_int_equal(mamori_acl_grants_write(a.b, 3), -EINVAL);            /* no version */
	assert_int_equal(mamori_acl_grants_write(a.b, a.len - 1), -EINVAL);    /* cut entry */
	assert_int_equal(mamori_acl_grants_write(NULL, 0), -EINVAL);
	a.b[0] = 1;                                                              /* version 1 */
	assert_int_equal(mamori_acl_grants_write(a.b, a.len), -EINVAL);
	a.b[0] = 2, a.b[2] = 1;                                                  /* version 0x10002 */
	assert_int_equal(mamori_acl_grants_write(a.b, a.len), -EINVAL);
	a.b[2] = 0;
	assert_int_equal(mamori_acl_grants_write(a.b, 4), 0);                   /* no entries */
}

static void
read_only_counts_for_a_phone(void **state)
{
	struct acl a = acl_with(USER, R, 1001);

	(void)state;
	assert_int_equal(mamori_acl_grants(a.b, a.len, MAMORI_ACL_WRITE), 0);
	assert_int_equal(mamori_acl_grants(a.b, a.len, MAMORI_ACL_READ | MAMORI_ACL_WRITE), 1);
	assert_int_equal(mamori_acl_grants(a.b, a.len, 0), 0);
}

/* ---- a real device node (mknod: /dev/null's number), in a directory of its own --------------- */
static char dir[4096], file[4096 + 16], other[4096 + 16];
#define NULL_DEV makedev(1, 3)

static int
make_file(void **state)
{
	(void)state;
	if (test_tmpdir_make(dir, sizeof(dir)) < 0)
		return -1;
	snprintf(file, sizeof(file), "%s/node", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	if (mknod(file, S_IFCHR | 0640, NULL_DEV) < 0)
		return errno == EPERM ? 0 : -1; /* not root: the tests skip */
	return 0;
}

static int
remove_file(void **state)
{
	(void)state;
	test_tmpdir_remove(dir);
	return 0;
}

static struct mamori_node_ref
node_ref(const char *path, unsigned perm)
{
	return (struct mamori_node_ref){.path = path, .type = S_IFCHR, .devnum = NULL_DEV,
					.perm = perm};
}

static void
need_node(void)
{
	struct stat st;

	if (lstat(file, &st) < 0 || !S_ISCHR(st.st_mode))
		skip(); /* mknod needs root */
}

static void
set_acl_or_skip(const struct acl *a)
{
	need_node();
	if (setxattr(file, "system.posix_acl_access", a->b, a->len, 0) < 0) {
		if (errno == EOPNOTSUPP || errno == EPERM)
			skip(); /* a filesystem without POSIX ACLs */
		fail_msg("setxattr: %s", strerror(errno));
	}
}

static void
node_without_acl_grants_nothing(void **state)
{
	struct mamori_node_ref n = node_ref(file, MAMORI_ACL_WRITE);
	enum mamori_node_found f = MAMORI_NODE_MISSING;

	(void)state;
	need_node();
	assert_int_equal(mamori_acl_node_grants_write(file), 0);
	/* nothing to remove is no error */
	assert_int_equal(mamori_media_node_acl(&n, true, &f), 0);
	assert_int_equal(f, MAMORI_NODE_DEVICE);
}

static void
node_acl_is_read_and_removed(void **state)
{
	struct acl a = acl_with(USER, R | W, 1001);
	struct stat st;

	(void)state;
	set_acl_or_skip(&a);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660); /* the group bits show the mask */
	struct mamori_node_ref n = node_ref(file, MAMORI_ACL_WRITE);

	assert_int_equal(mamori_acl_node_grants_write(file), 1);
	assert_int_equal(mamori_media_node_acl(&n, false, NULL), 1); /* seen, left */
	assert_int_equal(mamori_acl_node_grants_write(file), 1);
	assert_int_equal(mamori_media_node_acl(&n, true, NULL), 1);  /* seen, removed */
	assert_int_equal(mamori_acl_node_grants_write(file), 0);
	assert_int_equal(mamori_media_node_acl(&n, true, NULL), 0);
	assert_int_equal(getxattr(file, "system.posix_acl_access", NULL, 0), -1);
	/* the owning group has its own r-- again, not the mask's rw- */
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
}

static void
minimal_keeps_owner_group_other(void **state)
{
	struct acl a = acl_with(USER, R | W, 1001), m = acl_with(0, 0, 0);
	unsigned char out[MAMORI_ACL_MINIMAL_LEN];

	(void)state;
	assert_int_equal(mamori_acl_minimal(a.b, a.len, out), 0);
	assert_int_equal(m.len, sizeof(out));
	assert_memory_equal(out, m.b, sizeof(out));
	assert_int_equal(mamori_acl_minimal(a.b, 4, out), -EINVAL); /* no owner entry */
	assert_int_equal(mamori_acl_minimal(a.b, a.len - 2, out), -EINVAL);
}

static void
node_acl_read_only_is_kept_as_harmless(void **state)
{
	struct acl a = acl_with(USER, R, 1001);
	struct mamori_node_ref n = node_ref(file, MAMORI_ACL_WRITE);

	(void)state;
	set_acl_or_skip(&a);
	assert_int_equal(mamori_acl_node_grants_write(file), 0);
	assert_int_equal(mamori_media_node_acl(&n, true, NULL), 0);
	assert_int_not_equal(getxattr(file, "system.posix_acl_access", NULL, 0), -1);
}

/* A phone's node is kept from the seat user altogether: a read-only ACL goes too. */
static void
phone_node_loses_a_read_only_acl(void **state)
{
	struct acl a = acl_with(USER, R, 1001);
	struct mamori_node_ref n = node_ref(file, MAMORI_ACL_READ | MAMORI_ACL_WRITE);

	(void)state;
	set_acl_or_skip(&a);
	assert_int_equal(mamori_media_node_acl(&n, true, NULL), 1);
	assert_int_equal(getxattr(file, "system.posix_acl_access", NULL, 0), -1);
}

/* Whatever stands at the path instead of the node is neither read nor changed: a symlink to
 * the node, a regular file, a node of another device. */
static void
only_the_node_itself_is_acted_on(void **state)
{
	struct acl a = acl_with(USER, R | W, 1001);
	struct mamori_node_ref n = node_ref(other, MAMORI_ACL_WRITE);
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int fd;

	(void)state;
	set_acl_or_skip(&a);
	assert_int_equal(symlink(file, other), 0);
	assert_int_equal(mamori_media_node_acl(&n, true, &f), MAMORI_E_NOTNODE);
	assert_int_equal(f, MAMORI_NODE_SYMLINK);
	assert_int_equal(mamori_acl_node_grants_write(file), 1); /* the target kept its ACL */
	assert_int_equal(unlink(other), 0);

	assert_true((fd = open(other, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0);
	close(fd);
	assert_int_equal(mamori_media_node_acl(&n, true, &f), MAMORI_E_NOTNODE);
	assert_int_equal(f, MAMORI_NODE_REGULAR);
	assert_int_equal(unlink(other), 0);

	n = node_ref(file, MAMORI_ACL_WRITE);
	n.devnum = makedev(1, 5); /* /dev/zero's number */
	assert_int_equal(mamori_media_node_acl(&n, true, &f), MAMORI_E_NOTNODE);
	assert_int_equal(f, MAMORI_NODE_WRONG_DEVICE);
	n.devnum = NULL_DEV, n.type = S_IFBLK;
	assert_int_equal(mamori_media_node_acl(&n, true, &f), MAMORI_E_NOTNODE);
	assert_int_equal(f, MAMORI_NODE_WRONG_TYPE);
	assert_int_equal(mamori_acl_node_grants_write(file), 1);

	n = node_ref(other, MAMORI_ACL_WRITE);
	assert_int_equal(mamori_media_node_acl(&n, true, &f), -ENOENT);
	assert_int_equal(f, MAMORI_NODE_MISSING);
}

static void
missing_node_is_enoent(void **state)
{
	(void)state;
	assert_int_equal(mamori_acl_node_grants_write("/nonexistent/test-acl"), -ENOENT);
}

/* ---- the nodes of an optical drive ----------------------------------------------------------- */
struct seen {
	char nodes[4][64];
	int n, fail_at;
	dev_t devnum;
};

static int
collect(const struct mamori_node_ref *n, void *ctx)
{
	struct seen *s = ctx;
	const char *node = n->path;

	s->devnum = n->devnum;

	if (s->n == s->fail_at)
		return -EIO;
	if (s->n < 4)
		snprintf(s->nodes[s->n], sizeof(s->nodes[0]), "%s", node);
	s->n++;
	return 0;
}

static void
optical_nodes_of_a_drive_without_sysfs(void **state)
{
	struct seen s = {.fail_at = -1};

	(void)state;
	/* no /sys/class/block/sr-mamori-test: no device number, so no node to act on */
	assert_int_equal(mamori_media_optical_nodes("sr-mamori-test", collect, &s), 0);
	assert_int_equal(s.n, 0);
	/* a block device this machine has (the sysfs tree is real): its node and number */
	if (access("/sys/class/block/loop0/dev", R_OK) == 0) {
		s = (struct seen){.fail_at = -1};
		assert_int_equal(mamori_media_optical_nodes("loop0", collect, &s), 0);
		assert_int_equal(s.n, 1);
		assert_string_equal(s.nodes[0], "/dev/loop0");
		assert_true(s.devnum == makedev(7, 0));
		s = (struct seen){.fail_at = 0};
		assert_int_equal(mamori_media_optical_nodes("loop0", collect, &s), -EIO);
	}
	assert_int_equal(mamori_media_optical_nodes("", collect, &s), -EINVAL);
	assert_int_equal(mamori_media_optical_nodes("../sda", collect, &s), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(owner_entries_grant_nothing),
		cmocka_unit_test(named_user_with_write_grants),
		cmocka_unit_test(named_user_read_only_grants_nothing),
		cmocka_unit_test(named_group_with_write_grants),
		cmocka_unit_test(malformed_is_einval),
		cmocka_unit_test(minimal_keeps_owner_group_other),
		cmocka_unit_test_setup_teardown(node_without_acl_grants_nothing, make_file, remove_file),
		cmocka_unit_test_setup_teardown(node_acl_is_read_and_removed, make_file, remove_file),
		cmocka_unit_test_setup_teardown(node_acl_read_only_is_kept_as_harmless, make_file,
						remove_file),
		cmocka_unit_test(missing_node_is_enoent),
		cmocka_unit_test(read_only_counts_for_a_phone),
		cmocka_unit_test_setup_teardown(phone_node_loses_a_read_only_acl, make_file, remove_file),
		cmocka_unit_test_setup_teardown(only_the_node_itself_is_acted_on, make_file, remove_file),
		cmocka_unit_test(optical_nodes_of_a_drive_without_sysfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
