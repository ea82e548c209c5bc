/* Wiping and comparing secrets. */
#include <stdlib.h>
#include <string.h>

#include "mamori/secmem.h"

void
mamori_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

void
mamori_freezero(void **p, size_t n)
{
	if (p == NULL || *p == NULL)
		return;
	explicit_bzero(*p, n);
	free(*p);
	*p = NULL;
}

void
mamori_free_secret_str(char **s)
{
	if (s == NULL || *s == NULL)
		return;
	explicit_bzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

bool
mamori_memeq_ct(const void *a, const void *b, size_t n)
{
	/* volatile keeps the compiler from turning the loop into an early-exit memcmp */
	const volatile unsigned char *x = a, *y = b;
	unsigned char acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= (unsigned char)(x[i] ^ y[i]);
	return acc == 0;
}

bool
mamori_streq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	/* Lengths are not secret (codes have a fixed length); the content is. */
	if (la != lb)
		return false;
	return mamori_memeq_ct(a, b, la);
}
