/* Reporting events: one function emits every report, to syslog (through a pluggable sink) and
 * to the durable, sequence-numbered event log that rsyslog forwards to the collector.
 *
 * A line looks like
 *   MAMORI-MEDIA-101 sev=warning time=2026-11-28T09:14:03.512+09:00 host=term01
 *   stream=3f9c0d2a61b04e7e seq=1843 action=readonly dev=/dev/sdb1 serial="4C 53" msg="…"
 * (one line, at most MAMORI_EVENT_LINE_MAX bytes with its newline). */
#ifndef MAMORI_EVENT_H
#define MAMORI_EVENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "mamori/events.h"

#define MAMORI_EVENT_LINE_MAX 4096
/* Smallest buffer the formatter accepts: room for the longest header and msg. */
#define MAMORI_EVENT_LINE_MIN 1024

enum mamori_field_type { MAMORI_FT_STR, MAMORI_FT_INT };

/* A key=value pair. Keys are short ASCII words chosen by the code: [a-z0-9_], at most 32,
 * none of the header's and tail's names (sev time host stream seq msg truncated badkey); any
 * other key is dropped and the line gets badkey=1. Values are anything (hostile device
 * strings included) and are quoted and escaped as needed; a NULL string is written "". */
struct mamori_field {
	const char *key;
	enum mamori_field_type type;
	const char *s;
	long long i;
};

#define MAMORI_STR(k, v) ((struct mamori_field){.key = (k), .type = MAMORI_FT_STR, .s = (v)})
#define MAMORI_INT(k, v) \
	((struct mamori_field){.key = (k), .type = MAMORI_FT_INT, .i = (long long)(v)})

/* Where the syslog copy of each line goes. write returns 0 or a negative errno and must
 * never block for long: a stuck syslog daemon may not stall a login or a udev event. */
struct mamori_sink {
	int (*write)(void *ctx, int severity, const char *line);
	void *ctx;
};

/* Header of one line; the formatter's input. seq 0 means "no sequence number". */
struct mamori_event_head {
	enum mamori_event_id id;
	struct timespec time;
	const char *host;
	const char *stream;
	uint64_t seq;
};

/* Format one line (no trailing newline) into buf[cap],
 * MAMORI_EVENT_LINE_MIN ≤ cap ≤ MAMORI_EVENT_LINE_MAX.
 * Values too long to fit are cut on a character boundary and the line gets truncated=1.
 * msg is the short human sentence that ends the line. Pure: no I/O, no clock. */
int mamori_event_format(char *buf, size_t cap, const struct mamori_event_head *head,
			const struct mamori_field *fields, size_t n_fields, const char *msg,
			size_t *ret_len);

/* Room a line formatted without stream and seq keeps free so that they can be added later. */
#define MAMORI_EVENT_NUMBER_ROOM (sizeof(" stream=") - 1 + 16 + sizeof(" seq=") - 1 + 20)

/* Give a line formatted without stream and seq (a spooled one) its stream id and number,
 * inserted after host= so the field order stays the same; buf[cap] receives the new line.
 * MAMORI_E_CORRUPT when line is not such a line. */
int mamori_event_number(const char *line, const char *stream, uint64_t seq, char *buf,
			size_t cap, size_t *ret_len);

struct mamori_reporter_opts {
	const char *ident;      /* program name in syslog, e.g. "mamori-agent" */
	const char *event_log;  /* durable log; NULL: /var/log/mamori/events.log */
	const char *state_dir;  /* seq and stream id; NULL: /var/lib/mamori */
	const char *spool_dir;  /* early-boot spool; NULL: /run/mamori */
	const char *syslog_socket; /* NULL: /dev/log; ignored when sink is set */
	const struct mamori_sink *sink; /* NULL: the built-in non-blocking /dev/log sink */
	int (*clock)(struct timespec *now); /* NULL: CLOCK_REALTIME; tests inject one */
	gid_t log_group;        /* group of a newly created durable log, or: */
};

/* log_group: adm's, looked up only when the log is created. A lookup at every start would
 * cost each udev event a read of nsswitch.conf and the group database (a directory service
 * round trip where groups come from one). */
#define MAMORI_LOG_GROUP_ADM ((gid_t)-2)

/* The group a newly created durable log gets: adm, or root's when the system has none. */
gid_t mamori_adm_group(void);

struct mamori_config;
/* Options for a reporter that follows the configuration's report section (cfg NULL: the
 * built-in paths), with the adm log group (MAMORI_LOG_GROUP_ADM); every program starts its reporter from these. */
struct mamori_reporter_opts mamori_reporter_opts_from(const struct mamori_config *cfg,
						      const char *ident);

/* One reporter is used by one thread at a time; any number of processes may report at once
 * (the sequence file's lock orders them). */
struct mamori_reporter;

int mamori_reporter_new(const struct mamori_reporter_opts *opts, struct mamori_reporter **ret);
void mamori_reporter_free(struct mamori_reporter **r);

/* Emit one event. Returns 0 when the durable log holds it; a negative code when it could only
 * be spooled or sent to syslog (the failure is itself reported through syslog). Never blocks
 * on a dead syslog daemon. */
int mamori_report(struct mamori_reporter *r, enum mamori_event_id id, const char *msg,
		  const struct mamori_field *fields, size_t n_fields);

#define MAMORI_REPORT(r, id, msg, ...)                                                   \
	mamori_report((r), (id), (msg), (const struct mamori_field[]){__VA_ARGS__},      \
		      sizeof((const struct mamori_field[]){__VA_ARGS__}) /                \
			      sizeof(struct mamori_field))

#endif
