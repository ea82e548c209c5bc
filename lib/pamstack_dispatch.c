/* libpam's rules for walking a stack (libpam/pam_dispatch.c, _pam_dispatch_aux), shared by
 * the analysis and the simulation so that both follow one reading of them. */
#include <string.h>

#include "pamstack_internal.h"

/* "done" and "die": skip the rest of the current (sub)stack. */
static size_t
end_of_level(const struct mamori_pamstack *st, size_t i)
{
	unsigned level = st->entries[i].level;

	while (i + 1 < st->n && st->entries[i + 1].level >= level)
		i++;
	return i + 1;
}

/* Skip n modules at this entry's level, a substack counting as one; *bad when the (sub)stack
 * ends first ("bad jump in stack"). */
static size_t
jump(const struct mamori_pamstack *st, size_t i, int n, bool *bad)
{
	unsigned level = st->entries[i].level;

	while (i + 1 < st->n && st->entries[i + 1].level >= level && n > 0) {
		do {
			i++;
		} while (i + 1 < st->n && st->entries[i + 1].level > level);
		n--;
	}
	*bad = n > 0;
	return i + 1;
}

size_t
pamdispatch_step(const struct mamori_pamstack *st, size_t i, int r, struct pamdispatch *d,
		 const struct pamdispatch *saved)
{
	bool success = r == PAMCONF_SUCCESS, bad = false;
	int action = r >= 0 && r < MAMORI_PAM_RETURNS ? st->entries[i].actions[r] : MAMORI_PAM_BAD;
	size_t next;

	switch (action) {
	case MAMORI_PAM_RESET:
		*d = *saved;
		return i + 1;
	case MAMORI_PAM_OK:
	case MAMORI_PAM_DONE:
		if (d->imp == PAMDISPATCH_UNDEF || (d->imp == PAMDISPATCH_POSITIVE && d->ok)) {
			d->imp = PAMDISPATCH_POSITIVE;
			d->ok = success;
		}
		if (action == MAMORI_PAM_DONE && d->imp == PAMDISPATCH_POSITIVE)
			return end_of_level(st, i);
		return i + 1;
	case MAMORI_PAM_BAD:
	case MAMORI_PAM_DIE:
		if (d->imp != PAMDISPATCH_NEGATIVE) {
			d->imp = PAMDISPATCH_NEGATIVE;
			d->ok = success; /* libpam keeps the code; the impression decides */
		}
		return action == MAMORI_PAM_DIE ? end_of_level(st, i) : i + 1;
	case MAMORI_PAM_IGNORE:
		return i + 1;
	default:
		next = action > 0 ? jump(st, i, action, &bad) : i + 1;
		if (bad || action < 0) {
			d->imp = PAMDISPATCH_NEGATIVE;
			d->ok = false;
		}
		return next;
	}
}

int
mamori_pamstack_simulate(const struct mamori_pamstack *st, const int *results, bool *ran)
{
	struct pamdispatch d = {PAMDISPATCH_UNDEF, false}, saved[MAMORI_PAMSTACK_MAX_DEPTH + 1];
	unsigned prev = 0;
	size_t i = 0;

	saved[0] = d;
	if (ran != NULL)
		memset(ran, 0, st->n * sizeof(*ran));
	while (i < st->n) {
		const struct mamori_pam_entry *e = &st->entries[i];
		int r = e->must_fail ? PAMCONF_PERM_DENIED : results[i];

		if (e->level > prev)
			saved[e->level] = d;
		prev = e->level;
		if (e->substack) {
			i++;
			continue;
		}
		if (r == PAMCONF_INCOMPLETE)
			return PAMCONF_PERM_DENIED; /* the application would call again */
		if (ran != NULL)
			ran[i] = true;
		i = pamdispatch_step(st, i, r, &d, &saved[e->level]);
	}
	return d.imp == PAMDISPATCH_POSITIVE && d.ok ? PAMCONF_SUCCESS : PAMCONF_PERM_DENIED;
}
