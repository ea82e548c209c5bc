/* What every benchmark measures with: a monotonic clock in microseconds and the sort that
 * puts samples in order for the median and p99. */
#ifndef MAMORI_BENCH_H
#define MAMORI_BENCH_H

#include <time.h>

static inline double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static inline int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
