/* Scratch tree, fixed clock and capturing sink for the event tests. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "event_fixture.h"
#include "tmpdir.h"

static time_t fixed_sec;

int
event_fixture_clock(struct timespec *now)
{
	now->tv_sec = fixed_sec++;
	now->tv_nsec = 512000000;
	return 0;
}

static int
capture_write(void *ctx, int severity, const char *line)
{
	struct capture *c = ctx;

	if (c->n < CAPTURE_MAX) {
		snprintf(c->lines[c->n], sizeof(c->lines[c->n]), "%s", line);
		c->severity[c->n++] = severity;
	}
	return c->rc;
}

int
event_fixture_setup(void **state)
{
	struct tm tm = {.tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 28, .tm_min = 14,
			.tm_sec = 3};
	struct event_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(test_tmpdir_make(f->dir, sizeof(f->dir)), 0);
	snprintf(f->state_dir, sizeof(f->state_dir), "%s/state", f->dir);
	snprintf(f->log_dir, sizeof(f->log_dir), "%s/log", f->dir);
	snprintf(f->event_log, sizeof(f->event_log), "%s/events.log", f->log_dir);
	snprintf(f->spool_dir, sizeof(f->spool_dir), "%s/spool", f->dir);
	snprintf(f->seq_path, sizeof(f->seq_path), "%s/seq", f->state_dir);
	assert_int_equal(mkdir(f->state_dir, 0700), 0);
	assert_int_equal(mkdir(f->log_dir, 0755), 0);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	fixed_sec = timegm(&tm);
	f->sink = (struct mamori_sink){capture_write, &f->cap};
	f->opts = (struct mamori_reporter_opts){
		.ident = "mamori-test", .event_log = f->event_log, .state_dir = f->state_dir,
		.spool_dir = f->spool_dir, .sink = &f->sink, .clock = event_fixture_clock,
		.log_group = getegid()};
	*state = f;
	return 0;
}

int
event_fixture_teardown(void **state)
{
	struct event_fixture *f = *state;

	test_tmpdir_remove(f->dir);
	free(f);
	return 0;
}

char *
event_fixture_read(const char *path)
{
	FILE *fp = fopen(path, "re");
	char *text = NULL;
	size_t cap = 0;
	ssize_t n;

	if (fp == NULL)
		return NULL;
	n = getdelim(&text, &cap, '\0', fp);
	fclose(fp);
	if (n < 0) {
		free(text);
		return strdup("");
	}
	return text;
}

size_t
event_fixture_count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = text; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		assert_non_null(line);
		n += strstr(line, needle) != NULL;
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

const char *
event_fixture_captured(const struct capture *c, const char *ident)
{
	for (size_t i = 0; i < c->n; i++)
		if (strncmp(c->lines[i], ident, strlen(ident)) == 0)
			return c->lines[i];
	return NULL;
}
