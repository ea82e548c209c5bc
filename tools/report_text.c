/* Aligned text tables for people: columns as wide as their widest cell, counted in terminal
 * columns (a kanji takes two), numbers right-aligned. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report_text.h"

/* East Asian Wide and Fullwidth ranges (UAX #11) that host, user and heading text uses;
 * everything else one column. */
static int
cp_width(uint32_t cp)
{
	return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
			       (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
			       (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
			       (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x20000 && cp <= 0x3fffd)
		       ? 2
		       : 1;
}

size_t
text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p != '\0') {
		uint32_t cp = *p;
		int n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : *p >= 0xc0 ? 1 : 0;

		if (n > 0)
			cp &= 0x3fu >> n;
		for (p++; n > 0 && (*p & 0xc0) == 0x80; n--, p++)
			cp = (cp << 6) | (*p & 0x3fu);
		w += (size_t)cp_width(cp);
	}
	return w;
}

void
text_table_init(struct text_table *t, size_t ncol, unsigned numeric_mask)
{
	memset(t, 0, sizeof(*t));
	t->ncol = ncol < TEXT_MAX_COLS ? ncol : TEXT_MAX_COLS;
	t->numeric = numeric_mask;
}

int
text_table_row(struct text_table *t, ...)
{
	va_list ap;
	char **row;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char ***p = reallocarray(t->rows, cap, sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		t->rows = p, t->cap = cap;
	}
	if ((row = calloc(t->ncol, sizeof(*row))) == NULL)
		return -ENOMEM;
	va_start(ap, t);
	for (size_t i = 0; i < t->ncol; i++) {
		const char *c = va_arg(ap, const char *);

		if ((row[i] = strdup(c ? c : "")) == NULL) {
			va_end(ap);
			while (i-- > 0)
				free(row[i]);
			free(row);
			return -ENOMEM;
		}
	}
	va_end(ap);
	t->rows[t->nrows++] = row;
	return 0;
}

static void
pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

void
text_table_print(FILE *out, const struct text_table *t, const char *indent)
{
	size_t w[TEXT_MAX_COLS] = {0};

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncol; c++)
			if (text_width(t->rows[r][c]) > w[c])
				w[c] = text_width(t->rows[r][c]);
	for (size_t r = 0; r < t->nrows; r++) {
		fputs(indent, out);
		for (size_t c = 0; c < t->ncol; c++) {
			size_t gap = w[c] - text_width(t->rows[r][c]);
			bool right = (r > 0 || t->headless) && (t->numeric >> c & 1u);

			if (right)
				pad(out, gap);
			fputs(t->rows[r][c], out);
			if (c + 1 < t->ncol)
				pad(out, (right ? 0 : gap) + 2);
		}
		fputc('\n', out);
	}
}

void
text_table_free(struct text_table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncol; c++)
			free(t->rows[r][c]);
		free(t->rows[r]);
	}
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
