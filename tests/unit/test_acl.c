/* Write access through POSIX ACLs (lib/acl.c): the kernel's xattr form parsed byte by byte,
 * and real ACLs set on a file of this machine with setxattr(2), read back and removed the way
 * mamori-agent and mamorictl check do it. The nodes of an optical drive (agent/optical_nodes.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/acl.h"
#include "mamori/media_apply.h"

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

/* ---- a real file --------------------------------------------------------------------------- */
static char file[4096];

static int
make_file(void **state)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	(void)state;
	snprintf(file, sizeof(file), "%s/test-acl.XXXXXX", tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if ((fd = mkstemp(file)) < 0)
		return -1;
	close(fd);
	return 0;
}

static int
remove_file(void **state)
{
	(void)state;
	unlink(file);
	return 0;
}

static void
set_acl_or_skip(const struct acl *a)
{
	if (setxattr(file, "system.posix_acl_access", a->b, a->len, 0) < 0) {
		if (errno == EOPNOTSUPP || errno == EPERM)
			skip(); /* a filesystem without POSIX ACLs */
		fail_msg("setxattr: %s", strerror(errno));
	}
}

static void
node_without_acl_grants_nothing(void **state)
{
	(void)state;
	assert_int_equal(mamori_acl_node_grants_write(file), 0);
	assert_int_equal(mamori_media_drop_acl(file), 0); /* nothing to remove is no error */
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
	assert_int_equal(mamori_acl_node_grants_write(file), 1);
	assert_int_equal(mamori_media_drop_acl(file), 0);
	assert_int_equal(mamori_acl_node_grants_write(file), 0);
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

	(void)state;
	set_acl_or_skip(&a);
	assert_int_equal(mamori_acl_node_grants_write(file), 0);
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
};

static int
collect(const char *node, void *ctx)
{
	struct seen *s = ctx;

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
	/* no /sys/class/block/sr-mamori-test: the block node alone */
	assert_int_equal(mamori_media_optical_nodes("sr-mamori-test", collect, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.nodes[0], "/dev/sr-mamori-test");
	s = (struct seen){.fail_at = 0};
	assert_int_equal(mamori_media_optical_nodes("sr-mamori-test", collect, &s), -EIO);
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
		cmocka_unit_test(optical_nodes_of_a_drive_without_sysfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
