/* Allocation-failure injection for fuzz targets (tests/fuzz/wrap.c). Linked into every fuzz
 * target with -Wl,--wrap=malloc,…; inert until a target arms it. */
#ifndef MAMORI_FUZZ_WRAP_H
#define MAMORI_FUZZ_WRAP_H

#include <stddef.h>
#include <stdint.h>

/* From now on fail about one allocation in every_n (0: none), chosen by a PRNG seeded from
 * data, so that one input always fails the same allocations. */
void fuzz_wrap_arm(const uint8_t *data, size_t size, unsigned every_n);
void fuzz_wrap_disarm(void);

/* Allocations failed since the last arm. */
unsigned long fuzz_wrap_failures(void);

#endif
