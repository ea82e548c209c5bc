/* Table headings that line up in any language. printf's "%-20s" pads to a count of bytes; a
 * translated heading in kanji takes three bytes but two columns a character, so the columns
 * below it would drift. */
#ifndef MAMORICTL_COLUMNS_H
#define MAMORICTL_COLUMNS_H

#include <stdio.h>

/* text, then spaces up to width columns of the terminal (at least one space when text is
 * as wide or wider), in the locale's character set. */
void put_cell(FILE *out, const char *text, int width);

#endif
