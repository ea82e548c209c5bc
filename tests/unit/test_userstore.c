/* The per-user state store on a real filesystem: refusal of every unsafe file, atomic saves,
 * one winner among concurrent logins with the same code, and a full disk. */
#include <errno.h>
#include <limits.h>
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
#include <unistd.h>

#include <cmocka.h>

#include "mamori/err.h"
#include "mamori/otp_verify.h"
#include "mamori/userstore.h"
#include "tmpdir.h"

struct fixture {
	char dir[PATH_MAX];
	char file[PATH_MAX + 32];
	struct mamori_userstore *store;
};

static void
sample_state(struct mamori_userstate *st)
{
	memset(st, 0, sizeof(*st));
	st->type = MAMORI_TOKEN_TOTP;
	st->algorithm = MAMORI_OTP_SHA1;
	st->digits = 6;
	st->step = 30;
	st->active = true;
	memcpy(st->key, "12345678901234567890", 20);
	st->key_len = 20;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	assert_int_equal(chmod(f->dir, 0700), 0);
	snprintf(f->file, sizeof(f->file), "%s/tanaka", f->dir);
	assert_int_equal(mamori_userstore_open(f->dir, geteuid(), &f->store), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	mamori_userstore_close(&f->store);
	mamori_userstore_close(&f->store); /* twice: NULL is accepted */
	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

static int
load_user(struct fixture *f, const char *user, struct mamori_userstate *st)
{
	struct mamori_userlock *lock = NULL;
	int r;

	assert_int_equal(mamori_userstore_lock(f->store, user, &lock), 0);
	r = mamori_userstore_load(lock, st);
	mamori_userstore_unlock(&lock);
	assert_null(lock);
	return r;
}

static void
save_user(struct fixture *f, const char *user, const struct mamori_userstate *st)
{
	struct mamori_userlock *lock = NULL;

	assert_int_equal(mamori_userstore_lock(f->store, user, &lock), 0);
	assert_int_equal(mamori_userstore_save(lock, st), 0);
	mamori_userstore_unlock(&lock);
}

static void
file_names_are_safe(void **state)
{
	char out[MAMORI_USERFILE_MAX + 1];
	char longname[300];

	(void)state;
	assert_int_equal(mamori_user_filename("tanaka", out, sizeof(out)), 0);
	assert_string_equal(out, "tanaka");
	assert_int_equal(mamori_user_filename("taro@city.example.lg.jp", out, sizeof(out)), 0);
	assert_string_equal(out, "taro@city.example.lg.jp");
	assert_int_equal(mamori_user_filename("CITY\\sato", out, sizeof(out)), 0);
	assert_string_equal(out, "CITY%5Csato");
	assert_int_equal(mamori_user_filename("../etc/passwd", out, sizeof(out)), 0);
	assert_string_equal(out, "%2E.%2Fetc%2Fpasswd");
	assert_int_equal(mamori_user_filename("..", out, sizeof(out)), 0);
	assert_string_equal(out, "%2E.");
	assert_int_equal(mamori_user_filename("a b%", out, sizeof(out)), 0);
	assert_string_equal(out, "a%20b%25");
	assert_int_equal(mamori_user_filename("", out, sizeof(out)), -EINVAL);
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(mamori_user_filename(longname, out, sizeof(out)), -ENAMETOOLONG);
}

static void
unenrolled_user_is_enoent(void **state)
{
	struct mamori_userstate st;

	assert_int_equal(load_user(*state, "suzuki", &st), -ENOENT);
}

static void
save_then_load(void **state)
{
	struct fixture *f = *state;
	struct mamori_userstate in, out;
	struct stat sb;

	sample_state(&in);
	in.counter = 99;
	save_user(f, "tanaka", &in);
	assert_int_equal(load_user(f, "tanaka", &out), 0);
	assert_int_equal(out.counter, 99);
	assert_memory_equal(out.key, in.key, 20);
	assert_int_equal(lstat(f->file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
}

static void
unsafe_files_are_refused(void **state)
{
	struct fixture *f = *state;
	struct mamori_userstate st;
	char target[PATH_MAX + 32];

	sample_state(&st);
	save_user(f, "tanaka", &st);
	assert_int_equal(chmod(f->file, 0640), 0);
	assert_int_equal(load_user(f, "tanaka", &st), MAMORI_E_MODE);
	assert_int_equal(chmod(f->file, 0600), 0);
	assert_int_equal(test_write_file(f->file, "version=1\ntype=totp\n", 0600), 0);
	assert_int_equal(load_user(f, "tanaka", &st), MAMORI_E_CORRUPT);
	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	assert_int_equal(rename(f->file, target), 0);
	assert_int_equal(symlink(target, f->file), 0);
	assert_int_equal(load_user(f, "tanaka", &st), -ELOOP);
	/* saving over a planted symlink is refused as well, and the link's target untouched */
	{
		struct mamori_userlock *lock = NULL;
		sample_state(&st);
		assert_int_equal(mamori_userstore_lock(f->store, "tanaka", &lock), 0);
		assert_int_equal(mamori_userstore_save(lock, &st), -ELOOP);
		mamori_userstore_unlock(&lock);
	}
	if (geteuid() == 0) {
		assert_int_equal(unlink(f->file), 0);
		save_user(f, "tanaka", &st);
		assert_int_equal(chown(f->file, 1, 1), 0);
		assert_int_equal(load_user(f, "tanaka", &st), MAMORI_E_OWNER);
	}
}

static void
unsafe_directory_is_refused(void **state)
{
	struct fixture *f = *state;
	struct mamori_userstore *s = NULL;

	assert_int_equal(chmod(f->dir, 0770), 0);
	assert_int_equal(mamori_userstore_open(f->dir, geteuid(), &s), MAMORI_E_MODE);
	assert_int_equal(chmod(f->dir, 0700), 0);
	assert_int_equal(mamori_userstore_open(f->dir, geteuid() + 1, &s), MAMORI_E_OWNER);
	assert_null(s);
}

/* One login attempt in a child: lock, load, verify, save. Exit 0 only if the code opened. */
static int
child_login(struct fixture *f, const char *code, time_t now)
{
	const struct mamori_verify_policy pol = {1, 10, 100, 900};
	struct mamori_userlock *lock = NULL;
	struct mamori_verify_result res;
	struct mamori_userstate st;

	if (mamori_userstore_lock(f->store, "tanaka", &lock) < 0 ||
	    mamori_userstore_load(lock, &st) < 0 ||
	    mamori_otp_verify(&st, code, now, &pol, &res) < 0 ||
	    mamori_userstore_save(lock, &st) < 0)
		return 2;
	mamori_userstore_unlock(&lock);
	return res.verdict == MAMORI_VERDICT_OK ? 0 : 1;
}

static void
concurrent_logins_with_one_code(void **state)
{
	struct fixture *f = *state;
	const time_t now = 1764300000;
	struct mamori_userstate st;
	int winners = 0, losers = 0;
	uint32_t v;
	char code[9];

	sample_state(&st);
	save_user(f, "tanaka", &st);
	assert_int_equal(mamori_hotp(st.key, 20, MAMORI_OTP_SHA1, (uint64_t)now / 30, 6, &v), 0);
	assert_int_equal(mamori_otp_format(v, 6, code, sizeof(code)), 0);
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(child_login(f, code, now));
	}
	for (int i = 0; i < 50; i++) {
		int status;
		assert_true(wait(&status) > 0);
		assert_true(WIFEXITED(status));
		winners += WEXITSTATUS(status) == 0;
		losers += WEXITSTATUS(status) == 1;
	}
	assert_int_equal(winners, 1);
	assert_int_equal(losers, 49);
	assert_int_equal(load_user(f, "tanaka", &st), 0); /* intact */
	assert_int_equal(st.failures, 49);
	assert_int_equal(st.counter, (uint64_t)now / 30 + 1);
}

static void
full_disk_keeps_old_state(void **state)
{
	struct fixture *f = *state;
	struct mamori_userstore *s = NULL;
	struct mamori_userlock *lock = NULL;
	struct mamori_userstate st, back;
	char mnt[PATH_MAX + 32], filler[PATH_MAX + 48];
	FILE *fp;

	snprintf(mnt, sizeof(mnt), "%s/tiny", f->dir);
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (geteuid() != 0 || mount("tmpfs", mnt, "tmpfs", 0, "size=16k,mode=0700") < 0)
		skip();
	assert_int_equal(mamori_userstore_open(mnt, geteuid(), &s), 0);
	sample_state(&st);
	st.counter = 5;
	assert_int_equal(mamori_userstore_lock(s, "tanaka", &lock), 0);
	assert_int_equal(mamori_userstore_save(lock, &st), 0);
	snprintf(filler, sizeof(filler), "%s/filler", mnt);
	fp = fopen(filler, "w");
	assert_non_null(fp);
	while (fputc('x', fp) != EOF && fflush(fp) == 0)
		;
	fclose(fp);
	st.counter = 6;
	assert_int_equal(mamori_userstore_save(lock, &st), -ENOSPC);
	assert_int_equal(mamori_userstore_load(lock, &back), 0);
	/* the save failed, so the caller refuses the login; the old state stands */
	assert_int_equal(back.counter, 5);
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&s);
	assert_int_equal(umount(mnt), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_names_are_safe),
		cmocka_unit_test_setup_teardown(unenrolled_user_is_enoent, setup, teardown),
		cmocka_unit_test_setup_teardown(save_then_load, setup, teardown),
		cmocka_unit_test_setup_teardown(unsafe_files_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(unsafe_directory_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_logins_with_one_code, setup, teardown),
		cmocka_unit_test_setup_teardown(full_disk_keeps_old_state, setup, teardown),
	};
	return cmocka_run_group_tests_name("userstore", tests, NULL, NULL);
}
