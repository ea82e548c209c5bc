/* The configuration loader on arbitrary text, half the runs with allocations failing at
 * random. Properties: no crash, no leak; a refusal always comes with a message naming the
 * file; an accepted file prints to text that loads to the same configuration. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/config.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
print_config(const struct mamori_config *cfg)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (out == NULL || mamori_config_print(cfg, out) != 0)
		abort();
	fclose(out);
	return text;
}

/* An accepted configuration prints, loads again and prints the same text. */
static void
check_round_trip(const struct mamori_config *cfg)
{
	struct mamori_config *again = NULL;
	char *first = print_config(cfg), *second, err[1024];

	if (mamori_config_parse(first, strlen(first), "printed", &again, err, sizeof(err)) != 0) {
		fprintf(stderr, "printed configuration refused: %s\n%s", err, first);
		abort();
	}
	second = print_config(again);
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "round trip differs:\n%s---\n%s", first, second);
		abort();
	}
	free(first);
	free(second);
	mamori_config_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mamori_config *cfg = NULL;
	char err[1024];
	int r;

	if (size > MAMORI_CONFIG_MAX_SIZE)
		return 0;
	/* the input's last byte picks the failure rate: odd bytes run without failures */
	fuzz_wrap_arm(data, size, size > 0 && !(data[size - 1] & 1) ? 2u + data[size - 1] / 8u : 0);
	r = mamori_config_parse((const char *)data, size, "fuzz.conf", &cfg, err, sizeof(err));
	fuzz_wrap_disarm();
	if (r < 0 && (cfg != NULL || strncmp(err, "fuzz.conf", 9) != 0)) {
		fprintf(stderr, "refused (%d) without a proper message: \"%s\"\n", r, err);
		abort();
	}
	if (r == 0)
		check_round_trip(cfg);
	mamori_config_free(&cfg);
	return 0;
}
