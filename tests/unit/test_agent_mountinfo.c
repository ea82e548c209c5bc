/* The mountinfo parser of mamori-agent over lines as proc(5) and the kernel's
 * show_mountinfo() write them: escaped paths, optional fields, per-mount and superblock
 * options, and every way a line can be malformed. */
#include <setjmp.h>
#include <stdarg.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "mamori/agent_mountinfo.h"
#include "mamori/err.h"

static int
parse(const char *line, struct mamori_mount *m)
{
	return mamori_mountinfo_parse_line(line, strlen(line), m);
}

static void
proc5_example(void **state)
{
	struct mamori_mount m;

	(void)state;
	assert_int_equal(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root "
			       "rw,errors=continue", &m), 0);
	assert_int_equal(m.id, 36);
	assert_int_equal(m.major, 98);
	assert_int_equal(m.minor, 0);
	assert_string_equal(m.mount_point, "/mnt2");
	assert_string_equal(m.fstype, "ext3");
	assert_true(m.mount_rw);
	assert_true(m.super_rw);
	assert_int_equal(m.keep_flags, MS_NOATIME);
}

static void
read_only_superblock_under_writable_mount(void **state)
{
	struct mamori_mount m;

	(void)state;
	/* what another namespace sees after the agent remounted the superblock */
	assert_int_equal(parse("512 29 8:17 / /media/tanaka/USB rw,nosuid,nodev,relatime "
			       "shared:300 - vfat /dev/sdb1 ro,fmask=0022", &m), 0);
	assert_true(m.mount_rw);
	assert_false(m.super_rw);
	assert_int_equal(m.keep_flags, MS_NOSUID | MS_NODEV | MS_RELATIME);
	assert_int_equal(m.major, 8);
	assert_int_equal(m.minor, 17);
}

static void
no_optional_fields(void **state)
{
	struct mamori_mount m;

	(void)state;
	assert_int_equal(parse("25 1 259:2 / / ro,relatime - ext4 /dev/nvme0n1p2 rw", &m), 0);
	assert_false(m.mount_rw);
	assert_true(m.super_rw);
	assert_string_equal(m.mount_point, "/");
}

static void
several_optional_fields(void **state)
{
	struct mamori_mount m;

	(void)state;
	assert_int_equal(parse("40 25 8:1 / /mnt rw shared:1 master:2 propagate_from:3 unbindable "
			       "- xfs /dev/sda1 rw,attr2", &m), 0);
	assert_string_equal(m.fstype, "xfs");
}

static void
escaped_mount_point(void **state)
{
	struct mamori_mount m;

	(void)state;
	/* space, tab, newline and backslash as the kernel's mangle() writes them */
	assert_int_equal(parse("41 25 8:1 / /media/a\\040b\\011c\\012d\\134e rw - ext4 /dev/sda1 rw",
			       &m), 0);
	assert_string_equal(m.mount_point, "/media/a b\tc\nd\\e");
	/* Japanese names are bytes above 0x7f, written as they are */
	assert_int_equal(parse("42 25 8:1 / /media/総務課 rw - ext4 /dev/sda1 rw", &m), 0);
	assert_string_equal(m.mount_point, "/media/総務課");
}

static void
refused(void **state)
{
	static const char *const bad[] = {
		"",
		"36 35 98:0 /mnt1 /mnt2 rw",                          /* no separator */
		"36 35 98:0 /mnt1 /mnt2 rw master:1 ext3 /dev/root rw", /* no "-" */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root",          /* no super options */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw extra", /* trailing field */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw ",      /* trailing space */
		"36  35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw",      /* empty field */
		"x 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root rw",        /* id not a number */
		"36 35 98 /mnt1 /mnt2 rw - ext3 /dev/root rw",         /* no minor */
		"36 35 98:x /mnt1 /mnt2 rw - ext3 /dev/root rw",
		"36 35 4294967296:0 /m /m rw - ext3 /dev/root rw",     /* major beyond 32 bits */
		"99999999999999999999999 35 8:0 /m /m rw - ext3 s rw", /* id overflows */
		"36 35 98:0 /mnt1 mnt2 rw - ext3 /dev/root rw",        /* relative mount point */
		"36 35 98:0 /mnt1 /a\\000b rw - ext3 /dev/root rw",    /* decoded NUL */
		"36 35 98:0 /mnt1 /mnt2 noatime - ext3 /dev/root rw",  /* neither rw nor ro */
		"36 35 98:0 /mnt1 /mnt2 rw,ro - ext3 /dev/root rw",    /* both */
		"36 35 98:0 /mnt1 /mnt2 rw - ext3 /dev/root errors=continue",
	};
	static const char nul_in_fstype[] = "36 35 98:0 /m /m rw - ex\0t4 /dev/root rw";
	struct mamori_mount m = {.id = 7};

	(void)state;
	assert_int_equal(mamori_mountinfo_parse_line(nul_in_fstype, sizeof(nul_in_fstype) - 1, &m),
			 MAMORI_E_CORRUPT);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &m) != MAMORI_E_CORRUPT)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_int_equal(m.id, 7); /* untouched on failure */
	}
}

static void
mount_point_too_long(void **state)
{
	static char line[PATH_MAX + 64];
	struct mamori_mount m;
	size_t n;

	(void)state;
	n = (size_t)snprintf(line, sizeof(line), "36 35 8:0 / /");
	memset(line + n, 'a', PATH_MAX);
	strcpy(line + n + PATH_MAX, " rw - ext4 /dev/sda rw");
	assert_int_equal(parse(line, &m), MAMORI_E_CORRUPT);
}

struct seen {
	unsigned n;
	char last[PATH_MAX];
};

static int
collect(const struct mamori_mount *m, void *ctx)
{
	struct seen *s = ctx;

	s->n++;
	snprintf(s->last, sizeof(s->last), "%s", m->mount_point);
	return 0;
}

static int
stop_at_second(const struct mamori_mount *m, void *ctx)
{
	struct seen *s = ctx;

	(void)m;
	return ++s->n == 2 ? -EINTR : 0;
}

static void
whole_text(void **state)
{
	const char *text = "25 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
			   "garbage\n"
			   "\n"
			   "26 25 8:17 / /media/x rw - vfat /dev/sdb1 rw\n"
			   "27 25 8:18 / /media/y rw - vfat /dev/sdb2 ro"; /* no final newline */
	struct seen s = {0};
	size_t bad = 0;

	(void)state;
	assert_int_equal(mamori_mountinfo_each(text, strlen(text), collect, &s, &bad), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(bad, 1);
	assert_string_equal(s.last, "/media/y");
	memset(&s, 0, sizeof(s));
	assert_int_equal(mamori_mountinfo_each(text, strlen(text), stop_at_second, &s, NULL), -EINTR);
	assert_int_equal(s.n, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(proc5_example),
		cmocka_unit_test(read_only_superblock_under_writable_mount),
		cmocka_unit_test(no_optional_fields),
		cmocka_unit_test(several_optional_fields),
		cmocka_unit_test(escaped_mount_point),
		cmocka_unit_test(refused),
		cmocka_unit_test(mount_point_too_long),
		cmocka_unit_test(whole_text),
	};
	return cmocka_run_group_tests_name("agent_mountinfo", tests, NULL, NULL);
}
