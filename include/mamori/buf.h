/* Bounded formatting: a fixed buffer that never overflows and says when text was cut. */
#ifndef MAMORI_BUF_H
#define MAMORI_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct mamori_buf {
	char *p;        /* caller's storage, always NUL-terminated */
	size_t cap;     /* size of p, including the NUL */
	size_t len;     /* bytes used, excluding the NUL */
	bool truncated; /* some append did not fit */
};

void mamori_buf_init(struct mamori_buf *b, char *storage, size_t cap);

/* Append n bytes. Returns 0, or MAMORI_E_TRUNC after appending what fits. */
int mamori_buf_add(struct mamori_buf *b, const char *s, size_t n);
int mamori_buf_adds(struct mamori_buf *b, const char *s);
int mamori_buf_addc(struct mamori_buf *b, char c);

/* printf-style append; same contract as mamori_buf_add. */
int mamori_buf_printf(struct mamori_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* snprintf that fails on truncation: 0, MAMORI_E_TRUNC (dst holds the cut text), or -EINVAL. */
int mamori_snprintf(char *dst, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
