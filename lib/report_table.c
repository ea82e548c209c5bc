/* String-keyed tables for the report: open addressing, linear probing, at most max_entries
 * entries (what a hostile file can make us allocate), the last hit remembered because
 * consecutive lines mostly come from the same terminal. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mamori/report.h"

struct slot {
	uint64_t hash;
	struct mamori_rentry *e; /* NULL: empty */
};

struct mamori_rtable {
	struct slot *slots;
	size_t nslots, count, max, val_size;
	uint64_t seed;
	struct mamori_rentry *last;
};

/* Eight bytes a step, seeded per table: user names come from login prompts, and names made
 * to collide under a fixed hash would turn every lookup into a walk through the table. */
static uint64_t
hash(uint64_t seed, const char *k, size_t n)
{
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15u), w;

	for (; n >= 8; k += 8, n -= 8) {
		memcpy(&w, k, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, k, n);
	h ^= w;
	/* MurmurHash3's fmix64: every input bit reaches the low bits the table indexes with */
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdu;
	h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53u;
	return h ^ (h >> 33);
}

int
mamori_rtable_new(size_t val_size, size_t max_entries, struct mamori_rtable **ret)
{
	struct mamori_rtable *t = calloc(1, sizeof(*t));

	if (t == NULL || (t->slots = calloc(16, sizeof(*t->slots))) == NULL) {
		free(t);
		return -ENOMEM;
	}
	t->nslots = 16, t->max = max_entries, t->val_size = val_size;
	/* without randomness the table still works, only predictably */
	if (getrandom(&t->seed, sizeof(t->seed), GRND_NONBLOCK) != sizeof(t->seed))
		t->seed = (uint64_t)(uintptr_t)t;
	*ret = t;
	return 0;
}

void
mamori_rtable_free(struct mamori_rtable **t, void (*free_val)(void *val))
{
	if (t == NULL || *t == NULL)
		return;
	for (size_t i = 0; i < (*t)->nslots; i++) {
		struct mamori_rentry *e = (*t)->slots[i].e;

		if (e == NULL)
			continue;
		if (free_val != NULL)
			free_val(e->val);
		free(e);
	}
	free((*t)->slots);
	free(*t);
	*t = NULL;
}

static int
rehash(struct mamori_rtable *t)
{
	size_t n = t->nslots * 2;
	struct slot *s = calloc(n, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < t->nslots; i++) {
		size_t j;

		if (t->slots[i].e == NULL)
			continue;
		for (j = t->slots[i].hash & (n - 1); s[j].e != NULL; j = (j + 1) & (n - 1))
			;
		s[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

/* One allocation: the entry, its value (aligned), its key. */
static struct mamori_rentry *
entry_new(const struct mamori_rtable *t, const char *key, size_t klen)
{
	size_t vsz = (t->val_size + 15) & ~(size_t)15;
	size_t hdr = (sizeof(struct mamori_rentry) + 15) & ~(size_t)15;
	struct mamori_rentry *e;

	if (klen > SIZE_MAX - hdr - vsz - 1 || (e = calloc(1, hdr + vsz + klen + 1)) == NULL)
		return NULL;
	e->val = (char *)e + hdr;
	e->key = (char *)e + hdr + vsz;
	memcpy(e->key, key, klen);
	e->klen = klen;
	return e;
}

int
mamori_rtable_get(struct mamori_rtable *t, const char *key, size_t klen, void **ret)
{
	const struct mamori_rentry *e;
	int rc = mamori_rtable_entry(t, key, klen, &e);

	if (rc == 0)
		*ret = e->val;
	return rc;
}

int
mamori_rtable_entry(struct mamori_rtable *t, const char *key, size_t klen,
		    const struct mamori_rentry **ret)
{
	uint64_t h;
	size_t i;

	if (t->last != NULL && mamori_rentry_is(t->last, key, klen)) {
		*ret = t->last;
		return 0;
	}
	h = hash(t->seed, key, klen);
	for (i = h & (t->nslots - 1); t->slots[i].e != NULL; i = (i + 1) & (t->nslots - 1)) {
		struct mamori_rentry *e = t->slots[i].e;

		if (t->slots[i].hash == h && mamori_rentry_is(e, key, klen)) {
			t->last = e;
			*ret = e;
			return 0;
		}
	}
	if (t->count >= t->max)
		return -ENOSPC;
	/* a table that could not grow must keep an empty slot, or probing would never end */
	if (t->count + 2 > t->nslots)
		return -ENOMEM;
	if ((t->slots[i].e = entry_new(t, key, klen)) == NULL)
		return -ENOMEM;
	t->slots[i].hash = h;
	t->last = t->slots[i].e;
	t->count++;
	*ret = t->last;
	/* kept at most half full; a failed rehash leaves a fuller but working table */
	if (t->count * 2 > t->nslots)
		(void)rehash(t);
	return 0;
}

size_t
mamori_rtable_count(const struct mamori_rtable *t)
{
	return t->count;
}

struct mamori_rentry *
mamori_rtable_sorted(const struct mamori_rtable *t, int (*cmp)(const void *, const void *),
		     size_t *n)
{
	struct mamori_rentry *a;
	size_t k = 0;

	*n = 0;
	if (t->count == 0)
		return NULL;
	if ((a = calloc(t->count, sizeof(*a))) == NULL) {
		*n = SIZE_MAX;
		return NULL;
	}
	for (size_t i = 0; i < t->nslots; i++)
		if (t->slots[i].e != NULL)
			a[k++] = *t->slots[i].e;
	qsort(a, k, sizeof(*a), cmp);
	*n = k;
	return a;
}
