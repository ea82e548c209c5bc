/* Sequence numbers of one stream: duplicates, gaps, files in any order, and the limit that
 * keeps memory bounded whatever the input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mamori/report.h"

static void
assert_ranges(const struct mamori_seqset *s, const uint64_t *lohi, uint32_t n)
{
	assert_int_equal(s->n, n);
	for (uint32_t i = 0; i < n; i++) {
		assert_int_equal(s->r[i].lo, lohi[2 * i]);
		assert_int_equal(s->r[i].hi, lohi[2 * i + 1]);
	}
}

static void
in_order_with_duplicates_and_a_gap(void **state)
{
	struct mamori_seqset s = {0};
	const uint64_t want[] = {1, 4, 7, 9};

	(void)state;
	for (uint64_t i = 1; i <= 4; i++)
		assert_int_equal(mamori_seqset_add(&s, i), 1);
	assert_int_equal(mamori_seqset_add(&s, 3), 0);
	for (uint64_t i = 7; i <= 9; i++)
		assert_int_equal(mamori_seqset_add(&s, i), 1);
	assert_int_equal(mamori_seqset_add(&s, 9), 0);
	assert_int_equal(mamori_seqset_add(&s, 1), 0);
	assert_ranges(&s, want, 2);
	assert_int_equal(mamori_seqset_missing(&s), 2);
	/* the gap filled late (a delayed delivery): one range again */
	assert_int_equal(mamori_seqset_add(&s, 6), 1);
	assert_int_equal(mamori_seqset_add(&s, 5), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(mamori_seqset_missing(&s), 0);
	assert_int_equal(mamori_seqset_add(&s, 0), -EINVAL);
	mamori_seqset_clear(&s);
}

/* Rotated files named newest first (events.log events.log.1 events.log.2.gz): each file is
 * one run, and the runs meet. */
static void
files_newest_first(void **state)
{
	struct mamori_seqset s = {0};
	const uint64_t want[] = {1, 3000};

	(void)state;
	for (int f = 2; f >= 0; f--)
		for (uint64_t i = (uint64_t)f * 1000 + 1; i <= (uint64_t)f * 1000 + 1000; i++)
			assert_int_equal(mamori_seqset_add(&s, i), 1);
	assert_ranges(&s, want, 1);
	for (int f = 0; f < 3; f++)
		for (uint64_t i = (uint64_t)f * 1000 + 1; i <= (uint64_t)f * 1000 + 1000; i++)
			assert_int_equal(mamori_seqset_add(&s, i), 0);
	mamori_seqset_clear(&s);
}

/* Any order of 1..N with some numbers left out gives exactly the ranges between them. */
static void
shuffled_with_holes(void **state)
{
	enum { N = 2000 }; /* at most about N/4 ranges at once: within the limit */
	static uint64_t order[N];
	struct mamori_seqset s = {0};
	uint64_t seen = 0;

	(void)state;
	srand(7);
	for (uint64_t i = 0; i < N; i++)
		order[i] = i + 1;
	for (size_t i = N - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		uint64_t t = order[i];

		order[i] = order[j], order[j] = t;
	}
	for (size_t i = 0; i < N; i++)
		if (order[i] % 97 != 0)
			seen += (uint64_t)mamori_seqset_add(&s, order[i]);
	assert_int_equal(s.folded_ranges, 0);
	assert_int_equal(seen, N - N / 97);
	/* 97, 194, … 1940 missing: 20 gaps between 21 ranges */
	assert_int_equal(s.n, N / 97 + 1);
	assert_int_equal(mamori_seqset_missing(&s), N / 97);
	for (uint32_t i = 0; i + 1 < s.n; i++)
		assert_int_equal(s.r[i].hi + 2, s.r[i + 1].lo);
	mamori_seqset_clear(&s);
}

/* Every other number of a long run: never more than MAMORI_SEQSET_MAX ranges; what does not
 * fit is counted, not forgotten. */
static void
bounded_whatever_the_input(void **state)
{
	struct mamori_seqset s = {0};
	const uint64_t n = 4 * MAMORI_SEQSET_MAX;

	(void)state;
	for (uint64_t i = 1; i <= n; i++)
		assert_int_equal(mamori_seqset_add(&s, 2 * i), 1);
	assert_true(s.n <= MAMORI_SEQSET_MAX);
	assert_true(s.cap <= MAMORI_SEQSET_MAX + 1);
	assert_int_equal(s.folded_ranges + s.n - 1, n - 1);
	assert_int_equal(s.folded_seqs + mamori_seqset_missing(&s), n - 1);
	assert_int_equal(s.r[0].lo, 2);
	assert_int_equal(s.r[s.n - 1].hi, 2 * n);
	mamori_seqset_clear(&s);
}

static void
extreme_numbers(void **state)
{
	struct mamori_seqset s = {0};

	(void)state;
	assert_int_equal(mamori_seqset_add(&s, UINT64_MAX), 1);
	assert_int_equal(mamori_seqset_add(&s, UINT64_MAX), 0);
	assert_int_equal(mamori_seqset_add(&s, 1), 1);
	assert_int_equal(mamori_seqset_add(&s, UINT64_MAX - 1), 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(mamori_seqset_missing(&s), UINT64_MAX - 3);
	mamori_seqset_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_order_with_duplicates_and_a_gap),
		cmocka_unit_test(files_newest_first),
		cmocka_unit_test(shuffled_with_holes),
		cmocka_unit_test(bounded_whatever_the_input),
		cmocka_unit_test(extreme_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
