/* mamorictl report's output: the summary as an aligned table for people (translated
 * headings), RFC 4180 CSV or JSON with stable keys (English, for scripts). */
#ifndef MAMORICTL_REPORT_PRINT_H
#define MAMORICTL_REPORT_PRINT_H

#include <stdint.h>
#include <stdio.h>

#include "mamori/report.h"

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON };

struct report_print_opts {
	enum report_format format;
	int64_t now_ms;          /* silence is measured to here: --until, or the clock */
	int64_t silent_after_ms;
	unsigned files, unreadable;
};

/* 0, or -ENOMEM (nothing or part printed). */
int report_print(FILE *out, const struct mamori_report *r, const struct report_print_opts *o);

/* "2d3h", "45m", "10s": for people, never parsed back. */
void report_duration(int64_t ms, char *out, size_t cap);

#endif
