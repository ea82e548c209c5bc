/* Single-prompt mode through the real libpam, in the stack conf/pam.d/mamori-single-prompt
 * ships: pam_mamori single_prompt, a real password module using the password it was handed,
 * pam_deny, pam_permit, pam_mamori. Also the skew a TOTP accepted one step off reports. Root
 * only, as the configuration must be root's. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "harness.h"
#include "mamori/buf.h"
#include "mamori/recovery.h"
#include "mamori/userstore.h"
#include "tmpdir.h"

#ifndef MAMORI_TEST_BUILD
#define MAMORI_TEST_BUILD "build"
#endif

#define FMT(buf, ...) assert_int_equal(mamori_snprintf((buf), sizeof(buf), __VA_ARGS__), 0)
#define ANSWERS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define ONE_PROMPT "prompt:Password and one-time code: \n"

static int
setup_with(void **state, const char *auth_extra)
{
	struct pam_bench *b = calloc(1, sizeof(*b));

	if (geteuid() != 0) {
		free(b);
		skip(); /* the configuration must be root's: nothing here can run as a user */
	}
	assert_non_null(b);
	assert_int_equal(pam_bench_setup(b, auth_extra), 0);
	*state = b;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, "");
}

static int
setup_allow(void **state)
{
	return setup_with(state, "  unenrolled = allow\n");
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

/* conf/pam.d/mamori-single-prompt as shipped, with the built module and its test
 * configuration for pam_mamori.so and the test's password module for pam_unix.so
 * (pam_pwdfile takes the password handed on in PAM_AUTHTOK, as pam_unix use_first_pass
 * does). */
static void
single_service(const struct pam_bench *b)
{
	char path[PATH_MAX + 32], top[PATH_MAX], line[512], text[8192] = "";
	struct mamori_buf out = {text, sizeof(text), 0, 0};
	FILE *f = fopen("conf/pam.d/mamori-single-prompt", "r");
	int n = 0;

	assert_non_null(f);
	assert_non_null(getcwd(top, sizeof(top)));
	while (fgets(line, sizeof(line), f) != NULL) {
		char *mod = strstr(line, "pam_mamori.so"), *unix_ = strstr(line, "pam_unix.so");
		if (line[0] == '#' || line[0] == '\n')
			continue;
		n++;
		if (mod != NULL)
			(void)mamori_buf_printf(&out, "%.*s%s/%s/pam_mamori.so conf=%s%s",
						(int)(mod - line), line, top, MAMORI_TEST_BUILD,
						b->conf, mod + strlen("pam_mamori.so"));
		else if (unix_ != NULL)
			(void)mamori_buf_printf(&out, "%.*spam_pwdfile.so pwdfile=%s/passwd\n",
						(int)(unix_ - line), line, b->dir);
		else
			(void)mamori_buf_printf(&out, "%s", line);
	}
	fclose(f);
	assert_int_equal(n, 5);
	assert_false(out.truncated);
	FMT(path, "%s/mamori-test", b->dir);
	assert_int_equal(test_write_file(path, text, 0644), 0);
}

static int
single_login(struct pam_bench *b, const char *user, const char *answer)
{
	single_service(b);
	return pam_bench_run(b, user, ANSWERS(answer));
}

static void
with_password(char *out, size_t cap, const char *password, const char *code)
{
	assert_int_equal(mamori_snprintf(out, cap, "%s%s", password, code), 0);
}

static void
password_and_code_in_one_answer(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;
	char code[9], answer[64];

	pam_bench_enrol(b, "tanaka", NULL);
	pam_bench_code(time(NULL), code);
	with_password(answer, sizeof(answer), "pass-word", code);
	assert_int_equal(single_login(b, "tanaka", answer), PAM_SUCCESS);
	assert_string_equal(b->transcript, ONE_PROMPT); /* one prompt, nothing else */
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 1);
	assert_int_equal(pam_bench_events(b, code), 0);
	assert_int_equal(pam_bench_events(b, "pass-word"), 0);
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	assert_true(st.counter > 0); /* the code is used up */
	/* and cannot be used again */
	assert_int_equal(single_login(b, "tanaka", answer), PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "reason=replay"), 1);
}

static void
wrong_password_burns_no_code_counts_no_failure(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;
	char code[9], answer[64];

	pam_bench_enrol(b, "tanaka", NULL);
	pam_bench_code(time(NULL), code);
	with_password(answer, sizeof(answer), "guess", code);
	assert_int_equal(single_login(b, "tanaka", answer), PAM_AUTH_ERR);
	with_password(answer, sizeof(answer), "guess", "000000");
	assert_int_equal(single_login(b, "tanaka", answer), PAM_AUTH_ERR);
	assert_string_equal(b->transcript, ONE_PROMPT);
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	assert_int_equal(st.failures, 0);
	assert_int_equal(st.counter, 0);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH"), 0);
	/* the code someone typed with a wrong password still works for the owner */
	with_password(answer, sizeof(answer), "pass-word", code);
	assert_int_equal(single_login(b, "tanaka", answer), PAM_SUCCESS);
}

static void
right_password_wrong_code_counts(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;
	char answer[64];

	pam_bench_enrol(b, "tanaka", NULL);
	with_password(answer, sizeof(answer), "pass-word", "000000");
	assert_int_equal(single_login(b, "tanaka", answer), PAM_AUTH_ERR);
	assert_string_equal(b->transcript, ONE_PROMPT);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-202"), 1);
	assert_int_equal(pam_bench_events(b, "failures=1"), 1);
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	assert_int_equal(st.failures, 1);
}

/* Only the password typed: the password module checks all of it; the code is then missing,
 * and the module does not ask for it (a second prompt would tell the password was right). */
static void
password_alone_is_a_malformed_code(void **state)
{
	struct pam_bench *b = *state;
	struct mamori_userstate st;

	pam_bench_enrol(b, "tanaka", NULL);
	assert_int_equal(single_login(b, "tanaka", "pass-word"), PAM_AUTH_ERR);
	assert_string_equal(b->transcript, ONE_PROMPT);
	assert_int_equal(pam_bench_events(b, "reason=malformed"), 1);
	assert_int_equal(pam_bench_state(b, "tanaka", &st), 0);
	assert_int_equal(st.failures, 1);
}

static void
recovery_code_after_the_password(void **state)
{
	struct pam_bench *b = *state;
	char codes[2][MAMORI_RECOVERY_TEXT], answer[64];
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
	with_password(answer, sizeof(answer), "pass-word", codes[1]);
	assert_int_equal(single_login(b, "tanaka", answer), PAM_SUCCESS);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-207"), 1);
	assert_int_equal(pam_bench_events(b, "code=2 left=1"), 1);
	assert_int_equal(single_login(b, "tanaka", answer), PAM_AUTH_ERR);
}

static void
unenrolled_allowed_takes_all_as_password(void **state)
{
	struct pam_bench *b = *state;

	assert_int_equal(single_login(b, "suzuki", "pass-word"), PAM_SUCCESS);
	assert_string_equal(b->transcript, ONE_PROMPT);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-206"), 1);
}

static void
unenrolled_denied(void **state)
{
	struct pam_bench *b = *state;

	assert_int_equal(single_login(b, "suzuki", "pass-word"), PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-205"), 1);
}

/* The first call judges nothing: stacked alone, even as `sufficient`, it lets nobody in. */
static void
first_call_alone_grants_nothing(void **state)
{
	struct pam_bench *b = *state;
	char path[PATH_MAX + 32], top[PATH_MAX], text[4096];

	pam_bench_enrol(b, "tanaka", NULL);
	assert_non_null(getcwd(top, sizeof(top)));
	FMT(path, "%s/mamori-test", b->dir);
	FMT(text, "auth sufficient %s/%s/pam_mamori.so single_prompt conf=%s\n", top,
	    MAMORI_TEST_BUILD, b->conf);
	assert_int_equal(test_write_file(path, text, 0644), 0);
	assert_int_not_equal(pam_bench_run(b, "tanaka", ANSWERS("pass-word000000")),
			     PAM_SUCCESS);
}

/* A corrupt state is refused before the password is even asked. */
static void
unusable_state_fails_closed(void **state)
{
	struct pam_bench *b = *state;
	char path[PATH_MAX + 64];

	FMT(path, "%s/tanaka", b->users);
	assert_int_equal(test_write_file(path, "garbage\n", 0600), 0);
	assert_int_equal(single_login(b, "tanaka", "pass-word123456"), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-209"), 1);
}

static int
refuse_to_answer(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	(void)n;
	(void)msg;
	(void)resp;
	(void)data;
	return PAM_CONV_ERR; /* a prompt would end the login with PAM_CONV_ERR */
}

/* Not root (a screen locker): the state, and so the code length, is out of reach. The first
 * call refuses the login before it asks anything. */
static void
not_root_refuses_before_asking(void **state)
{
	struct pam_bench *b = *state;
	const struct passwd *pw = getpwnam("nobody");
	int status;
	pid_t pid;

	assert_non_null(pw);
	pam_bench_enrol(b, "tanaka", NULL);
	single_service(b);
	if ((pid = fork()) == 0) {
		struct pam_conv conv = {refuse_to_answer, NULL};
		pam_handle_t *pamh = NULL;
		int r;

		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0 ||
		    geteuid() == 0)
			_exit(100);
		if (pam_start_confdir("mamori-test", "tanaka", &conv, b->dir, &pamh) != PAM_SUCCESS)
			_exit(101);
		r = pam_authenticate(pamh, 0);
		pam_end(pamh, r);
		_exit(r);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), PAM_AUTHINFO_UNAVAIL);
}

/* A code is judged against the step of the moment it is checked; start well inside a step
 * so that "one step off" stays one step off. */
static time_t
inside_a_step(void)
{
	while (30 - time(NULL) % 30 < 4)
		(void)sleep(1);
	return time(NULL);
}

static void
skew_of_a_code_one_step_off(void **state)
{
	struct pam_bench *b = *state;
	char code[9];
	const char *args = NULL;
	char conf[PATH_MAX + 64];
	time_t now;

	FMT(conf, "conf=%s", b->conf);
	args = conf;
	pam_bench_enrol(b, "tanaka", NULL);
	now = inside_a_step();
	pam_bench_code(now - 30, code); /* the phone's clock is behind */
	assert_int_equal(pam_bench_login(b, "tanaka", args, ANSWERS("pass-word", code)),
			 PAM_SUCCESS);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 1);
	assert_int_equal(pam_bench_events(b, "result=ok factor=totp skew=-1"), 1);
	pam_bench_code(now + 30, code); /* ahead */
	assert_int_equal(pam_bench_login(b, "tanaka", args, ANSWERS("pass-word", code)),
			 PAM_SUCCESS);
	assert_int_equal(pam_bench_events(b, "MAMORI-AUTH-201"), 2);
	assert_int_equal(pam_bench_events(b, "result=ok factor=totp skew=1"), 1);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(password_and_code_in_one_answer),
		T(wrong_password_burns_no_code_counts_no_failure),
		T(right_password_wrong_code_counts),
		T(password_alone_is_a_malformed_code),
		T(recovery_code_after_the_password),
		cmocka_unit_test_setup_teardown(unenrolled_allowed_takes_all_as_password,
						setup_allow, teardown),
		T(unenrolled_denied),
		T(first_call_alone_grants_nothing),
		T(unusable_state_fails_closed),
		T(not_root_refuses_before_asking),
		T(skew_of_a_code_one_step_off),
	};
	return cmocka_run_group_tests_name("pam_single", tests, NULL, NULL);
}
