/* Scratch files and directories for unit tests. */
#ifndef MAMORI_TEST_TMPDIR_H
#define MAMORI_TEST_TMPDIR_H

#include <stddef.h>
#include <sys/stat.h>

/* Make a fresh directory; out receives its path. 0 or a negative errno. */
int test_tmpdir_make(char *out, size_t cap);

/* Remove dir and everything below it (symlinks are removed, not followed). */
void test_tmpdir_remove(const char *dir);

/* Create or overwrite path with text and set its mode. */
int test_write_file(const char *path, const char *text, mode_t mode);

#endif
