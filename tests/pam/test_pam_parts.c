/* The module's small decisions on their own: its arguments and what counts as the physical
 * console for break-glass. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mamori/pam_args.h"
#include "mamori/pam_breakglass.h"

static void
physical_console_only(void **state)
{
	(void)state;
	assert_true(mamori_is_physical_console("tty1", NULL));
	assert_true(mamori_is_physical_console("/dev/tty63", ""));
	assert_false(mamori_is_physical_console("tty1", "10.1.2.3")); /* remote host named */
	assert_false(mamori_is_physical_console("tty0", NULL));
	assert_false(mamori_is_physical_console("tty64", NULL));
	assert_false(mamori_is_physical_console("ttyS0", NULL)); /* serial line */
	assert_false(mamori_is_physical_console("pts/0", NULL));
	assert_false(mamori_is_physical_console(":0", NULL));    /* display manager */
	assert_false(mamori_is_physical_console("tty1x", NULL));
	assert_false(mamori_is_physical_console("tty01", NULL));
	assert_false(mamori_is_physical_console(NULL, NULL));
}

static void
nobody_is_emergency_without_the_group(void **state)
{
	(void)state;
	/* the test machine has no mamori-emergency group, or root is not in it */
	assert_false(mamori_is_emergency_user(""));
	assert_false(mamori_is_emergency_user(NULL));
	assert_false(mamori_is_emergency_user("no-such-user-here"));
}

static void
arguments_are_strict(void **state)
{
	struct mamori_pam_args a = {.debug = false};
	const char *bad = NULL;
	const char *good[] = {"debug", "conf=/etc/mamori/test.conf"};
	const char *typo[] = {"debgu"};
	const char *relative[] = {"conf=mamori.conf"};

	(void)state;
	assert_int_equal(mamori_pam_args_parse(2, good, &a, &bad), 0);
	assert_true(a.debug);
	assert_string_equal(a.conf, "/etc/mamori/test.conf");
	assert_int_equal(mamori_pam_args_parse(1, typo, &a, &bad), -EINVAL);
	assert_string_equal(bad, "debgu");
	assert_int_equal(mamori_pam_args_parse(1, relative, &a, &bad), -EINVAL);
	assert_string_equal(bad, "conf=mamori.conf");
	assert_true(a.debug); /* untouched on failure */
}

/* Where the setuid verifier lives is fixed at build time: a PAM stack line cannot point the
 * production module at another program (only test builds, MAMORI_TEST_HOOKS, take one). */
static void
verifier_path_is_not_an_argument(void **state)
{
	struct mamori_pam_args a = {.debug = false};
	const char *bad = NULL;
	const char *arg[] = {"verifier=/tmp/evil"};

	(void)state;
	assert_int_equal(mamori_pam_args_parse(1, arg, &a, &bad), -EINVAL);
	assert_string_equal(bad, "verifier=/tmp/evil");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(physical_console_only),
		cmocka_unit_test(nobody_is_emergency_without_the_group),
		cmocka_unit_test(arguments_are_strict),
		cmocka_unit_test(verifier_path_is_not_an_argument),
	};
	return cmocka_run_group_tests_name("pam_parts", tests, NULL, NULL);
}
