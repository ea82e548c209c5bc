/* libFuzzer target for the event formatter. The input is cut at NUL bytes into
 * msg, host, then key/value pairs; its first bytes choose the event, the time, the buffer
 * size and which fields are numbers. Every line that comes out must pass event_line_problem:
 * at most MAMORI_EVENT_LINE_MAX bytes, no raw newline or control byte, valid UTF-8, quotes
 * balanced, escapes whole, msg last. The same line without stream and seq, numbered again,
 * must pass too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../unit/helpers/event_check.h"
#include "mamori/event.h"

#define MAX_PARTS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	return 0;
}

static void
check(const char *line, size_t len, size_t cap)
{
	const char *problem = event_line_problem(line, len);

	if (problem != NULL || len >= cap) {
		fprintf(stderr, "bad line (%s, len %zu, cap %zu): %s\n", problem, len, cap, line);
		abort();
	}
}

/* Cut text (NUL-terminated copy of the input) at NUL bytes into parts. */
static size_t
split(char *text, size_t size, const char **parts)
{
	size_t n = 0;

	for (size_t i = 0; i <= size && n < MAX_PARTS; i += strlen(text + i) + 1)
		parts[n++] = text + i;
	return n;
}

static void
renumber(const char *line, size_t len)
{
	char out[MAMORI_EVENT_LINE_MAX];
	size_t olen;

	if (mamori_event_number(line, "0123456789abcdef", 18446744073709551614u, out,
				sizeof(out), &olen) != 0 ||
	    len + MAMORI_EVENT_NUMBER_ROOM < olen)
		abort();
	check(out, olen, sizeof(out));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *parts[MAX_PARTS];
	struct mamori_field fields[MAX_PARTS / 2];
	struct mamori_event_head head = {0};
	char line[MAMORI_EVENT_LINE_MAX], *text;
	size_t n, nf = 0, len, cap;

	if (size < 4)
		return 0;
	head.id = (enum mamori_event_id)(data[0] % MAMORI_EV_COUNT_);
	head.time.tv_sec = (time_t)data[1] * 86400 * 365;
	head.time.tv_nsec = (long)data[2] * 3921568;
	cap = MAMORI_EVENT_LINE_MIN +
	      (size_t)data[3] * (MAMORI_EVENT_LINE_MAX - MAMORI_EVENT_LINE_MIN) / 255;
	if ((text = malloc(size - 4 + 1)) == NULL)
		return 0;
	memcpy(text, data + 4, size - 4);
	text[size - 4] = '\0';
	n = split(text, size - 4, parts);
	head.host = n > 1 ? parts[1] : NULL;
	for (size_t i = 2; i + 1 < n; i += 2, nf++)
		fields[nf] = (parts[i][0] == 'i')
				     ? MAMORI_INT(parts[i], strtoll(parts[i + 1], NULL, 0))
				     : MAMORI_STR(parts[i], parts[i + 1]);
	if (mamori_event_format(line, cap, &head, fields, nf, parts[0], &len) == 0) {
		check(line, len, cap);
		if (cap + MAMORI_EVENT_NUMBER_ROOM <= MAMORI_EVENT_LINE_MAX)
			renumber(line, len);
	}
	head.stream = "3f9c0d2a61b04e7e";
	head.seq = 1843;
	if (mamori_event_format(line, cap, &head, fields, nf, parts[0], &len) == 0)
		check(line, len, cap);
	free(text);
	return 0;
}
