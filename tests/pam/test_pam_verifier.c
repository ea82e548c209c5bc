/* pam_mamori in a program that is not root (a screen locker running as the user): the test
 * build of the module, through the real libpam, in a child that has dropped to `nobody`,
 * has the setuid-root verifier judge the code. The verifier is a copy of the test build,
 * root-owned with mode 4755, in the scratch directory. Runs as root. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "harness.h"
#include "mamori/buf.h"
#include "mamori/userstore.h"
#include "tmpdir.h"

#ifndef MAMORI_TEST_BUILD
#define MAMORI_TEST_BUILD "build"
#endif

#define FMT(buf, ...) assert_int_equal(mamori_snprintf((buf), sizeof(buf), __VA_ARGS__), 0)
#define SERVICE "mamori-verify-test"

/* What libpam's pam_syslog sends (there is no syslog daemon to ask): a module that is not
 * root can report only there. libpam calls the fortified __syslog_chk; this definition in
 * the program takes its place. Lines go to capture_path when one is set. */
static char capture_path[PATH_MAX + 32];

void __syslog_chk(int pri, int flag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	(void)pri;
	(void)flag;
	if (capture_path[0] == '\0' || (f = fopen(capture_path, "a")) == NULL)
		return;
	va_start(ap, fmt);
	(void)vfprintf(f, fmt, ap);
	va_end(ap);
	(void)fputc('\n', f);
	(void)fclose(f);
}

struct vbench {
	struct pam_bench b;
	char verifier[PATH_MAX + 32]; /* the setuid copy */
	char *transcript;             /* shared with the child: what the user was shown */
};

static void
copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	ssize_t n;

	assert_true(in >= 0);
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	assert_true(out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static int
setup(void **state)
{
	struct vbench *v = calloc(1, sizeof(*v));
	char path[PATH_MAX + 32];

	if (geteuid() != 0 || getpwnam("nobody") == NULL) {
		free(v);
		skip(); /* needs root to make a setuid file, and an unprivileged account */
	}
	assert_non_null(v);
	assert_int_equal(pam_bench_setup(&v->b, ""), 0);
	FMT(v->verifier, "%s/mamori-verify", v->b.dir);
	FMT(path, "%s/testbuild/mamori-verify", MAMORI_TEST_BUILD);
	copy_file(path, v->verifier);
	assert_int_equal(chown(v->verifier, 0, 0), 0);
	assert_int_equal(chmod(v->verifier, 04755), 0);
	/* the child, no longer root, appends its syslog lines here */
	FMT(capture_path, "%s/syslog", v->b.dir);
	assert_int_equal(test_write_file(capture_path, "", 0666), 0);
	v->transcript = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(v->transcript != MAP_FAILED);
	*state = v;
	return 0;
}

static int
teardown(void **state)
{
	struct vbench *v = *state;

	capture_path[0] = '\0';
	if (v != NULL) {
		munmap(v->transcript, 4096);
		pam_bench_teardown(&v->b);
		free(v);
	}
	return 0;
}

static void
service(const struct vbench *v, const char *verifier)
{
	char path[PATH_MAX + 32], top[PATH_MAX], text[4096];

	assert_non_null(getcwd(top, sizeof(top)));
	FMT(path, "%s/%s", v->b.dir, SERVICE);
	FMT(text, "auth required %s/%s/testbuild/pam_mamori.so conf=%s verifier=%s\n", top,
	    MAMORI_TEST_BUILD, v->b.conf, verifier);
	assert_int_equal(test_write_file(path, text, 0644), 0);
}

struct answer {
	const char *code;
	char *transcript;
};

static int
converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct answer *a = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	struct mamori_buf t = {a->transcript, 4096, strlen(a->transcript), 0};

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		int style = msg[i]->msg_style;
		(void)mamori_buf_printf(&t, "%s:%s\n",
					style == PAM_PROMPT_ECHO_OFF ? "prompt"
					: style == PAM_ERROR_MSG     ? "error"
								     : "info",
					msg[i]->msg);
		if (style == PAM_PROMPT_ECHO_OFF)
			r[i].resp = strdup(a->code);
	}
	*resp = r;
	return PAM_SUCCESS;
}

/* pam_authenticate for user, in a child running as nobody; the PAM result. */
static int
login_as_nobody(struct vbench *v, const char *verifier, const char *user, const char *code)
{
	const struct passwd *pw = getpwnam("nobody");
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	int status;
	pid_t pid;

	service(v, verifier);
	v->transcript[0] = '\0';
	if ((pid = fork()) == 0) {
		struct answer a = {code, v->transcript};
		struct pam_conv conv = {converse, &a};
		pam_handle_t *pamh = NULL;
		int r;

		if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0 || geteuid() == 0)
			_exit(100);
		if (pam_start_confdir(SERVICE, user, &conv, v->b.dir, &pamh) != PAM_SUCCESS)
			_exit(101);
		(void)pam_set_item(pamh, PAM_TTY, ":0");
		r = pam_authenticate(pamh, 0);
		pam_end(pamh, r);
		_exit(r);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) < 100);
	return WEXITSTATUS(status);
}

static int
captured(const char *text)
{
	return pam_bench_count_lines(capture_path, text);
}

static void
right_code_verifies(void **state)
{
	struct vbench *v = *state;
	struct mamori_userstate st;
	char code[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL), code);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_SUCCESS);
	assert_string_equal(v->transcript, "prompt:One-time code: \n");
	/* the verifier, as root, wrote the durable log: the same event as a root login */
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-201"), 1);
	assert_int_equal(pam_bench_events(&v->b, "user=nobody service=" SERVICE), 1);
	assert_int_equal(pam_bench_events(&v->b, code), 0);
	assert_int_equal(pam_bench_state(&v->b, "nobody", &st), 0);
	assert_int_equal(st.counter, (uint64_t)time(NULL) / 30 + 1);
}

static void
wrong_code_fails_and_counts(void **state)
{
	struct vbench *v = *state;
	struct mamori_userstate st;
	char code[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL) + 3600, code);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(&v->b, "reason=wrong factor=totp failures=1"), 1);
	assert_int_equal(pam_bench_state(&v->b, "nobody", &st), 0);
	assert_int_equal(st.failures, 1);
}

static void
replayed_code_fails(void **state)
{
	struct vbench *v = *state;
	char code[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL), code);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_SUCCESS);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(&v->b, "reason=replay"), 1);
}

static void
locked_user_is_told(void **state)
{
	struct vbench *v = *state;
	char code[9], wrong[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL), code);
	pam_bench_code(time(NULL) + 3600, wrong);
	for (int i = 0; i < 5; i++)
		assert_int_equal(login_as_nobody(v, v->verifier, "nobody", wrong), PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-203"), 1);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_AUTH_ERR);
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-204"), 1);
	assert_non_null(strstr(v->transcript, "error:This account is locked until "));
	assert_non_null(strstr(v->transcript, "error:Please contact IT desk, ext. 1234.\n"));
}

static void
another_users_account_is_refused(void **state)
{
	struct vbench *v = *state;
	struct mamori_userstate st;
	char code[9];

	pam_bench_enrol(&v->b, "tanaka", NULL);
	pam_bench_code(time(NULL), code); /* tanaka's valid code, typed by nobody */
	assert_int_equal(login_as_nobody(v, v->verifier, "tanaka", code), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-221"), 1);
	assert_int_equal(pam_bench_events(&v->b, "user=tanaka"), 1);
	assert_int_equal(pam_bench_events(&v->b, "reason=other-user caller=nobody"), 1);
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-201"), 0);
	/* nothing of tanaka's was touched: no code burned, no failure counted */
	assert_int_equal(pam_bench_state(&v->b, "tanaka", &st), 0);
	assert_int_equal(st.counter, 0);
	assert_int_equal(st.failures, 0);
}

static void
missing_verifier_fails_and_is_reported(void **state)
{
	struct vbench *v = *state;
	char path[PATH_MAX + 64];
	struct mamori_userstate st;
	char code[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL), code);
	FMT(path, "%s/no-such-verifier", v->b.dir);
	assert_int_equal(login_as_nobody(v, path, "nobody", code), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(captured("MAMORI-AUTH-220 sev=err"), 1);
	assert_int_equal(captured("reason=missing"), 1);
	assert_int_equal(pam_bench_state(&v->b, "nobody", &st), 0);
	assert_int_equal(st.counter, 0);
}

static void
verifier_without_setuid_fails_and_is_reported(void **state)
{
	struct vbench *v = *state;
	char code[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL), code);
	assert_int_equal(chmod(v->verifier, 0755), 0);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(captured("MAMORI-AUTH-220 sev=err"), 1);
	assert_int_equal(captured("reason=not-setuid"), 1);
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-201"), 0);
}

/* A setuid file that is not root's (here nobody's own copy) would run without privilege. */
static void
verifier_not_owned_by_root_fails(void **state)
{
	struct vbench *v = *state;
	const struct passwd *pw = getpwnam("nobody");
	char code[9];

	pam_bench_enrol(&v->b, "nobody", NULL);
	pam_bench_code(time(NULL), code);
	assert_int_equal(chown(v->verifier, pw->pw_uid, pw->pw_gid), 0);
	assert_int_equal(chmod(v->verifier, 04755), 0);
	assert_int_equal(login_as_nobody(v, v->verifier, "nobody", code), PAM_AUTHINFO_UNAVAIL);
	assert_int_equal(captured("reason=not-setuid"), 1);
	assert_int_equal(pam_bench_events(&v->b, "MAMORI-AUTH-201"), 0);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(right_code_verifies),
		T(wrong_code_fails_and_counts),
		T(replayed_code_fails),
		T(locked_user_is_told),
		T(another_users_account_is_refused),
		T(missing_verifier_fails_and_is_reported),
		T(verifier_without_setuid_fails_and_is_reported),
		T(verifier_not_owned_by_root_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
