/* Padding by display width (columns.h). */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "columns.h"

/* Columns text takes on a terminal, or its length in bytes when it is not valid in the
 * locale's character set (then a byte is as good a guess as any). */
static int
display_width(const char *text)
{
	mbstate_t ps = {0};
	const char *p = text;
	int cols = 0;
	wchar_t wc;
	size_t n;

	while (*p != '\0') {
		n = mbrtowc(&wc, p, MB_CUR_MAX, &ps);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			return (int)strlen(text);
		cols += wcwidth(wc) > 0 ? wcwidth(wc) : 0;
		p += n;
	}
	return cols;
}

void
put_cell(FILE *out, const char *text, int width)
{
	int pad = width - display_width(text);

	fprintf(out, "%s%*s", text, pad > 1 ? pad : 1, "");
}
