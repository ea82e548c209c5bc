/* Recovery codes: generation, slow hashing, single use. */
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "mamori/recovery.h"
#include "mamori/secmem.h"

static const char alphabet[] = "23456789abcdefghjkmnpqrstuvwxyz"; /* 31 symbols */

/* Uniform symbols by rejection sampling: 248 = 8 * 31, so bytes below it map evenly. */
static int
random_symbols(char *out, size_t n)
{
	unsigned char b[64];
	size_t got = 0;

	while (got < n) {
		if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
			return -EIO;
		for (size_t i = 0; i < sizeof(b) && got < n; i++)
			if (b[i] < 248)
				out[got++] = alphabet[b[i] % 31];
	}
	mamori_wipe(b, sizeof(b));
	return 0;
}

/* Canonical form: lower case, no dashes or spaces; exactly MAMORI_RECOVERY_SYMBOLS symbols. */
static int
normalise(const char *input, char out[MAMORI_RECOVERY_SYMBOLS + 1])
{
	size_t n = 0;

	for (; *input != '\0'; input++) {
		char c = (char)tolower((unsigned char)*input);
		if (c == '-' || c == ' ')
			continue;
		if (n == MAMORI_RECOVERY_SYMBOLS || strchr(alphabet, c) == NULL)
			return -EINVAL;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == MAMORI_RECOVERY_SYMBOLS ? 0 : -EINVAL;
}

bool
mamori_recovery_shaped(const char *input)
{
	char canon[MAMORI_RECOVERY_SYMBOLS + 1];
	bool ok = normalise(input, canon) == 0;

	mamori_wipe(canon, sizeof(canon));
	return ok;
}

static int
hash_code(const char *canon, char *out, size_t cap)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd;
	int r = -EIO;

	memset(&cd, 0, sizeof(cd));
	/* NULL entropy: libcrypt draws the salt from the kernel. Count 0: its default cost. */
	if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof(setting)) == NULL)
		goto out;
	if (crypt_rn(canon, setting, &cd, sizeof(cd)) == NULL || cd.output[0] == '*' ||
	    strlen(cd.output) >= cap)
		goto out;
	memcpy(out, cd.output, strlen(cd.output) + 1);
	r = 0;
out:
	mamori_wipe(&cd, sizeof(cd));
	return r;
}

int
mamori_recovery_generate(struct mamori_userstate *st, size_t n,
			 char codes[][MAMORI_RECOVERY_TEXT])
{
	char hashes[MAMORI_RECOVERY_MAX][MAMORI_RECOVERY_HASH_MAX];
	char canon[MAMORI_RECOVERY_SYMBOLS + 1];
	int r = 0;

	if (n > MAMORI_RECOVERY_MAX)
		return -EINVAL;
	for (size_t i = 0; i < n && r == 0; i++) {
		if ((r = random_symbols(canon, MAMORI_RECOVERY_SYMBOLS)) < 0)
			break;
		canon[MAMORI_RECOVERY_SYMBOLS] = '\0';
		r = hash_code(canon, hashes[i], sizeof(hashes[i]));
		memcpy(codes[i], canon, 5);
		codes[i][5] = '-';
		memcpy(codes[i] + 6, canon + 5, 6); /* five symbols and the NUL */
	}
	if (r == 0) {
		memset(st->recovery, 0, sizeof(st->recovery));
		memcpy(st->recovery, hashes, n * sizeof(hashes[0]));
		st->n_recovery = n;
	} else {
		mamori_wipe(codes, n * sizeof(codes[0]));
	}
	mamori_wipe(canon, sizeof(canon));
	return r;
}

int
mamori_recovery_use(struct mamori_userstate *st, const char *input, size_t *ret_index)
{
	char canon[MAMORI_RECOVERY_SYMBOLS + 1];
	struct crypt_data cd;
	size_t match = SIZE_MAX;
	int r = 0;

	if (normalise(input, canon) < 0)
		return -ENOENT;
	for (size_t i = 0; i < st->n_recovery; i++) {
		size_t len = strlen(st->recovery[i]);
		if (len == 0)
			continue; /* used */
		memset(&cd, 0, sizeof(cd));
		if (crypt_rn(canon, st->recovery[i], &cd, sizeof(cd)) == NULL ||
		    cd.output[0] == '*') {
			r = -EIO;
			continue;
		}
		if (strlen(cd.output) == len && mamori_memeq_ct(cd.output, st->recovery[i], len) &&
		    match == SIZE_MAX)
			match = i;
	}
	mamori_wipe(&cd, sizeof(cd));
	mamori_wipe(canon, sizeof(canon));
	if (match == SIZE_MAX)
		return r < 0 ? r : -ENOENT;
	memset(st->recovery[match], 0, sizeof(st->recovery[match]));
	*ret_index = match;
	return 0;
}

size_t
mamori_recovery_left(const struct mamori_userstate *st)
{
	size_t left = 0;

	for (size_t i = 0; i < st->n_recovery; i++)
		left += st->recovery[i][0] != '\0';
	return left;
}
