/* PAM stack analysis over the Debian stacks in tests/data/pam (pam-auth-update's common-auth
 * with pam_mamori.so, and the ways people get past it), and libpam's reading of lines.
 * Every verdict is checked against the dispatch simulation: a bypass's witness must replay
 * to a success without pam_mamori.so, and random runs of an enforced stack never may. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/pamstack.h"
#include "mamori/safefile.h"

#define DATA "tests/data/pam/"
#define TARGET "pam_mamori.so"

/* ---- readers ---------------------------------------------------------------------------- */

static int
read_one(const char *path, char **text, size_t *len, char **display)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -errno;
	r = mamori_read_all(fd, MAMORI_PAMCONF_MAX_SIZE, text, len);
	close(fd);
	if (r == 0 && (*display = strdup(path + strlen(DATA))) == NULL)
		r = -ENOMEM;
	return r;
}

/* ctx is a variant directory: its files first, then debian/'s. */
static int
read_fixture(void *ctx, const char *name, char **text, size_t *len, char **display)
{
	char path[512];
	int r;

	snprintf(path, sizeof(path), DATA "%s/%s", (const char *)ctx, name);
	if ((r = read_one(path, text, len, display)) != -ENOENT)
		return r;
	snprintf(path, sizeof(path), DATA "debian/%s", name);
	return read_one(path, text, len, display);
}

struct memfile {
	const char *name, *text;
};

/* ctx is a NULL-terminated array of in-memory files. */
static int
read_mem(void *ctx, const char *name, char **text, size_t *len, char **display)
{
	for (const struct memfile *f = ctx; f->name != NULL; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		*len = strlen(f->text);
		*text = strdup(f->text);
		*display = strdup(name);
		assert_non_null(*text);
		assert_non_null(*display);
		return 0;
	}
	return -ENOENT;
}

static struct mamori_pamstack *
load_fixture(const char *variant, const char *service)
{
	struct mamori_pamstack_reader rd = {read_fixture, (void *)(uintptr_t)variant};
	struct mamori_pamstack *st = NULL;

	assert_int_equal(mamori_pamstack_load(&rd, service, &st), 0);
	return st;
}

static struct mamori_pamstack *
load_mem(const struct memfile *files, const char *service)
{
	struct mamori_pamstack_reader rd = {read_mem, (void *)(uintptr_t)files};
	struct mamori_pamstack *st = NULL;

	assert_int_equal(mamori_pamstack_load(&rd, service, &st), 0);
	return st;
}

/* ---- the simulation as a second opinion ------------------------------------------------- */

static bool
named(const struct mamori_pam_entry *e, const char *name)
{
	return !e->must_fail && !e->substack && strcmp(mamori_pam_module_name(e), name) == 0;
}

/* A line of pam_mamori.so that judges the code (single_prompt only asks, pam_split.h). */
static bool
judging(const struct mamori_pam_entry *e)
{
	return named(e, TARGET) && strstr(e->text, " single_prompt") == NULL;
}

/* Did this run succeed without pam_mamori.so succeeding (and without pam_rootok.so)? */
static bool
run_bypasses(const struct mamori_pamstack *st, const int *results)
{
	bool *ran = calloc(st->n + 1, sizeof(*ran));
	bool bypass;

	assert_non_null(ran);
	bypass = mamori_pamstack_simulate(st, results, ran) == 0;
	for (size_t i = 0; i < st->n && bypass; i++) {
		if (ran[i] && results[i] == 0 &&
		    (judging(&st->entries[i]) || named(&st->entries[i], "pam_rootok.so")))
			bypass = false;
	}
	free(ran);
	return bypass;
}

/* A result each module may give, as the analysis assumes. */
static int
random_result(const struct mamori_pam_entry *e, unsigned *seed)
{
	int r = rand_r(seed) % 31;

	if (named(e, "pam_permit.so"))
		return 0;
	if (named(e, "pam_deny.so"))
		return 7;
	if (judging(e) && r == 25)
		return 7;
	/* success is the interesting case: make it common */
	return rand_r(seed) % 3 == 0 ? 0 : r;
}

static void
assert_verdict_holds(const struct mamori_pamstack *st, const struct mamori_pamstack_verdict *v,
		     const int *witness)
{
	int *results = calloc(st->n + 1, sizeof(*results));
	unsigned seed = 42;

	assert_non_null(results);
	if (v->kind != MAMORI_PAMSTACK_ENFORCED) {
		assert_true(run_bypasses(st, witness));
	} else {
		for (int round = 0; round < 4000; round++) {
			for (size_t i = 0; i < st->n; i++)
				results[i] = random_result(&st->entries[i], &seed);
			assert_false(run_bypasses(st, results));
		}
	}
	free(results);
}

static struct mamori_pamstack_verdict
analyze(const struct mamori_pamstack *st)
{
	struct mamori_pamstack_verdict v;
	int *witness = calloc(st->n + 1, sizeof(*witness));

	assert_non_null(witness);
	assert_int_equal(mamori_pamstack_analyze(st, TARGET, &v, witness), 0);
	assert_verdict_holds(st, &v, witness);
	free(witness);
	return v;
}

/* ---- the Debian stacks ------------------------------------------------------------------ */

static const char *const services[] = {"login", "sshd", "su", "sudo", "polkit-1",
				       "gdm-password"};

static void
debian_stacks_are_enforced(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		struct mamori_pamstack *st = load_fixture("debian", services[i]);
		struct mamori_pamstack_verdict v = analyze(st);

		assert_int_equal(v.kind, MAMORI_PAMSTACK_ENFORCED);
		assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_OK);
		assert_false(st->from_other);
		assert_true(mamori_pamstack_has_module(st, TARGET));
		assert_false(mamori_pamstack_has_module(st, "pam_faillock.so"));
		mamori_pamstack_free(&st);
	}
}

static void
include_splices_the_auth_lines(void **state)
{
	struct mamori_pamstack *st = load_fixture("debian", "login");

	(void)state;
	/* faildelay, nologin, 5 of common-auth, group: no session or account line */
	assert_int_equal(st->n, 8);
	assert_string_equal(st->entries[2].file, "debian/common-auth");
	assert_int_equal(st->entries[2].line, 17);
	assert_string_equal(st->entries[2].text, "auth [success=1 default=ignore] pam_unix.so nullok");
	assert_string_equal(mamori_pam_module_name(&st->entries[5]), TARGET);
	assert_int_equal(st->entries[5].actions[0], MAMORI_PAM_OK);
	assert_int_equal(st->entries[5].actions[7], MAMORI_PAM_BAD);
	assert_int_equal(st->entries[5].actions[25], MAMORI_PAM_IGNORE);
	assert_string_equal(st->entries[7].file, "debian/login");
	assert_int_equal(st->entries[7].line, 22);
	mamori_pamstack_free(&st);
}

struct expectation {
	const char *variant, *service;
	enum mamori_pamstack_verdict_kind kind;
	enum mamori_pamstack_reason reason;
	const char *file; /* culprit, NULL when none */
	unsigned line;
	enum mamori_pamstack_problem_kind problem;
};

static const struct expectation cases[] = {
	{"faillock", "login", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0, 0},
	{"faillock-sufficient", "sshd", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_DONE_BEFORE,
	 "faillock-sufficient/common-auth", 7, 0},
	{"sufficient", "sudo", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_DONE_BEFORE,
	 "sufficient/common-auth", 1, 0},
	{"jump", "sshd", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_JUMP_OVER, "jump/common-auth", 17,
	 0},
	{"optional", "login", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_TOLERATED,
	 "optional/common-auth", 25, 0},
	{"absent", "polkit-1", MAMORI_PAMSTACK_ABSENT, MAMORI_PAMSTACK_NONE, NULL, 0, 0},
	{"permit", "sshd", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_DONE_BEFORE, "permit/sshd", 1, 0},
	{"reset", "su", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_RESET, "reset/common-auth", 26, 0},
	{"lightdm", "lightdm", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_DONE_BEFORE,
	 "lightdm/lightdm", 3, 0},
	{"cycle", "login", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0,
	 MAMORI_PAMSTACK_INCLUDE_CYCLE},
	{"missing-include", "sshd", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0,
	 MAMORI_PAMSTACK_INCLUDE_MISSING},
	{"substack", "sshd", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0, 0},
	{"substack-sufficient", "sshd", MAMORI_PAMSTACK_BYPASS, MAMORI_PAMSTACK_DONE_BEFORE,
	 "substack-sufficient/sshd-auth", 1, 0},
	{"bracket", "gdm-password", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0, 0},
	{"requisite", "login", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0, 0},
	{"invalid", "sudo", MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL, 0,
	 MAMORI_PAMSTACK_INVALID_LINE},
};

static void
variants_are_judged_with_the_right_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct expectation *x = &cases[i];
		struct mamori_pamstack *st = load_fixture(x->variant, x->service);
		struct mamori_pamstack_verdict v = analyze(st);

		print_message("%s/%s\n", x->variant, x->service);
		assert_int_equal(v.kind, x->kind);
		assert_int_equal(v.reason, x->reason);
		if (x->file == NULL) {
			assert_null(v.culprit);
		} else {
			assert_non_null(v.culprit);
			assert_string_equal(v.culprit->file, x->file);
			assert_int_equal(v.culprit->line, x->line);
		}
		assert_int_equal(st->problem.kind, x->problem);
		mamori_pamstack_free(&st);
	}
}

static void
problems_name_the_including_line(void **state)
{
	struct mamori_pamstack *st = load_fixture("missing-include", "sshd");

	(void)state;
	assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_INCLUDE_MISSING);
	assert_string_equal(st->problem.file, "missing-include/sshd");
	assert_int_equal(st->problem.line, 4);
	assert_string_equal(st->problem.text, "@include common-auth-ldap");
	assert_int_equal(st->problem.error, -ENOENT);
	mamori_pamstack_free(&st);

	st = load_fixture("cycle", "sudo");
	assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_INCLUDE_CYCLE);
	assert_string_equal(st->problem.file, "cycle/common-auth");
	assert_int_equal(st->problem.line, 28);
	mamori_pamstack_free(&st);

	st = load_fixture("invalid", "sudo");
	assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_INVALID_LINE);
	assert_int_equal(st->problem.line, 9);
	assert_string_equal(st->problem.text, "auth requird pam_unix.so");
	mamori_pamstack_free(&st);
}

static void
faillock_is_found(void **state)
{
	struct mamori_pamstack *st = load_fixture("faillock", "sshd");

	(void)state;
	assert_true(mamori_pamstack_has_module(st, "pam_faillock.so"));
	mamori_pamstack_free(&st);
}

/* ---- libpam's reading of lines ---------------------------------------------------------- */

static void
lines_are_assembled_as_libpam_does(void **state)
{
	static const struct memfile files[] = {
		{"svc",
		 "# comment\n"
		 "  AUTH   Required \\\n"
		 "     pam_unix.so  # trailing comment\n"
		 "\n"
		 "-auth [success=1 default=ignore \\] x] pam_sss.so\n"
		 "session required pam_mamori.so\n"
		 "auth required pam_deny.so \\ # a comment ends the line\n"
		 "auth [default=bad success=ok] pam_mamori.so"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");

	(void)state;
	assert_int_equal(st->n, 4);
	assert_int_equal(st->entries[0].line, 2);
	assert_string_equal(st->entries[0].text, "AUTH Required pam_unix.so");
	assert_int_equal(st->entries[0].actions[7], MAMORI_PAM_BAD);
	/* "\]" is a "]" inside the brackets; "x" then is no return value: all bad */
	assert_true(st->entries[1].invalid);
	assert_int_equal(st->entries[1].actions[0], MAMORI_PAM_BAD);
	assert_int_equal(st->entries[2].line, 7);
	assert_string_equal(mamori_pam_module_name(&st->entries[2]), "pam_deny.so");
	assert_int_equal(st->entries[3].actions[0], MAMORI_PAM_OK);
	assert_int_equal(st->entries[3].actions[9], MAMORI_PAM_BAD);
	mamori_pamstack_free(&st);
}

static void
controls_are_parsed_as_libpam_does(void **state)
{
	static const struct memfile files[] = {
		{"svc",
		 "auth [ success = 2 new_authtok_reqd=done default = die ] a.so\n"
		 "auth [success=0] b.so\n"
		 "auth [success=okdefault=reset] c.so\n"
		 "auth bogus d.so\n"
		 "auth\n"
		 "auth required\n"
		 "account required e.so\n"
		 "frob required f.so\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");
	const struct mamori_pam_entry *e = st->entries;

	(void)state;
	assert_int_equal(st->n, 7);
	assert_int_equal(e[0].actions[0], 2);
	assert_int_equal(e[0].actions[12], MAMORI_PAM_DONE);
	assert_int_equal(e[0].actions[25], MAMORI_PAM_DIE);
	assert_false(e[0].invalid);
	assert_true(e[1].invalid); /* a jump of 0 */
	/* libpam matches action names as prefixes: "okdefault=reset" is ok, then default */
	assert_false(e[2].invalid);
	assert_int_equal(e[2].actions[0], MAMORI_PAM_OK);
	assert_int_equal(e[2].actions[7], MAMORI_PAM_RESET);
	assert_true(e[3].invalid);
	assert_true(e[4].invalid && e[4].must_fail);
	assert_true(e[5].must_fail);
	assert_true(e[6].must_fail); /* an unknown type fails in the auth stack */
	assert_string_equal(mamori_pam_module_name(&e[6]), "f.so");
	mamori_pamstack_free(&st);
}

static void
a_file_ending_in_a_continuation_fails(void **state)
{
	static const struct memfile files[] = {
		{"svc", "auth sufficient pam_permit.so \\\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");

	(void)state;
	assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_INVALID_LINE);
	assert_true(st->entries[st->n - 1].must_fail);
	mamori_pamstack_free(&st);
}

static void
a_service_without_auth_lines_uses_other(void **state)
{
	static const struct memfile files[] = {
		{"svc", "account required pam_permit.so\n"},
		{"other", "auth sufficient pam_permit.so\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");
	struct mamori_pamstack_verdict v = analyze(st);

	(void)state;
	assert_true(st->from_other);
	assert_int_equal(st->n, 1);
	assert_int_equal(v.kind, MAMORI_PAMSTACK_ABSENT);
	mamori_pamstack_free(&st);
}

static void
deep_includes_stop(void **state)
{
	static const struct memfile files[] = {
		{"svc", "auth include a\nauth required pam_mamori.so\n"},
		{"a", "auth include b\n"},
		{"b", "auth include a\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");
	struct mamori_pamstack_verdict v = analyze(st);

	(void)state;
	assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_INCLUDE_CYCLE);
	assert_string_equal(st->problem.file, "b");
	/* the failing handler libpam puts in its place keeps the stack closed */
	assert_int_equal(v.kind, MAMORI_PAMSTACK_ENFORCED);
	mamori_pamstack_free(&st);
}

static void
a_jump_counts_a_substack_as_one(void **state)
{
	static const struct memfile files[] = {
		{"svc",
		 "auth [success=1 default=ignore] pam_unix.so\n"
		 "auth substack sub\n"
		 "auth required pam_permit.so\n"},
		{"sub", "auth required pam_mamori.so\nauth required pam_env.so\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");
	struct mamori_pamstack_verdict v = analyze(st);

	(void)state;
	assert_int_equal(st->n, 5);
	assert_true(st->entries[1].substack);
	assert_int_equal(st->entries[2].level, 1);
	assert_int_equal(v.kind, MAMORI_PAMSTACK_BYPASS);
	assert_int_equal(v.reason, MAMORI_PAMSTACK_JUMP_OVER);
	assert_int_equal(v.culprit->line, 1);
	mamori_pamstack_free(&st);
}

static void
die_in_a_substack_fails_the_parent(void **state)
{
	static const struct memfile files[] = {
		{"svc", "auth substack sub\nauth sufficient pam_permit.so\n"},
		{"sub", "auth requisite pam_mamori.so\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "svc");
	struct mamori_pamstack_verdict v = analyze(st);

	(void)state;
	/* die ends only the substack, but the impression stays negative */
	assert_int_equal(v.kind, MAMORI_PAMSTACK_ENFORCED);
	mamori_pamstack_free(&st);
}

static void
rootok_is_no_bypass_but_other_sufficient_modules_are(void **state)
{
	static const struct memfile files[] = {
		{"su", "auth sufficient pam_rootok.so\nauth required pam_mamori.so\n"},
		{"x", "auth sufficient pam_wheel.so\nauth required pam_mamori.so\n"},
		{NULL, NULL},
	};
	struct mamori_pamstack *st = load_mem(files, "su");
	struct mamori_pamstack_verdict v = analyze(st);

	(void)state;
	assert_int_equal(v.kind, MAMORI_PAMSTACK_ENFORCED);
	mamori_pamstack_free(&st);
	st = load_mem(files, "x");
	v = analyze(st);
	assert_int_equal(v.kind, MAMORI_PAMSTACK_BYPASS);
	mamori_pamstack_free(&st);
}

/* The shipped single-prompt stack passes; its first line alone is no second factor. */
static void
single_prompt_line_is_no_second_factor(void **state)
{
	static const struct memfile files[] = {
		{"xrdp", "@include mamori-single-prompt\n"},
		{"mamori-single-prompt", NULL},
		{"first-only", "auth requisite pam_mamori.so single_prompt\n"
			       "auth required pam_unix.so use_first_pass\n"},
		{"sufficient", "auth sufficient pam_mamori.so single_prompt debug\n"
			       "auth required pam_mamori.so\n"},
		{NULL, NULL},
	};
	struct memfile with[5];
	struct mamori_pamstack *st;
	struct mamori_pamstack_verdict v;
	char *shipped = NULL;
	size_t len;
	int fd = open("conf/pam.d/mamori-single-prompt", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(mamori_read_all(fd, MAMORI_PAMCONF_MAX_SIZE, &shipped, &len), 0);
	close(fd);
	memcpy(with, files, sizeof(with));
	with[1].text = shipped;
	st = load_mem(with, "xrdp");
	v = analyze(st);
	assert_int_equal(st->problem.kind, MAMORI_PAMSTACK_OK);
	assert_int_equal(v.kind, MAMORI_PAMSTACK_ENFORCED);
	mamori_pamstack_free(&st);
	st = load_mem(with, "first-only");
	v = analyze(st);
	assert_int_equal(v.kind, MAMORI_PAMSTACK_BYPASS);
	mamori_pamstack_free(&st);
	/* "sufficient" on the asking line: the check cannot know it returns PAM_IGNORE only, and
	 * says so; a stack worth fixing either way */
	st = load_mem(with, "sufficient");
	v = analyze(st);
	assert_int_equal(v.kind, MAMORI_PAMSTACK_BYPASS);
	mamori_pamstack_free(&st);
	free(shipped);
}

static void
a_missing_service_is_enoent(void **state)
{
	static const struct memfile files[] = {{NULL, NULL}};
	struct mamori_pamstack_reader rd = {read_mem, (void *)(uintptr_t)files};
	struct mamori_pamstack *st = NULL;

	(void)state;
	assert_int_equal(mamori_pamstack_load(&rd, "login", &st), -ENOENT);
	assert_null(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(debian_stacks_are_enforced),
		cmocka_unit_test(include_splices_the_auth_lines),
		cmocka_unit_test(variants_are_judged_with_the_right_line),
		cmocka_unit_test(problems_name_the_including_line),
		cmocka_unit_test(faillock_is_found),
		cmocka_unit_test(lines_are_assembled_as_libpam_does),
		cmocka_unit_test(controls_are_parsed_as_libpam_does),
		cmocka_unit_test(a_file_ending_in_a_continuation_fails),
		cmocka_unit_test(a_service_without_auth_lines_uses_other),
		cmocka_unit_test(deep_includes_stop),
		cmocka_unit_test(a_jump_counts_a_substack_as_one),
		cmocka_unit_test(die_in_a_substack_fails_the_parent),
		cmocka_unit_test(rootok_is_no_bypass_but_other_sufficient_modules_are),
		cmocka_unit_test(single_prompt_line_is_no_second_factor),
		cmocka_unit_test(a_missing_service_is_enoent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
