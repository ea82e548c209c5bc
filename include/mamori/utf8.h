/* UTF-8 well-formedness, shared by the event formatter and the report reader. */
#ifndef MAMORI_UTF8_H
#define MAMORI_UTF8_H

#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at s (RFC 3629 §4: no overlong forms, no
 * surrogates, nothing above U+10FFFF), or 0. At most avail bytes are read; for a
 * NUL-terminated string avail may be 4, since a NUL is never a continuation byte and stops
 * the scan. */
size_t mamori_utf8_len(const unsigned char *s, size_t avail);

#endif
