/* Device numbers as udev (MAJOR=, MINOR=) and sysfs ("dev": "8:17\n") give them
 * (agent/devnode.c), on arbitrary bytes. Properties: no crash or read past the end; the
 * text form is accepted exactly when it is "MAJOR:MINOR" with an optional newline, each 1-7
 * decimal digits within the kernel's 12 and 20 bits, and then gives the same number as the
 * two-string form; a number that parses prints back as the same text. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "mamori/devnode.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The reference: s[0..n) is 1-7 digits of value <= max. */
static bool
number(const char *s, size_t n, unsigned long max)
{
	unsigned long v = 0;

	if (n == 0 || n > 7)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= max;
}

static bool
wellformed(const char *s, size_t n)
{
	const char *colon;

	if (n > 0 && s[n - 1] == '\n')
		n--;
	if (n >= 24 || (colon = memchr(s, ':', n)) == NULL)
		return false;
	return number(s, (size_t)(colon - s), 4095) &&
	       number(colon + 1, n - (size_t)(colon - s) - 1, (1ul << 20) - 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b = malloc(size > 0 ? size : 1), again[32];
	dev_t d = 0, d2 = 0;
	int r;

	if (b == NULL)
		return 0;
	memcpy(b, data, size);
	r = mamori_devnum_parse_dev(b, size, &d);
	if ((r == 0) != wellformed(b, size))
		abort();
	if (r == 0) {
		snprintf(again, sizeof(again), "%u:%u", major(d), minor(d));
		if (mamori_devnum_parse_dev(again, strlen(again), &d2) != 0 || d2 != d)
			abort();
	}
	/* the two-string form on the input cut at its first NUL and the byte after it */
	if (size > 0 && memchr(b, '\0', size) != NULL && b[size - 1] == '\0') {
		const char *minor_s = b + strlen(b) + 1;

		if (minor_s < b + size)
			(void)mamori_devnum_parse(b, minor_s, &d2);
	}
	free(b);
	return 0;
}
