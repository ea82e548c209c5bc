/* Text form of a user's second-factor state: strict parsing, canonical formatting. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "mamori/base32.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/secmem.h"
#include "mamori/userstate.h"

#define LINE_MAX_LEN 256

/* Digits only, no sign or spaces, at most max. */
static int
parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (*s == '\0' || strlen(s) > 20)
		return MAMORI_E_CORRUPT;
	for (; *s != '\0'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (UINT64_MAX - d) / 10)
			return MAMORI_E_CORRUPT;
		v = v * 10 + d;
	}
	if (v > max)
		return MAMORI_E_CORRUPT;
	*ret = v;
	return 0;
}

static int
parse_word(const char *s, const char *const *words, size_t n, unsigned *ret)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, words[i]) == 0) {
			*ret = (unsigned)i;
			return 0;
		}
	}
	return MAMORI_E_CORRUPT;
}

static const char *const type_words[] = {"totp", "hotp"};
static const char *const alg_words[] = {"sha1", "sha256", "sha512"};

/* crypt(3) output alphabet; "-" marks a used code. */
static int
parse_recovery(const char *v, struct mamori_userstate *st)
{
	size_t len = strlen(v);

	if (st->n_recovery == MAMORI_RECOVERY_MAX || len == 0 || len >= MAMORI_RECOVERY_HASH_MAX)
		return MAMORI_E_CORRUPT;
	if (strcmp(v, "-") != 0 &&
	    (v[0] != '$' || strspn(v, "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "abcdefghijklmnopqrstuvwxyz$") != len))
		return MAMORI_E_CORRUPT;
	memcpy(st->recovery[st->n_recovery++], strcmp(v, "-") == 0 ? "" : v,
	       strcmp(v, "-") == 0 ? 1 : len + 1);
	return 0;
}

enum field { F_VERSION, F_TYPE, F_ALG, F_DIGITS, F_STEP, F_ACTIVE, F_KEY, F_COUNTER,
	     F_FAILURES, F_LOCKED, F_RECOVERY, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"version", "type", "algorithm", "digits", "step", "active", "key", "counter",
	"failures", "locked_until", "recovery",
};

/* Numeric fields and the values a sound file can hold. */
static const struct {
	enum field f;
	uint64_t min, max;
} ranges[] = {
	{F_VERSION, MAMORI_USERSTATE_VERSION, MAMORI_USERSTATE_VERSION},
	{F_DIGITS, MAMORI_OTP_MIN_DIGITS, MAMORI_OTP_MAX_DIGITS},
	{F_STEP, 10, 300},
	{F_ACTIVE, 0, 1},
	{F_COUNTER, 0, UINT64_MAX - 1},
	{F_FAILURES, 0, 1000000},
	{F_LOCKED, 0, INT64_MAX},
};

static int
set_number(enum field f, const char *v, struct mamori_userstate *st)
{
	uint64_t n = 0;
	size_t i = 0;

	while (i < sizeof(ranges) / sizeof(ranges[0]) && ranges[i].f != f)
		i++;
	if (i == sizeof(ranges) / sizeof(ranges[0]) || parse_u64(v, ranges[i].max, &n) < 0 ||
	    n < ranges[i].min)
		return MAMORI_E_CORRUPT;
	if (f == F_DIGITS)
		st->digits = (unsigned)n;
	else if (f == F_STEP)
		st->step = (unsigned)n;
	else if (f == F_ACTIVE)
		st->active = n == 1;
	else if (f == F_COUNTER)
		st->counter = n;
	else if (f == F_FAILURES)
		st->failures = (unsigned)n;
	else if (f == F_LOCKED)
		st->locked_until = (int64_t)n;
	return 0;
}

static int
set_field(enum field f, const char *v, struct mamori_userstate *st)
{
	unsigned w = 0;
	int r;

	switch (f) {
	case F_TYPE:
		r = parse_word(v, type_words, 2, &w);
		st->type = (enum mamori_token_type)w;
		return r;
	case F_ALG:
		r = parse_word(v, alg_words, 3, &w);
		st->algorithm = (enum mamori_otp_algorithm)w;
		return r;
	case F_KEY:
		r = mamori_base32_decode(v, st->key, sizeof(st->key), &st->key_len);
		return r < 0 || st->key_len < 16 ? MAMORI_E_CORRUPT : 0;
	case F_RECOVERY:
		return parse_recovery(v, st);
	default:
		return set_number(f, v, st);
	}
}

static int
parse_line(char *line, struct mamori_userstate *st, unsigned *seen)
{
	char *eq = strchr(line, '=');

	if (eq == NULL)
		return MAMORI_E_CORRUPT;
	*eq = '\0';
	for (unsigned f = 0; f < F_COUNT; f++) {
		if (strcmp(line, field_names[f]) != 0)
			continue;
		if ((*seen & (1u << f)) && f != F_RECOVERY)
			return MAMORI_E_CORRUPT;
		if (f != F_VERSION && !(*seen & (1u << F_VERSION)))
			return MAMORI_E_CORRUPT; /* the version comes first */
		*seen |= 1u << f;
		return set_field((enum field)f, eq + 1, st);
	}
	return MAMORI_E_CORRUPT;
}

int
mamori_userstate_parse(const char *text, struct mamori_userstate *ret)
{
	const unsigned required = (1u << F_RECOVERY) - 1; /* all but recovery */
	char line[LINE_MAX_LEN];
	unsigned seen = 0;
	int r = 0;

	mamori_userstate_wipe(ret);
	if (strlen(text) > MAMORI_USERSTATE_MAX_SIZE)
		r = MAMORI_E_CORRUPT;
	while (r == 0 && *text != '\0') {
		size_t len = strcspn(text, "\n");
		if (len >= sizeof(line) || text[len] != '\n') {
			r = MAMORI_E_CORRUPT; /* over-long or unterminated: a torn write */
			break;
		}
		memcpy(line, text, len);
		line[len] = '\0';
		r = parse_line(line, ret, &seen);
		text += len + 1;
	}
	if (r == 0 && (seen & required) != required)
		r = MAMORI_E_CORRUPT;
	mamori_wipe(line, sizeof(line));
	if (r < 0)
		mamori_userstate_wipe(ret);
	return r;
}

int
mamori_userstate_format(const struct mamori_userstate *st, char *out, size_t cap,
			size_t *ret_len)
{
	char key[MAMORI_BASE32_LEN(MAMORI_OTP_MAX_KEY)];
	struct mamori_buf b;
	int r;

	if ((unsigned)st->type > MAMORI_TOKEN_HOTP || (unsigned)st->algorithm > 2 ||
	    st->n_recovery > MAMORI_RECOVERY_MAX || st->key_len > sizeof(st->key))
		return -EINVAL;
	if ((r = mamori_base32_encode(st->key, st->key_len, key, sizeof(key))) < 0)
		return r;
	mamori_buf_init(&b, out, cap);
	(void)mamori_buf_printf(&b,
		"version=%d\ntype=%s\nalgorithm=%s\ndigits=%u\nstep=%u\nactive=%d\n"
		"key=%s\ncounter=%" PRIu64 "\nfailures=%u\nlocked_until=%" PRId64 "\n",
		MAMORI_USERSTATE_VERSION, type_words[st->type], alg_words[st->algorithm],
		st->digits, st->step, st->active ? 1 : 0, key, st->counter, st->failures,
		st->locked_until);
	for (size_t i = 0; i < st->n_recovery; i++)
		(void)mamori_buf_printf(&b, "recovery=%s\n",
					st->recovery[i][0] ? st->recovery[i] : "-");
	mamori_wipe(key, sizeof(key));
	if (b.truncated) {
		mamori_wipe(out, cap);
		return MAMORI_E_TRUNC;
	}
	*ret_len = b.len;
	return 0;
}

void
mamori_userstate_wipe(struct mamori_userstate *st)
{
	mamori_wipe(st, sizeof(*st));
}
