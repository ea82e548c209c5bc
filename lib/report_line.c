/* One line of a collector file, auth.log or events.log: where the mamori event starts, and
 * whether it is one exactly as lib/event_format.c writes it (doc/events.md, "Reading a
 * line"). The syslog header in front (RFC 3164, RFC 5424, rsyslog's file formats) is never
 * parsed: the event carries its own time, host, stream and number. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mamori/report.h"

struct cur {
	const char *p, *end;
};

/* Bare value bytes, as is_bare_char() in event_format.c. */
static const unsigned char bare_tab[256] = {
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
	['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
	['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['.'] = 1, ['_'] = 1,
	[':'] = 1, ['/'] = 1, ['@'] = 1, ['+'] = 1, [','] = 1, ['-'] = 1,
};

static bool
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4), or 0; never reads past end. */
static size_t
utf8_len(const unsigned char *s, const unsigned char *end)
{
	size_t n = s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : s[0] >= 0xe0 && s[0] <= 0xef ? 3
						     : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : 0;
	uint32_t cp;

	if (n == 0 || (size_t)(end - s) < n)
		return 0;
	cp = s[0] & (n == 2 ? 0x1fu : n == 3 ? 0x0fu : 0x07u);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A quoted value at c->p ('"' … '"'), escapes whole, UTF-8 valid, no control byte. */
static bool
take_quoted(struct cur *c, struct mamori_rstr *v)
{
	const unsigned char *s = (const unsigned char *)c->p + 1;
	const unsigned char *end = (const unsigned char *)c->end;
	size_t n;

	while (s < end && *s != '"') {
		if (*s == '\\') {
			if (end - s >= 2 && strchr("\"\\nrt", s[1]) != NULL && s[1] != '\0')
				s += 2;
			else if (end - s >= 4 && s[1] == 'x' && is_hex(s[2]) && is_hex(s[3]))
				s += 4;
			else
				return false;
		} else if (*s >= 0x20 && *s < 0x7f) {
			s++;
		} else if (*s >= 0x80 && (n = utf8_len(s, end)) > 0) {
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
		while (s < c->end && bare_tab[(unsigned char)*s])
			s++;
		if (s == c->p)
			return false;
		v->p = c->p, v->len = (size_t)(s - c->p);
		c->p = s;
	}
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
	while (s < c->end && ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
		s++;
	if (s == c->p || s - c->p > 32 || s == c->end || *s != '=')
		return false;
	k->p = c->p, k->len = (size_t)(s - c->p);
	c->p = s + 1;
	return true;
}

static bool
key_is(struct mamori_rstr k, const char *name)
{
	size_t n = strlen(name);

	return k.len == n && memcmp(k.p, name, n) == 0;
}

static int
severity(struct mamori_rstr v)
{
	static const char *const names[] = {"emerg",  "alert", "crit", "err",
					    "warning", "notice", "info", "debug"};

	for (int i = 0; i < 8; i++)
		if (key_is(v, names[i]))
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

	if (!take_key(c, &k) || !key_is(k, "sev") || !take_value(c, &v) ||
	    (ev->sev = severity(v)) < 0)
		return false;
	if (!take_key(c, &k) || !key_is(k, "time") || !take_value(c, &ev->time) ||
	    mamori_rtime_parse(ev->time.p, ev->time.len, &ev->time_ms) < 0)
		return false;
	if (!take_key(c, &k) || !key_is(k, "host") || !take_value(c, &ev->host) ||
	    ev->host.len > MAMORI_RLINE_HOST_MAX)
		return false;
	return true;
}

/* The fields after the header up to and including msg, which must end the line. */
static bool
parse_fields(struct cur *c, struct mamori_revent *ev)
{
	struct mamori_rstr k, v;
	bool numbered = false;

	for (;;) {
		if (!take_key(c, &k))
			return false;
		if (key_is(k, "msg"))
			return c->p < c->end && *c->p == '"' && take_quoted(c, &v) && c->p == c->end;
		if (!take_value(c, &v))
			return false;
		if (key_is(k, "stream") && !numbered && ev->stream.len == 0) {
			if (v.len > MAMORI_RLINE_STREAM_MAX)
				return false;
			ev->stream = v;
		} else if (key_is(k, "seq") && !numbered && ev->stream.len != 0) {
			if (!parse_seq(v, &ev->seq))
				return false;
			numbered = true;
		} else if (key_is(k, "user") && ev->user.len == 0) {
			ev->user = v;
		} else if (key_is(k, "spooled")) {
			ev->spooled = key_is(v, "1");
		}
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

	while ((p = memmem(p, (size_t)(end - p), "MAMORI-", 7)) != NULL) {
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
	if (!parse_head(&c, &e) || !parse_fields(&c, &e) ||
	    (e.stream.len != 0 && e.seq == 0))
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
