/* What every event line must be, whatever went into it: one line of valid UTF-8 without
 * control bytes, at most MAMORI_EVENT_LINE_MAX bytes with its newline, split by spaces outside
 * quotes into an identifier and key=value fields, quotes balanced, escapes whole, msg last.
 * Shared by the formatter's unit test and its fuzz target. */
#ifndef MAMORI_TEST_EVENT_CHECK_H
#define MAMORI_TEST_EVENT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "mamori/event.h"

/* Bytes of the valid UTF-8 character at s (s[0] ≥ 0x80), or 0. */
static inline size_t
event_check_utf8(const unsigned char *s, size_t left)
{
	unsigned cp, n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;

	if (n == 0 || n > left || s[0] > 0xf4)
		return 0;
	cp = s[0] & (0x7fu >> n);
	for (unsigned i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if (cp < (n == 2 ? 0x80u : n == 3 ? 0x800u : 0x10000u) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Length of the escape at s inside quotes, or 0 when it is not a whole one. */
static inline size_t
event_check_escape(const char *s, size_t left)
{
	const char *hex = "0123456789abcdef";

	if (left >= 2 && strchr("\"\\nrt", s[1]) != NULL && s[1] != '\0')
		return 2;
	if (left >= 4 && s[1] == 'x' && s[2] != '\0' && s[3] != '\0' && strchr(hex, s[2]) &&
	    strchr(hex, s[3]))
		return 4;
	return 0;
}

/* Where a token ends (first space outside quotes), or NULL when its value is malformed. */
static inline const char *
event_check_token(const char *p, const char *end)
{
	bool quoted = false;

	for (size_t n; p < end; p += n) {
		unsigned char c = (unsigned char)*p;
		n = 1;
		if (c < 0x20 || c == 0x7f)
			return NULL;
		if (c >= 0x80 && (n = event_check_utf8((const unsigned char *)p,
							(size_t)(end - p))) == 0)
			return NULL;
		if (c == '\\' && (!quoted || (n = event_check_escape(p, (size_t)(end - p))) == 0))
			return NULL;
		if (c == '"')
			quoted = !quoted;
		if (c == ' ' && !quoted)
			return p;
	}
	return quoted ? NULL : end;
}

/* NULL when line[len] is a good event line, else what is wrong with it. */
static inline const char *
event_line_problem(const char *line, size_t len)
{
	const char *p = line, *end = line + len, *last = NULL;

	if (len + 1 > MAMORI_EVENT_LINE_MAX)
		return "longer than MAMORI_EVENT_LINE_MAX";
	if (strlen(line) != len || strncmp(line, "MAMORI-", 7) != 0)
		return "does not start with an identifier";
	if ((p = event_check_token(p, end)) == NULL)
		return "bad identifier";
	while (p < end) {
		const char *tok = ++p;
		size_t klen = strspn(tok, "abcdefghijklmnopqrstuvwxyz0123456789_");
		if (klen == 0 || tok[klen] != '=')
			return "field without a key=";
		if ((p = event_check_token(tok, end)) == NULL)
			return "malformed value (control byte, invalid UTF-8, escape or quote)";
		last = tok;
	}
	if (last == NULL || strncmp(last, "msg=\"", 5) != 0)
		return "msg is not the last field";
	return NULL;
}

#endif
