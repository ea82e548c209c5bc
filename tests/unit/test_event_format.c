/* The event line: header, quoting, escaping, cutting, time with offset, catalogue. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "event_check.h"
#include "mamori/err.h"
#include "mamori/event.h"

#define LINE_CAP MAMORI_EVENT_LINE_MAX

/* 2026-11-28T09:14:03.512+09:00 */
static struct timespec
example_time(void)
{
	struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 28, .tm_hour = 0,
			.tm_min = 14, .tm_sec = 3};
	return (struct timespec){timegm(&tm), 512999999};
}

static void
use_tz(const char *tz)
{
	assert_int_equal(setenv("TZ", tz, 1), 0);
	tzset();
}

static struct mamori_event_head
example_head(void)
{
	return (struct mamori_event_head){MAMORI_EV_CONF_INVALID, example_time(), "term01",
					  "3f9c0d2a61b04e7e", 1843};
}

/* Format one string field "v=<value>" and return the whole line (static storage). */
static const char *
line_with(const char *value)
{
	static char line[LINE_CAP];
	struct mamori_event_head h = example_head();
	struct mamori_field f[] = {MAMORI_STR("v", value)};
	size_t len = 0;
	const char *problem;

	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, 1, "m", &len), 0);
	problem = event_line_problem(line, len);
	if (problem != NULL)
		fail_msg("%s: %s", problem, line);
	return line;
}

/* The value part of "v=" in a line from line_with. */
static const char *
value_of(const char *value)
{
	static char v[LINE_CAP];
	const char *line = line_with(value), *p = strstr(line, " v="), *end;

	assert_non_null(p);
	end = strstr(p, " msg=\"m\"");
	assert_non_null(end);
	snprintf(v, sizeof(v), "%.*s", (int)(end - p - 3), p + 3);
	return v;
}

static void
formats_the_whole_line(void **state)
{
	struct mamori_event_head h = example_head();
	const struct mamori_field f[] = {
		MAMORI_STR("action", "readonly"), MAMORI_STR("dev", "/dev/sdb1"),
		MAMORI_INT("count", -5), MAMORI_STR("label", "USB 1"),
	};
	char line[LINE_CAP];
	size_t len = 0;

	(void)state;
	use_tz("Asia/Tokyo");
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, 4,
					     "removable storage attached read-only", &len),
			 0);
	assert_string_equal(line, "MAMORI-CONF-001 sev=err time=2026-11-28T09:14:03.512+09:00 "
				  "host=term01 stream=3f9c0d2a61b04e7e seq=1843 action=readonly "
				  "dev=/dev/sdb1 count=-5 label=\"USB 1\" "
				  "msg=\"removable storage attached read-only\"");
	assert_int_equal(len, strlen(line));
}

static void
time_has_numeric_offset_never_z(void **state)
{
	(void)state;
	use_tz("UTC");
	assert_non_null(strstr(line_with("x"), " time=2026-11-28T00:14:03.512+00:00 "));
	use_tz("America/St_Johns");
	assert_non_null(strstr(line_with("x"), " time=2026-11-27T20:44:03.512-03:30 "));
	use_tz("Asia/Tokyo");
	assert_non_null(strstr(line_with("x"), " time=2026-11-28T09:14:03.512+09:00 "));
}

static void
without_seq_and_stream_they_are_left_out(void **state)
{
	struct mamori_event_head h = example_head();
	char line[LINE_CAP];
	size_t len;

	(void)state;
	use_tz("Asia/Tokyo");
	h.seq = 0;
	h.stream = NULL;
	h.id = MAMORI_EV_REPORT_SPOOLED;
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, NULL, 0, "", &len), 0);
	assert_string_equal(line, "MAMORI-REPORT-403 sev=warning "
				  "time=2026-11-28T09:14:03.512+09:00 host=term01 msg=\"\"");
}

static void
quotes_and_escapes_hostile_values(void **state)
{
	(void)state;
	assert_string_equal(value_of("a-b_c.d:e/f@g+h,i"), "a-b_c.d:e/f@g+h,i");
	assert_string_equal(value_of(""), "\"\"");
	assert_string_equal(value_of("two words"), "\"two words\"");
	assert_string_equal(value_of("a\nb\rc\td"), "\"a\\nb\\rc\\td\"");
	assert_string_equal(value_of("say \"hi\" \\o/"), "\"say \\\"hi\\\" \\\\o/\"");
	assert_string_equal(value_of("x] [y"), "\"x] [y\"");
	assert_string_equal(value_of("\x01\x1b[31m\x7f"), "\"\\x01\\x1b[31m\\x7f\"");
	assert_string_equal(value_of("k=v msg=\"fake\""), "\"k=v msg=\\\"fake\\\"\"");
}

static void
keeps_japanese_and_escapes_invalid_utf8(void **state)
{
	(void)state;
	assert_string_equal(value_of("総務課 USBメモリ"), "\"総務課 USBメモリ\"");
	assert_string_equal(value_of("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");
	/* lone continuation byte, overlong '/', overlong 3-byte, surrogate, above U+10FFFF */
	assert_string_equal(value_of("\x80"), "\"\\x80\"");
	assert_string_equal(value_of("\xc0\xaf"), "\"\\xc0\\xaf\"");
	assert_string_equal(value_of("\xe0\x80\xaf"), "\"\\xe0\\x80\\xaf\"");
	assert_string_equal(value_of("\xed\xa0\x80"), "\"\\xed\\xa0\\x80\"");
	assert_string_equal(value_of("\xf4\x90\x80\x80"), "\"\\xf4\\x90\\x80\\x80\"");
	/* a character cut short, then a good one: only the broken bytes are escaped */
	assert_string_equal(value_of("\xe3\x81" "あ"), "\"\\xe3\\x81あ\"");
	assert_string_equal(value_of("あ\xe3"), "\"あ\\xe3\"");
}

static void
check_cut_line(const char *value)
{
	const char *line = line_with(value);

	assert_true(strlen(line) + 1 <= MAMORI_EVENT_LINE_MAX);
	/* filled up to the room kept for the badkey= and truncated= marks */
	assert_true(strlen(line) + 1 > MAMORI_EVENT_LINE_MAX - 32);
	assert_non_null(strstr(line, " truncated=1 msg=\"m\""));
}

static void
cuts_a_64k_value_on_a_boundary(void **state)
{
	const char *units[] = {"あ", "\x01", "\"", "a", "\xff", "é"};
	size_t big = 64 * 1024;
	char *v = malloc(big + 1);

	(void)state;
	assert_non_null(v);
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		/* shift the pattern so the cut falls at every position inside a unit */
		for (size_t shift = 0; shift < 4; shift++) {
			size_t ulen = strlen(units[u]), n = 0;
			memset(v, 'b', shift);
			for (n = shift; n + ulen <= big; n += ulen)
				memcpy(v + n, units[u], ulen);
			v[n] = '\0';
			check_cut_line(v);
		}
	}
	free(v);
}

static void
bad_keys_are_dropped_and_marked(void **state)
{
	struct mamori_event_head h = example_head();
	const struct mamori_field f[] = {
		MAMORI_STR("Bad", "1"),	 MAMORI_STR("", "2"),	  MAMORI_STR("a b", "3"),
		MAMORI_STR("seq", "4"),	 MAMORI_STR(NULL, "5"),	  MAMORI_STR("ok_1", "6"),
		MAMORI_STR("キー", "7"), MAMORI_STR("none", NULL),
	};
	char line[LINE_CAP];
	size_t len;

	(void)state;
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, 8, "m", &len), 0);
	assert_null(event_line_problem(line, len));
	assert_non_null(strstr(line, " seq=1843 ok_1=6 none=\"\" badkey=1 msg=\"m\""));
}

static void
long_msg_is_cut_but_present(void **state)
{
	struct mamori_event_head h = example_head();
	const struct mamori_field f[] = {MAMORI_STR("v", "kept")};
	char line[LINE_CAP], msg[8192];
	size_t len;

	(void)state;
	memset(msg, 'z', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, 1, msg, &len), 0);
	assert_null(event_line_problem(line, len));
	assert_non_null(strstr(line, " v=kept truncated=1 msg=\"zzz"));
}

static void
many_fields_fill_then_stop(void **state)
{
	struct mamori_event_head h = example_head();
	struct mamori_field f[400];
	char line[LINE_CAP];
	size_t len;

	(void)state;
	for (size_t i = 0; i < 400; i++)
		f[i] = MAMORI_INT("number", 1234567890123LL);
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, 400, "m", &len), 0);
	assert_null(event_line_problem(line, len));
	assert_non_null(strstr(line, "=1234567890123 truncated=1 msg=\"m\""));
}

static void
refuses_bad_arguments(void **state)
{
	struct mamori_event_head h = example_head();
	char line[LINE_CAP];
	size_t len = 7;

	(void)state;
	assert_int_equal(mamori_event_format(line, MAMORI_EVENT_LINE_MIN - 1, &h, NULL, 0, "m",
					     &len),
			 -EINVAL);
	h.time.tv_nsec = 1000000000L;
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, NULL, 0, "m", &len), -EINVAL);
	h = example_head();
	h.id = MAMORI_EV_COUNT_;
	assert_int_equal(mamori_event_format(line, sizeof(line), &h, NULL, 0, "m", &len), -EINVAL);
	assert_int_equal(len, 7);
}

static void
catalogue_lookups(void **state)
{
	(void)state;
	assert_string_equal(mamori_event_ident(MAMORI_EV_REPORT_SEQ_FAILED), "MAMORI-REPORT-402");
	assert_int_equal(mamori_event_severity(MAMORI_EV_REPORT_SPOOL_DRAINED), LOG_NOTICE);
	assert_null(mamori_event_ident(MAMORI_EV_COUNT_));
	assert_int_equal(mamori_event_severity((enum mamori_event_id)-1), -1);
	assert_string_equal(mamori_severity_name(LOG_ERR), "err");
	assert_string_equal(mamori_severity_name(LOG_EMERG), "emerg");
	assert_null(mamori_severity_name(8));
}

static void
numbering_a_spooled_line(void **state)
{
	char out[LINE_CAP];
	size_t len;

	(void)state;
	assert_int_equal(mamori_event_number("MAMORI-CONF-002 sev=info time=T host=\"a \\\"b\" "
					     "spooled=1 msg=\"m\"",
					     "00112233aabbccdd", 7, out, sizeof(out), &len),
			 0);
	assert_string_equal(out, "MAMORI-CONF-002 sev=info time=T host=\"a \\\"b\" "
				 "stream=00112233aabbccdd seq=7 spooled=1 msg=\"m\"");
	assert_int_equal(mamori_event_number("MAMORI-CONF-002 sev=info time=T host=h seq=3 msg=\"\"",
					     "00112233aabbccdd", 7, out, sizeof(out), &len),
			 MAMORI_E_CORRUPT);
	assert_int_equal(mamori_event_number("garbage", "00112233aabbccdd", 7, out, sizeof(out),
					     &len),
			 MAMORI_E_CORRUPT);
	assert_int_equal(mamori_event_number("MAMORI-X sev=info time=T host=\"open", "0011", 7,
					     out, sizeof(out), &len),
			 MAMORI_E_CORRUPT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_the_whole_line),
		cmocka_unit_test(time_has_numeric_offset_never_z),
		cmocka_unit_test(without_seq_and_stream_they_are_left_out),
		cmocka_unit_test(quotes_and_escapes_hostile_values),
		cmocka_unit_test(keeps_japanese_and_escapes_invalid_utf8),
		cmocka_unit_test(cuts_a_64k_value_on_a_boundary),
		cmocka_unit_test(bad_keys_are_dropped_and_marked),
		cmocka_unit_test(long_msg_is_cut_but_present),
		cmocka_unit_test(many_fields_fill_then_stop),
		cmocka_unit_test(refuses_bad_arguments),
		cmocka_unit_test(catalogue_lookups),
		cmocka_unit_test(numbering_a_spooled_line),
	};
	use_tz("Asia/Tokyo");
	return cmocka_run_group_tests_name("event_format", tests, NULL, NULL);
}
