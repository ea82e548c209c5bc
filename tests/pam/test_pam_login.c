/* pam_mamori through the real libpam, stacked after a real password module as Debian's
 * common-auth stacks it: what the person at the prompt sees, what PAM answers, what is
 * stored and reported. The configuration must belong to root, so these run as root. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "harness.h"
#include "mamori/buf.h"
#include "mamori/recovery.h"
#include "mamori/userstore.h"

static int
setup(void **state)
{
	struct pam_bench *b = calloc(1, sizeof(*b));

	if (geteuid() != 0) {
		free(b);
		skip(); /* the configuration must be root's: nothing here can run as a user */
	}
	assert_non_null(b);
	assert_int_equal(pam_bench_setup(b, ""), 0);
	*state = b;
	return 0;
}

static int
teardown(void **state)
{
	struct pam_bench *b = *state;

	if (b != NULL) {
		pam_bench_teardown(b);
		free(b);
	}
	return 0;
}

#define FMT(buf, ...) assert_int_equal(mamori_snprintf((buf), sizeof(buf), __VA_ARGS__), 0)
#define ANSWERS(...) ((const char *const[]){__VA_ARGS__, NULL})

static char conf_arg[PATH_MAX + 64];

static const char *
args_for(const struct pam_bench *b)
{
	FMT(conf_arg, "conf=%s", b->conf);
	return conf_arg;
}

static void
right_password_and_code(void **state)
{
	struct pam_bench *b = *state;
	char code[9];

	pam_bench_enrol(b, "tanaka", NULL);
	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_SUCCESS);
	assert_string_equal(b->transcript, "prompt:Password: \nprompt:One-time code: \n");
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 1);
	assert_int_equal(pam_bench_events(b, "user=tanaka service=mamori-test tty=pts/3"), 1);
	assert_int_equal(pam_bench_events(b, code), 0); /* no code in any log */
}

static void
wrong_password_costs_nothing(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;

	pam_bench_enrol(b, "tanaka", NULL);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("guess", "123456")),
			 PAM_AUTH_ERR);
	/* the stack stops at pam_deny: the code is never asked, no failure is counted */
	assert_string_equal(b->transcript, "prompt:Password: \n");
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH"), 0);
}

static void
wrong_code_fails_and_is_reported(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;
	char code[9];

	pam_bench_enrol(b, "tanaka", NULL);
	pam_bench_code(time(NULL) + 3600, code); /* a real code, but of another hour */
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-202"), 1);
	assert_int_equal(pam_bench_events(b, "reason=wrong factor=totp failures=1"), 1);
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	assert_int_equal(st.failures, 1);
}

static void
used_code_is_refused(void **state)
{
	struct pam_bench *b = *state;
	char code[9];

	pam_bench_enrol(b, "tanaka", NULL);
	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_SUCCESS);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "reason=replay"), 1);
}

static void
lockout_after_five_wrong_codes(void **state)
{
	struct pam_bench *b = *state;
	char code[9];

	pam_bench_enrol(b, "tanaka", NULL);
	for (int i = 0; i < 5; i++)
		assert_int_equal(pam_bench_login(b, "tanaka", args_for(b),
						 ANSWERS("pass-word", "000000")),
				 PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-203"), 1);
	assert_non_null(strstr(b->transcript, "error:This account is locked until "));
	assert_non_null(strstr(b->transcript, "error:Please contact IT desk, ext. 1234.\n"));
	/* locked: still asked for the code (no oracle), and even the right one fails */
	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTH_ERR);
	assert_non_null(strstr(b->transcript, "prompt:One-time code: \n"));
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-204"), 1);
}

static void
recovery_code_works_once(void **state)
{
	struct pam_bench *b = *state;
	char codes[2][MAMORI_RECOVERY_TEXT];
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	struct mamori_userstate st;

	pam_bench_enrol(b, "tanaka", &st);
	assert_int_equal(mamori_recovery_generate(&st, 2, codes), 0);
	assert_int_equal(mamori_userstore_open(b->users, 0, &store), 0);
	assert_int_equal(mamori_userstore_lock(store, "tanaka", &lock), 0);
	assert_int_equal(mamori_userstore_save(lock, &st), 0);
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b),
					 ANSWERS("pass-word", codes[0])),
			 PAM_SUCCESS);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-207"), 1);
	assert_int_equal(pam_bench_events(b, "code=1 left=1"), 1);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b),
					 ANSWERS("pass-word", codes[0])),
			 PAM_AUTH_ERR);
}

static void
unenrolled_denied_by_default(void **state)
{
	struct pam_bench *b = *state;

	assert_int_equal(pam_bench_login(b, "suzuki", args_for(b), ANSWERS("pass-word")),
			 PAM_AUTH_ERR);
	assert_string_equal(b->transcript,
			    "prompt:Password: \n"
			    "error:No one-time code is set up for this account.\n"
			    "error:Please contact IT desk, ext. 1234.\n");
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-205"), 1);
}

static void
unenrolled_allowed_when_configured(void **state)
{
	struct pam_bench *b = *state;

	pam_bench_teardown(b);
	assert_int_equal(pam_bench_setup(b, "  unenrolled = allow"), 0);
	assert_int_equal(pam_bench_login(b, "suzuki", args_for(b), ANSWERS("pass-word")),
			 PAM_SUCCESS);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-206"), 1);
}

/* An enrolment whose first code was never verified (mamorictl otp enroll without it) opens
 * nothing: not with its right code, not with a recovery code, not with an empty answer. The
 * person sees what an unenrolled user sees, and the pending state is left as it was. */
static void
pending_enrolment_is_not_enrolled(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	struct mamori_userstate st, after;
	char codes[1][MAMORI_RECOVERY_TEXT], code[9];

	pam_bench_enrol(b, "tanaka", &st);
	st.active = false;
	assert_int_equal(mamori_recovery_generate(&st, 1, codes), 0);
	assert_int_equal(mamori_userstore_open(b->users, 0, &store), 0);
	assert_int_equal(mamori_userstore_lock(store, "tanaka", &lock), 0);
	assert_int_equal(mamori_userstore_save(lock, &st), 0);
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);

	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTH_ERR);
	assert_string_equal(b->transcript,
			    "prompt:Password: \n"
			    "error:No one-time code is set up for this account.\n"
			    "error:Please contact IT desk, ext. 1234.\n");
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b),
					 ANSWERS("pass-word", codes[0])),
			 PAM_AUTH_ERR);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", "")),
			 PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-205"), 3);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 0);
	assert_int_equal(pam_bench_state(b, "tanaka", &after), 0);
	assert_false(after.active);
	assert_int_equal(after.counter, 0);
	assert_int_equal(after.failures, 0);
	assert_int_equal(mamori_recovery_left(&after), 1);
}

/* Damage the stored state one way, then log in with a right code: refused and reported. */
static void
damaged_state(struct pam_bench *b, const char *reason, void (*damage)(const char *path))
{
	char path[PATH_MAX + 64], code[9], want[64];

	pam_bench_enrol(b, "tanaka", NULL);
	FMT(path, "%s/tanaka", b->users);
	damage(path);
	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTHINFO_UNAVAIL);
	FMT(want, "MAMORI-AUTH-209 ");
	assert_int_equal(pam_bench_events(b, want), 1);
	FMT(want, "reason=%s", reason);
	assert_int_equal(pam_bench_events(b, want), 1);
}

static void
corrupt(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("version=1\ntype=totp\nkey=AAAA", f);
	fclose(f);
}

static void
loose_mode(const char *path)
{
	assert_int_equal(chmod(path, 0644), 0);
}

static void
symlinked(const char *path)
{
	char moved[PATH_MAX + 64];

	FMT(moved, "%s.real", path);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(symlink(moved, path), 0);
}

static void
corrupt_state_refused(void **state)
{
	damaged_state(*state, "corrupt", corrupt);
}

static void
wrong_mode_refused(void **state)
{
	damaged_state(*state, "mode", loose_mode);
}

static void
symlink_refused(void **state)
{
	damaged_state(*state, "symlink", symlinked);
}

static void
broken_configuration_fails_closed(void **state)
{
	struct pam_bench *b = *state;
	char code[9];
	FILE *f;

	pam_bench_enrol(b, "tanaka", NULL);
	f = fopen(b->conf, "a");
	assert_non_null(f);
	fputs("auth {\n  lockout = soon\n}\n", f);
	fclose(f);
	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTHINFO_UNAVAIL);
	/* the configuration names the log, so the report goes to the default place: syslog and
	 * /var/log/mamori; what the test can see is that nothing opened */
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 0);
	assert_int_equal(pam_bench_login(b, "tanaka", "conf=relative.conf",
					 ANSWERS("pass-word", code)),
			 PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(pam_bench_login(b, "tanaka", "nosuchoption", ANSWERS("pass-word", code)),
			 PAM_AUTHINFO_UNAVAIL);
}

static void
fifty_logins_one_code(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;
	int ok = 0, refused = 0;
	char code[9];

	pam_bench_enrol(b, "tanaka", NULL);
	pam_bench_code(time(NULL), code);
	pam_bench_service(b, args_for(b));
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int r = pam_bench_run(b, "tanaka", ANSWERS("pass-word", code));
			_exit(r == PAM_SUCCESS ? 0 : r == PAM_AUTH_ERR ? 1 : 2);
		}
	}
	for (int i = 0; i < 50; i++) {
		int status;
		assert_true(wait(&status) > 0);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
		refused += WIFEXITED(status) && WEXITSTATUS(status) == 1;
	}
	assert_int_equal(ok, 1);
	assert_int_equal(refused, 49);
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0); /* intact */
	/* every later try is a failure: five replays lock the account, the rest meet the lock */
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 1);
	assert_int_equal(pam_bench_events(b, "reason=replay"), 5);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-203"), 1);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-204"), 44);
	assert_true(st.locked_until > time(NULL));
}

static void
full_disk_refuses_login(void **state)
{
	struct pam_bench *b = *state;
	char code[9], filler[PATH_MAX + 64];
	FILE *f;

	/* the state directory on a tiny filesystem, filled once the user is enrolled */
	if (mount("tmpfs", b->users, "tmpfs", 0, "size=16k,mode=0700") < 0)
		skip();
	pam_bench_enrol(b, "tanaka", NULL);
	FMT(filler, "%s/filler", b->users);
	f = fopen(filler, "w");
	assert_non_null(f);
	while (fputc('x', f) != EOF && fflush(f) == 0)
		;
	fclose(f);
	pam_bench_code(time(NULL), code);
	assert_int_equal(pam_bench_login(b, "tanaka", args_for(b), ANSWERS("pass-word", code)),
			 PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-210"), 1);
	assert_int_equal(umount(b->users), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(right_password_and_code),
		T(wrong_password_costs_nothing),
		T(wrong_code_fails_and_is_reported),
		T(used_code_is_refused),
		T(lockout_after_five_wrong_codes),
		T(recovery_code_works_once),
		T(unenrolled_denied_by_default),
		T(unenrolled_allowed_when_configured),
		T(pending_enrolment_is_not_enrolled),
		T(corrupt_state_refused),
		T(wrong_mode_refused),
		T(symlink_refused),
		T(broken_configuration_fails_closed),
		T(fifty_logins_one_code),
		T(full_disk_refuses_login),
	};
	return cmocka_run_group_tests_name("pam_login", tests, NULL, NULL);
}
