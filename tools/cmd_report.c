/* mamorictl report: what the collector received. Reads collector files and auth.log (rotated
 * and .gz ones too), removes duplicates by (host, stream, seq), and summarises violations per
 * terminal, user, event and day, the sequence gaps per terminal and the silent terminals. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "mamori/err.h"
#include "mamori/i18n.h"
#include "mamori/report.h"
#include "report_print.h"

#define DEFAULT_SILENT_AFTER_MS (3600 * 1000LL)
#define MAX_DURATION_MS (3650LL * 86400 * 1000)

struct args {
	struct mamori_report_opts ro;
	struct report_print_opts po;
	int nfiles;
};

static void
usage(FILE *out)
{
	fprintf(out, "%s",
		_("usage: mamorictl report [--since TIME] [--until TIME] [--host HOST]\n"
		  "                        [--silent-after DURATION] [--format table|csv|json]\n"
		  "                        FILE...\n"
		  "\n"
		  "Summarise mamori's events in collector files or auth.log (rotated and .gz\n"
		  "files too; - reads standard input): violations per terminal, user, event and\n"
		  "day, the sequence numbers that never arrived, and the terminals that have been\n"
		  "silent. An event received twice counts once. Times and days are the events'\n"
		  "own. Exit 0, or 1 when a file could not be read.\n"
		  "\n"
		  "  --since TIME           only events at or after TIME\n"
		  "  --until TIME           only events before TIME; silence is measured to it\n"
		  "                         TIME: 2026-11-28, 2026-11-28T09:00 (local time) or\n"
		  "                         2026-11-28T09:00:00+09:00\n"
		  "  --host HOST            only this terminal (its host= as written)\n"
		  "  --silent-after DURATION  a terminal is silent after this long without an\n"
		  "                         event: 90s, 30m, 1h (default), 2d\n"
		  "  --format FORMAT        table (default), csv (RFC 4180) or json\n"
		  "  --help                 this text\n"));
}

/* RFC 3339 with an offset, or a local date and time (the reader's time zone). */
static int
parse_time(const char *s, int64_t *ms)
{
	static const char *const formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
					      "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"};
	struct tm tm;
	time_t t;

	if (mamori_rtime_parse(s, strlen(s), ms) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		const char *end;

		memset(&tm, 0, sizeof(tm));
		end = strptime(s, formats[i], &tm);
		if (end == NULL || *end != '\0')
			continue;
		tm.tm_isdst = -1;
		if ((t = mktime(&tm)) == (time_t)-1)
			return -EINVAL;
		*ms = (int64_t)t * 1000;
		return 0;
	}
	return -EINVAL;
}

/* 90s, 30m, 1h, 2d, or plain seconds; above zero, at most ten years. */
static int
parse_duration(const char *s, int64_t *ms)
{
	char *end;
	long long n;
	int64_t unit = 1000;

	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || n <= 0 || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	if (*end != '\0') {
		const char *u = strchr("smhd", *end);

		if (u == NULL || end[1] != '\0')
			return -EINVAL;
		unit = *u == 's' ? 1000 : *u == 'm' ? 60000 : *u == 'h' ? 3600000 : 86400000;
	}
	if (n > MAX_DURATION_MS / unit)
		return -EINVAL;
	*ms = (int64_t)n * unit;
	return 0;
}

static int
parse_format(const char *s, enum report_format *f)
{
	if (strcmp(s, "table") == 0)
		*f = REPORT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*f = REPORT_CSV;
	else if (strcmp(s, "json") == 0)
		*f = REPORT_JSON;
	else
		return -EINVAL;
	return 0;
}

/* One option with its value at argv[i]; 0, or -EINVAL naming what was wrong. */
static int
take_option(struct args *a, const char *opt, const char *val)
{
	if (strcmp(opt, "--since") == 0)
		return a->ro.has_since = true, parse_time(val, &a->ro.since_ms);
	if (strcmp(opt, "--until") == 0)
		return a->ro.has_until = true, parse_time(val, &a->ro.until_ms);
	if (strcmp(opt, "--host") == 0)
		return a->ro.host = val, val[0] == '\0' ? -EINVAL : 0;
	if (strcmp(opt, "--silent-after") == 0)
		return parse_duration(val, &a->po.silent_after_ms);
	if (strcmp(opt, "--format") == 0)
		return parse_format(val, &a->po.format);
	return -ENOENT;
}

static int
bad_option(const char *opt, const char *val, int rc)
{
	if (rc == -EINVAL) {
		fprintf(stderr, _("mamorictl report: invalid value for %s: '%s'\n"), opt, val);
		return 2;
	}
	fprintf(stderr, _("mamorictl report: unknown or incomplete option '%s'\n"), opt);
	usage(stderr);
	return 2;
}

/* Options anywhere (until "--"); the files are gathered at argv[1..nfiles]. 0, or 2 after a
 * message. */
static int
parse_args(int argc, char **argv, struct args *a)
{
	bool opts = true;

	for (int i = 1; i < argc; i++) {
		int rc;

		if (opts && strcmp(argv[i], "--") == 0) {
			opts = false;
		} else if (opts && argv[i][0] == '-' && argv[i][1] != '\0') {
			rc = i + 1 < argc ? take_option(a, argv[i], argv[i + 1]) : -ENOENT;
			if (rc < 0)
				return bad_option(argv[i], i + 1 < argc ? argv[i + 1] : "", rc);
			i++;
		} else {
			argv[++a->nfiles] = argv[i];
		}
	}
	if (a->nfiles == 0) {
		fprintf(stderr, "%s",
			_("mamorictl report: name at least one FILE (- for standard input)\n"));
		usage(stderr);
		return 2;
	}
	if (a->ro.has_since && a->ro.has_until && a->ro.since_ms >= a->ro.until_ms) {
		fprintf(stderr, "%s", _("mamorictl report: --since must be before --until\n"));
		return 2;
	}
	return 0;
}

static int64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int
read_files(struct mamori_report *r, struct args *a, char **argv)
{
	for (int i = 1; i <= a->nfiles; i++) {
		const char *zmsg;
		int rc = mamori_report_read(r, argv[i], &zmsg);

		a->po.files++;
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			a->po.unreadable++;
			fprintf(stderr, _("mamorictl report: %s: %s\n"), argv[i],
				zmsg != NULL ? zmsg : mamori_strerror(rc));
		}
	}
	return 0;
}

int
cmd_report(int argc, char **argv)
{
	struct args a = {.po = {.format = REPORT_TABLE, .silent_after_ms = DEFAULT_SILENT_AFTER_MS}};
	struct mamori_report *r = NULL;
	int rc;

	if (mamorictl_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if ((rc = parse_args(argc, argv, &a)) != 0)
		return rc;
	a.po.now_ms = a.ro.has_until ? a.ro.until_ms : now_ms();
	if ((rc = mamori_report_new(&a.ro, &r)) < 0 || (rc = read_files(r, &a, argv)) < 0 ||
	    (rc = report_print(stdout, r, &a.po)) < 0) {
		fprintf(stderr, _("mamorictl report: %s\n"), mamori_strerror(rc));
		mamori_report_free(&r);
		return 1;
	}
	mamori_report_free(&r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s", _("mamorictl report: cannot write the report\n"));
		return 1;
	}
	return a.po.unreadable > 0 ? 1 : 0;
}
