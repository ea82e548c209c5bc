/* The text domain is bound once, to the first directory asked for, and the Linux console is
 * the one terminal that gets no Japanese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/i18n.h"

static void
first_binding_wins(void **state)
{
	(void)state;
	mamori_i18n_init("/first/locale");
	/* a later caller (another copy of the code in the process) cannot move it */
	mamori_i18n_init("/second/locale");
	mamori_i18n_init(NULL);
	assert_string_equal(bindtextdomain(MAMORI_TEXTDOMAIN, NULL), "/first/locale");
	/* and the process's own text domain is left alone */
	assert_string_equal(textdomain(NULL), "messages");
}

static void
only_the_linux_console_lacks_kanji(void **state)
{
	(void)state;
	assert_false(mamori_i18n_term_draws_japanese("linux"));
	assert_true(mamori_i18n_term_draws_japanese("xterm-256color"));
	assert_false(mamori_i18n_term_draws_japanese("screen.linux"));
	assert_true(mamori_i18n_term_draws_japanese("notlinux"));
	assert_true(mamori_i18n_term_draws_japanese(""));
	assert_true(mamori_i18n_term_draws_japanese(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_binding_wins),
		cmocka_unit_test(only_the_linux_console_lacks_kanji),
	};
	return cmocka_run_group_tests_name("i18n", tests, NULL, NULL);
}
