/* The event catalogue: every report mamori makes has one stable identifier from this list.
 * An identifier is never reused or renumbered. doc/events.md explains each one to the
 * administrator (meaning and what to do, in English and Japanese); a test checks that every
 * identifier here appears there.
 *
 * Ranges: CONF 001-099, MEDIA 100-199, AUTH 200-299, AGENT 300-399, REPORT 400-499,
 * ADMIN 500-599. */
#ifndef MAMORI_EVENTS_H
#define MAMORI_EVENTS_H

#include <syslog.h>

/* X(name, identifier, syslog severity) */
#define MAMORI_EVENT_LIST(X)                                   \
	X(CONF_INVALID, "MAMORI-CONF-001", LOG_ERR)            \
	X(CONF_LOADED, "MAMORI-CONF-002", LOG_INFO)            \
	X(MEDIA_READONLY, "MAMORI-MEDIA-101", LOG_NOTICE)      \
	X(MEDIA_DENY_READONLY, "MAMORI-MEDIA-102", LOG_WARNING) \
	X(MEDIA_AUDITED, "MAMORI-MEDIA-103", LOG_NOTICE)       \
	X(MEDIA_ALLOWLISTED, "MAMORI-MEDIA-104", LOG_NOTICE)   \
	X(MEDIA_OPTICAL_RESTRICTED, "MAMORI-MEDIA-105", LOG_NOTICE) \
	X(MEDIA_MTP_BLOCKED, "MAMORI-MEDIA-106", LOG_WARNING)  \
	X(MEDIA_ENFORCE_FAILED, "MAMORI-MEDIA-107", LOG_ERR)   \
	X(MEDIA_UNIDENTIFIED, "MAMORI-MEDIA-108", LOG_ERR)     \
	X(AUTH_OK, "MAMORI-AUTH-201", LOG_INFO)                \
	X(AUTH_FAIL, "MAMORI-AUTH-202", LOG_WARNING)           \
	X(AUTH_LOCKED, "MAMORI-AUTH-203", LOG_ERR)             \
	X(AUTH_LOCKED_ATTEMPT, "MAMORI-AUTH-204", LOG_WARNING) \
	X(AUTH_UNENROLLED_DENIED, "MAMORI-AUTH-205", LOG_WARNING) \
	X(AUTH_UNENROLLED_ALLOWED, "MAMORI-AUTH-206", LOG_NOTICE) \
	X(AUTH_RECOVERY_USED, "MAMORI-AUTH-207", LOG_NOTICE)   \
	X(AUTH_BREAK_GLASS, "MAMORI-AUTH-208", LOG_CRIT)       \
	X(AUTH_STATE_UNUSABLE, "MAMORI-AUTH-209", LOG_ERR)     \
	X(AUTH_STATE_SAVE_FAILED, "MAMORI-AUTH-210", LOG_ERR)  \
	X(REPORT_LOG_FAILED, "MAMORI-REPORT-401", LOG_ERR)     \
	X(REPORT_SEQ_FAILED, "MAMORI-REPORT-402", LOG_ERR)     \
	X(REPORT_SPOOLED, "MAMORI-REPORT-403", LOG_WARNING)    \
	X(REPORT_SPOOL_DRAINED, "MAMORI-REPORT-404", LOG_NOTICE)

enum mamori_event_id {
#define MAMORI_X(name, ident, sev) MAMORI_EV_##name,
	MAMORI_EVENT_LIST(MAMORI_X)
#undef MAMORI_X
	MAMORI_EV_COUNT_
};

/* "MAMORI-CONF-001", or NULL for an id outside the catalogue. */
const char *mamori_event_ident(enum mamori_event_id id);

/* LOG_ERR etc., or -1 for an id outside the catalogue. */
int mamori_event_severity(enum mamori_event_id id);

/* "err", "warning", … for a syslog severity 0..7, or NULL. */
const char *mamori_severity_name(int severity);

#endif
