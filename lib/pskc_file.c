/* PSKC files and pre-shared key files on disk, and the parsed result's lookups. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mamori/err.h"
#include "mamori/pskc_read.h"
#include "mamori/secmem.h"

int
mamori_pskc_read(const char *path, const struct mamori_file_rules *rules,
		 const struct mamori_pskc_psk *psk, struct mamori_pskc **ret, char *err,
		 size_t errlen)
{
	struct mamori_file_rules capped = *rules;
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	if (capped.max_size > MAMORI_PSKC_MAX_SIZE)
		capped.max_size = MAMORI_PSKC_MAX_SIZE;
	if ((fd = mamori_open_checked(path, &capped, NULL)) < 0) {
		(void)snprintf(err, errlen, "%s", mamori_strerror(fd));
		return fd;
	}
	r = mamori_read_all(fd, capped.max_size, &text, &len);
	close(fd);
	if (r < 0) {
		(void)snprintf(err, errlen, "%s", mamori_strerror(r));
		return r;
	}
	r = mamori_pskc_parse(text, len, psk, ret, err, errlen);
	/* a file in the clear holds the seeds themselves. libpskc and libxml2 free their own
	 * copies without wiping them; that is theirs to fix, ours are wiped. */
	mamori_freezero((void **)&text, len);
	return r;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
parse_hex_key(const char *text, size_t len, struct mamori_pskc_psk *ret)
{
	size_t a = 0, b = len, n;
	int hi, lo;

	while (a < b && strchr(" \t\r\n", text[a]) != NULL)
		a++;
	while (b > a && strchr(" \t\r\n", text[b - 1]) != NULL)
		b--;
	n = b - a;
	if (n != 32 && n != 48 && n != 64)
		return MAMORI_E_CORRUPT;
	for (size_t i = 0; i < n / 2; i++) {
		if ((hi = hex_value(text[a + 2 * i])) < 0 ||
		    (lo = hex_value(text[a + 2 * i + 1])) < 0) {
			mamori_wipe(ret, sizeof(*ret));
			return MAMORI_E_CORRUPT;
		}
		ret->key[i] = (uint8_t)(hi << 4 | lo);
	}
	ret->len = n / 2;
	return 0;
}

int
mamori_pskc_read_psk(const char *path, const struct mamori_file_rules *rules,
		     struct mamori_pskc_psk *ret)
{
	struct mamori_file_rules capped = *rules;
	struct mamori_pskc_psk psk = {{0}, 0};
	char *text = NULL;
	size_t len = 0;
	int fd, r;

	if (capped.max_size > MAMORI_PSKC_KEYFILE_MAX)
		capped.max_size = MAMORI_PSKC_KEYFILE_MAX;
	if ((fd = mamori_open_checked(path, &capped, NULL)) < 0)
		return fd;
	r = mamori_read_all(fd, capped.max_size, &text, &len);
	close(fd);
	if (r == 0 && (r = parse_hex_key(text, len, &psk)) == 0)
		*ret = psk;
	mamori_freezero((void **)&text, len);
	mamori_wipe(&psk, sizeof(psk));
	return r;
}

const struct mamori_pskc_token *
mamori_pskc_find(const struct mamori_pskc *p, const char *serial)
{
	for (size_t i = 0; p != NULL && i < p->n_tokens; i++)
		if (strcmp(p->tokens[i].serial, serial) == 0)
			return &p->tokens[i];
	return NULL;
}

void
mamori_pskc_free(struct mamori_pskc **p)
{
	if (p == NULL || *p == NULL)
		return;
	mamori_freezero((void **)&(*p)->tokens, (*p)->n_tokens * sizeof(*(*p)->tokens));
	free(*p);
	*p = NULL;
}
