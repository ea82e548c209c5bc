/* The sequence numbers seen in one stream, as sorted disjoint ranges [lo, hi]. A gap between
 * two ranges is a run of events that never arrived (doc/events.md, "Sequence numbers").
 * Memory is bounded by MAMORI_SEQSET_MAX ranges, whatever the number of lines. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/report.h"

/* Index of the first range whose hi >= seq - 1 (the one seq could join or fall into). */
static uint32_t
find(const struct mamori_seqset *s, uint64_t seq)
{
	uint32_t lo = 0, hi = s->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s->r[mid].hi < seq - 1)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int
grow(struct mamori_seqset *s)
{
	uint32_t cap = s->cap ? s->cap * 2 : 4;
	struct mamori_seqrange *r;

	if (cap > MAMORI_SEQSET_MAX + 1)
		cap = MAMORI_SEQSET_MAX + 1;
	if ((r = reallocarray(s->r, cap, sizeof(*r))) == NULL)
		return -ENOMEM;
	s->r = r;
	s->cap = cap;
	return 0;
}

/* Over the limit: join the two ranges with the smallest gap between them. */
static void
fold(struct mamori_seqset *s)
{
	uint32_t best = 0;
	uint64_t gap = UINT64_MAX;

	for (uint32_t i = 0; i + 1 < s->n; i++) {
		if (s->r[i + 1].lo - s->r[i].hi - 1 < gap) {
			gap = s->r[i + 1].lo - s->r[i].hi - 1;
			best = i;
		}
	}
	s->folded_ranges++;
	s->folded_seqs += gap;
	s->r[best].hi = s->r[best + 1].hi;
	memmove(&s->r[best + 1], &s->r[best + 2], (s->n - best - 2) * sizeof(*s->r));
	s->n--;
	s->hint = best;
}

/* seq joins range i (which ends at seq - 1 or starts at seq + 1) or a new one at i. */
static int
insert(struct mamori_seqset *s, uint32_t i, uint64_t seq)
{
	if (i < s->n && s->r[i].hi == seq - 1) {
		s->r[i].hi = seq;
		if (i + 1 < s->n && s->r[i + 1].lo == seq + 1) {
			s->r[i].hi = s->r[i + 1].hi;
			memmove(&s->r[i + 1], &s->r[i + 2], (s->n - i - 2) * sizeof(*s->r));
			s->n--;
		}
	} else if (i < s->n && s->r[i].lo == seq + 1) {
		s->r[i].lo = seq;
	} else {
		if (s->n == s->cap && grow(s) < 0)
			return -ENOMEM;
		memmove(&s->r[i + 1], &s->r[i], (s->n - i) * sizeof(*s->r));
		s->r[i].lo = s->r[i].hi = seq;
		s->n++;
		if (s->n > MAMORI_SEQSET_MAX) {
			fold(s);
			return 1;
		}
	}
	s->hint = i;
	return 1;
}

int
mamori_seqset_add(struct mamori_seqset *s, uint64_t seq)
{
	uint32_t i = s->hint;

	if (seq == 0)
		return -EINVAL;
	/* the common case: the next number of the run the last one extended */
	if (i < s->n && s->r[i].hi == seq - 1 && (i + 1 == s->n || s->r[i + 1].lo > seq + 1)) {
		s->r[i].hi = seq;
		return 1;
	}
	i = find(s, seq);
	if (i < s->n && s->r[i].lo <= seq && seq <= s->r[i].hi)
		return 0;
	return insert(s, i, seq);
}

uint64_t
mamori_seqset_missing(const struct mamori_seqset *s)
{
	uint64_t m = 0;

	for (uint32_t i = 0; i + 1 < s->n; i++)
		m += s->r[i + 1].lo - s->r[i].hi - 1;
	return m;
}

void
mamori_seqset_clear(struct mamori_seqset *s)
{
	free(s->r);
	memset(s, 0, sizeof(*s));
}
