/* The catalogue in doc/events.md explains every identifier in events.h, in English and
 * Japanese. Run from the top of the source tree (tests/run-suite.sh does). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event_fixture.h"
#include "mamori/event.h"

static char *doc;

/* The section of doc that starts at the heading "### ident", up to the next heading. */
static char *
section(const char *ident)
{
	char heading[64];
	const char *start, *end;

	snprintf(heading, sizeof(heading), "\n### %s\n", ident);
	start = strstr(doc, heading);
	if (start == NULL)
		return NULL;
	start += strlen(heading);
	end = strstr(start, "\n#");
	return strndup(start, end ? (size_t)(end - start) : strlen(start));
}

static void
every_identifier_is_explained(void **state)
{
	(void)state;
	for (int id = 0; id < MAMORI_EV_COUNT_; id++) {
		const char *ident = mamori_event_ident((enum mamori_event_id)id);
		const char *sev = mamori_severity_name(mamori_event_severity((enum mamori_event_id)id));
		char want_sev[32], *s = section(ident);

		if (s == NULL)
			fail_msg("doc/events.md has no section \"### %s\"", ident);
		snprintf(want_sev, sizeof(want_sev), "Severity: `%s`", sev);
		if (strstr(s, want_sev) == NULL || strstr(s, "- Keys:") == NULL ||
		    strstr(s, "- Meaning:") == NULL || strstr(s, "- What to do:") == NULL ||
		    strstr(s, "- 意味:") == NULL || strstr(s, "- 対処:") == NULL)
			fail_msg("%s: section lacks %s, keys, meaning or what to do (EN/JA)", ident,
				 want_sev);
		free(s);
	}
}

static int
load(void **state)
{
	(void)state;
	doc = event_fixture_read("doc/events.md");
	return doc == NULL ? -1 : 0;
}

static int
unload(void **state)
{
	(void)state;
	free(doc);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_identifier_is_explained),
	};
	return cmocka_run_group_tests_name("event_doc", tests, load, unload);
}
