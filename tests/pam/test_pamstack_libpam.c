/* The stack analysis's reading of libpam, checked against libpam itself: random stacks of
 * pam_debug.so lines (each returning the code its "auth=" argument names) under every kind of
 * control, with include, @include and substack, run through the real pam_authenticate and
 * through mamori_pamstack_simulate; both must agree on success for every stack. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "mamori/pamstack.h"
#include "mamori/safefile.h"
#include "tmpdir.h"

#define STACKS 1000

static const struct {
	const char *name;
	int code;
} codes[] = {
	{"success", PAM_SUCCESS},       {"auth_err", PAM_AUTH_ERR},
	{"ignore", PAM_IGNORE},         {"perm_denied", PAM_PERM_DENIED},
	{"new_authtok_reqd", PAM_NEW_AUTHTOK_REQD}, {"user_unknown", PAM_USER_UNKNOWN},
};

static const char *const controls[] = {
	"required",
	"requisite",
	"sufficient",
	"optional",
	"[success=1 default=ignore]",
	"[success=2 default=ignore]",
	"[success=ok default=bad]",
	"[default=reset]",
	"[success=done default=die]",
	"[success=ok auth_err=1 default=bad]",
	"[success=3 ignore=ignore default=bad]",
	"[default=done]",
	"[success=die default=ok]",
	"[success=ok new_authtok_reqd=reset default=2]",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct bench {
	char dir[PATH_MAX];
	char svc[PATH_MAX + 8], sub[PATH_MAX + 8];
	unsigned seed;
};

static int
no_conversation(int n, const struct pam_message **m, struct pam_response **r, void *d)
{
	(void)n;
	(void)m;
	(void)r;
	(void)d;
	return PAM_CONV_ERR;
}

static unsigned
pick(struct bench *b, size_t n)
{
	return (unsigned)rand_r(&b->seed) % (unsigned)n;
}

static void
module_line(struct bench *b, FILE *f)
{
	/* success half the time: successful stacks are the interesting ones */
	fprintf(f, "auth %s pam_debug.so auth=%s\n", controls[pick(b, N(controls))],
		codes[pick(b, 2) ? 0 : pick(b, N(codes))].name);
}

/* A random service file, and a random file it may include or use as a substack. */
static void
write_stack(struct bench *b)
{
	FILE *svc = fopen(b->svc, "w"), *sub = fopen(b->sub, "w");
	unsigned lines = 1 + pick(b, 7), sublines = 1 + pick(b, 4);

	assert_non_null(svc);
	assert_non_null(sub);
	for (unsigned i = 0; i < lines; i++) {
		switch (pick(b, 10)) {
		case 0:
			fprintf(svc, "auth include %s\n", b->sub);
			break;
		case 1:
			fprintf(svc, "auth substack %s\n", b->sub);
			break;
		case 2:
			fprintf(svc, "@include %s\n", b->sub);
			break;
		default:
			module_line(b, svc);
		}
	}
	for (unsigned i = 0; i < sublines; i++)
		module_line(b, sub);
	assert_int_equal(fclose(svc), 0);
	assert_int_equal(fclose(sub), 0);
}

static int
read_conf(void *ctx, const char *name, char **text, size_t *len, char **display)
{
	const struct bench *b = ctx;
	char path[PATH_MAX + 8];
	int fd, r;

	snprintf(path, sizeof(path), "%s%s%s", name[0] == '/' ? "" : b->dir,
		 name[0] == '/' ? "" : "/", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	r = mamori_read_all(fd, MAMORI_PAMCONF_MAX_SIZE, text, len);
	close(fd);
	if (r == 0 && (*display = strdup(path)) == NULL)
		r = -ENOMEM;
	return r;
}

static int
libpam_result(const struct bench *b)
{
	struct pam_conv conv = {no_conversation, NULL};
	pam_handle_t *h = NULL;
	int r;

	assert_int_equal(pam_start_confdir("svc", "tanaka", &conv, b->dir, &h), PAM_SUCCESS);
	r = pam_authenticate(h, PAM_SILENT);
	pam_end(h, r);
	return r;
}

/* What each entry's pam_debug.so returns, from its "auth=" argument. */
static void
results_of(const struct mamori_pamstack *st, int *results)
{
	for (size_t i = 0; i < st->n; i++) {
		const char *arg = st->entries[i].substack ? NULL : strstr(st->entries[i].text, "auth=");
		results[i] = PAM_AUTH_ERR;
		for (size_t k = 0; arg != NULL && k < N(codes); k++) {
			if (strcmp(arg + 5, codes[k].name) == 0)
				results[i] = codes[k].code;
		}
	}
}

static void
dump(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	print_message("--- %s\n", path);
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		print_message("%s", line);
	if (f != NULL)
		fclose(f);
}

static void
simulation_agrees_with_libpam(void **state)
{
	struct bench b = {.seed = 20261128};
	unsigned successes = 0;

	(void)state;
	assert_int_equal(test_tmpdir_make(b.dir, sizeof(b.dir)), 0);
	snprintf(b.svc, sizeof(b.svc), "%s/svc", b.dir);
	snprintf(b.sub, sizeof(b.sub), "%s/sub", b.dir);
	for (int n = 0; n < STACKS; n++) {
		const struct mamori_pamstack_reader rd = {read_conf, &b};
		struct mamori_pamstack *st = NULL;
		int results[MAMORI_PAMSTACK_MAX_ENTRIES], real, model;

		write_stack(&b);
		assert_int_equal(mamori_pamstack_load(&rd, "svc", &st), 0);
		results_of(st, results);
		real = libpam_result(&b);
		model = mamori_pamstack_simulate(st, results, NULL);
		if ((real == PAM_SUCCESS) != (model == 0)) {
			dump(b.svc);
			dump(b.sub);
			fail_msg("stack %d: libpam says %d, the simulation %d", n, real, model);
		}
		successes += real == PAM_SUCCESS;
		mamori_pamstack_free(&st);
	}
	/* a comparison where every stack fails would prove little */
	print_message("%u of %d stacks succeed\n", successes, STACKS);
	assert_true(successes > STACKS / 10);
	test_tmpdir_remove(b.dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simulation_agrees_with_libpam),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
