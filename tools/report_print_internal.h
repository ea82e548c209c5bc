/* Shared by the printers of mamorictl report (report_print.c, report_machine.c). */
#ifndef MAMORICTL_REPORT_PRINT_INTERNAL_H
#define MAMORICTL_REPORT_PRINT_INTERNAL_H

#include <inttypes.h>
#include <stdio.h>

#include "report_print.h"
#include "report_view.h"

static inline void
num(char out[24], uint64_t n)
{
	(void)snprintf(out, 24, "%" PRIu64, n);
}

/* RFC 4180 CSV and JSON: untranslated, stable columns and keys (report_machine.c). */
void report_print_csv(FILE *out, const struct mamori_report *r,
		      const struct report_print_opts *o, const struct view *v);
void report_print_json(FILE *out, const struct mamori_report *r,
		       const struct report_print_opts *o, const struct view *v);

#endif
