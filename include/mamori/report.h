/* mamorictl report: reading collector files and auth.log, one line at a time, into a summary
 * whose size grows with the number of terminals, streams, users, event identifiers and days,
 * never with the number of lines.
 *
 *   report_line.c   one line -> an event (or "not mamori", or "malformed")
 *   report_seq.c    per-stream set of sequence numbers seen: duplicates and gaps
 *   report_table.c  string-keyed tables with a limit on entries
 *   report_agg.c    the summary: filters, duplicates, counts per terminal/user/event/day
 *   report_input.c  files, rotated and gzip'd ones included, streamed through the summary */
#ifndef MAMORI_REPORT_H
#define MAMORI_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A slice of the line: not NUL-terminated. Values are as the line writes them (quoted and
 * escaped when the formatter had to), so equal values always compare equal. */
struct mamori_rstr {
	const char *p;
	size_t len;
};

struct mamori_revent {
	struct mamori_rstr id;     /* "MAMORI-AUTH-202" */
	struct mamori_rstr time;   /* as written: 2026-11-28T09:14:03.512+09:00 */
	struct mamori_rstr host;
	struct mamori_rstr stream; /* len 0: unnumbered */
	struct mamori_rstr user;   /* len 0: the event names no user */
	int sev;                   /* syslog severity 0..7 */
	int64_t time_ms;           /* the event's own time, UTC milliseconds since 1970 */
	uint64_t seq;              /* 0: unnumbered */
};

/* Longest host and stream values the formatter writes (encoded); longer is malformed. */
#define MAMORI_RLINE_HOST_MAX 256
#define MAMORI_RLINE_STREAM_MAX 32

enum mamori_rline {
	MAMORI_RLINE_OTHER,     /* no mamori event in it (another program's line) */
	MAMORI_RLINE_EVENT,     /* *ev filled in */
	MAMORI_RLINE_MALFORMED, /* starts like a mamori event but is not one */
};

/* Find and check the mamori event in one line of a collector file, auth.log or events.log
 * (any syslog header before it is skipped). line[len] must be '\0' (the search for user=
 * is strstr's). A line is an
 * event only if it has the formatter's shape: header in order, quotes balanced, msg last;
 * every value the report uses (identifier, time, host, stream, seq, user) encoded exactly as
 * the formatter does it: valid UTF-8, no control byte, escapes whole. */
enum mamori_rline mamori_rline_parse(const char *line, size_t len, struct mamori_revent *ev);

/* RFC 3339 time with a numeric offset or Z, seconds and fraction optional:
 * 0 and *ms (UTC), or -EINVAL. */
int mamori_rtime_parse(const char *s, size_t len, int64_t *ms);

/* Value as a person reads it: quotes removed, \" and \\ undone; every other escape kept, so
 * the result still holds no control byte. out gets at most cap-1 bytes and a NUL. */
void mamori_rstr_display(struct mamori_rstr v, char *out, size_t cap);

/* ---- sequence numbers of one stream ----------------------------------------------------- */

/* The numbers seen, as sorted disjoint ranges. Lines arrive in order within a file, so a run
 * extends its range in O(1); files in any order (newest first, as a glob sorts them) only add
 * one range each until they meet. At most MAMORI_SEQSET_MAX ranges are kept (16 KiB a
 * stream): past that the two closest ranges are joined and the numbers between them are
 * counted in folded_* instead of being listed. */
#define MAMORI_SEQSET_MAX 1024

struct mamori_seqrange {
	uint64_t lo, hi;
};

struct mamori_seqset {
	struct mamori_seqrange *r;
	uint32_t n, cap, hint;
	uint64_t folded_ranges; /* gaps no longer listed because of the limit */
	uint64_t folded_seqs;   /* numbers in them, seen later or not */
};

/* 1: seq is new, 0: seen before, -ENOMEM. */
int mamori_seqset_add(struct mamori_seqset *s, uint64_t seq);
/* Numbers between the first and the last seen that never arrived (folded ones excluded). */
uint64_t mamori_seqset_missing(const struct mamori_seqset *s);
void mamori_seqset_clear(struct mamori_seqset *s);

/* ---- string-keyed tables ---------------------------------------------------------------- */

struct mamori_rtable;

struct mamori_rentry {
	char *key;   /* NUL-terminated copy; may hold NULs inside, see klen */
	size_t klen;
	void *val;   /* val_size zeroed bytes, owned by the table */
};

int mamori_rtable_new(size_t val_size, size_t max_entries, struct mamori_rtable **ret);
/* The table and every value; free_val (may be NULL) runs on each value first. */
void mamori_rtable_free(struct mamori_rtable **t, void (*free_val)(void *val));
/* The value for key, made (zeroed) when absent: 0, -ENOSPC at max_entries, -ENOMEM. */
int mamori_rtable_get(struct mamori_rtable *t, const char *key, size_t klen, void **ret);
/* The same, giving the entry: its key and value stay where they are until the table is freed,
 * so a caller may keep the pointer and compare with mamori_rentry_is instead of looking up. */
int mamori_rtable_entry(struct mamori_rtable *t, const char *key, size_t klen,
			const struct mamori_rentry **ret);
static inline bool
mamori_rentry_is(const struct mamori_rentry *e, const char *key, size_t klen)
{
	/* keys are short: eight bytes a step, inlined, beats a call to memcmp */
	size_t i = 0;

	if (e->klen != klen)
		return false;
	for (; i + 8 <= klen; i += 8) {
		uint64_t a, b;

		memcpy(&a, e->key + i, 8);
		memcpy(&b, key + i, 8);
		if (a != b)
			return false;
	}
	for (; i < klen; i++)
		if (e->key[i] != key[i])
			return false;
	return true;
}
size_t mamori_rtable_count(const struct mamori_rtable *t);
/* Entries sorted with cmp (qsort on const struct mamori_rentry *), or NULL with *n = 0 when
 * empty or out of memory (*n = SIZE_MAX then). The caller frees the array, not the entries. */
struct mamori_rentry *mamori_rtable_sorted(const struct mamori_rtable *t,
					   int (*cmp)(const void *, const void *), size_t *n);

/* ---- the summary ------------------------------------------------------------------------ */

/* Limits on what a file can make the report allocate (a collector of a few thousand
 * terminals stays far below). What does not fit is counted in over_limit or unfiled. */
#define MAMORI_REPORT_MAX_HOSTS 65536
#define MAMORI_REPORT_MAX_STREAMS 65536
#define MAMORI_REPORT_MAX_USERS 65536
#define MAMORI_REPORT_MAX_IDS 4096
#define MAMORI_REPORT_MAX_DAYS 40000

/* A violation is an event of severity warning or worse (err, crit, …): a refused code, a lock,
 * a device that had to be blocked, a tamper, a failure to enforce. */
#define MAMORI_REPORT_VIOLATION_SEV 4

struct mamori_report_opts {
	bool has_since, has_until;
	int64_t since_ms, until_ms; /* event time: since <= t < until */
	const char *host;           /* NULL: every terminal; else host= exactly as written */
};

struct mamori_rcount {
	uint64_t events, violations;
};

struct mamori_rhost {
	struct mamori_rcount c;
	uint64_t unnumbered;  /* lines without seq= (cannot be deduplicated) */
	uint64_t duplicates;
	bool seen;            /* an event at or before --until */
	int64_t last_ms;      /* its newest event at or before --until, any kind */
	char last_time[40];   /* that event's time as written */
	char last_id[24];
	struct mamori_rstream *stream;     /* the one its last numbered event was in */
	const struct mamori_rentry *user;  /* the user its last event named */
};

struct mamori_rstream {
	size_t host_len;      /* key = host, NUL, stream */
	size_t stream_len;
	char stream[MAMORI_RLINE_STREAM_MAX];
	struct mamori_seqset seqs;
};

struct mamori_rid {
	struct mamori_rcount c;
	int sev;
};

/* Every line counted is exactly one of events, duplicates, malformed, other, filtered_host,
 * outside_time and over_limit (its terminal or stream did not fit the tables). */
struct mamori_report_totals {
	uint64_t lines, events, duplicates, malformed, other, filtered_host, outside_time;
	uint64_t over_limit;
	uint64_t unfiled;    /* events counted but missing from the user, event or day table */
	uint64_t long_lines; /* lines over 64 KiB, also counted as malformed or other */
};

struct mamori_report {
	struct mamori_report_opts opts;
	struct mamori_report_totals t;
	struct mamori_rtable *hosts, *streams, *users, *ids, *days; /* mamori_rhost, …_rstream,
								     * mamori_rcount, mamori_rid,
								     * mamori_rcount */
};

int mamori_report_new(const struct mamori_report_opts *opts, struct mamori_report **ret);
void mamori_report_free(struct mamori_report **r);

/* One line (no newline; line[len] must be '\0'). 0, or -ENOMEM: the line was not counted. */
int mamori_report_line(struct mamori_report *r, const char *line, size_t len);

/* Every line of the file at path ("-": standard input), plain or gzip (by content, not by
 * name). 0, or a negative code: the lines read before the error are counted. *errmsg (may be
 * NULL) receives zlib's words for a damaged .gz file. */
int mamori_report_read(struct mamori_report *r, const char *path, const char **errmsg);

#endif
