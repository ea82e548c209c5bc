/* forward.env read as systemd's EnvironmentFile= reads it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/envfile.h"

static const char text[] = "# comment\n"
			   "MAMORI_COLLECTOR=log01.example.lg.jp\n"
			   "  MAMORI_TLS_CA = /etc/mamori/tls/ca.pem  \r\n"
			   "; MAMORI_TLS_CERT=/commented\n"
			   "MAMORI_TLS_CERT=\"/etc/mamori/tls/terminal.pem\"\n"
			   "MAMORI_COLLECTOR_PORT=2514\n"
			   "MAMORI_COLLECTOR_PORT=2515\n"
			   "no equals sign\n"
			   "EMPTY=\n"
			   "MAMORI_TLS_KEY='/k'";

static void
values(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI_COLLECTOR", out, sizeof(out)), 0);
	assert_string_equal(out, "log01.example.lg.jp");
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI_TLS_CA", out, sizeof(out)), 0);
	assert_string_equal(out, "/etc/mamori/tls/ca.pem");
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI_TLS_CERT", out, sizeof(out)), 0);
	assert_string_equal(out, "/etc/mamori/tls/terminal.pem");
	/* the last assignment wins, as in systemd */
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI_COLLECTOR_PORT", out, sizeof(out)), 0);
	assert_string_equal(out, "2515");
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "EMPTY", out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* the last line has no newline */
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI_TLS_KEY", out, sizeof(out)), 0);
	assert_string_equal(out, "/k");
}

static void
refusals(void **state)
{
	char out[8] = "keep";

	(void)state;
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI", out, sizeof(out)), -ENOENT);
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "no equals sign", out, sizeof(out)), -ENOENT);
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "MAMORI_TLS_CA", out, sizeof(out)), -ENAMETOOLONG);
	assert_string_equal(out, "keep");
	assert_int_equal(mamori_envfile_get(text, sizeof(text) - 1, "", out, sizeof(out)), -EINVAL);
	/* only len bytes are read: the key in the part after it does not count */
	assert_int_equal(mamori_envfile_get(text, 10, "MAMORI_COLLECTOR", out, sizeof(out)), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values),
		cmocka_unit_test(refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
