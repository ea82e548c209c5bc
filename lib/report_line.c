/* One line of a collector file, auth.log or events.log: where the mamori event starts, and
 * whether it has the shape lib/event_format.c gives it (doc/events.md, "Reading a line").
 * Everything that reaches the report (identifier, time, host, stream, number, user) is
 * checked byte for byte; the other values only for their extent. The syslog header in front
 * (RFC 3164, RFC 5424, rsyslog's file formats) is never parsed: the event carries its own
 * time, host, stream and number. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mamori/utf8.h"
#include "mamori/report.h"

struct cur {
	const char *p, *end;
};

/* Byte classes: KEY [a-z0-9_] (field names), BARE what event_format.c writes unquoted
 * (letters, digits, . _ : / @ + , -), QPLAIN printable ASCII that needs no escape inside
 * quotes. Bytes from 0x80 are none of these. */
enum { KEY = 1, BARE = 2, QPLAIN = 4 };
static const unsigned char cls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	4, 4, 0, 4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 4, 4, 4, 4, 4,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 4, 0, 4, 4, 7,
	4, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
	7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 4, 4, 4, 4, 0,
};

#define KEY_IS(k, lit) ((k).len == sizeof(lit) - 1 && memcmp((k).p, (lit), sizeof(lit) - 1) == 0)

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* A quoted value at c->p ('"' … '"'), escapes whole, UTF-8 valid, no control byte. */
static bool
take_quoted(struct cur *c, struct mamori_rstr *v)
{
	const unsigned char *s = (const unsigned char *)c->p + 1;
	const unsigned char *end = (const unsigned char *)c->end;
	size_t n;

	for (;;) {
		while (s < end && (cls[*s] & QPLAIN))
			s++;
		if (s == end || *s == '"')
			break;
		if (*s == '\\') {
			if (end - s >= 2 && strchr("\"\\nrt", s[1]) != NULL && s[1] != '\0')
				s += 2;
			else if (end - s >= 4 && s[1] == 'x' && is_hex(s[2]) && is_hex(s[3]))
				s += 4;
			else
				return false;
		} else if (*s >= 0x80 && (n = mamori_utf8_len(s, (size_t)(end - s))) > 0) {
			s += n;
		} else {
			return false;
		}
	}
	if (s == end)
		return false;
	v->p = c->p;
	v->len = (size_t)((const char *)s + 1 - c->p);
	c->p = (const char *)s + 1;
	return true;
}

/* One value, bare or quoted; the cursor stops on the byte after it (space or end). */
static bool
take_value(struct cur *c, struct mamori_rstr *v)
{
	const char *s = c->p;

	if (s < c->end && *s == '"') {
		if (!take_quoted(c, v))
			return false;
	} else {
		while (s < c->end && (cls[(unsigned char)*s] & BARE))
			s++;
		if (s == c->p)
			return false;
		v->p = c->p, v->len = (size_t)(s - c->p);
		c->p = s;
	}
	return c->p == c->end || *c->p == ' ';
}

/* A value nobody reads: only its extent matters (quotes balanced, a quote escaped by an odd
 * run of backslashes). The bytes of the values that reach the report are checked in full by
 * take_value; skimming the rest keeps a line within a few memchr calls. */
static bool
skim_value(struct cur *c, struct mamori_rstr *v)
{
	const char *s = c->p, *from = s + 1, *q;
	size_t k;

	if (s >= c->end)
		return false;
	if (*s == '"') {
		for (;;) {
			if ((q = memchr(from, '"', (size_t)(c->end - from))) == NULL)
				return false;
			for (k = 0; q - k > from && q[-1 - (ptrdiff_t)k] == '\\'; k++)
				;
			if (k % 2 == 0)
				break;
			from = q + 1;
		}
		c->p = q + 1;
	} else {
		/* bare values are short: a plain loop beats a call to memchr */
		for (q = s; q < c->end && *q != ' '; q++)
			;
		if (q == s)
			return false;
		c->p = q;
	}
	v->p = s, v->len = (size_t)(c->p - s);
	return c->p == c->end || *c->p == ' ';
}

/* " key=" next; keys are [a-z0-9_]{1,32}. */
static bool
take_key(struct cur *c, struct mamori_rstr *k)
{
	const char *s;

	if (c->p == c->end || *c->p != ' ')
		return false;
	s = ++c->p;
	while (s < c->end && (cls[(unsigned char)*s] & KEY))
		s++;
	if (s == c->p || s - c->p > 32 || s == c->end || *s != '=')
		return false;
	k->p = c->p, k->len = (size_t)(s - c->p);
	c->p = s + 1;
	return true;
}

static int
severity(struct mamori_rstr v)
{
	static const struct {
		const char *name;
		size_t len;
	} names[] = {{"emerg", 5}, {"alert", 5},  {"crit", 4}, {"err", 3},
		     {"warning", 7}, {"notice", 6}, {"info", 4}, {"debug", 5}};

	for (int i = 0; i < 8; i++)
		if (v.len == names[i].len && memcmp(v.p, names[i].name, v.len) == 0)
			return i;
	return -1;
}

/* seq: decimal, 1..UINT64_MAX, no leading zero. */
static bool
parse_seq(struct mamori_rstr v, uint64_t *seq)
{
	uint64_t n = 0;

	if (v.len == 0 || v.len > 20 || v.p[0] == '0')
		return false;
	for (size_t i = 0; i < v.len; i++) {
		unsigned d = (unsigned)(v.p[i] - '0');

		if (d > 9 || n > (UINT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*seq = n;
	return true;
}

/* "sev=… time=… host=…" and optionally "stream=… seq=…", in that order. */
static bool
parse_head(struct cur *c, struct mamori_revent *ev)
{
	struct mamori_rstr k, v;

	/* sev and time are checked by what reads them, more strictly than take_value would */
	if (!take_key(c, &k) || !KEY_IS(k, "sev") || !skim_value(c, &v) ||
	    (ev->sev = severity(v)) < 0)
		return false;
	if (!take_key(c, &k) || !KEY_IS(k, "time") || !skim_value(c, &ev->time) ||
	    mamori_rtime_parse(ev->time.p, ev->time.len, &ev->time_ms) < 0)
		return false;
	if (!take_key(c, &k) || !KEY_IS(k, "host") || !take_value(c, &ev->host) ||
	    ev->host.len > MAMORI_RLINE_HOST_MAX)
		return false;
	return true;
}

/* stream= and seq=, when numbered: always right after host= (event_format.c add_head and
 * mamori_event_number put them there). */
static bool
parse_number(struct cur *c, struct mamori_revent *ev)
{
	struct cur save = *c;
	struct mamori_rstr k, v;

	if (!take_key(c, &k) || !KEY_IS(k, "stream")) {
		*c = save;
		return true;
	}
	if (!take_value(c, &ev->stream) || ev->stream.len > MAMORI_RLINE_STREAM_MAX ||
	    !take_key(c, &k) || !KEY_IS(k, "seq") || !skim_value(c, &v))
		return false;
	return parse_seq(v, &ev->seq);
}

/* " user=" at or after p, outside the line's end: NULL when none. */
static const char *
find_user(const char *p, const char *end)
{
	const char *u = strstr(p, " user=");

	return u != NULL && u < end ? u : NULL;
}

/* The fields after the header: quoted values are skipped whole, so that " user=" counts only
 * outside them (a device may name itself "x user=boss"); the last value must be msg's and
 * end the line. strstr, not a loop over the fields: this is the report's inner loop. */
static bool
parse_fields(struct cur *c, struct mamori_revent *ev)
{
	const char *p = c->p, *q, *u = find_user(p, c->end);
	struct mamori_rstr v;

	for (;;) {
		q = memchr(p, '"', (size_t)(c->end - p));
		if (u != NULL && (q == NULL || u < q)) {
			struct cur uc = {u + 6, c->end};

			if (!take_value(&uc, &ev->user))
				return false;
			p = uc.p;
			u = NULL;
			continue;
		}
		/* every quote opens a value: "key=" before it */
		if (q == NULL || q[-1] != '=')
			return false;
		c->p = q;
		if (!skim_value(c, &v))
			return false;
		if (c->p == c->end)
			return q - ev->host.p >= 5 && memcmp(q - 5, " msg=", 5) == 0;
		p = c->p;
		if (u != NULL && u < p && ev->user.len == 0)
			u = find_user(p, c->end);
	}
}

/* MAMORI-AREA-NNN: upper-case area, three digits. */
static size_t
ident_len(const char *p, const char *end)
{
	const char *s = p + 7;

	while (s < end && *s >= 'A' && *s <= 'Z' && s - p < 7 + 12)
		s++;
	if (s == p + 7 || end - s < 4 || s[0] != '-' || s[1] < '0' || s[1] > '9' || s[2] < '0' ||
	    s[2] > '9' || s[3] < '0' || s[3] > '9')
		return 0;
	return (size_t)(s + 4 - p);
}

/* First "MAMORI-" followed by an upper-case letter at a word start, or NULL. */
static const char *
find_start(const char *line, size_t len)
{
	const char *p = line, *end = line + len;

	while ((p = strstr(p, "MAMORI-")) != NULL && p < end) {
		if ((p == line || p[-1] == ' ') && end - p > 7 && p[7] >= 'A' && p[7] <= 'Z')
			return p;
		p += 7;
	}
	return NULL;
}

enum mamori_rline
mamori_rline_parse(const char *line, size_t len, struct mamori_revent *ev)
{
	const char *start = find_start(line, len);
	struct mamori_revent e = {0};
	struct cur c;
	size_t n;

	if (start == NULL)
		return MAMORI_RLINE_OTHER;
	/* CRLF files: the CR is not part of the event */
	if (len > 0 && line[len - 1] == '\r')
		len--;
	c.end = line + len;
	if (start >= c.end || (n = ident_len(start, c.end)) == 0)
		return MAMORI_RLINE_MALFORMED;
	e.id.p = start, e.id.len = n;
	c.p = start + n;
	if (!parse_head(&c, &e) || !parse_number(&c, &e) || !parse_fields(&c, &e))
		return MAMORI_RLINE_MALFORMED;
	*ev = e;
	return MAMORI_RLINE_EVENT;
}

void
mamori_rstr_display(struct mamori_rstr v, char *out, size_t cap)
{
	size_t o = 0, i = 0, n = v.len;

	if (cap == 0)
		return;
	if (n >= 2 && v.p[0] == '"' && v.p[n - 1] == '"')
		i = 1, n--;
	for (; i < n && o + 1 < cap; i++) {
		if (v.p[i] == '\\' && i + 1 < n && (v.p[i + 1] == '"' || v.p[i + 1] == '\\'))
			i++;
		out[o++] = v.p[i];
	}
	/* never end inside a UTF-8 sequence: a cut name must stay valid text */
	if (i < n)
		while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
			o--;
	if (i < n && o > 0 && (unsigned char)out[o - 1] >= 0xc0)
		o--;
	out[o] = '\0';
}
