/* mamorictl report for people: one aligned table per question an administrator asks (which
 * terminals, which events never arrived, who is silent, who, what, when). Headings are
 * translated; names and identifiers are printed as the events wrote them. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mamori/events.h"
#include "mamori/i18n.h"
#include "report_print.h"
#include "report_print_internal.h"
#include "report_text.h"

void
report_duration(int64_t ms, char *out, size_t cap)
{
	static const struct {
		int64_t secs;
		char unit;
	} u[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
	int64_t s = ms < 0 ? 0 : ms / 1000;
	size_t i = 0;

	while (i + 1 < 4 && s < u[i].secs)
		i++;
	/* the largest unit and the next one, the second left out when zero: 1h, 2d3h, 45m10s */
	if (i + 1 < 4 && s % u[i].secs / u[i + 1].secs != 0)
		(void)snprintf(out, cap, "%" PRId64 "%c%" PRId64 "%c", s / u[i].secs, u[i].unit,
			       s % u[i].secs / u[i + 1].secs, u[i + 1].unit);
	else
		(void)snprintf(out, cap, "%" PRId64 "%c", s / u[i].secs, u[i].unit);
}

static void
heading(FILE *out, const char *title)
{
	fprintf(out, "\n%s\n", title);
}

static int
print_summary(FILE *out, const struct mamori_report *r, const struct report_print_opts *o,
	      const struct view *v)
{
	const struct mamori_report_totals *t = &r->t;
	const struct {
		const char *label;
		uint64_t n;
	} rows[] = {
		{_("files read"), o->files - o->unreadable},
		{_("files that could not be read"), o->unreadable},
		{_("lines read"), t->lines},
		{_("events counted"), t->events},
		{_("duplicates removed"), t->duplicates},
		{_("malformed mamori lines"), t->malformed},
		{_("other lines skipped"), t->other},
		{_("events outside --since/--until"), t->outside_time},
		{_("events of other terminals (--host)"), t->filtered_host},
		{_("lines of terminals beyond the table limits"), t->over_limit},
		{_("events missing from a table (limit)"), t->unfiled},
		{_("sequence gaps"), v->gaps},
		{_("events that never arrived"), v->missing},
		{_("silent terminals"), v->n_silent},
	};
	struct text_table tt;
	char n[24];
	int rc = 0;

	text_table_init(&tt, 2, 2u);
	tt.headless = true;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]) && rc == 0; i++) {
		(void)snprintf(n, sizeof(n), "%" PRIu64, rows[i].n);
		rc = text_table_row(&tt, rows[i].label, n);
	}
	fprintf(out, "%s\n", _("mamori report"));
	if (rc == 0)
		text_table_print(out, &tt, "  ");
	text_table_free(&tt);
	return rc;
}

static int
print_terminals(FILE *out, const struct view *v)
{
	struct text_table tt;
	int rc;

	heading(out, _("Terminals"));
	text_table_init(&tt, 8, 0x7eu);
	rc = text_table_row(&tt, _("HOST"), _("EVENTS"), _("VIOLATIONS"), _("STREAMS"),
			    _("MISSING"), _("DUPLICATES"), _("UNNUMBERED"), _("LAST EVENT"));
	for (size_t i = 0; i < v->n_hosts && rc == 0; i++) {
		const struct view_host *h = &v->hosts[i];
		char c[6][24];

		num(c[0], h->h->c.events), num(c[1], h->h->c.violations);
		num(c[2], h->n_streams), num(c[3], h->missing);
		num(c[4], h->h->duplicates), num(c[5], h->h->unnumbered);
		rc = text_table_row(&tt, h->host, c[0], c[1], c[2], c[3], c[4], c[5],
				    h->h->seen ? h->h->last_time : "-");
	}
	if (rc == 0)
		text_table_print(out, &tt, "  ");
	text_table_free(&tt);
	return rc;
}

static int
print_streams(FILE *out, const struct view *v)
{
	struct text_table tt;
	int rc;

	heading(out, _("Streams (sequence numbers received)"));
	text_table_init(&tt, 6, 0x3cu);
	rc = text_table_row(&tt, _("HOST"), _("STREAM"), _("FIRST"), _("LAST"), _("RECEIVED"),
			    _("MISSING"));
	for (size_t i = 0; i < v->n_hosts && rc == 0; i++) {
		for (size_t k = 0; k < v->hosts[i].n_streams && rc == 0; k++) {
			const struct view_stream *s = &v->hosts[i].streams[k];
			char c[4][24];

			num(c[0], s->first), num(c[1], s->last);
			num(c[2], s->distinct), num(c[3], s->missing);
			rc = text_table_row(&tt, v->hosts[i].host, s->stream, c[0], c[1], c[2],
					    c[3]);
		}
	}
	if (rc == 0)
		text_table_print(out, &tt, "  ");
	text_table_free(&tt);
	return rc;
}

static int
gap_rows(struct text_table *tt, const char *host, const struct view_stream *s)
{
	const struct mamori_seqset *q = s->seqs;
	char c[3][24], more[160];
	int rc = 0;

	for (uint32_t k = 0; k + 1 < q->n && rc == 0; k++) {
		num(c[0], q->r[k].hi + 1), num(c[1], q->r[k + 1].lo - 1);
		num(c[2], q->r[k + 1].lo - q->r[k].hi - 1);
		rc = text_table_row(tt, host, s->stream, c[0], c[1], c[2]);
	}
	if (rc == 0 && q->folded_ranges > 0) {
		(void)snprintf(more, sizeof(more),
			       _("%" PRIu64 " more gaps not listed (%" PRIu64 " numbers)"),
			       q->folded_ranges, q->folded_seqs);
		rc = text_table_row(tt, host, s->stream, more, "", "");
	}
	return rc;
}

static int
print_gaps(FILE *out, const struct view *v)
{
	struct text_table tt;
	int rc;

	heading(out, _("Sequence gaps (events that never arrived)"));
	if (v->gaps == 0) {
		fprintf(out, "  %s\n", _("none"));
		return 0;
	}
	text_table_init(&tt, 5, 0x1cu);
	rc = text_table_row(&tt, _("HOST"), _("STREAM"), _("FROM"), _("TO"), _("COUNT"));
	for (size_t h = 0; h < v->n_hosts && rc == 0; h++)
		for (size_t k = 0; k < v->hosts[h].n_streams && rc == 0; k++)
			rc = gap_rows(&tt, v->hosts[h].host, &v->hosts[h].streams[k]);
	if (rc == 0)
		text_table_print(out, &tt, "  ");
	text_table_free(&tt);
	return rc;
}

static int
print_silent(FILE *out, const struct view *v, const struct report_print_opts *o)
{
	struct text_table tt;
	char after[32];
	int rc;

	report_duration(o->silent_after_ms, after, sizeof(after));
	fprintf(out, "\n");
	fprintf(out, _("Silent terminals (no event for more than %s)\n"), after);
	if (v->n_silent == 0) {
		fprintf(out, "  %s\n", _("none"));
		return 0;
	}
	text_table_init(&tt, 4, 0x8u);
	rc = text_table_row(&tt, _("HOST"), _("LAST EVENT"), _("EVENT"), _("SILENT FOR"));
	for (size_t i = 0; i < v->n_hosts && rc == 0; i++) {
		char d[32];

		if (!v->hosts[i].silent)
			continue;
		report_duration(v->hosts[i].silent_ms, d, sizeof(d));
		rc = text_table_row(&tt, v->hosts[i].host, v->hosts[i].h->last_time,
				    v->hosts[i].h->last_id, d);
	}
	if (rc == 0)
		text_table_print(out, &tt, "  ");
	text_table_free(&tt);
	return rc;
}

/* Users, event identifiers or days: name, (severity,) events, violations. */
static int
print_rows(FILE *out, const char *title, const char *what, const struct view_row *rows,
	   size_t n, bool with_sev)
{
	struct text_table tt;
	int rc;

	heading(out, title);
	if (n == 0) {
		fprintf(out, "  %s\n", _("none"));
		return 0;
	}
	text_table_init(&tt, with_sev ? 4 : 3, with_sev ? 0xcu : 0x6u);
	rc = with_sev ? text_table_row(&tt, what, _("SEVERITY"), _("EVENTS"), _("VIOLATIONS"))
		      : text_table_row(&tt, what, _("EVENTS"), _("VIOLATIONS"));
	for (size_t i = 0; i < n && rc == 0; i++) {
		char e[24], vi[24];
		const char *sev = mamori_severity_name(rows[i].sev);

		num(e, rows[i].c->events), num(vi, rows[i].c->violations);
		rc = with_sev ? text_table_row(&tt, rows[i].name, sev ? sev : "-", e, vi)
			      : text_table_row(&tt, rows[i].name, e, vi);
	}
	if (rc == 0)
		text_table_print(out, &tt, "  ");
	text_table_free(&tt);
	return rc;
}

static int
print_table(FILE *out, const struct mamori_report *r, const struct report_print_opts *o,
	    const struct view *v)
{
	int rc;

	if ((rc = print_summary(out, r, o, v)) < 0 || (rc = print_terminals(out, v)) < 0 ||
	    (rc = print_streams(out, v)) < 0 || (rc = print_gaps(out, v)) < 0 ||
	    (rc = print_silent(out, v, o)) < 0)
		return rc;
	if ((rc = print_rows(out, _("Violations by user"), _("USER"), v->users, v->n_users,
			     false)) < 0 ||
	    (rc = print_rows(out, _("Events by identifier"), _("EVENT"), v->ids, v->n_ids,
			     true)) < 0 ||
	    (rc = print_rows(out, _("Events by day (the event's own date)"), _("DAY"), v->days,
			     v->n_days, false)) < 0)
		return rc;
	return 0;
}

int
report_print(FILE *out, const struct mamori_report *r, const struct report_print_opts *o)
{
	struct view v;
	int rc;

	if ((rc = view_build(r, o->now_ms, o->silent_after_ms, &v)) < 0)
		return rc;
	switch (o->format) {
	case REPORT_CSV:
		report_print_csv(out, r, o, &v);
		break;
	case REPORT_JSON:
		report_print_json(out, r, o, &v);
		break;
	case REPORT_TABLE:
	default:
		rc = print_table(out, r, o, &v);
		break;
	}
	view_free(&v);
	return rc;
}
