/* Sequence numbers: persisted across reporters, never repeated, and a store that was tampered
 * with is refused and reported rather than repaired. After a crash the store may be behind the
 * durable log (it is not fdatasync'd for every number): the log, or its rotated copy, wins. */
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

/* After a crash the store holds whatever the kernel last wrote back of it: simulate that by
 * writing an older record (or one ahead) of the store's own stream. */
static void
crash_leaves_store_at(struct event_fixture *f, unsigned long long n)
{
	char *rec = event_fixture_read(f->seq_path), want[64];

	assert_non_null(rec);
	snprintf(want, sizeof(want), "%.16s %020llu\n", rec, n);
	assert_int_equal(test_write_file(f->seq_path, want, 0600), 0);
	free(rec);
}

/* How many lines of the log (or of path, when not NULL) carry " seq=n ". */
static size_t
lines_with_seq(struct event_fixture *f, const char *path, unsigned long long n)
{
	char *log = event_fixture_read(path ? path : f->event_log), needle[40];
	size_t count;

	assert_non_null(log);
	snprintf(needle, sizeof(needle), " seq=%llu ", n);
	count = event_fixture_count(log, needle);
	free(log);
	return count;
}

/* The store is no longer fdatasync'd for each number: after a crash it may be behind the log.
 * The log's last line wins; a number already in the log is never handed out again. */
static void
store_behind_the_log_follows_the_log(void **state)
{
	struct event_fixture *f = *state;

	assert_int_equal(emit(f, 5), 0);
	crash_leaves_store_at(f, 2);
	assert_int_equal(emit(f, 1), 0);
	assert_int_equal(lines_with_seq(f, NULL, 3), 1);
	assert_int_equal(lines_with_seq(f, NULL, 6), 1);
	assert_int_equal(lines_with_seq(f, NULL, 7), 0);
}

/* A number written to the store whose line never reached the log is given back: no gap. */
static void
store_one_ahead_of_the_log_gives_the_number_back(void **state)
{
	struct event_fixture *f = *state;

	assert_int_equal(emit(f, 3), 0);
	crash_leaves_store_at(f, 4);
	assert_int_equal(emit(f, 2), 0);
	assert_int_equal(lines_with_seq(f, NULL, 4), 1);
	assert_int_equal(lines_with_seq(f, NULL, 5), 1);
	assert_int_equal(lines_with_seq(f, NULL, 6), 0);
}

/* Five events, then the log renamed to <log>.1 as logrotate does; rotated gets that name. */
static void
emit_five_then_rotate(struct event_fixture *f, char *rotated, size_t cap)
{
	snprintf(rotated, cap, "%s.1", f->event_log);
	assert_int_equal(emit(f, 5), 0);
	assert_int_equal(rename(f->event_log, rotated), 0);
}

/* logrotate renamed the log to <log>.1 and the machine crashed with the store behind: the
 * new log starts after .1's last line. */
static void
rotated_log_vouches_for_the_new_one(void **state)
{
	struct event_fixture *f = *state;
	char rotated[PATH_MAX + 40];

	emit_five_then_rotate(f, rotated, sizeof(rotated));
	crash_leaves_store_at(f, 2);
	assert_int_equal(emit(f, 2), 0);
	assert_int_equal(lines_with_seq(f, NULL, 6), 1);
	assert_int_equal(lines_with_seq(f, NULL, 7), 1);
	assert_int_equal(lines_with_seq(f, NULL, 3), 0);
	assert_int_equal(lines_with_seq(f, rotated, 5), 1);
}

/* ... and a number taken just before the rename and the crash, with no line, is given back. */
static void
rotated_log_one_behind_the_store_gives_the_number_back(void **state)
{
	struct event_fixture *f = *state;
	char rotated[PATH_MAX + 40];

	emit_five_then_rotate(f, rotated, sizeof(rotated));
	crash_leaves_store_at(f, 6);
	assert_int_equal(emit(f, 1), 0);
	assert_int_equal(lines_with_seq(f, NULL, 6), 1);
	assert_int_equal(lines_with_seq(f, NULL, 7), 0);
}

/* No log and no rotated copy (removed by hand): the store's number is all there is. */
static void
without_any_log_the_store_counts(void **state)
{
	struct event_fixture *f = *state;

	assert_int_equal(emit(f, 3), 0);
	assert_int_equal(unlink(f->event_log), 0);
	crash_leaves_store_at(f, 7);
	assert_int_equal(emit(f, 1), 0);
	assert_int_equal(lines_with_seq(f, NULL, 8), 1);
	assert_int_equal(lines_with_seq(f, NULL, 1), 0);
}

/* The log ends with a line of another stream (the store was made anew since): the store's
 * own number counts, not the other stream's. */
static void
another_streams_line_does_not_count(void **state)
{
	struct event_fixture *f = *state;
	FILE *fp;

	assert_int_equal(emit(f, 3), 0);
	fp = fopen(f->event_log, "ae");
	assert_non_null(fp);
	fprintf(fp, "MAMORI-CONF-002 sev=info time=2026-11-28T09:14:03.512+09:00 host=h "
		    "stream=00000000000000ff seq=9 msg=\"x\"\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(emit(f, 1), 0);
	assert_int_equal(lines_with_seq(f, NULL, 4), 1);
	assert_int_equal(lines_with_seq(f, NULL, 10), 0);
}

/* A crash in the middle of an append leaves a half line at the log's end: the whole line
 * before it still vouches for the number, and numbering goes on from there. The next event
 * starts a line of its own (the half one is ended first), so every reader sees it whole. */
static void
half_line_after_a_crash_does_not_hide_the_last_number(void **state)
{
	struct event_fixture *f = *state;
	char *log;
	FILE *fp;

	assert_int_equal(emit(f, 5), 0);
	fp = fopen(f->event_log, "ae");
	assert_non_null(fp);
	fprintf(fp, "MAMORI-CONF-002 sev=info time=2026-11-28T09:14:03.5");
	assert_int_equal(fclose(fp), 0);
	crash_leaves_store_at(f, 2);
	assert_int_equal(emit(f, 2), 0);
	assert_int_equal(lines_with_seq(f, NULL, 3), 1);
	assert_int_equal(lines_with_seq(f, NULL, 6), 1);
	assert_int_equal(lines_with_seq(f, NULL, 7), 1);
	log = event_fixture_read(f->event_log);
	assert_non_null(log);
	assert_non_null(strstr(log, "T09:14:03.5\nMAMORI-CONF-002 "));
	free(log);
}

/* The log's bytes from offset on (NUL bytes and all), and their number. */
static char *
read_from(const char *path, long offset, size_t *ret_len)
{
	FILE *fp = fopen(path, "rbe");
	char *buf;

	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	*ret_len = (size_t)(ftell(fp) - offset);
	assert_int_equal(fseek(fp, offset, SEEK_SET), 0);
	buf = malloc(*ret_len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *ret_len, fp), *ret_len);
	buf[*ret_len] = '\0';
	fclose(fp);
	return buf;
}

/* What ext4 leaves more often than a half line: the log's new size reached the disk with
 * another file's fsync, the line's data did not, so the log ends in NUL bytes. The number of
 * that line is taken again, and its new line starts after a newline of its own: glued to the
 * NUL bytes it reached the collector as an empty message and the report as no event. */
static void
nul_bytes_after_a_crash_stay_on_a_line_of_their_own(void **state)
{
	struct event_fixture *f = *state;
	static const char nul[300];
	struct stat st;
	size_t len;
	char *tail;
	FILE *fp;

	assert_int_equal(emit(f, 5), 0);
	assert_int_equal(stat(f->event_log, &st), 0);
	fp = fopen(f->event_log, "ae");
	assert_non_null(fp);
	assert_int_equal(fwrite(nul, 1, sizeof(nul), fp), sizeof(nul));
	assert_int_equal(fclose(fp), 0);
	crash_leaves_store_at(f, 6);
	assert_int_equal(emit(f, 2), 0);
	tail = read_from(f->event_log, (long)st.st_size, &len);
	assert_true(len > sizeof(nul) + 1);
	assert_memory_equal(tail, nul, sizeof(nul));
	assert_int_equal(tail[sizeof(nul)], '\n');
	assert_int_equal(strncmp(tail + sizeof(nul) + 1, "MAMORI-CONF-002 ", 16), 0);
	assert_non_null(strstr(tail + sizeof(nul) + 1, " seq=6 "));
	assert_non_null(strstr(tail + sizeof(nul) + 1, "\nMAMORI-CONF-002 "));
	assert_non_null(strstr(tail + sizeof(nul) + 1, " seq=7 "));
	free(tail);
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
		T(store_behind_the_log_follows_the_log),
		T(store_one_ahead_of_the_log_gives_the_number_back),
		T(rotated_log_vouches_for_the_new_one),
		T(rotated_log_one_behind_the_store_gives_the_number_back),
		T(without_any_log_the_store_counts),
		T(another_streams_line_does_not_count),
		T(half_line_after_a_crash_does_not_hide_the_last_number),
		T(nul_bytes_after_a_crash_stay_on_a_line_of_their_own),
	};
#undef T
	return cmocka_run_group_tests_name("event_seq", tests, NULL, NULL);
}
