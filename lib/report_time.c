/* RFC 3339 (§5.6) date-time to UTC milliseconds (seconds may be left out, as people type
 * --since 2026-11-28T09:00+09:00), without the C library's time zone state:
 * the event says its own offset, and the report must not depend on the reader's TZ. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mamori/report.h"

static bool
digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible
 * Low-Level Date Algorithms", days_from_civil). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int
month_days(int y, int m)
{
	static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : md[m - 1];
}

/* Fraction ".ddd…" (milliseconds kept) and the offset; *ms receives the fraction. */
static int
parse_tail(const char *s, size_t len, size_t *i, int *frac_ms, int *off_min)
{
	int oh, om, sign;

	*frac_ms = 0;
	if (*i < len && s[*i] == '.') {
		size_t start = ++*i;

		for (; *i < len && s[*i] >= '0' && s[*i] <= '9'; ++*i)
			if (*i - start < 3)
				*frac_ms = *frac_ms * 10 + (s[*i] - '0');
		if (*i == start || *i - start > 9)
			return -EINVAL;
		for (size_t k = *i - start; k < 3; k++)
			*frac_ms *= 10;
	}
	if (*i < len && (s[*i] == 'Z' || s[*i] == 'z')) {
		*off_min = 0;
		++*i;
		return 0;
	}
	if (len - *i != 6 || (s[*i] != '+' && s[*i] != '-') || s[*i + 3] != ':' ||
	    !digits(s + *i + 1, 2, &oh) || !digits(s + *i + 4, 2, &om) || oh > 23 || om > 59)
		return -EINVAL;
	sign = s[*i] == '-' ? -1 : 1;
	*off_min = sign * (oh * 60 + om);
	*i = len;
	return 0;
}

/* Milliseconds of "YYYY-MM-DDTHH:MM" as if it were UTC. The last one is remembered: lines come
 * in time order, so most share the minute of the one before (the report's inner loop). */
static int
minute_ms(const char *s, int64_t *ms)
{
	static _Thread_local struct {
		char key[16];
		int64_t ms;
		bool ok;
	} last;
	int y, mo, d, h, mi;

	if (last.ok && memcmp(s, last.key, sizeof(last.key)) == 0) {
		*ms = last.ms;
		return 0;
	}
	if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
	    !digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || mo < 1 || mo > 12 || d < 1 ||
	    d > month_days(y, mo) || h > 23 || mi > 59)
		return -EINVAL;
	*ms = (days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60) * 1000;
	memcpy(last.key, s, sizeof(last.key));
	last.ms = *ms;
	last.ok = true;
	return 0;
}

int
mamori_rtime_parse(const char *s, size_t len, int64_t *ms)
{
	int sec = 0, frac, off;
	int64_t minute;
	size_t i = 16;

	if (len < 17 || minute_ms(s, &minute) < 0)
		return -EINVAL;
	if (s[16] == ':') {
		if (len < 20 || !digits(s + 17, 2, &sec) || sec > 60)
			return -EINVAL;
		i = 19;
	}
	if ((i == 16 && s[16] == '.') || parse_tail(s, len, &i, &frac, &off) < 0 || i != len)
		return -EINVAL;
	/* second 60: a leap second (RFC 3339 §5.7) counts as the last second of its minute */
	if (sec == 60)
		sec = 59;
	*ms = minute + ((int64_t)sec - (int64_t)off * 60) * 1000 + frac;
	return 0;
}
