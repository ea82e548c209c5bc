/* Reading one line for the report: lines made by the real formatter, behind every syslog
 * header rsyslog writes, are events; every cut of such a line and every broken header is
 * malformed; other programs' lines are other. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mamori/event.h"
#include "mamori/report.h"

/* 2026-11-28T09:14:03.512+09:00 = 2026-11-28T00:14:03.512Z */
#define EXAMPLE_MS (1795824843512LL)

static int
setup_tz(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	return 0;
}

/* A real line from the formatter (static storage). */
static const char *
make_line(enum mamori_event_id id, const char *host, uint64_t seq,
	  const struct mamori_field *f, size_t n)
{
	static char line[MAMORI_EVENT_LINE_MAX];
	struct mamori_event_head h = {id, {EXAMPLE_MS / 1000, 512000000}, host,
				      seq ? "3f9c0d2a61b04e7e" : NULL, seq};
	size_t len;

	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, n, "m", &len), 0);
	return line;
}

static enum mamori_rline
parse(const char *line, struct mamori_revent *ev)
{
	return mamori_rline_parse(line, strlen(line), ev);
}

static void
assert_rstr(struct mamori_rstr s, const char *want)
{
	char got[512];

	assert_true(s.len < sizeof(got));
	memcpy(got, s.p, s.len);
	got[s.len] = '\0';
	assert_string_equal(got, want);
}

static void
formatter_line_is_an_event(void **state)
{
	const struct mamori_field f[] = {MAMORI_STR("result", "fail"), MAMORI_STR("user", "tanaka"),
					 MAMORI_INT("failures", 3)};
	const char *line = make_line(MAMORI_EV_AUTH_FAIL, "term01", 1843, f, 3);
	struct mamori_revent ev;

	(void)state;
	assert_int_equal(parse(line, &ev), MAMORI_RLINE_EVENT);
	assert_rstr(ev.id, "MAMORI-AUTH-202");
	assert_rstr(ev.host, "term01");
	assert_rstr(ev.stream, "3f9c0d2a61b04e7e");
	assert_rstr(ev.user, "tanaka");
	assert_rstr(ev.time, "2026-11-28T09:14:03.512+09:00");
	assert_int_equal(ev.seq, 1843);
	assert_int_equal(ev.sev, 4);
	assert_int_equal(ev.time_ms, EXAMPLE_MS);
}

/* The syslog header in front is whatever rsyslog, journald or pam_syslog wrote. */
static void
behind_every_syslog_header(void **state)
{
	static const char *const prefixes[] = {
		"",
		"Nov 28 09:14:03 term01 mamori: ",
		"2026-11-28T09:14:03.512345+09:00 term01 mamori-udev[812]: ",
		"<84>1 2026-11-28T09:14:03.512345+09:00 term01.city.example.lg.jp mamori 812 - - ",
		"Nov 28 09:14:03 term01 sshd[1290]: pam_mamori(sshd:auth): ",
	};
	const struct mamori_field f[] = {MAMORI_STR("user", "tanaka")};
	char line[MAMORI_EVENT_LINE_MAX + 200];
	struct mamori_revent ev;

	(void)state;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		snprintf(line, sizeof(line), "%s%s", prefixes[i],
			 make_line(MAMORI_EV_AUTH_OK, "term01", 7, f, 1));
		assert_int_equal(parse(line, &ev), MAMORI_RLINE_EVENT);
		assert_int_equal(ev.seq, 7);
		assert_rstr(ev.user, "tanaka");
	}
	/* CRLF files */
	snprintf(line, sizeof(line), "%s\r", make_line(MAMORI_EV_AUTH_OK, "term01", 7, f, 1));
	assert_int_equal(parse(line, &ev), MAMORI_RLINE_EVENT);
}

/* A device that names itself "x user=boss" must not become the user. */
static void
user_only_outside_quotes(void **state)
{
	const struct mamori_field f[] = {MAMORI_STR("serial", "x user=boss msg=\"y\""),
					 MAMORI_STR("user", "山田 太郎")};
	const struct mamori_field none[] = {MAMORI_STR("label", "a user=boss")};
	struct mamori_revent ev;
	char shown[64];

	(void)state;
	assert_int_equal(parse(make_line(MAMORI_EV_MEDIA_READONLY, "term01", 9, f, 2), &ev),
			 MAMORI_RLINE_EVENT);
	mamori_rstr_display(ev.user, shown, sizeof(shown));
	assert_string_equal(shown, "山田 太郎");
	assert_int_equal(parse(make_line(MAMORI_EV_MEDIA_READONLY, "term01", 9, none, 1), &ev),
			 MAMORI_RLINE_EVENT);
	assert_int_equal(ev.user.len, 0);
}

static void
unnumbered_line(void **state)
{
	struct mamori_revent ev;

	(void)state;
	assert_int_equal(parse(make_line(MAMORI_EV_REPORT_SEQ_FAILED, "term01", 0, NULL, 0), &ev),
			 MAMORI_RLINE_EVENT);
	assert_int_equal(ev.seq, 0);
	assert_int_equal(ev.stream.len, 0);
}

/* Every cut of a real line (a write that stopped, a line that was split) is no event. */
static void
every_cut_is_malformed(void **state)
{
	const struct mamori_field f[] = {MAMORI_STR("user", "tanaka"),
					 MAMORI_STR("serial", "a \"b\" \\c")};
	char line[MAMORI_EVENT_LINE_MAX + 64];
	struct mamori_revent ev;
	size_t len;

	(void)state;
	snprintf(line, sizeof(line), "Nov 28 09:14:03 term01 mamori: %s",
		 make_line(MAMORI_EV_MEDIA_READONLY, "term01", 12, f, 2));
	len = strlen(line);
	for (size_t cut = 0; cut < len; cut++) {
		char copy[MAMORI_EVENT_LINE_MAX + 64];
		enum mamori_rline k;

		memcpy(copy, line, cut);
		copy[cut] = '\0';
		k = mamori_rline_parse(copy, cut, &ev);
		if (k == MAMORI_RLINE_EVENT)
			fail_msg("cut at %zu parsed as an event: %s", cut, copy);
		/* from the identifier's first letter on, it is recognisably ours */
		if (cut > strlen("Nov 28 09:14:03 term01 mamori: MAMORI-"))
			assert_int_equal(k, MAMORI_RLINE_MALFORMED);
	}
}

static void
broken_headers_are_malformed(void **state)
{
	static const char *const bad[] = {
		"MAMORI-AUTH-202 time=2026-11-28T09:14:03.512+09:00 sev=info host=a msg=\"m\"",
		"MAMORI-AUTH-202 sev=loud time=2026-11-28T09:14:03.512+09:00 host=a msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-02-29T09:14:03.512+09:00 host=a msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512 host=a msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a stream=s seq=0 "
		"msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a stream=s seq=01 "
		"msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a stream=s "
		"seq=18446744073709551616 msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a stream=s msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a\x01 msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a user=\"\xff\" "
		"msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a user=\"\\q\" "
		"msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a msg=\"m\" x=1",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host=a msg=\"m\\\"",
		"MAMORI-AUTH-20 sev=info time=2026-11-28T09:14:03.512+09:00 host=a msg=\"m\"",
		"MAMORI-AUTH-202 sev=info time=2026-11-28T09:14:03.512+09:00 host= msg=\"m\"",
	};
	struct mamori_revent ev;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &ev) != MAMORI_RLINE_MALFORMED)
			fail_msg("not malformed: %s", bad[i]);
}

static void
other_programs_lines(void **state)
{
	static const char *const other[] = {
		"",
		"Nov 28 09:14:03 term01 sshd[812]: Accepted password for tanaka from 10.1.2.3",
		"Nov 28 09:14:03 term01 sudo: tanaka : COMMAND=/usr/bin/grep MAMORI- /var/log/x",
		"Nov 28 09:14:03 term01 x: XMAMORI-AUTH-202 sev=info",
		"Nov 28 09:14:03 term01 x: MAMORI-",
	};
	struct mamori_revent ev;

	(void)state;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (parse(other[i], &ev) != MAMORI_RLINE_OTHER)
			fail_msg("not other: %s", other[i]);
}

static void
rfc3339_times(void **state)
{
	int64_t ms;

	(void)state;
	assert_int_equal(mamori_rtime_parse("1970-01-01T00:00:00Z", 20, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(mamori_rtime_parse("1970-01-01T09:00:00.5+09:00", 27, &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(mamori_rtime_parse("1969-12-31T19:00:00-05:00", 25, &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(mamori_rtime_parse("2024-02-29T00:00:00.123456789Z", 30, &ms), 0);
	assert_int_equal(ms, 1709164800123LL);
	assert_int_equal(mamori_rtime_parse("2026-11-28T09:00+09:00", 22, &ms), 0);
	assert_int_equal(ms, 1795824000000LL);
	assert_int_equal(mamori_rtime_parse("2016-12-31T23:59:60Z", 20, &ms), 0);
	assert_int_equal(ms, 1483228799000LL);
	assert_int_equal(mamori_rtime_parse("2100-02-29T00:00:00Z", 20, &ms), -EINVAL);
	assert_int_equal(mamori_rtime_parse("2026-13-01T00:00:00Z", 20, &ms), -EINVAL);
	assert_int_equal(mamori_rtime_parse("2026-11-28T24:00:00Z", 20, &ms), -EINVAL);
	assert_int_equal(mamori_rtime_parse("2026-11-28T09:00.5Z", 19, &ms), -EINVAL);
	assert_int_equal(mamori_rtime_parse("2026-11-28T09:00:00+9:00", 24, &ms), -EINVAL);
	assert_int_equal(mamori_rtime_parse("2026-11-28T09:00:00.Z", 21, &ms), -EINVAL);
	assert_int_equal(mamori_rtime_parse("2026-11-28 09:00:00Z", 20, &ms), -EINVAL);
}

static void
display_unquotes(void **state)
{
	char out[16];
	static const char qs[] = "\"a \\\"b\\\" \\\\ \\x01\"", cs[] = "\"あいうえお\"";
	struct mamori_rstr q = {qs, sizeof(qs) - 1};
	struct mamori_rstr cut = {cs, sizeof(cs) - 1};

	(void)state;
	mamori_rstr_display(q, out, sizeof(out));
	assert_string_equal(out, "a \"b\" \\ \\x01");
	/* cut on a character boundary */
	mamori_rstr_display(cut, out, 8);
	assert_string_equal(out, "あい");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formatter_line_is_an_event),
		cmocka_unit_test(behind_every_syslog_header),
		cmocka_unit_test(user_only_outside_quotes),
		cmocka_unit_test(unnumbered_line),
		cmocka_unit_test(every_cut_is_malformed),
		cmocka_unit_test(broken_headers_are_malformed),
		cmocka_unit_test(other_programs_lines),
		cmocka_unit_test(rfc3339_times),
		cmocka_unit_test(display_unquotes),
	};

	return cmocka_run_group_tests(tests, setup_tz, NULL);
}
