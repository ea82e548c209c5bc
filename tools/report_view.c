/* Sorting and arranging the summary for printing (report_view.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_view.h"

static int
cmp_key(const void *a, const void *b)
{
	const struct mamori_rentry *x = a, *y = b;
	size_t n = x->klen < y->klen ? x->klen : y->klen;
	int c = memcmp(x->key, y->key, n);

	return c != 0 ? c : (x->klen > y->klen) - (x->klen < y->klen);
}

/* Users: most violations first, then most events, then by name. */
static int
cmp_user(const void *a, const void *b)
{
	const struct mamori_rentry *x = a, *y = b;
	const struct mamori_rcount *cx = x->val, *cy = y->val;

	if (cx->violations != cy->violations)
		return cx->violations < cy->violations ? 1 : -1;
	if (cx->events != cy->events)
		return cx->events < cy->events ? 1 : -1;
	return cmp_key(a, b);
}

static void
display(const char *key, size_t klen, char *out)
{
	struct mamori_rstr s = {key, klen};

	mamori_rstr_display(s, out, VIEW_NAME_MAX);
}

static int
rows(const struct mamori_rtable *t, int (*cmp)(const void *, const void *), bool is_id,
     struct view_row **ret, size_t *n)
{
	struct mamori_rentry *e = mamori_rtable_sorted(t, cmp, n);
	struct view_row *r;

	if (*n == SIZE_MAX || (*n > 0 && (r = calloc(*n, sizeof(*r))) == NULL)) {
		free(e);
		*n = 0;
		return -ENOMEM;
	}
	if (*n == 0)
		r = NULL;
	for (size_t i = 0; i < *n; i++) {
		display(e[i].key, e[i].klen, r[i].name);
		r[i].c = is_id ? &((const struct mamori_rid *)e[i].val)->c : e[i].val;
		r[i].sev = is_id ? ((const struct mamori_rid *)e[i].val)->sev : -1;
	}
	free(e);
	*ret = r;
	return 0;
}

static int
streams(const struct mamori_report *r, struct view *v, struct mamori_rentry **ret)
{
	struct mamori_rentry *e = mamori_rtable_sorted(r->streams, cmp_key, &v->n_streams);

	if (v->n_streams == SIZE_MAX ||
	    (v->n_streams > 0 && (v->streams = calloc(v->n_streams, sizeof(*v->streams))) == NULL)) {
		free(e);
		v->n_streams = 0;
		return -ENOMEM;
	}
	for (size_t i = 0; i < v->n_streams; i++) {
		const struct mamori_rstream *s = e[i].val;
		struct view_stream *vs = &v->streams[i];

		display(e[i].key + s->host_len + 1, e[i].klen - s->host_len - 1, vs->stream);
		vs->seqs = &s->seqs;
		vs->missing = mamori_seqset_missing(&s->seqs);
		if (s->seqs.n > 0)
			vs->first = s->seqs.r[0].lo, vs->last = s->seqs.r[s->seqs.n - 1].hi;
		for (uint32_t k = 0; k < s->seqs.n; k++)
			vs->distinct += s->seqs.r[k].hi - s->seqs.r[k].lo + 1;
		v->gaps += s->seqs.n > 0 ? s->seqs.n - 1 : 0;
		v->missing += vs->missing;
	}
	*ret = e;
	return 0;
}

/* Hosts in key order, each given the run of streams whose key starts with it. */
static int
hosts(const struct mamori_report *r, struct view *v, const struct mamori_rentry *se,
      int64_t now_ms, int64_t silent_after_ms)
{
	struct mamori_rentry *e = mamori_rtable_sorted(r->hosts, cmp_key, &v->n_hosts);
	size_t j = 0;

	if (v->n_hosts == SIZE_MAX ||
	    (v->n_hosts > 0 && (v->hosts = calloc(v->n_hosts, sizeof(*v->hosts))) == NULL)) {
		free(e);
		v->n_hosts = 0;
		return -ENOMEM;
	}
	for (size_t i = 0; i < v->n_hosts; i++) {
		struct view_host *h = &v->hosts[i];

		display(e[i].key, e[i].klen, h->host);
		h->h = e[i].val;
		h->streams = v->streams + j;
		while (j < v->n_streams && se[j].klen > e[i].klen &&
		       memcmp(se[j].key, e[i].key, e[i].klen) == 0 && se[j].key[e[i].klen] == '\0') {
			h->missing += v->streams[j].missing;
			h->n_streams++, j++;
		}
		h->silent_ms = now_ms - h->h->last_ms;
		h->silent = h->h->seen && h->silent_ms > silent_after_ms;
		v->n_silent += h->silent;
	}
	free(e);
	return 0;
}

int
view_build(const struct mamori_report *r, int64_t now_ms, int64_t silent_after_ms,
	   struct view *v)
{
	struct mamori_rentry *se = NULL;
	int rc;

	memset(v, 0, sizeof(*v));
	if ((rc = streams(r, v, &se)) < 0 ||
	    (rc = hosts(r, v, se, now_ms, silent_after_ms)) < 0 ||
	    (rc = rows(r->users, cmp_user, false, &v->users, &v->n_users)) < 0 ||
	    (rc = rows(r->ids, cmp_key, true, &v->ids, &v->n_ids)) < 0 ||
	    (rc = rows(r->days, cmp_key, false, &v->days, &v->n_days)) < 0) {
		free(se);
		view_free(v);
		return rc;
	}
	free(se);
	return 0;
}

void
view_free(struct view *v)
{
	free(v->hosts);
	free(v->streams);
	free(v->users);
	free(v->ids);
	free(v->days);
	memset(v, 0, sizeof(*v));
}
