/* Handling of secrets: wiping, constant-time comparison. */
#ifndef MAMORI_SECMEM_H
#define MAMORI_SECMEM_H

#include <stdbool.h>
#include <stddef.h>

/* Overwrite n bytes in a way the compiler may not elide. Accepts NULL. */
void mamori_wipe(void *p, size_t n);

/* Wipe n bytes, then free. Takes the address of the pointer and clears it. */
void mamori_freezero(void **p, size_t n);

/* Wipe a NUL-terminated string, free it, clear the caller's pointer. */
void mamori_free_secret_str(char **s);

/* True when a and b hold the same n bytes; the time taken depends only on n. */
bool mamori_memeq_ct(const void *a, const void *b, size_t n);

/* True when two NUL-terminated strings are equal; time depends only on their lengths. */
bool mamori_streq_ct(const char *a, const char *b);

#endif
