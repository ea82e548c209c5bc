/* The real-libpam login bench. */
#include <crypt.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "harness.h"
#include "mamori/buf.h"
#include "mamori/otp.h"
#include "mamori/userstore.h"
#include "tmpdir.h"

/* Every path and text here must fit whole: a cut one would test something else. */
#define FMT(buf, ...) assert_int_equal(mamori_snprintf((buf), sizeof(buf), __VA_ARGS__), 0)

#ifndef MAMORI_TEST_BUILD
#define MAMORI_TEST_BUILD "build"
#endif

static const uint8_t test_key[] = "12345678901234567890"; /* RFC 6238 Appendix B */

static void
write_passwd(const struct pam_bench *b)
{
	char path[PATH_MAX + 32], text[512];
	struct crypt_data cd;

	memset(&cd, 0, sizeof(cd));
	assert_non_null(crypt_r("pass-word", "$6$mamoritest$", &cd));
	FMT(text, "tanaka:%s\nsuzuki:%s\n", cd.output, cd.output);
	FMT(path, "%s/passwd", b->dir);
	assert_int_equal(test_write_file(path, text, 0600), 0);
}

int
pam_bench_setup(struct pam_bench *b, const char *auth_extra)
{
	char text[2048];

	memset(b, 0, sizeof(*b));
	if (test_tmpdir_make(b->dir, sizeof(b->dir)) < 0)
		return -1;
	assert_int_equal(chmod(b->dir, 0755), 0);
	write_passwd(b);
	FMT(b->users, "%s/users", b->dir);
	FMT(b->events, "%s/log/events.log", b->dir);
	FMT(b->conf, "%s/mamori.conf", b->dir);
	assert_int_equal(mkdir(b->users, 0700), 0);
	FMT(text, "%s/log", b->dir);
	assert_int_equal(mkdir(text, 0750), 0);
	FMT(text,
		 "auth {\n  state_dir = \"%s\"\n  contact = \"IT desk, ext. 1234\"\n%s\n}\n"
		 "report {\n  event_log = \"%s\"\n  state_dir = \"%s\"\n  spool_dir = \"%s/run\"\n}\n",
		 b->users, auth_extra, b->events, b->dir, b->dir);
	assert_int_equal(test_write_file(b->conf, text, 0644), 0);
	return 0;
}

void
pam_bench_teardown(struct pam_bench *b)
{
	test_tmpdir_remove(b->dir);
}

void
pam_bench_service(const struct pam_bench *b, const char *module_args)
{
	char path[PATH_MAX + 32], top[PATH_MAX], text[4096];

	/* tests run from the top of the tree; libpam wants the module's absolute path */
	assert_non_null(getcwd(top, sizeof(top)));
	FMT(path, "%s/mamori-test", b->dir);
	FMT(text,
		 "auth [success=1 default=ignore] pam_pwdfile.so pwdfile=%s/passwd\n"
		 "auth requisite pam_deny.so\n"
		 "auth required pam_permit.so\n"
		 "auth required %s/%s/pam_mamori.so %s\n",
		 b->dir, top, MAMORI_TEST_BUILD, module_args);
	assert_int_equal(test_write_file(path, text, 0644), 0);
}

struct script {
	struct pam_bench *b;
	const char *const *answers;
	size_t next;
};

static void
note(struct pam_bench *b, const char *kind, const char *text)
{
	struct mamori_buf buf = {b->transcript, sizeof(b->transcript), strlen(b->transcript), 0};

	(void)mamori_buf_printf(&buf, "%s:%s\n", kind, text);
}

static int
converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct script *s = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		int style = msg[i]->msg_style;
		if (style == PAM_PROMPT_ECHO_OFF || style == PAM_PROMPT_ECHO_ON) {
			note(s->b, "prompt", msg[i]->msg);
			if (s->answers[s->next] == NULL) {
				free(r);
				return PAM_CONV_ERR; /* more questions than the script has answers */
			}
			r[i].resp = strdup(s->answers[s->next++]);
		} else {
			note(s->b, style == PAM_ERROR_MSG ? "error" : "info", msg[i]->msg);
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

int
pam_bench_login(struct pam_bench *b, const char *user, const char *module_args,
		const char *const *answers)
{
	pam_bench_service(b, module_args);
	return pam_bench_run(b, user, answers);
}

int
pam_bench_run(struct pam_bench *b, const char *user, const char *const *answers)
{
	struct script s = {b, answers, 0};
	struct pam_conv conv = {converse, &s};
	pam_handle_t *pamh = NULL;
	int r;

	b->transcript[0] = '\0';
	assert_int_equal(pam_start_confdir("mamori-test", user, &conv, b->dir, &pamh),
			 PAM_SUCCESS);
	(void)pam_set_item(pamh, PAM_TTY, "pts/3");
	r = pam_authenticate(pamh, 0);
	pam_end(pamh, r);
	return r;
}

void
pam_bench_enrol(struct pam_bench *b, const char *user, struct mamori_userstate *ret)
{
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	struct mamori_userstate st;

	memset(&st, 0, sizeof(st));
	st.type = MAMORI_TOKEN_TOTP;
	st.algorithm = MAMORI_OTP_SHA1;
	st.digits = 6;
	st.step = 30;
	st.active = true;
	memcpy(st.key, test_key, 20);
	st.key_len = 20;
	assert_int_equal(mamori_userstore_open(b->users, 0, &store), 0);
	assert_int_equal(mamori_userstore_lock(store, user, &lock), 0);
	assert_int_equal(mamori_userstore_save(lock, &st), 0);
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);
	if (ret != NULL)
		*ret = st;
}

void
pam_bench_code(time_t t, char out[9])
{
	uint32_t v;

	assert_int_equal(mamori_hotp(test_key, 20, MAMORI_OTP_SHA1, (uint64_t)t / 30, 6, &v), 0);
	assert_int_equal(mamori_otp_format(v, 6, out, 9), 0);
}

int
pam_bench_state(struct pam_bench *b, const char *user, struct mamori_userstate *ret)
{
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	int r;

	if ((r = mamori_userstore_open(b->users, 0, &store)) < 0)
		return r;
	if ((r = mamori_userstore_lock(store, user, &lock)) == 0)
		r = mamori_userstore_load(lock, ret);
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);
	return r;
}

int
pam_bench_events(struct pam_bench *b, const char *text)
{
	return pam_bench_count_lines(b->events, text);
}

int
pam_bench_count_lines(const char *path, const char *text)
{
	char line[4200];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}
