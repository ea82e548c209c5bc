/* Aligned text tables for mamorictl report (report_text.c). */
#ifndef MAMORICTL_REPORT_TEXT_H
#define MAMORICTL_REPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define TEXT_MAX_COLS 10

struct text_table {
	size_t ncol, nrows, cap;
	unsigned numeric; /* bit c: column c is right-aligned (the heading row is not) */
	bool headless;    /* no heading row: the first row is aligned like the rest */
	char ***rows;
};

/* Terminal columns the UTF-8 text takes. */
size_t text_width(const char *s);

void text_table_init(struct text_table *t, size_t ncol, unsigned numeric_mask);
/* Append a row of ncol strings (copied; NULL prints empty). 0 or -ENOMEM. */
int text_table_row(struct text_table *t, ...);
void text_table_print(FILE *out, const struct text_table *t, const char *indent);
void text_table_free(struct text_table *t);

#endif
