/* The summary behind mamorictl report: each line is parsed, filtered by terminal, checked
 * against its stream's numbers (a duplicate is dropped before anything counts it), and
 * counted per terminal, user, event identifier and day of the event's own time.
 *
 * Sequence numbers and each terminal's last event are taken from every line, whatever
 * --since and --until say: a lost event has no time, so a window must not make the numbers
 * around it look missing, and a terminal silent for a week is silent whether or not the window
 * covers its last word. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/report.h"

/* A user name longer than this is cut in the table (the line itself is not limited). */
#define USER_KEY_MAX 128

static void
free_stream(void *val)
{
	mamori_seqset_clear(&((struct mamori_rstream *)val)->seqs);
}

int
mamori_report_new(const struct mamori_report_opts *opts, struct mamori_report **ret)
{
	struct mamori_report *r = calloc(1, sizeof(*r));
	int rc;

	if (r == NULL)
		return -ENOMEM;
	r->opts = *opts;
	if ((rc = mamori_rtable_new(sizeof(struct mamori_rhost), MAMORI_REPORT_MAX_HOSTS,
				    &r->hosts)) < 0 ||
	    (rc = mamori_rtable_new(sizeof(struct mamori_rstream), MAMORI_REPORT_MAX_STREAMS,
				    &r->streams)) < 0 ||
	    (rc = mamori_rtable_new(sizeof(struct mamori_rcount), MAMORI_REPORT_MAX_USERS,
				    &r->users)) < 0 ||
	    (rc = mamori_rtable_new(sizeof(struct mamori_rid), MAMORI_REPORT_MAX_IDS, &r->ids)) <
		    0 ||
	    (rc = mamori_rtable_new(sizeof(struct mamori_rcount), MAMORI_REPORT_MAX_DAYS,
				    &r->days)) < 0) {
		mamori_report_free(&r);
		return rc;
	}
	*ret = r;
	return 0;
}

void
mamori_report_free(struct mamori_report **r)
{
	if (r == NULL || *r == NULL)
		return;
	mamori_rtable_free(&(*r)->hosts, NULL);
	mamori_rtable_free(&(*r)->streams, free_stream);
	mamori_rtable_free(&(*r)->users, NULL);
	mamori_rtable_free(&(*r)->ids, NULL);
	mamori_rtable_free(&(*r)->days, NULL);
	free(*r);
	*r = NULL;
}

static bool
host_wanted(const struct mamori_report *r, struct mamori_rstr host)
{
	char shown[512];

	if (r->opts.host == NULL)
		return true;
	mamori_rstr_display(host, shown, sizeof(shown));
	return strcmp(shown, r->opts.host) == 0;
}

/* 1: first time this (host, stream, seq) is seen, 0: a duplicate, <0: error. */
static int
first_sight(struct mamori_report *r, struct mamori_rhost *h, const struct mamori_revent *ev)
{
	char key[MAMORI_RLINE_HOST_MAX + 1 + MAMORI_RLINE_STREAM_MAX];
	struct mamori_rstream *s = h->stream;
	void *v;
	int rc;

	/* a terminal mostly writes one stream: skip the table while it does */
	if (s != NULL && s->stream_len == ev->stream.len &&
	    memcmp(s->stream, ev->stream.p, ev->stream.len) == 0)
		return mamori_seqset_add(&s->seqs, ev->seq);
	memcpy(key, ev->host.p, ev->host.len);
	key[ev->host.len] = '\0';
	memcpy(key + ev->host.len + 1, ev->stream.p, ev->stream.len);
	rc = mamori_rtable_get(r->streams, key, ev->host.len + 1 + ev->stream.len, &v);
	if (rc < 0)
		return rc;
	s = v;
	s->host_len = ev->host.len;
	s->stream_len = ev->stream.len;
	memcpy(s->stream, ev->stream.p, ev->stream.len);
	h->stream = s;
	return mamori_seqset_add(&s->seqs, ev->seq);
}

static void
note_last(const struct mamori_report *r, struct mamori_rhost *h, const struct mamori_revent *ev)
{
	size_t n;

	if ((r->opts.has_until && ev->time_ms >= r->opts.until_ms) ||
	    (h->seen && ev->time_ms < h->last_ms))
		return;
	h->seen = true;
	h->last_ms = ev->time_ms;
	n = ev->time.len < sizeof(h->last_time) - 1 ? ev->time.len : sizeof(h->last_time) - 1;
	memcpy(h->last_time, ev->time.p, n);
	h->last_time[n] = '\0';
	n = ev->id.len < sizeof(h->last_id) - 1 ? ev->id.len : sizeof(h->last_id) - 1;
	memcpy(h->last_id, ev->id.p, n);
	h->last_id[n] = '\0';
}

static void
tally(struct mamori_rcount *c, bool violation)
{
	c->events++;
	c->violations += violation;
}

/* A full table costs the event its row there (counted in unfiled), never its count. */
static int
row(struct mamori_rtable *t, const char *key, size_t len, void **ret)
{
	int rc = mamori_rtable_get(t, key, len, ret);

	if (rc == -ENOSPC)
		*ret = NULL;
	return rc == -ENOSPC ? 0 : rc;
}

/* The user's row; a terminal's events mostly name the person at it, so its last one is kept. */
static int
user_row(struct mamori_report *r, struct mamori_rhost *h, const struct mamori_revent *ev,
	 void **ret)
{
	size_t len = ev->user.len < USER_KEY_MAX ? ev->user.len : USER_KEY_MAX;
	const struct mamori_rentry *e;
	int rc;

	*ret = NULL;
	if (h->user != NULL && mamori_rentry_is(h->user, ev->user.p, len)) {
		*ret = h->user->val;
		return 0;
	}
	if ((rc = mamori_rtable_entry(r->users, ev->user.p, len, &e)) < 0)
		return rc == -ENOSPC ? 0 : rc;
	h->user = e;
	*ret = e->val;
	return 0;
}

/* Per terminal, identifier, user and day; all rows are found before anything is counted, so a
 * failure leaves the counts as they were. */
static int
count_event(struct mamori_report *r, struct mamori_rhost *h, const struct mamori_revent *ev)
{
	bool v = ev->sev <= MAMORI_REPORT_VIOLATION_SEV;
	void *id, *user = NULL, *day;
	int rc;

	if ((rc = row(r->ids, ev->id.p, ev->id.len, &id)) < 0 ||
	    (ev->user.len > 0 && (rc = user_row(r, h, ev, &user)) < 0) ||
	    /* the day as the terminal wrote it: YYYY-MM-DD of its own local time */
	    (rc = row(r->days, ev->time.p, 10, &day)) < 0)
		return rc;
	r->t.events++;
	tally(&h->c, v);
	if (id != NULL) {
		((struct mamori_rid *)id)->sev = ev->sev;
		tally(&((struct mamori_rid *)id)->c, v);
	}
	if (user != NULL)
		tally(user, v);
	if (day != NULL)
		tally(day, v);
	if (id == NULL || day == NULL || (ev->user.len > 0 && user == NULL))
		r->t.unfiled++;
	return 0;
}

static int
take_event(struct mamori_report *r, const struct mamori_revent *ev)
{
	struct mamori_rhost *h;
	void *p;
	int rc;

	if (!host_wanted(r, ev->host)) {
		r->t.filtered_host++;
		return 0;
	}
	if ((rc = mamori_rtable_get(r->hosts, ev->host.p, ev->host.len, &p)) < 0)
		return rc;
	h = p;
	if (ev->seq != 0) {
		if ((rc = first_sight(r, h, ev)) < 0)
			return rc;
		if (rc == 0) {
			h->duplicates++;
			r->t.duplicates++;
			return 0;
		}
	} else {
		h->unnumbered++;
	}
	note_last(r, h, ev);
	if ((r->opts.has_since && ev->time_ms < r->opts.since_ms) ||
	    (r->opts.has_until && ev->time_ms >= r->opts.until_ms)) {
		r->t.outside_time++;
		return 0;
	}
	return count_event(r, h, ev);
}

int
mamori_report_line(struct mamori_report *r, const char *line, size_t len)
{
	struct mamori_revent ev;
	int rc = 0;

	switch (mamori_rline_parse(line, len, &ev)) {
	case MAMORI_RLINE_OTHER:
		r->t.other++;
		break;
	case MAMORI_RLINE_MALFORMED:
		r->t.malformed++;
		break;
	case MAMORI_RLINE_EVENT:
		rc = take_event(r, &ev);
		if (rc == -ENOSPC) {
			r->t.over_limit++;
			rc = 0;
		}
		break;
	}
	if (rc == 0)
		r->t.lines++;
	return rc;
}
