/* A reporter pointed at a scratch directory, with a fixed clock and a sink that keeps what
 * it is given: what the event tests share. */
#ifndef MAMORI_TEST_EVENT_FIXTURE_H
#define MAMORI_TEST_EVENT_FIXTURE_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

#include "mamori/event.h"

#define CAPTURE_MAX 32

struct capture {
	char lines[CAPTURE_MAX][MAMORI_EVENT_LINE_MAX];
	int severity[CAPTURE_MAX];
	size_t n;
	int rc; /* what write returns: 0, or a failure to simulate */
};

struct event_fixture {
	char dir[PATH_MAX];
	char state_dir[PATH_MAX + 16];
	char log_dir[PATH_MAX + 16];
	char event_log[PATH_MAX + 32];
	char spool_dir[PATH_MAX + 16];
	char seq_path[PATH_MAX + 32];
	struct capture cap;
	struct mamori_sink sink;
	struct mamori_reporter_opts opts;
};

/* Make the scratch tree (state/, log/, spool/ not yet), fix TZ=Asia/Tokyo and the clock. */
int event_fixture_setup(void **state);
int event_fixture_teardown(void **state);

/* The fixed clock: 2026-11-28T09:14:03.512+09:00, one second later on every call. */
int event_fixture_clock(struct timespec *now);

/* Read a whole file into a new string (NULL when missing). */
char *event_fixture_read(const char *path);

/* Lines of text that contain needle. */
size_t event_fixture_count(const char *text, const char *needle);

/* The first captured syslog line that starts with ident, or NULL. */
const char *event_fixture_captured(const struct capture *c, const char *ident);

#endif
