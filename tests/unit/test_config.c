/* mamori.conf: defaults, every option set, range edges, allow entries, print → load. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/config.h"
#include "tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char path[PATH_MAX + 16];
	char err[1024];
	struct mamori_config *cfg;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(f->path, sizeof(f->path), "%s/mamori.conf", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mamori_config_free(&f->cfg);
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Write text as the config file and load it; the test fails with the loader's message. */
static struct mamori_config *
load(struct fixture *f, const char *text)
{
	struct mamori_config_load_opts opts = {.path = f->path, .trusted_uid = geteuid()};
	int r;

	mamori_config_free(&f->cfg);
	assert_int_equal(test_write_file(f->path, text, 0644), 0);
	r = mamori_config_load(&opts, &f->cfg, f->err, sizeof(f->err));
	if (r != 0)
		fail_msg("load failed (%d): %s", r, f->err);
	assert_string_equal(f->cfg->source, f->path);
	return f->cfg;
}

static void
assert_defaults(const struct mamori_config *c)
{
	assert_int_equal(c->media.policy, MAMORI_MEDIA_READONLY);
	assert_int_equal(c->media.optical, MAMORI_MEDIA_READONLY);
	assert_int_equal(c->media.mtp, MAMORI_CLASS_DENY);
	assert_int_equal(c->media.network, MAMORI_CLASS_DENY);
	assert_int_equal(c->media.wireless, MAMORI_CLASS_DENY);
	assert_int_equal(c->media.printer, MAMORI_CLASS_DENY);
	assert_int_equal(c->media.vendor, MAMORI_CLASS_DENY);
	assert_int_equal(c->media.recheck_interval, 1);
	assert_false(c->media.loop);
	assert_int_equal(c->media.n_allow, 0);
	assert_null(c->media.allow);
	assert_int_equal(c->auth.digits, 6);
	assert_int_equal(c->auth.window, 1);
	assert_int_equal(c->auth.hotp_window, 10);
	assert_int_equal(c->auth.step, 30);
	assert_int_equal(c->auth.algorithm, MAMORI_OTP_SHA1);
	assert_int_equal(c->auth.max_failures, 5);
	assert_int_equal(c->auth.lockout, 900);
	assert_int_equal(c->auth.unenrolled, MAMORI_UNENROLLED_DENY);
	assert_int_equal(c->auth.recovery_codes, 10);
	assert_null(c->auth.contact);
	assert_null(c->auth.prompt);
	assert_string_equal(c->auth.state_dir, "/var/lib/mamori/users");
	assert_string_equal(c->report.event_log, "/var/log/mamori/events.log");
	assert_string_equal(c->report.state_dir, "/var/lib/mamori");
	assert_string_equal(c->report.spool_dir, "/run/mamori");
	assert_string_equal(c->report.syslog_socket, "/dev/log");
	assert_int_equal(c->report.heartbeat, 300);
	assert_false(c->report.debug);
}

static void
defaults_from_empty_file_and_builtin(void **state)
{
	struct fixture *f = *state;
	struct mamori_config *d = NULL;

	assert_defaults(load(f, ""));
	assert_defaults(load(f, "# only a comment\nmedia { }\nauth {\n}\n"));
	assert_int_equal(mamori_config_defaults(&d), 0);
	assert_defaults(d);
	assert_null(d->source);
	mamori_config_free(&d);
}

static void
missing_default_file_means_defaults(void **state)
{
	struct mamori_config_load_opts opts = {.path = NULL, .trusted_uid = 0};
	struct fixture *f = *state;

	if (access(MAMORI_CONFIG_PATH, F_OK) == 0)
		skip();
	assert_int_equal(mamori_config_load(&opts, &f->cfg, f->err, sizeof(f->err)), 0);
	assert_null(f->cfg->source);
	assert_defaults(f->cfg);
}

static void
every_option_set(void **state)
{
	struct fixture *f = *state;
	const struct mamori_config *c = load(f,
		"media {\n policy = deny\n optical = audit\n mtp = audit\n network = allow\n"
		" wireless = audit\n printer = allow\n vendor = audit\n recheck_interval = 3600\n"
		" loop = true\n}\n"
		"auth {\n digits = 8\n window = 10\n hotp_window = 100\n step = 300\n"
		" algorithm = sha512\n max_failures = 100\n lockout = 86400\n unenrolled = allow\n"
		" recovery_codes = 50\n contact = \"総務課 内線 12\"\n"
		" prompt = 'Code: '\n state_dir = /srv/users\n}\n"
		"report {\n event_log = /srv/log\n state_dir = /srv/state\n spool_dir = /srv/spool\n"
		" syslog_socket = /run/log\n heartbeat = 86400\n debug = yes\n}\n");

	assert_int_equal(c->media.policy, MAMORI_MEDIA_DENY);
	assert_int_equal(c->media.optical, MAMORI_MEDIA_AUDIT);
	assert_int_equal(c->media.mtp, MAMORI_CLASS_AUDIT);
	assert_int_equal(c->media.network, MAMORI_CLASS_ALLOW);
	assert_int_equal(c->media.wireless, MAMORI_CLASS_AUDIT);
	assert_int_equal(c->media.printer, MAMORI_CLASS_ALLOW);
	assert_int_equal(c->media.vendor, MAMORI_CLASS_AUDIT);
	assert_int_equal(c->media.recheck_interval, 3600);
	assert_true(c->media.loop);
	assert_int_equal(c->auth.digits, 8);
	assert_int_equal(c->auth.window, 10);
	assert_int_equal(c->auth.hotp_window, 100);
	assert_int_equal(c->auth.step, 300);
	assert_int_equal(c->auth.algorithm, MAMORI_OTP_SHA512);
	assert_int_equal(c->auth.max_failures, 100);
	assert_int_equal(c->auth.lockout, 86400);
	assert_int_equal(c->auth.unenrolled, MAMORI_UNENROLLED_ALLOW);
	assert_int_equal(c->auth.recovery_codes, 50);
	assert_string_equal(c->auth.contact, "総務課 内線 12");
	assert_string_equal(c->auth.prompt, "Code: ");
	assert_string_equal(c->auth.state_dir, "/srv/users");
	assert_string_equal(c->report.event_log, "/srv/log");
	assert_string_equal(c->report.state_dir, "/srv/state");
	assert_string_equal(c->report.spool_dir, "/srv/spool");
	assert_string_equal(c->report.syslog_socket, "/run/log");
	assert_int_equal(c->report.heartbeat, 86400);
	assert_true(c->report.debug);
}

static void
lower_range_edges_and_other_words(void **state)
{
	struct fixture *f = *state;
	const struct mamori_config *c = load(f,
		"media { policy = audit optical = deny recheck_interval = 1 loop = off }\n"
		"auth { digits = 6 window = 0 hotp_window = 0 step = 10 algorithm = sha256\n"
		" max_failures = 1 lockout = 0 recovery_codes = 0 }\n"
		"report { heartbeat = 10 debug = FALSE }\n");

	assert_int_equal(c->media.policy, MAMORI_MEDIA_AUDIT);
	assert_int_equal(c->media.optical, MAMORI_MEDIA_DENY);
	assert_int_equal(c->media.recheck_interval, 1);
	assert_false(c->media.loop);
	assert_int_equal(c->auth.digits, 6);
	assert_int_equal(c->auth.window, 0);
	assert_int_equal(c->auth.hotp_window, 0);
	assert_int_equal(c->auth.step, 10);
	assert_int_equal(c->auth.algorithm, MAMORI_OTP_SHA256);
	assert_int_equal(c->auth.max_failures, 1);
	assert_int_equal(c->auth.lockout, 0);
	assert_int_equal(c->auth.recovery_codes, 0);
	assert_int_equal(c->report.heartbeat, 10);
	assert_false(c->report.debug);
}

static void
allow_entries(void **state)
{
	struct fixture *f = *state;
	const struct mamori_config *c = load(f,
		"media {\n"
		"  allow \"0781:5567:4C530001\" { policy = readwrite comment = \"総務課\" }\n"
		"  allow \"ABCD:EF01:Serial:With:Colons\" { policy = readonly }\n"
		"  allow \"abcd:ef01:serial:with:colons\" { }\n"
		"  allow \"1234:5678:x\" { policy = deny }\n"
		"  allow \"1234:5678:y\" { policy = audit }\n"
		"}\n");

	assert_int_equal(c->media.n_allow, 5);
	assert_string_equal(c->media.allow[0].vid, "0781");
	assert_string_equal(c->media.allow[0].pid, "5567");
	assert_string_equal(c->media.allow[0].serial, "4C530001");
	assert_int_equal(c->media.allow[0].policy, MAMORI_MEDIA_READWRITE);
	assert_string_equal(c->media.allow[0].comment, "総務課");
	/* vid and pid lower-cased; the serial kept exactly, ':' and case included */
	assert_string_equal(c->media.allow[1].vid, "abcd");
	assert_string_equal(c->media.allow[1].pid, "ef01");
	assert_string_equal(c->media.allow[1].serial, "Serial:With:Colons");
	assert_int_equal(c->media.allow[1].policy, MAMORI_MEDIA_READONLY);
	assert_null(c->media.allow[1].comment);
	/* a different serial (case matters there) is a different device; default readwrite */
	assert_string_equal(c->media.allow[2].serial, "serial:with:colons");
	assert_int_equal(c->media.allow[2].policy, MAMORI_MEDIA_READWRITE);
	assert_int_equal(c->media.allow[3].policy, MAMORI_MEDIA_DENY);
	assert_int_equal(c->media.allow[4].policy, MAMORI_MEDIA_AUDIT);
}

/* print → load gives the same values, and printing that again gives the same text */
static void
print_then_load_round_trip(void **state)
{
	struct fixture *f = *state;
	char *first = NULL, *second = NULL;
	size_t n1 = 0, n2 = 0;
	FILE *out;

	load(f, "media { policy = deny allow \"0781:5567:a\\\"b\\\\c$d\" { comment = \"x \\\"y\\\"\" }\n"
		" allow \"AAAA:bbbb:Z:1\" { policy = audit } }\n"
		"auth { contact = 'a # b ${c}' digits = 7 }\n"
		"report { debug = true event_log = \"/var/log/with space\" }\n");
	assert_non_null(out = open_memstream(&first, &n1));
	assert_int_equal(mamori_config_print(f->cfg, out), 0);
	fclose(out);
	load(f, first);
	assert_int_equal(f->cfg->media.policy, MAMORI_MEDIA_DENY);
	assert_int_equal(f->cfg->media.n_allow, 2);
	assert_string_equal(f->cfg->media.allow[0].serial, "a\"b\\c$d");
	assert_string_equal(f->cfg->media.allow[0].comment, "x \"y\"");
	assert_string_equal(f->cfg->media.allow[1].vid, "aaaa");
	assert_string_equal(f->cfg->media.allow[1].serial, "Z:1");
	assert_int_equal(f->cfg->media.allow[1].policy, MAMORI_MEDIA_AUDIT);
	assert_string_equal(f->cfg->auth.contact, "a # b ${c}");
	assert_int_equal(f->cfg->auth.digits, 7);
	assert_string_equal(f->cfg->report.event_log, "/var/log/with space");
	assert_true(f->cfg->report.debug);
	assert_non_null(out = open_memstream(&second, &n2));
	assert_int_equal(mamori_config_print(f->cfg, out), 0);
	fclose(out);
	assert_string_equal(first, second);
	free(first);
	free(second);
}

static void
defaults_print_round_trip(void **state)
{
	struct fixture *f = *state;
	struct mamori_config *d = NULL;
	char *text = NULL;
	size_t n = 0;
	FILE *out;

	assert_int_equal(mamori_config_defaults(&d), 0);
	assert_non_null(out = open_memstream(&text, &n));
	assert_int_equal(mamori_config_print(d, out), 0);
	fclose(out);
	assert_non_null(strstr(text, "  lockout = 900\n"));
	assert_non_null(strstr(text, "  # contact is not set\n"));
	assert_defaults(load(f, text));
	free(text);
	mamori_config_free(&d);
}

static void
comments_of_every_kind(void **state)
{
	struct fixture *f = *state;

	load(f, "/* one\n two */ auth { /* x */ lockout = 5 // y\n digits = 7 # z\n}\n");
	assert_int_equal(f->cfg->auth.lockout, 5);
	assert_int_equal(f->cfg->auth.digits, 7);
	/* as in libconfuse's lexer, "//" inside an unquoted value is part of it */
	load(f, "report { event_log = /var//log\n spool_dir = /run # x\n}\n");
	assert_string_equal(f->cfg->report.event_log, "/var//log");
	assert_string_equal(f->cfg->report.spool_dir, "/run");
}

static void
names_and_free_null(void **state)
{
	struct mamori_config *none = NULL;

	(void)state;
	mamori_config_free(NULL);
	mamori_config_free(&none);
	assert_string_equal(mamori_media_policy_name(MAMORI_MEDIA_READWRITE), "readwrite");
	assert_string_equal(mamori_media_policy_name(MAMORI_MEDIA_READONLY), "readonly");
	assert_string_equal(mamori_class_policy_name(MAMORI_CLASS_ALLOW), "allow");
	assert_string_equal(mamori_otp_algorithm_name(MAMORI_OTP_SHA256), "sha256");
	assert_string_equal(mamori_media_policy_name((enum mamori_media_policy)42), "invalid");
	assert_int_equal(mamori_config_print(NULL, stdout), -EINVAL);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(defaults_from_empty_file_and_builtin),
		T(missing_default_file_means_defaults),
		T(every_option_set),
		T(lower_range_edges_and_other_words),
		T(allow_entries),
		T(print_then_load_round_trip),
		T(defaults_print_round_trip),
		T(comments_of_every_kind),
		cmocka_unit_test(names_and_free_null),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
