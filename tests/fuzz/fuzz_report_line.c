/* libFuzzer target for mamorictl report's reading: the input is cut into lines, each parsed on
 * its own and fed to a summary (sequence sets, tables), with allocation failures when the last
 * byte is even. A parsed event's slices must lie inside its line, its identifier, host,
 * stream and user must hold no control byte once decoded for display, and its number must not
 * be 0 when it has a stream. Every line is counted once, as event, duplicate, other, malformed
 * or over a limit, unless memory ran out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/report.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_slice(const char *line, size_t len, struct mamori_rstr s)
{
	char shown[600];

	if (s.len > 0 && (s.p < line || s.p + s.len > line + len))
		abort();
	mamori_rstr_display(s, shown, sizeof(shown));
	for (const char *c = shown; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			abort();
}

static void
check_event(const char *line, size_t len)
{
	struct mamori_revent ev;

	if (mamori_rline_parse(line, len, &ev) != MAMORI_RLINE_EVENT)
		return;
	check_slice(line, len, ev.id);
	check_slice(line, len, ev.host);
	check_slice(line, len, ev.stream);
	check_slice(line, len, ev.user);
	check_slice(line, len, ev.time);
	if ((ev.stream.len > 0) != (ev.seq > 0) || ev.sev < 0 || ev.sev > 7 || ev.host.len == 0 ||
	    ev.time.len < 10)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mamori_report_opts o = {.has_until = true, .until_ms = 1795824843512LL};
	struct mamori_report *r = NULL;
	char *text = malloc(size + 1), *p, *nl;
	uint64_t lines = 0, failed = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	fuzz_wrap_arm(data, size, size > 0 && !(data[size - 1] & 1) ? 2u + data[size - 1] / 8u : 0);
	if (mamori_report_new(&o, &r) == 0) {
		for (p = text; p < text + size; p = nl + 1) {
			if ((nl = memchr(p, '\n', (size_t)(text + size - p))) == NULL)
				nl = text + size;
			*nl = '\0';
			check_event(p, (size_t)(nl - p));
			lines++;
			failed += mamori_report_line(r, p, (size_t)(nl - p)) < 0;
		}
		if (r->t.lines + failed != lines ||
		    r->t.events + r->t.duplicates + r->t.other + r->t.malformed + r->t.over_limit +
				    r->t.outside_time + r->t.filtered_host !=
			    r->t.lines)
			abort();
	}
	mamori_report_free(&r);
	fuzz_wrap_disarm();
	free(text);
	return 0;
}
