/* The event catalogue: identifier and severity of every report, from the X-macro list. */
#include <stddef.h>

#include "mamori/events.h"

struct catalogue_entry {
	const char *ident;
	int severity;
};

static const struct catalogue_entry catalogue[] = {
#define MAMORI_X(name, ident, sev) [MAMORI_EV_##name] = {ident, sev},
	MAMORI_EVENT_LIST(MAMORI_X)
#undef MAMORI_X
};

const char *
mamori_event_ident(enum mamori_event_id id)
{
	if ((unsigned)id >= (unsigned)MAMORI_EV_COUNT_)
		return NULL;
	return catalogue[id].ident;
}

int
mamori_event_severity(enum mamori_event_id id)
{
	if ((unsigned)id >= (unsigned)MAMORI_EV_COUNT_)
		return -1;
	return catalogue[id].severity;
}

const char *
mamori_severity_name(int severity)
{
	/* The names rsyslog and logger(1) use for RFC 5424 §6.2.1 severities. */
	static const char *const names[] = {"emerg",   "alert",  "crit", "err",
					    "warning", "notice", "info", "debug"};

	if (severity < 0 || severity > 7)
		return NULL;
	return names[severity];
}
