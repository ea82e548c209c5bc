/* The summary: duplicates by (host, stream, seq) and nothing else, the event's own time for
 * --since/--until and days, gaps independent of the window, per-terminal, user, event and
 * day counts, table limits, and files (plain, gzip, cut, with over-long lines). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "mamori/event.h"
#include "mamori/report.h"
#include "tmpdir.h"

/* 2026-11-28T09:14:03.512+09:00 */
#define T0 1795824843LL

static int
setup_tz(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	return 0;
}

struct ev {
	enum mamori_event_id id;
	const char *host, *stream;
	uint64_t seq;
	long long t; /* seconds after T0 */
	const char *user;
};

static const char *
line_of(const struct ev *e)
{
	static char line[MAMORI_EVENT_LINE_MAX];
	struct mamori_event_head h = {e->id, {(time_t)(T0 + e->t), 0}, e->host, e->stream, e->seq};
	struct mamori_field f[] = {MAMORI_STR("user", e->user)};
	size_t len;

	assert_int_equal(mamori_event_format(line, sizeof(line), &h, f, e->user ? 1 : 0, "m",
					     &len),
			 0);
	return line;
}

static void
feed(struct mamori_report *r, const struct ev *e)
{
	const char *l = line_of(e);

	assert_int_equal(mamori_report_line(r, l, strlen(l)), 0);
}

static void *
get(struct mamori_rtable *t, const char *key)
{
	size_t before = mamori_rtable_count(t);
	void *v;

	assert_int_equal(mamori_rtable_get(t, key, strlen(key), &v), 0);
	assert_int_equal(mamori_rtable_count(t), before); /* it existed */
	return v;
}

static void
duplicates_by_host_stream_seq(void **state)
{
	const struct mamori_report_opts o = {0};
	struct mamori_report *r = NULL;
	const struct ev evs[] = {
		{MAMORI_EV_AUTH_FAIL, "t1", "aaaaaaaaaaaaaaaa", 1, 0, "tanaka"},
		{MAMORI_EV_AUTH_FAIL, "t1", "aaaaaaaaaaaaaaaa", 1, 0, "tanaka"}, /* duplicate */
		{MAMORI_EV_AUTH_FAIL, "t1", "bbbbbbbbbbbbbbbb", 1, 0, "tanaka"}, /* other stream */
		{MAMORI_EV_AUTH_FAIL, "t2", "aaaaaaaaaaaaaaaa", 1, 0, "tanaka"}, /* other host */
		{MAMORI_EV_AUTH_OK, "t1", NULL, 0, 0, "tanaka"},                 /* unnumbered */
		{MAMORI_EV_AUTH_OK, "t1", NULL, 0, 0, "tanaka"},                 /* cannot tell */
	};
	struct mamori_rhost *h;

	(void)state;
	assert_int_equal(mamori_report_new(&o, &r), 0);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		feed(r, &evs[i]);
	assert_int_equal(r->t.lines, 6);
	assert_int_equal(r->t.events, 5);
	assert_int_equal(r->t.duplicates, 1);
	h = get(r->hosts, "t1");
	assert_int_equal(h->c.events, 4);
	assert_int_equal(h->c.violations, 2);
	assert_int_equal(h->duplicates, 1);
	assert_int_equal(h->unnumbered, 2);
	assert_int_equal(mamori_rtable_count(r->streams), 3);
	mamori_report_free(&r);
	assert_null(r);
}

/* The window is on the event's own time; numbers outside it still close gaps. */
static void
window_on_event_time(void **state)
{
	struct mamori_report_opts o = {.has_since = true, .has_until = true,
				       .since_ms = (T0 + 100) * 1000, .until_ms = (T0 + 200) * 1000};
	struct mamori_report *r = NULL;
	struct mamori_rstream *s;
	struct mamori_rhost *h;
	char key[64];

	(void)state;
	assert_int_equal(mamori_report_new(&o, &r), 0);
	for (uint64_t i = 1; i <= 30; i++) {
		struct ev e = {MAMORI_EV_MEDIA_READONLY, "t1", "aaaaaaaaaaaaaaaa", i,
			       (long long)i * 10, NULL};

		if (i != 15)
			feed(r, &e);
	}
	/* 100 <= t < 200: seq 10..19 without 15 */
	assert_int_equal(r->t.events, 9);
	assert_int_equal(r->t.outside_time, 20);
	memcpy(key, "t1\0aaaaaaaaaaaaaaaa", 19);
	assert_int_equal(mamori_rtable_get(r->streams, key, 19, (void **)&s), 0);
	assert_int_equal(s->seqs.n, 2);
	assert_int_equal(mamori_seqset_missing(&s->seqs), 1);
	/* the last event before --until, not the last line */
	h = get(r->hosts, "t1");
	assert_true(h->seen);
	assert_int_equal(h->last_ms, (T0 + 190) * 1000);
	assert_string_equal(h->last_time, "2026-11-28T09:17:13.000+09:00");
	mamori_report_free(&r);
}

static void
per_user_event_day(void **state)
{
	const struct mamori_report_opts o = {0};
	struct mamori_report *r = NULL;
	struct mamori_rcount *c;
	struct mamori_rid *id;
	/* 15:00 UTC on the 28th is 00:00 on the 29th in Tokyo: the terminal's day */
	const struct ev evs[] = {
		{MAMORI_EV_AUTH_FAIL, "t1", "aaaaaaaaaaaaaaaa", 1, 0, "tanaka"},
		{MAMORI_EV_AUTH_LOCKED, "t1", "aaaaaaaaaaaaaaaa", 2, 1, "tanaka"},
		{MAMORI_EV_AUTH_OK, "t1", "aaaaaaaaaaaaaaaa", 3, 2, "suzuki"},
		{MAMORI_EV_AUTH_FAIL, "t2", "cccccccccccccccc", 1, 53757, "suzuki"},
	};

	(void)state;
	assert_int_equal(mamori_report_new(&o, &r), 0);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		feed(r, &evs[i]);
	c = get(r->users, "tanaka");
	assert_int_equal(c->events, 2);
	assert_int_equal(c->violations, 2);
	c = get(r->users, "suzuki");
	assert_int_equal(c->events, 2);
	assert_int_equal(c->violations, 1);
	id = get(r->ids, "MAMORI-AUTH-202");
	assert_int_equal(id->c.events, 2);
	assert_int_equal(id->sev, 4);
	id = get(r->ids, "MAMORI-AUTH-203");
	assert_int_equal(id->sev, 3);
	c = get(r->days, "2026-11-28");
	assert_int_equal(c->events, 3);
	c = get(r->days, "2026-11-29");
	assert_int_equal(c->events, 1);
	mamori_report_free(&r);
}

static void
host_filter(void **state)
{
	const struct mamori_report_opts o = {.host = "t2"};
	struct mamori_report *r = NULL;

	(void)state;
	assert_int_equal(mamori_report_new(&o, &r), 0);
	feed(r, &(struct ev){MAMORI_EV_AUTH_FAIL, "t1", "aaaaaaaaaaaaaaaa", 1, 0, "a"});
	feed(r, &(struct ev){MAMORI_EV_AUTH_FAIL, "t2", "aaaaaaaaaaaaaaaa", 1, 0, "a"});
	assert_int_equal(r->t.events, 1);
	assert_int_equal(r->t.filtered_host, 1);
	assert_int_equal(mamori_rtable_count(r->hosts), 1);
	mamori_report_free(&r);
}

/* Made-up identifiers beyond the table's limit are counted as such, not stored. */
static void
table_limits(void **state)
{
	const struct mamori_report_opts o = {0};
	struct mamori_report *r = NULL;
	char line[256];

	(void)state;
	assert_int_equal(mamori_report_new(&o, &r), 0);
	for (unsigned i = 0; i < MAMORI_REPORT_MAX_IDS + 10; i++) {
		snprintf(line, sizeof(line),
			 "MAMORI-%c%c%c-%03u sev=info time=2026-11-28T09:14:03.512+09:00 host=t1 "
			 "stream=aaaaaaaaaaaaaaaa seq=%u msg=\"m\"",
			 'A' + i / 676 % 26, 'A' + i / 26 % 26, 'A' + i % 26, i % 1000, i + 1);
		assert_int_equal(mamori_report_line(r, line, strlen(line)), 0);
	}
	assert_int_equal(mamori_rtable_count(r->ids), MAMORI_REPORT_MAX_IDS);
	assert_int_equal(r->t.unfiled, 10);
	assert_int_equal(r->t.over_limit, 0);
	assert_int_equal(r->t.events, MAMORI_REPORT_MAX_IDS + 10);
	mamori_report_free(&r);
}

static void
write_gz(const char *path, const char *text)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned)strlen(text)), (int)strlen(text));
	assert_int_equal(gzclose(gz), Z_OK);
}

/* A plain file without a final newline, an over-long line, a .gz file and a cut .gz file. */
static void
files_plain_gzip_and_damaged(void **state)
{
	const struct mamori_report_opts o = {0};
	struct mamori_report *r = NULL;
	char dir[256], plain[300], gz[300], cut[300], text[8192], l1[1024], *big;
	const char *err;
	size_t blen = 100 * 1024;
	FILE *f;

	(void)state;
	assert_int_equal(test_tmpdir_make(dir, sizeof(dir)), 0);
	snprintf(plain, sizeof(plain), "%s/collector.log", dir);
	snprintf(gz, sizeof(gz), "%s/collector.log.1.gz", dir);
	snprintf(cut, sizeof(cut), "%s/collector.log.2.gz", dir);
	assert_non_null(big = malloc(blen + 1));
	memset(big, 'x', blen);
	memcpy(big, "MAMORI-AUTH-202 ", 16);
	big[blen] = '\0';
	assert_non_null(f = fopen(plain, "w"));
	snprintf(l1, sizeof(l1), "%s",
		 line_of(&(struct ev){MAMORI_EV_AUTH_OK, "t1", "aaaaaaaaaaaaaaaa", 3, 0, "a"}));
	fprintf(f, "Nov 28 09:14:03 t1 sshd[1]: something else\n%s\n%s\n%s", l1, big,
		line_of(&(struct ev){MAMORI_EV_AUTH_OK, "t1", "aaaaaaaaaaaaaaaa", 4, 0, "a"}));
	assert_int_equal(fclose(f), 0);
	snprintf(l1, sizeof(l1), "%s",
		 line_of(&(struct ev){MAMORI_EV_AUTH_OK, "t1", "aaaaaaaaaaaaaaaa", 1, 0, "a"}));
	snprintf(text, sizeof(text), "%s\n%s\n", l1,
		 line_of(&(struct ev){MAMORI_EV_AUTH_OK, "t1", "aaaaaaaaaaaaaaaa", 2, 0, "a"}));
	write_gz(gz, text);

	assert_int_equal(mamori_report_new(&o, &r), 0);
	assert_int_equal(mamori_report_read(r, plain, &err), 0);
	assert_int_equal(mamori_report_read(r, gz, &err), 0);
	assert_int_equal(r->t.lines, 6);
	assert_int_equal(r->t.events, 4);
	assert_int_equal(r->t.other, 1);
	assert_int_equal(r->t.malformed, 1);
	assert_int_equal(r->t.long_lines, 1);
	assert_int_equal(mamori_report_read(r, dir, &err), -EISDIR);
	assert_int_equal(mamori_report_read(r, "/nonexistent/x", &err), -ENOENT);

	/* a .gz cut in the middle: what came before counts, and the file is reported damaged */
	{
		FILE *in = fopen(gz, "rb");
		char buf[8192];
		size_t n = fread(buf, 1, sizeof(buf), in);

		fclose(in);
		assert_non_null(in = fopen(cut, "wb"));
		assert_int_equal(fwrite(buf, 1, n - 12, in), n - 12);
		fclose(in);
	}
	assert_int_not_equal(mamori_report_read(r, cut, &err), 0);
	assert_non_null(err);
	/* it held the same events: nothing new was counted */
	assert_true(r->t.duplicates >= 1);
	assert_int_equal(r->t.events, 4);
	mamori_report_free(&r);
	free(big);
	test_tmpdir_remove(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(duplicates_by_host_stream_seq),
		cmocka_unit_test(window_on_event_time),
		cmocka_unit_test(per_user_event_day),
		cmocka_unit_test(host_filter),
		cmocka_unit_test(table_limits),
		cmocka_unit_test(files_plain_gzip_and_damaged),
	};

	return cmocka_run_group_tests(tests, setup_tz, NULL);
}
