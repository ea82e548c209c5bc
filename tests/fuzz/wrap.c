/* Allocation-failure injection: malloc, calloc, realloc, reallocarray and strdup, wrapped at
 * link time (-Wl,--wrap=…), fail at random while a fuzz target has armed them, so that every
 * out-of-memory path of the code under test runs. Only calls from the objects linked into the
 * target are wrapped: shared libraries (libconfuse, libc itself) allocate normally. The
 * fuzzer's own allocations happen while disarmed. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wrap.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_reallocarray(void *p, size_t n, size_t size);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_reallocarray(void *p, size_t n, size_t size);
char *__wrap_strdup(const char *s);

static bool armed;
static unsigned every;
static uint64_t state;
static unsigned long failures;

void
fuzz_wrap_arm(const uint8_t *data, size_t size, unsigned every_n)
{
	/* FNV-1a of the input: the same input fails the same allocations on every run */
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	state = h | 1;
	every = every_n;
	failures = 0;
	armed = every_n > 0;
}

void
fuzz_wrap_disarm(void)
{
	armed = false;
}

unsigned long
fuzz_wrap_failures(void)
{
	return failures;
}

/* xorshift64: small, and good enough to spread the failures */
static bool
should_fail(void)
{
	if (!armed)
		return false;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	if (state % every != 0)
		return false;
	failures++;
	return true;
}

void *
__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return should_fail() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

void *
__wrap_reallocarray(void *p, size_t n, size_t size)
{
	return should_fail() ? NULL : __real_reallocarray(p, n, size);
}

char *
__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}
