/* A umockdev testbed loaded from a device tree recorded in the VM bench (tests/data/udev/),
 * read through the real libudev; shared by the unit tests that use the recordings. Run from
 * the top of the source tree. Header-only: those tests alone link umockdev. */
#ifndef MAMORI_TEST_UMOCKDEV_BED_H
#define MAMORI_TEST_UMOCKDEV_BED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>
#include <umockdev.h>

#include "mamori/config.h"

#define PRELOAD "libumockdev-preload.so.0"
#define DATA "tests/data/udev/"

struct bed {
	UMockdevTestbed *tb;
	struct udev *udev;
	struct mamori_config *cfg;
};

static inline struct bed *
bed_load(const char *file)
{
	struct bed *b = calloc(1, sizeof(*b));
	GError *err = NULL;

	assert_non_null(b);
	b->tb = umockdev_testbed_new();
	if (!umockdev_testbed_add_from_file(b->tb, file, &err))
		fail_msg("%s: %s", file, err ? err->message : "?");
	b->udev = udev_new();
	assert_non_null(b->udev);
	assert_int_equal(mamori_config_defaults(&b->cfg), 0);
	return b;
}

static inline void
bed_free(struct bed *b)
{
	udev_unref(b->udev);
	g_clear_object(&b->tb);
	mamori_config_free(&b->cfg);
	free(b);
}

/* The first device of a recording: the one it was made for (parents follow). */
static inline void
first_devpath(const char *file, char *buf, size_t len)
{
	FILE *f = fopen(file, "r");
	char line[1024];

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	assert_true(strncmp(line, "P: ", 3) == 0);
	line[strcspn(line, "\n")] = '\0';
	assert_true(strlen(line + 3) < len);
	memcpy(buf, line + 3, strlen(line + 3) + 1);
}

/* umockdev's library must be loaded before libc resolves open() and friends. */
static inline void
ensure_preloaded(char **argv)
{
	const char *pre = getenv("LD_PRELOAD");
	char buf[1024];

	if (pre != NULL && strstr(pre, "libumockdev-preload") != NULL)
		return;
	snprintf(buf, sizeof(buf), "%s%s%s", PRELOAD, pre ? ":" : "", pre ? pre : "");
	setenv("LD_PRELOAD", buf, 1);
	/* AddressSanitizer wants to be first; umockdev's wrappers forward to it all the same. */
	pre = getenv("ASAN_OPTIONS");
	snprintf(buf, sizeof(buf), "%s%sverify_asan_link_order=0", pre ? pre : "", pre ? ":" : "");
	setenv("ASAN_OPTIONS", buf, 1);
	/* argv[0], not /proc/self/exe: under valgrind that is valgrind's own tool */
	execv(argv[0], argv);
	perror("re-exec with umockdev preloaded");
	exit(1);
}

#endif
