/* Bounded string building. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mamori/buf.h"
#include "mamori/err.h"

void
mamori_buf_init(struct mamori_buf *b, char *storage, size_t cap)
{
	b->p = storage;
	b->cap = cap;
	b->len = 0;
	b->truncated = false;
	if (cap > 0)
		storage[0] = '\0';
}

int
mamori_buf_add(struct mamori_buf *b, const char *s, size_t n)
{
	size_t room = b->cap > b->len ? b->cap - b->len - 1 : 0;
	size_t take = n < room ? n : room;

	if (b->cap == 0) {
		b->truncated = true;
		return MAMORI_E_TRUNC;
	}
	memcpy(b->p + b->len, s, take);
	b->len += take;
	b->p[b->len] = '\0';
	if (take < n) {
		b->truncated = true;
		return MAMORI_E_TRUNC;
	}
	return 0;
}

int
mamori_buf_adds(struct mamori_buf *b, const char *s)
{
	return mamori_buf_add(b, s, strlen(s));
}

int
mamori_buf_addc(struct mamori_buf *b, char c)
{
	return mamori_buf_add(b, &c, 1);
}

int
mamori_buf_printf(struct mamori_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	int n;

	if (room == 0) {
		b->truncated = true;
		return MAMORI_E_TRUNC;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->p[b->len] = '\0';
		return -EINVAL;
	}
	if ((size_t)n >= room) {
		b->len = b->cap - 1;
		b->truncated = true;
		return MAMORI_E_TRUNC;
	}
	b->len += (size_t)n;
	return 0;
}

int
mamori_snprintf(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cap == 0)
		return MAMORI_E_TRUNC;
	va_start(ap, fmt);
	n = vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return (size_t)n >= cap ? MAMORI_E_TRUNC : 0;
}
