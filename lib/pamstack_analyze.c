/* Does every successful way through an auth stack pass one module? A depth-first search over
 * libpam's dispatch states (entry, impression, status, the states saved on entering each
 * substack) where every module may return any PAM code. The stack only moves forward, so the
 * search ends; states already found harmless are remembered so that it stays linear in
 * practice. A harmful path found is kept as the witness and explained by its first step that
 * avoids the module. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pamstack_internal.h"

#define MAX_STATES (1u << 18)
#define KEY_SIZE (8 + MAMORI_PAMSTACK_MAX_DEPTH)

struct state {
	size_t i;
	unsigned prev; /* level of the entry run before */
	struct pamdispatch d;
	bool verified; /* the module returned PAM_SUCCESS on this path */
	bool exempt;   /* pam_rootok.so succeeded: the caller is root already */
	struct pamdispatch saved[MAMORI_PAMSTACK_MAX_DEPTH + 1];
};

struct step {
	size_t i, next;
	int r;
};

struct search {
	const struct mamori_pamstack *st;
	const char *module;
	uint8_t *seen; /* open addressing: KEY_SIZE bytes a slot, first byte 0 when empty */
	size_t cap, used;
	struct step *path; /* the witness, last step first */
	size_t path_len;
};

static bool
is_module(const struct mamori_pam_entry *e, const char *name)
{
	return !e->must_fail && !e->substack && strcmp(mamori_pam_module_name(e), name) == 0;
}

/* True when the entry's arguments hold the word arg (the text after the module path). */
static bool
has_arg(const struct mamori_pam_entry *e, const char *arg)
{
	const char *at = e->module != NULL ? strstr(e->text, e->module) : NULL;
	size_t n = strlen(arg);

	for (at = at != NULL ? at + strlen(e->module) : NULL; at != NULL && *at != '\0';) {
		at += strspn(at, " \t");
		if (strncmp(at, arg, n) == 0 && (at[n] == '\0' || at[n] == ' ' || at[n] == '\t'))
			return true;
		at += strcspn(at, " \t");
	}
	return false;
}

/* A line of the checked module that judges the code. pam_mamori.so single_prompt only asks
 * for password and code before the password module and returns PAM_IGNORE (pam_split.h):
 * it verifies nothing, so it counts as any other module. */
static bool
judges(const struct search *S, const struct mamori_pam_entry *e)
{
	return is_module(e, S->module) && !has_arg(e, "single_prompt");
}

/* The state as bytes; saved states deeper than the next entry are stale and left out. */
static void
make_key(const struct search *S, const struct state *s, uint8_t *key)
{
	unsigned level = s->i < S->st->n ? S->st->entries[s->i].level : 0;

	memset(key, 0, KEY_SIZE);
	key[0] = 1; /* a used slot */
	key[1] = (uint8_t)(s->i & 0xff);
	key[2] = (uint8_t)(s->i >> 8);
	key[3] = (uint8_t)s->prev;
	key[4] = (uint8_t)(s->d.imp * 2 + s->d.ok);
	key[5] = (uint8_t)(s->verified | s->exempt << 1);
	for (unsigned l = 1; l <= level && l < MAMORI_PAMSTACK_MAX_DEPTH; l++)
		key[7 + l] = (uint8_t)(1 + s->saved[l].imp * 2 + s->saved[l].ok);
}

static size_t
slot_of(const uint8_t *key, size_t cap)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (size_t k = 0; k < KEY_SIZE; k++)
		h = (h ^ key[k]) * 1099511628211u;
	return (size_t)h & (cap - 1);
}

/* Find key; insert it when insert. 1 when it was there, 0, or a negative error. */
static int
seen_lookup(struct search *S, const uint8_t *key, bool insert)
{
	size_t k;

	if (insert && (S->used + 1) * 2 > S->cap) {
		size_t cap = S->cap ? S->cap * 2 : 1024;
		uint8_t *t;
		if (S->used >= MAX_STATES)
			return -E2BIG;
		if ((t = calloc(cap, KEY_SIZE)) == NULL)
			return -ENOMEM;
		for (size_t o = 0; o < S->cap; o++) {
			const uint8_t *old = S->seen + o * KEY_SIZE;
			if (old[0] == 0)
				continue;
			for (k = slot_of(old, cap); t[k * KEY_SIZE] != 0; k = (k + 1) & (cap - 1))
				;
			memcpy(t + k * KEY_SIZE, old, KEY_SIZE);
		}
		free(S->seen);
		S->seen = t;
		S->cap = cap;
	}
	if (S->cap == 0)
		return 0;
	for (k = slot_of(key, S->cap); S->seen[k * KEY_SIZE] != 0; k = (k + 1) & (S->cap - 1)) {
		if (memcmp(S->seen + k * KEY_SIZE, key, KEY_SIZE) == 0)
			return 1;
	}
	if (insert) {
		memcpy(S->seen + k * KEY_SIZE, key, KEY_SIZE);
		S->used++;
	}
	return 0;
}

/* One representative of every distinct outcome of entry e: what a module may return
 * matters only through its action and whether it is PAM_SUCCESS. */
static size_t
outcomes(const struct search *S, const struct mamori_pam_entry *e, int *out)
{
	bool target = judges(S, e);
	size_t n = 0;

	if (e->must_fail) {
		out[0] = PAMCONF_PERM_DENIED;
		return 1;
	}
	if (is_module(e, "pam_permit.so")) {
		out[0] = PAMCONF_SUCCESS;
		return 1;
	}
	if (is_module(e, "pam_deny.so")) {
		out[0] = PAMCONF_AUTH_ERR;
		return 1;
	}
	for (int r = 0; r < PAMCONF_INCOMPLETE; r++) {
		bool dup = false;
		if (target && r == PAMCONF_IGNORE)
			continue;
		for (size_t k = 0; k < n && !dup; k++)
			dup = e->actions[out[k]] == e->actions[r] && (out[k] == 0) == (r == 0);
		if (!dup)
			out[n++] = r;
	}
	return n;
}

static int explore(struct search *S, struct state *s);

/* Run entry s->i with result r and explore on. */
static int
try_outcome(struct search *S, const struct state *s, int r)
{
	const struct mamori_pam_entry *e = &S->st->entries[s->i];
	struct state t = *s;
	int found;

	t.i = pamdispatch_step(S->st, s->i, r, &t.d, &s->saved[e->level]);
	t.prev = e->level;
	t.verified = s->verified || (r == PAMCONF_SUCCESS && judges(S, e));
	t.exempt = s->exempt || (r == PAMCONF_SUCCESS && is_module(e, "pam_rootok.so"));
	if ((found = explore(S, &t)) == 1)
		S->path[S->path_len++] = (struct step){s->i, t.i, r};
	return found;
}

/* 1 when a successful path without the module starts at *s (the witness is recorded), 0 when
 * none does, or a negative error. */
static int
explore(struct search *S, struct state *s)
{
	const struct mamori_pam_entry *e;
	uint8_t key[KEY_SIZE];
	int out[MAMORI_PAM_RETURNS], r = 0;
	size_t n;

	if (s->i >= S->st->n)
		return s->d.imp == PAMDISPATCH_POSITIVE && s->d.ok && !s->verified && !s->exempt;
	make_key(S, s, key);
	if ((r = seen_lookup(S, key, false)) != 0)
		return r < 0 ? r : 0;
	e = &S->st->entries[s->i];
	if (e->level > s->prev)
		s->saved[e->level] = s->d;
	if (e->substack) {
		struct state t = *s;
		t.i++;
		t.prev = e->level;
		r = explore(S, &t);
	} else {
		n = outcomes(S, e, out);
		for (size_t k = 0; k < n && r == 0; k++)
			r = try_outcome(S, s, out[k]);
	}
	if (r != 0)
		return r;
	r = seen_lookup(S, key, true);
	return r < 0 ? r : 0;
}

/* Is a module entry inside (from, to)? */
static bool
module_between(const struct search *S, size_t from, size_t to)
{
	for (size_t j = from + 1; j < to && j < S->st->n; j++) {
		if (judges(S, &S->st->entries[j]))
			return true;
	}
	return false;
}

/* The first step of the witness (in path order) that avoids the module. */
static void
explain(const struct search *S, struct mamori_pamstack_verdict *v)
{
	for (size_t k = S->path_len; k-- > 0;) {
		const struct step *p = &S->path[k];
		const struct mamori_pam_entry *e = &S->st->entries[p->i];
		int action = e->actions[p->r];

		if (judges(S, e) && p->r != PAMCONF_SUCCESS) {
			v->reason = MAMORI_PAMSTACK_TOLERATED;
			v->culprit = e;
			/* a failure that counted was forgotten later by "reset" */
			for (size_t j = k; action != MAMORI_PAM_IGNORE && action <= 0 && j-- > 0;) {
				const struct mamori_pam_entry *later = &S->st->entries[S->path[j].i];
				if (later->actions[S->path[j].r] == MAMORI_PAM_RESET) {
					v->reason = MAMORI_PAMSTACK_RESET;
					v->culprit = later;
					break;
				}
			}
			return;
		}
		if (module_between(S, p->i, p->next)) {
			v->reason = action > 0 ? MAMORI_PAMSTACK_JUMP_OVER : MAMORI_PAMSTACK_DONE_BEFORE;
			v->culprit = e;
			return;
		}
	}
	v->reason = MAMORI_PAMSTACK_NOT_REACHED;
	v->culprit = NULL;
}

static void
write_witness(const struct search *S, int *witness)
{
	for (size_t i = 0; i < S->st->n; i++)
		witness[i] = PAMCONF_AUTH_ERR;
	for (size_t k = 0; k < S->path_len; k++)
		witness[S->path[k].i] = S->path[k].r;
}

int
mamori_pamstack_analyze(const struct mamori_pamstack *st, const char *module,
			struct mamori_pamstack_verdict *ret, int *witness)
{
	struct search S = {.st = st, .module = module};
	struct mamori_pamstack_verdict v = {MAMORI_PAMSTACK_ENFORCED, MAMORI_PAMSTACK_NONE, NULL};
	struct state s;
	bool present = false;
	int r;

	memset(&s, 0, sizeof(s));
	if ((S.path = calloc(st->n + 1, sizeof(*S.path))) == NULL)
		return -ENOMEM;
	if ((r = explore(&S, &s)) == 1) {
		for (size_t i = 0; i < st->n && !present; i++)
			present = is_module(&st->entries[i], module);
		v.kind = present ? MAMORI_PAMSTACK_BYPASS : MAMORI_PAMSTACK_ABSENT;
		if (present)
			explain(&S, &v);
		if (witness != NULL)
			write_witness(&S, witness);
		r = 0;
	}
	free(S.path);
	free(S.seen);
	if (r == 0)
		*ret = v;
	return r;
}
