/* One event line: header, key=value fields, msg last. Whatever the input, the output is one
 * line of valid UTF-8 without control bytes, at most cap-1 bytes, every quote balanced. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mamori/utf8.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/event.h"

#define HOST_MAX 256   /* encoded host: longer names are cut */
#define STREAM_MAX 32  /* encoded stream id */
#define MSG_MAX 512    /* encoded msg with its quotes: a short sentence, never the payload */
#define KEY_MAX 32
#define VALUE_MIN 8    /* a value cut shorter than this says nothing: drop the field instead */
#define FLAGS_MAX (sizeof(" badkey=1") - 1 + sizeof(" truncated=1") - 1)

struct line {
	struct mamori_buf b;
	bool truncated;
	bool badkey;
};

static bool
is_bare_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("._:/@+,-", c) != NULL);
}

static bool
is_bare(const char *v)
{
	if (*v == '\0')
		return false;
	for (; *v != '\0'; v++)
		if (!is_bare_char((unsigned char)*v))
			return false;
	return true;
}

/* Encode the character at s into out; *ret_in receives how many input bytes it took. */
static size_t
encode_unit(const unsigned char *s, char out[4], size_t *ret_in)
{
	static const char hex[] = "0123456789abcdef";
	const char *esc = NULL;
	size_t n;

	*ret_in = 1;
	switch (s[0]) {
	case '"': esc = "\\\""; break;
	case '\\': esc = "\\\\"; break;
	case '\n': esc = "\\n"; break;
	case '\r': esc = "\\r"; break;
	case '\t': esc = "\\t"; break;
	default: break;
	}
	if (esc != NULL) {
		memcpy(out, esc, 2);
		return 2;
	}
	if (s[0] >= 0x20 && s[0] < 0x7f) {
		out[0] = (char)s[0];
		return 1;
	}
	if ((n = mamori_utf8_len(s, 4)) > 0) {
		memcpy(out, s, n);
		*ret_in = n;
		return n;
	}
	out[0] = '\\', out[1] = 'x', out[2] = hex[s[0] >> 4], out[3] = hex[s[0] & 0xf];
	return 4;
}

/* Append v, bare or quoted, in at most limit bytes (limit ≥ 2). Returns true when v was cut;
 * a cut falls between whole characters and whole escapes. */
static bool
add_value(struct mamori_buf *b, const char *v, bool force_quote, size_t limit)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t end = b->len + limit, in, n;
	char u[4];

	if (!force_quote && is_bare(v)) {
		n = strlen(v);
		(void)mamori_buf_add(b, v, n < limit ? n : limit);
		return n > limit;
	}
	(void)mamori_buf_addc(b, '"');
	for (; *s != '\0'; s += in) {
		n = encode_unit(s, u, &in);
		if (b->len + n + 1 > end)
			break;
		(void)mamori_buf_add(b, u, n);
	}
	(void)mamori_buf_addc(b, '"');
	return *s != '\0';
}

static int
add_time(struct mamori_buf *b, const struct timespec *t)
{
	struct tm tm;
	char when[40];
	long off;

	if (t->tv_nsec < 0 || t->tv_nsec >= 1000000000L)
		return -EINVAL;
	if (localtime_r(&t->tv_sec, &tm) == NULL)
		return -EOVERFLOW;
	if (strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -EOVERFLOW;
	/* RFC 3339 §5.6 numeric offset; "Z" is never used so that a reader sees local time. */
	off = tm.tm_gmtoff;
	return mamori_buf_printf(b, " time=%s.%03ld%c%02ld:%02ld", when, t->tv_nsec / 1000000L,
				 off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
}

static int
add_head(struct line *l, const char *ident, int severity, const struct mamori_event_head *h)
{
	int r;

	(void)mamori_buf_adds(&l->b, ident);
	(void)mamori_buf_printf(&l->b, " sev=%s", mamori_severity_name(severity));
	if ((r = add_time(&l->b, &h->time)) < 0)
		return r;
	(void)mamori_buf_adds(&l->b, " host=");
	l->truncated |= add_value(&l->b, h->host ? h->host : "", false, HOST_MAX);
	if (h->stream != NULL) {
		(void)mamori_buf_adds(&l->b, " stream=");
		l->truncated |= add_value(&l->b, h->stream, false, STREAM_MAX);
	}
	if (h->seq != 0)
		(void)mamori_buf_printf(&l->b, " seq=%" PRIu64, h->seq);
	return 0;
}

/* ASCII [a-z0-9_], and none of the names the header and tail use. */
static bool
key_ok(const char *k)
{
	static const char *const reserved[] = {"sev",	"time",	     "host",   "stream",
					       "seq",	"truncated", "badkey", "msg"};
	size_t n = k ? strlen(k) : 0;

	if (n == 0 || n > KEY_MAX || strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return false;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strcmp(k, reserved[i]) == 0)
			return false;
	return true;
}

/* Append one field in at most room bytes; false when it does not fit at all. */
static bool
add_field(struct line *l, const struct mamori_field *f, size_t room)
{
	size_t klen = strlen(f->key);
	char num[24];

	if (f->type == MAMORI_FT_INT) {
		/* a number is never cut: a shorter number would be a different one */
		(void)snprintf(num, sizeof(num), "%lld", f->i);
		if (room < klen + 2 + strlen(num))
			return false;
		(void)mamori_buf_printf(&l->b, " %s=%s", f->key, num);
		return true;
	}
	if (room < klen + 2 + VALUE_MIN)
		return false;
	(void)mamori_buf_printf(&l->b, " %s=", f->key);
	l->truncated |= add_value(&l->b, f->s ? f->s : "", false, room - klen - 2);
	return true;
}

/* Fields in order until one does not fit whole; that one is cut and the rest left out. */
static void
add_fields(struct line *l, const struct mamori_field *f, size_t n, size_t reserve)
{
	bool was_cut = l->truncated;

	l->truncated = false;
	for (size_t i = 0; i < n && !l->truncated; i++) {
		size_t used = l->b.len + reserve + 1;
		size_t room = l->b.cap > used ? l->b.cap - used : 0;

		if (f[i].type != MAMORI_FT_STR && f[i].type != MAMORI_FT_INT) {
			l->badkey = true;
			continue;
		}
		if (!key_ok(f[i].key)) {
			l->badkey = true;
			continue;
		}
		if (!add_field(l, &f[i], room))
			l->truncated = true;
	}
	l->truncated |= was_cut;
}

int
mamori_event_format(char *buf, size_t cap, const struct mamori_event_head *head,
		    const struct mamori_field *fields, size_t n_fields, const char *msg,
		    size_t *ret_len)
{
	const char *ident = head ? mamori_event_ident(head->id) : NULL;
	char m[MSG_MAX + 1];
	struct mamori_buf mb;
	struct line l = {.truncated = false, .badkey = false};
	int r;

	if (buf == NULL || ident == NULL || cap < MAMORI_EVENT_LINE_MIN ||
	    cap > MAMORI_EVENT_LINE_MAX || (n_fields > 0 && fields == NULL))
		return -EINVAL;
	mamori_buf_init(&l.b, buf, cap);
	if ((r = add_head(&l, ident, mamori_event_severity(head->id), head)) < 0)
		return r;
	mamori_buf_init(&mb, m, sizeof(m));
	l.truncated |= add_value(&mb, msg ? msg : "", true, MSG_MAX);
	add_fields(&l, fields, n_fields, sizeof(" msg=") - 1 + mb.len + FLAGS_MAX);
	if (l.badkey)
		(void)mamori_buf_adds(&l.b, " badkey=1");
	if (l.truncated)
		(void)mamori_buf_adds(&l.b, " truncated=1");
	(void)mamori_buf_adds(&l.b, " msg=");
	(void)mamori_buf_add(&l.b, mb.p, mb.len);
	/* The budget above keeps this from happening; a cut line must never leave here. */
	if (l.b.truncated)
		return MAMORI_E_TRUNC;
	*ret_len = l.b.len;
	return 0;
}

/* End of the header token that starts at p ("key=value", value bare or quoted), or NULL. */
static const char *
skip_token(const char *p, const char *key)
{
	size_t klen = strlen(key);

	if (strncmp(p, key, klen) != 0)
		return NULL;
	p += klen;
	if (*p != '"')
		return p + strcspn(p, " ");
	for (p++; *p != '"'; p++) {
		if (*p == '\0' || (*p == '\\' && *++p == '\0'))
			return NULL;
	}
	return p + 1;
}

int
mamori_event_number(const char *line, const char *stream, uint64_t seq, char *buf, size_t cap,
		    size_t *ret_len)
{
	const char *p = line;
	struct mamori_buf b;

	if (strncmp(line, "MAMORI-", 7) != 0 || seq == 0 || cap > MAMORI_EVENT_LINE_MAX)
		return MAMORI_E_CORRUPT;
	for (const char *c = line; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return MAMORI_E_CORRUPT;
	p += strcspn(p, " ");
	if (*p == ' ' && (p = skip_token(p + 1, "sev=")) != NULL && *p == ' ' &&
	    (p = skip_token(p + 1, "time=")) != NULL && *p == ' ')
		p = skip_token(p + 1, "host=");
	/* a line that already carries a stream or seq was not one this library spooled */
	if (p == NULL || (*p != ' ' && *p != '\0') || strncmp(p, " stream=", 8) == 0 ||
	    strncmp(p, " seq=", 5) == 0)
		return MAMORI_E_CORRUPT;
	mamori_buf_init(&b, buf, cap);
	(void)mamori_buf_add(&b, line, (size_t)(p - line));
	(void)mamori_buf_printf(&b, " stream=%s seq=%" PRIu64, stream, seq);
	if (mamori_buf_adds(&b, p) < 0)
		return MAMORI_E_TRUNC;
	*ret_len = b.len;
	return 0;
}
