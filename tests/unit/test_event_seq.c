/* Sequence numbers: persisted across reporters, never repeated, and a store that was tampered
 * with is refused and reported rather than repaired. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "event_fixture.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "tmpdir.h"

static int
emit(struct event_fixture *f, size_t count)
{
	struct mamori_reporter *r = NULL;
	int rc = 0;

	assert_int_equal(mamori_reporter_new(&f->opts, &r), 0);
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = MAMORI_REPORT(r, MAMORI_EV_CONF_LOADED, "loaded", MAMORI_INT("i", i));
	mamori_reporter_free(&r);
	assert_null(r);
	return rc;
}

static void
numbers_continue_across_reporters(void **state)
{
	struct event_fixture *f = *state;
	char *log, *seq, stream[17];
	struct stat st;

	assert_int_equal(emit(f, 3), 0);
	assert_int_equal(emit(f, 2), 0);
	seq = event_fixture_read(f->seq_path);
	assert_non_null(seq);
	/* "<16 hex> <20 digits>\n": the stream made on first use and the last number */
	assert_int_equal(strlen(seq), 38);
	assert_int_equal(strspn(seq, "0123456789abcdef"), 16);
	assert_string_equal(seq + 16, " 00000000000000000005\n");
	snprintf(stream, sizeof(stream), "%.16s", seq);
	assert_int_equal(stat(f->seq_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	log = event_fixture_read(f->event_log);
	assert_non_null(log);
	for (int i = 1; i <= 5; i++) {
		char want[64];
		snprintf(want, sizeof(want), " stream=%s seq=%d ", stream, i);
		assert_int_equal(event_fixture_count(log, want), 1);
	}
	assert_int_equal(event_fixture_count(log, "MAMORI-CONF-002 "), 5);
	assert_int_equal(stat(f->event_log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	free(seq);
	free(log);
}

static void
each_installation_gets_its_own_stream(void **state)
{
	struct event_fixture *f = *state;
	char *a, *b;

	assert_int_equal(emit(f, 1), 0);
	a = event_fixture_read(f->seq_path);
	assert_int_equal(unlink(f->seq_path), 0);
	assert_int_equal(emit(f, 1), 0);
	b = event_fixture_read(f->seq_path);
	assert_non_null(a);
	assert_non_null(b);
	assert_memory_not_equal(a, b, 16);
	free(a);
	free(b);
}

/* The store is refused with want_rc, reported as 402, the event still reaches syslog without
 * a number, and nothing on disk changes. */
static void
assert_refused(struct event_fixture *f, const char *path_before, int want_rc)
{
	char *before = event_fixture_read(path_before), *after;
	const char *line;

	assert_int_equal(emit(f, 1), want_rc);
	line = event_fixture_captured(&f->cap, "MAMORI-REPORT-402 ");
	assert_non_null(line);
	assert_non_null(strstr(line, mamori_strerror(want_rc)));
	line = event_fixture_captured(&f->cap, "MAMORI-CONF-002 ");
	assert_non_null(line);
	assert_null(strstr(line, " seq="));
	assert_null(event_fixture_read(f->event_log));
	after = event_fixture_read(path_before);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void
refuses_corrupt_store(void **state)
{
	struct event_fixture *f = *state;

	assert_int_equal(test_write_file(f->seq_path, "0123456789abcdef 12x\n", 0600), 0);
	assert_refused(f, f->seq_path, MAMORI_E_CORRUPT);
}

static void
refuses_number_that_would_wrap(void **state)
{
	struct event_fixture *f = *state;

	assert_int_equal(test_write_file(f->seq_path, "0123456789abcdef 99999999999999999999\n",
					 0600),
			 0);
	assert_refused(f, f->seq_path, MAMORI_E_CORRUPT);
}

static void
refuses_readable_by_others(void **state)
{
	struct event_fixture *f = *state;
	struct stat st;

	assert_int_equal(test_write_file(f->seq_path, "0123456789abcdef 00000000000000000004\n",
					 0644),
			 0);
	assert_refused(f, f->seq_path, MAMORI_E_MODE);
	assert_int_equal(stat(f->seq_path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644); /* reported, never silently fixed */
}

static void
refuses_symlink(void **state)
{
	struct event_fixture *f = *state;
	char target[PATH_MAX + 16];

	snprintf(target, sizeof(target), "%s/elsewhere", f->dir);
	assert_int_equal(test_write_file(target, "0123456789abcdef 00000000000000000004\n", 0600),
			 0);
	assert_int_equal(symlink(target, f->seq_path), 0);
	assert_refused(f, target, -ELOOP);
}

static void
refuses_wrong_owner(void **state)
{
	struct event_fixture *f = *state;

	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	assert_int_equal(test_write_file(f->seq_path, "0123456789abcdef 00000000000000000004\n",
					 0600),
			 0);
	assert_int_equal(chown(f->seq_path, 1, 1), 0);
	assert_refused(f, f->seq_path, MAMORI_E_OWNER);
}

static void
failed_append_leaves_no_gap(void **state)
{
	struct event_fixture *f = *state;
	char *log;

	/* a directory where the log should be: open fails with EISDIR, a real failure */
	assert_int_equal(mkdir(f->event_log, 0700), 0);
	assert_int_equal(emit(f, 1), -EISDIR);
	assert_non_null(event_fixture_captured(&f->cap, "MAMORI-REPORT-401 "));
	assert_int_equal(rmdir(f->event_log), 0);
	assert_int_equal(emit(f, 1), 0);
	log = event_fixture_read(f->event_log);
	assert_non_null(log);
	assert_int_equal(event_fixture_count(log, " seq=1 "), 1);
	free(log);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, event_fixture_setup, event_fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(numbers_continue_across_reporters),
		T(each_installation_gets_its_own_stream),
		T(refuses_corrupt_store),
		T(refuses_number_that_would_wrap),
		T(refuses_readable_by_others),
		T(refuses_symlink),
		T(refuses_wrong_owner),
		T(failed_append_leaves_no_gap),
	};
#undef T
	return cmocka_run_group_tests_name("event_seq", tests, NULL, NULL);
}
