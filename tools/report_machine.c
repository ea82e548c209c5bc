/* mamorictl report for scripts: CSV (RFC 4180) with one fixed header, and JSON with stable
 * keys. Neither is translated. Columns of the CSV, per section:
 *   summary   name=counter, count
 *   terminal  host, count=events, violations, last=time of its last event, name=its id
 *   stream    host, stream, first/last sequence number received, count=distinct received
 *   gap       host, stream, first..last missing, count
 *   silent    host, name=last event id, last=its time, count=seconds silent
 *   user, event, day   name, count=events, violations */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mamori/events.h"
#include "report_print_internal.h"

struct counter {
	const char *name;
	uint64_t n;
};

static size_t
counters(const struct mamori_report *r, const struct report_print_opts *o, const struct view *v,
	 struct counter *c)
{
	const struct mamori_report_totals *t = &r->t;
	size_t n = 0;

	c[n++] = (struct counter){"files", o->files};
	c[n++] = (struct counter){"unreadable", o->unreadable};
	c[n++] = (struct counter){"lines", t->lines};
	c[n++] = (struct counter){"events", t->events};
	c[n++] = (struct counter){"duplicates", t->duplicates};
	c[n++] = (struct counter){"malformed", t->malformed};
	c[n++] = (struct counter){"other", t->other};
	c[n++] = (struct counter){"long_lines", t->long_lines};
	c[n++] = (struct counter){"outside_time", t->outside_time};
	c[n++] = (struct counter){"other_hosts", t->filtered_host};
	c[n++] = (struct counter){"over_limit", t->over_limit};
	c[n++] = (struct counter){"unfiled", t->unfiled};
	c[n++] = (struct counter){"gaps", v->gaps};
	c[n++] = (struct counter){"missing", v->missing};
	c[n++] = (struct counter){"silent", v->n_silent};
	return n;
}

/* A text field, always quoted. A leading = + - @ TAB or CR gets a ' in front, so that a
 * spreadsheet never runs a user name typed at a login prompt as a formula (OWASP, "CSV
 * Injection"). */
static void
csv_text(FILE *out, const char *s)
{
	fputc('"', out);
	if (s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		fputc('\'', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* section,host,stream,name,first,last,count,violations; NULL text and "" numbers stay empty */
static void
csv_row(FILE *out, const char *section, const char *host, const char *stream, const char *name,
	const char *first, const char *last, const char *count, const char *violations)
{
	const char *text[] = {host, stream, name};

	fputs(section, out);
	for (size_t i = 0; i < 3; i++) {
		fputc(',', out);
		if (text[i] != NULL)
			csv_text(out, text[i]);
	}
	fprintf(out, ",%s,%s,%s,%s\r\n", first, last, count, violations);
}

static void
csv_stream(FILE *out, const char *host, const struct view_stream *s)
{
	const struct mamori_seqset *q = s->seqs;
	char a[24], b[24], c[24];

	num(a, s->first), num(b, s->last), num(c, s->distinct);
	csv_row(out, "stream", host, s->stream, NULL, a, b, c, "");
	for (uint32_t k = 0; k + 1 < q->n; k++) {
		num(a, q->r[k].hi + 1), num(b, q->r[k + 1].lo - 1);
		num(c, q->r[k + 1].lo - q->r[k].hi - 1);
		csv_row(out, "gap", host, s->stream, NULL, a, b, c, "");
	}
}

static void
csv_rows(FILE *out, const char *section, const struct view_row *rows, size_t n)
{
	char c[24], vi[24];

	for (size_t i = 0; i < n; i++) {
		num(c, rows[i].c->events), num(vi, rows[i].c->violations);
		csv_row(out, section, NULL, NULL, rows[i].name, "", "", c, vi);
	}
}

void
report_print_csv(FILE *out, const struct mamori_report *r, const struct report_print_opts *o,
		 const struct view *v)
{
	struct counter cs[20];
	size_t n = counters(r, o, v, cs);
	char c[24], vi[24];

	fputs("section,host,stream,name,first,last,count,violations\r\n", out);
	for (size_t i = 0; i < n; i++) {
		num(c, cs[i].n);
		csv_row(out, "summary", NULL, NULL, cs[i].name, "", "", c, "");
	}
	for (size_t i = 0; i < v->n_hosts; i++) {
		const struct view_host *h = &v->hosts[i];

		num(c, h->h->c.events), num(vi, h->h->c.violations);
		csv_row(out, "terminal", h->host, NULL, h->h->seen ? h->h->last_id : NULL, "",
			h->h->seen ? h->h->last_time : "", c, vi);
		for (size_t k = 0; k < h->n_streams; k++)
			csv_stream(out, h->host, &h->streams[k]);
	}
	for (size_t i = 0; i < v->n_hosts; i++) {
		if (!v->hosts[i].silent)
			continue;
		num(c, (uint64_t)v->hosts[i].silent_ms / 1000);
		csv_row(out, "silent", v->hosts[i].host, NULL, v->hosts[i].h->last_id, "",
			v->hosts[i].h->last_time, c, "");
	}
	csv_rows(out, "user", v->users, v->n_users);
	csv_rows(out, "event", v->ids, v->n_ids);
	csv_rows(out, "day", v->days, v->n_days);
}

/* JSON string (RFC 8259 §7); names are valid UTF-8 without control bytes already, the
 * escapes below are for safety only. */
static void
js(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void
json_stream(FILE *out, const struct view_stream *s)
{
	const struct mamori_seqset *q = s->seqs;

	fputs("{\"stream\":", out);
	js(out, s->stream);
	fprintf(out,
		",\"first\":%" PRIu64 ",\"last\":%" PRIu64 ",\"received\":%" PRIu64
		",\"missing\":%" PRIu64 ",\"unlisted_gaps\":%" PRIu64 ",\"gaps\":[",
		s->first, s->last, s->distinct, s->missing, q->folded_ranges);
	for (uint32_t k = 0; k + 1 < q->n; k++)
		fprintf(out, "%s{\"first\":%" PRIu64 ",\"last\":%" PRIu64 ",\"count\":%" PRIu64 "}",
			k ? "," : "", q->r[k].hi + 1, q->r[k + 1].lo - 1,
			q->r[k + 1].lo - q->r[k].hi - 1);
	fputs("]}", out);
}

static void
json_host(FILE *out, const struct view_host *h)
{
	fputs("{\"host\":", out);
	js(out, h->host);
	fprintf(out,
		",\"events\":%" PRIu64 ",\"violations\":%" PRIu64 ",\"duplicates\":%" PRIu64
		",\"unnumbered\":%" PRIu64 ",\"missing\":%" PRIu64 ",\"silent\":%s,\"last_event\":",
		h->h->c.events, h->h->c.violations, h->h->duplicates, h->h->unnumbered, h->missing,
		h->silent ? "true" : "false");
	if (h->h->seen) {
		fputs("{\"time\":", out);
		js(out, h->h->last_time);
		fputs(",\"event\":", out);
		js(out, h->h->last_id);
		fprintf(out, ",\"age_seconds\":%" PRId64 "}", h->silent_ms / 1000);
	} else {
		fputs("null", out);
	}
	fputs(",\"streams\":[", out);
	for (size_t k = 0; k < h->n_streams; k++) {
		if (k)
			fputc(',', out);
		json_stream(out, &h->streams[k]);
	}
	fputs("]}", out);
}

static void
json_rows(FILE *out, const char *key, const char *name, const struct view_row *rows, size_t n)
{
	fprintf(out, ",\n\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		const char *sev = mamori_severity_name(rows[i].sev);

		fprintf(out, "%s{\"%s\":", i ? "," : "", name);
		js(out, rows[i].name);
		if (sev != NULL)
			fprintf(out, ",\"severity\":\"%s\"", sev);
		fprintf(out, ",\"events\":%" PRIu64 ",\"violations\":%" PRIu64 "}",
			rows[i].c->events, rows[i].c->violations);
	}
	fputc(']', out);
}

void
report_print_json(FILE *out, const struct mamori_report *r, const struct report_print_opts *o,
		  const struct view *v)
{
	struct counter cs[20];
	size_t n = counters(r, o, v, cs);
	bool first = true;

	fputs("{\"summary\":{", out);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s\"%s\":%" PRIu64, i ? "," : "", cs[i].name, cs[i].n);
	fprintf(out, ",\"silent_after_seconds\":%" PRId64 "},\n\"terminals\":[",
		o->silent_after_ms / 1000);
	for (size_t i = 0; i < v->n_hosts; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_host(out, &v->hosts[i]);
	}
	fputs("],\n\"silent\":[", out);
	for (size_t i = 0; i < v->n_hosts; i++) {
		if (!v->hosts[i].silent)
			continue;
		fputs(first ? "" : ",", out);
		js(out, v->hosts[i].host);
		first = false;
	}
	fputc(']', out);
	json_rows(out, "users", "user", v->users, v->n_users);
	json_rows(out, "events", "event", v->ids, v->n_ids);
	json_rows(out, "days", "day", v->days, v->n_days);
	fputs("}\n", out);
}
