/* emit_events STATE_DIR EVENT_LOG SPOOL_DIR COUNT TAG
 * Reports COUNT events (MAMORI-CONF-002 with tag=TAG n=1..COUNT) through a reporter whose
 * syslog copy goes nowhere; exits 1 at the first one the durable log does not hold. Several
 * of these running at once test the sequence lock and the log under logrotate. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mamori/err.h"
#include "mamori/event.h"

static int
discard(void *ctx, int severity, const char *line)
{
	(void)ctx;
	(void)severity;
	(void)line;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct mamori_sink sink = {discard, NULL};
	struct mamori_reporter_opts opts = {.ident = "emit_events", .sink = &sink};
	struct mamori_reporter *r = NULL;
	char *end;
	long count;
	int rc;

	if (argc != 6) {
		fprintf(stderr, "usage: %s STATE_DIR EVENT_LOG SPOOL_DIR COUNT TAG\n", argv[0]);
		return 2;
	}
	opts.state_dir = argv[1], opts.event_log = argv[2], opts.spool_dir = argv[3];
	opts.log_group = getegid();
	errno = 0;
	count = strtol(argv[4], &end, 10);
	if (errno != 0 || *end != '\0' || count < 0) {
		fprintf(stderr, "%s: bad COUNT %s\n", argv[0], argv[4]);
		return 2;
	}
	if ((rc = mamori_reporter_new(&opts, &r)) < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], mamori_strerror(rc));
		return 1;
	}
	for (long i = 1; i <= count; i++) {
		rc = MAMORI_REPORT(r, MAMORI_EV_CONF_LOADED, "test event", MAMORI_STR("tag", argv[5]),
				   MAMORI_INT("n", i));
		if (rc < 0) {
			fprintf(stderr, "%s: event %ld: %s\n", argv[0], i, mamori_strerror(rc));
			break;
		}
	}
	mamori_reporter_free(&r);
	return rc < 0 ? 1 : 0;
}
