/* The built module exports the PAM entry points and nothing else: no libmamori function can be
 * reached (or clash with another module's) from outside. */
#include <dlfcn.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

static void
only_pam_entry_points(void **state)
{
	static const char *const hidden[] = {
		"mamori_pam_login", "mamori_hotp", "mamori_report", "mamori_config_load",
		"mamori_userstore_save", "mamori_is_physical_console", "pam_sm_open_session",
	};
	char path[PATH_MAX];
	void *h;

	(void)state;
	snprintf(path, sizeof(path), "./%s/pam_mamori.so", MAMORI_TEST_BUILD);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		fail_msg("dlopen %s: %s", path, dlerror());
	assert_non_null(dlsym(h, "pam_sm_authenticate"));
	assert_non_null(dlsym(h, "pam_sm_setcred"));
	for (size_t i = 0; i < sizeof(hidden) / sizeof(hidden[0]); i++)
		if (dlsym(h, hidden[i]) != NULL)
			fail_msg("module exports %s", hidden[i]);
	dlclose(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_pam_entry_points),
	};
	return cmocka_run_group_tests_name("pam_symbols", tests, NULL, NULL);
}
