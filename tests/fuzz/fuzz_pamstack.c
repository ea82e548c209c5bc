/* The PAM stack reader and analysis on arbitrary files, some runs with allocations failing.
 * The input holds up to five files separated by "@@\n": the service "svc", then "a", "b",
 * "c" and "other", which the first may include. Properties: no crash, no leak; a refusal is a
 * clean error; a bypass's witness replays through the dispatch simulation to a success
 * without pam_mamori.so, and random runs of a stack judged enforced never succeed without it. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/pamstack.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_FILES 5
static const char *const names[N_FILES] = {"svc", "a", "b", "c", "other"};

struct files {
	const uint8_t *start[N_FILES];
	size_t len[N_FILES];
};

static int
read_file(void *ctx, const char *name, char **text, size_t *len, char **display)
{
	const struct files *f = ctx;

	for (int i = 0; i < N_FILES; i++) {
		if (strcmp(names[i], name) != 0 || f->start[i] == NULL)
			continue;
		if ((*text = malloc(f->len[i] + 1)) == NULL)
			return -ENOMEM;
		memcpy(*text, f->start[i], f->len[i]);
		(*text)[f->len[i]] = '\0';
		*len = f->len[i];
		if ((*display = strdup(name)) == NULL) {
			free(*text);
			return -ENOMEM;
		}
		return 0;
	}
	return -ENOENT;
}

static void
split(const uint8_t *data, size_t size, struct files *f)
{
	size_t pos = 0;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < N_FILES && pos <= size; i++) {
		const uint8_t *p = data + pos, *m = NULL;
		for (size_t k = pos; k + 3 <= size && m == NULL; k++) {
			if (memcmp(data + k, "@@\n", 3) == 0)
				m = data + k;
		}
		f->start[i] = p;
		f->len[i] = m ? (size_t)(m - p) : size - pos;
		pos += f->len[i] + 3;
	}
}

static bool
named(const struct mamori_pam_entry *e, const char *name)
{
	return !e->must_fail && !e->substack && strcmp(mamori_pam_module_name(e), name) == 0;
}

static bool
bypasses(const struct mamori_pamstack *st, const int *results, bool *ran)
{
	if (mamori_pamstack_simulate(st, results, ran) != 0)
		return false;
	for (size_t i = 0; i < st->n; i++) {
		if (ran[i] && results[i] == 0 &&
		    (named(&st->entries[i], "pam_mamori.so") || named(&st->entries[i], "pam_rootok.so")))
			return false;
	}
	return true;
}

static void
check_verdict(const struct mamori_pamstack *st, const struct mamori_pamstack_verdict *v,
	      const int *witness, unsigned seed)
{
	int *results = calloc(st->n + 1, sizeof(*results));
	bool *ran = calloc(st->n + 1, sizeof(*ran));

	if (results == NULL || ran == NULL)
		abort();
	if (v->kind != MAMORI_PAMSTACK_ENFORCED && !bypasses(st, witness, ran)) {
		fprintf(stderr, "witness does not replay to a bypass\n");
		abort();
	}
	for (int round = 0; v->kind == MAMORI_PAMSTACK_ENFORCED && round < 16; round++) {
		for (size_t i = 0; i < st->n; i++) {
			const struct mamori_pam_entry *e = &st->entries[i];
			int r = rand_r(&seed) % 2 ? 0 : rand_r(&seed) % 31;
			if (named(e, "pam_permit.so"))
				r = 0;
			else if (named(e, "pam_deny.so") || (named(e, "pam_mamori.so") && r == 25))
				r = 7;
			results[i] = r;
		}
		if (bypasses(st, results, ran)) {
			fprintf(stderr, "judged enforced, but a run succeeds without the module\n");
			abort();
		}
	}
	free(results);
	free(ran);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mamori_pamstack_reader rd;
	struct mamori_pamstack_verdict v;
	struct mamori_pamstack *st = NULL;
	struct files f;
	int *witness = NULL, r;
	bool failing = size > 0 && !(data[size - 1] & 1);

	split(data, size, &f);
	rd.read = read_file;
	rd.ctx = &f;
	fuzz_wrap_arm(data, size, failing ? 2u + data[size - 1] / 8u : 0);
	r = mamori_pamstack_load(&rd, "svc", &st);
	if (r == 0 && (witness = calloc(st->n + 1, sizeof(*witness))) != NULL)
		r = mamori_pamstack_analyze(st, "pam_mamori.so", &v, witness);
	fuzz_wrap_disarm();
	if (r < 0 && r != -ENOMEM && r != -E2BIG && r != -ENOENT) {
		fprintf(stderr, "unexpected error %d\n", r);
		abort();
	}
	if (r == 0 && witness != NULL)
		check_verdict(st, &v, witness, (unsigned)size);
	free(witness);
	mamori_pamstack_free(&st);
	return 0;
}
