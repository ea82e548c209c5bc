/* mamori_report: number the event, append it to the durable log, copy it to syslog — or,
 * while /var is not writable, spool it — and report every failure of its own. */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mamori/buf.h"
#include "mamori/config.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/event_log.h"
#include "mamori/event_seq.h"
#include "mamori/log.h"
#include "mamori/syslog_sink.h"

#define DEFAULT_EVENT_LOG "/var/log/mamori/events.log"
#define DEFAULT_STATE_DIR "/var/lib/mamori"
#define DEFAULT_SPOOL_DIR "/run/mamori"

struct mamori_reporter {
	char *event_log;
	char *seq_path;
	char *spool_dir;
	struct mamori_sink sink;
	struct mamori_syslog_sink *own_sink;
	int (*clock)(struct timespec *now);
	gid_t log_group;
	bool spool_announced; /* MAMORI-REPORT-403 is said once, not for every spooled event */
	char host[HOST_NAME_MAX + 1];
};

/* One event on its way through. */
struct ev {
	enum mamori_event_id id;
	struct timespec time;
	const char *msg;
	const struct mamori_field *fields;
	size_t n_fields;
};

static int
real_clock(struct timespec *now)
{
	return clock_gettime(CLOCK_REALTIME, now) < 0 ? -errno : 0;
}

static int
set_paths(struct mamori_reporter *r, const struct mamori_reporter_opts *o)
{
	const char *state = o->state_dir ? o->state_dir : DEFAULT_STATE_DIR;

	r->event_log = strdup(o->event_log ? o->event_log : DEFAULT_EVENT_LOG);
	r->spool_dir = strdup(o->spool_dir ? o->spool_dir : DEFAULT_SPOOL_DIR);
	if (asprintf(&r->seq_path, "%s/seq", state) < 0)
		r->seq_path = NULL;
	return r->event_log && r->spool_dir && r->seq_path ? 0 : -ENOMEM;
}

gid_t
mamori_adm_group(void)
{
	struct group gr, *grp = NULL;
	char buf[4096];

	return getgrnam_r("adm", &gr, buf, sizeof(buf), &grp) == 0 && grp ? grp->gr_gid : 0;
}

struct mamori_reporter_opts
mamori_reporter_opts_from(const struct mamori_config *cfg, const char *ident)
{
	const struct mamori_report_config *rc = cfg ? &cfg->report : NULL;

	return (struct mamori_reporter_opts){
		.ident = ident,
		.event_log = rc ? rc->event_log : NULL,
		.state_dir = rc ? rc->state_dir : NULL,
		.spool_dir = rc ? rc->spool_dir : NULL,
		.syslog_socket = rc ? rc->syslog_socket : NULL,
		.log_group = MAMORI_LOG_GROUP_ADM,
	};
}

int
mamori_reporter_new(const struct mamori_reporter_opts *opts, struct mamori_reporter **ret)
{
	static const struct mamori_reporter_opts none;
	const struct mamori_reporter_opts *o = opts ? opts : &none;
	struct mamori_reporter *r;
	int rc;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	if ((rc = set_paths(r, o)) < 0)
		goto fail;
	if (o->sink != NULL)
		r->sink = *o->sink;
	else if ((rc = mamori_syslog_sink_new(o->syslog_socket,
					      o->ident ? o->ident : program_invocation_short_name,
					      &r->own_sink)) < 0)
		goto fail;
	else
		r->sink = (struct mamori_sink){mamori_syslog_sink_write, r->own_sink};
	r->clock = o->clock ? o->clock : real_clock;
	r->log_group = o->log_group;
	if (gethostname(r->host, sizeof(r->host) - 1) < 0)
		(void)mamori_snprintf(r->host, sizeof(r->host), "localhost");
	*ret = r;
	return 0;
fail:
	mamori_reporter_free(&r);
	return rc;
}

void
mamori_reporter_free(struct mamori_reporter **r)
{
	if (r == NULL || *r == NULL)
		return;
	free((*r)->event_log);
	free((*r)->seq_path);
	free((*r)->spool_dir);
	mamori_syslog_sink_free(&(*r)->own_sink);
	free(*r);
	*r = NULL;
}

static void
to_sink(struct mamori_reporter *r, enum mamori_event_id id, const char *line)
{
	int rc = r->sink.write(r->sink.ctx, mamori_event_severity(id), line);

	/* the caller's event is safe or reported elsewhere; a lost syslog copy is not news */
	if (rc < 0)
		mamori_debug("syslog copy not sent: %s", mamori_strerror(rc));
}

/* Send an event to syslog only, without a number: the durable path failed. */
static void
sink_only(struct mamori_reporter *r, const struct ev *ev)
{
	struct mamori_event_head head = {ev->id, ev->time, r->host, NULL, 0};
	char line[MAMORI_EVENT_LINE_MAX];
	size_t len;

	if (mamori_event_format(line, sizeof(line), &head, ev->fields, ev->n_fields, ev->msg,
				&len) == 0)
		to_sink(r, ev->id, line);
}

/* MAMORI-REPORT-401/402/403 through syslog: what failed, why, on which file. */
static void
report_failure(struct mamori_reporter *r, enum mamori_event_id id, int why, const char *path,
	       const struct ev *cause)
{
	static const char *const text[] = {
		[MAMORI_EV_REPORT_LOG_FAILED] = "cannot write the durable event log",
		[MAMORI_EV_REPORT_SEQ_FAILED] = "sequence store unusable; events are not numbered",
		[MAMORI_EV_REPORT_SPOOLED] = "durable event log not writable yet; events spooled",
	};
	const struct mamori_field f[] = {
		MAMORI_STR("reason", mamori_strerror(why)),
		MAMORI_STR("path", path),
		MAMORI_STR("event", mamori_event_ident(cause->id)),
	};
	struct ev ev = {id, cause->time, text[id], f, sizeof(f) / sizeof(f[0])};

	sink_only(r, &ev);
}

/* Number the event and append it; the lock is held. A failed append gives its number back. */
static int
append_numbered(struct mamori_reporter *r, struct mamori_seq *seq, int logfd,
		const struct ev *ev)
{
	struct mamori_event_head head = {ev->id, ev->time, r->host, seq->stream, 0};
	char line[MAMORI_EVENT_LINE_MAX];
	size_t len;
	int rc;

	if ((rc = mamori_seq_next(seq, &head.seq)) < 0) {
		report_failure(r, MAMORI_EV_REPORT_SEQ_FAILED, rc, r->seq_path, ev);
		sink_only(r, ev);
		return rc;
	}
	rc = mamori_event_format(line, sizeof(line), &head, ev->fields, ev->n_fields, ev->msg,
				 &len);
	if (rc == 0)
		rc = mamori_evlog_append(logfd, line, len);
	if (rc < 0) {
		(void)mamori_seq_unnext(seq);
		report_failure(r, MAMORI_EV_REPORT_LOG_FAILED, rc, r->event_log, ev);
		sink_only(r, ev);
		return rc;
	}
	to_sink(r, ev->id, line);
	return 0;
}

struct drain {
	struct mamori_seq *seq;
	int logfd;
};

/* A spooled line gets its number now; its syslog copy went out when it was spooled. */
static int
move_spooled(void *ctx, const char *line)
{
	struct drain *d = ctx;
	char out[MAMORI_EVENT_LINE_MAX];
	uint64_t n;
	size_t len;
	int rc;

	if ((rc = mamori_seq_next(d->seq, &n)) < 0)
		return rc;
	rc = mamori_event_number(line, d->seq->stream, n, out, sizeof(out), &len);
	if (rc == 0)
		rc = mamori_evlog_append(d->logfd, out, len);
	if (rc < 0)
		(void)mamori_seq_unnext(d->seq);
	return rc;
}

static void
drain_spool(struct mamori_reporter *r, struct mamori_seq *seq, int logfd, const struct ev *cause)
{
	struct drain d = {seq, logfd};
	size_t moved = 0, dropped = 0;
	int rc = mamori_spool_drain(r->spool_dir, move_spooled, &d, &moved, &dropped);
	const struct mamori_field f[] = {MAMORI_INT("moved", moved),
					 MAMORI_INT("dropped", dropped)};
	struct ev ev = {MAMORI_EV_REPORT_SPOOL_DRAINED, cause->time,
			"spooled events moved into the durable event log", f, 2};

	if (rc < 0)
		report_failure(r, MAMORI_EV_REPORT_LOG_FAILED, rc, r->spool_dir, cause);
	if (moved + dropped == 0)
		return;
	r->spool_announced = false;
	(void)append_numbered(r, seq, logfd, &ev);
}

/* Early boot: keep the event in the spool, unnumbered, and tell syslog it was spooled. */
static int
spool(struct mamori_reporter *r, const struct ev *ev, int why)
{
	struct mamori_event_head head = {ev->id, ev->time, r->host, NULL, 0};
	char line[MAMORI_EVENT_LINE_MAX - MAMORI_EVENT_NUMBER_ROOM];
	struct mamori_field *f;
	size_t len;
	int rc;

	if (ev->n_fields >= SIZE_MAX / sizeof(*f) - 1 ||
	    (f = malloc((ev->n_fields + 1) * sizeof(*f))) == NULL)
		return -ENOMEM;
	f[0] = MAMORI_INT("spooled", 1);
	if (ev->n_fields > 0)
		memcpy(f + 1, ev->fields, ev->n_fields * sizeof(*f));
	rc = mamori_event_format(line, sizeof(line), &head, f, ev->n_fields + 1, ev->msg, &len);
	free(f);
	if (rc == 0 && (rc = mamori_spool_append(r->spool_dir, line, len)) == 0 &&
	    !r->spool_announced) {
		report_failure(r, MAMORI_EV_REPORT_SPOOLED, why, r->event_log, ev);
		r->spool_announced = true;
	}
	if (rc < 0) {
		report_failure(r, MAMORI_EV_REPORT_LOG_FAILED, rc, r->spool_dir, ev);
		sink_only(r, ev);
		return rc;
	}
	to_sink(r, ev->id, line);
	return why;
}

/* The durable path failed before a number was taken: spool, or report and send to syslog. */
static int
not_durable(struct mamori_reporter *r, const struct ev *ev, int why, enum mamori_event_id fail,
	    const char *path)
{
	if (mamori_evlog_not_ready(why))
		return spool(r, ev, why);
	report_failure(r, fail, why, path, ev);
	sink_only(r, ev);
	return why;
}

int
mamori_report(struct mamori_reporter *r, enum mamori_event_id id, const char *msg,
	      const struct mamori_field *fields, size_t n_fields)
{
	struct ev ev = {id, {0, 0}, msg, fields, n_fields};
	struct mamori_seq seq;
	int logfd, rc;

	if (r == NULL || mamori_event_ident(id) == NULL || (n_fields > 0 && fields == NULL))
		return -EINVAL;
	if ((rc = r->clock(&ev.time)) < 0)
		return rc;
	if ((rc = mamori_seq_open_locked(r->seq_path, &seq)) < 0)
		return not_durable(r, &ev, rc, MAMORI_EV_REPORT_SEQ_FAILED, r->seq_path);
	/* Open the log before taking a number: a log that cannot be opened costs no number. */
	if ((logfd = mamori_evlog_open(r->event_log, r->log_group)) < 0) {
		mamori_seq_close(&seq);
		return not_durable(r, &ev, logfd, MAMORI_EV_REPORT_LOG_FAILED, r->event_log);
	}
	/* after a crash the store may be behind the log, or ahead of it by a number with no line */
	if ((rc = mamori_seq_settle(&seq, logfd, r->event_log)) < 0) {
		close(logfd);
		mamori_seq_close(&seq);
		return not_durable(r, &ev, rc, MAMORI_EV_REPORT_LOG_FAILED, r->event_log);
	}
	drain_spool(r, &seq, logfd, &ev);
	rc = append_numbered(r, &seq, logfd, &ev);
	close(logfd);
	mamori_seq_close(&seq);
	return rc;
}
