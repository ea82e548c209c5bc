/* otp_try STATE_DIR USER CODE [EPOCH]
 * Types CODE for USER the way a login does: lock, load, judge with the default policy
 * (window 1, HOTP look-ahead 10), save. Prints the verdict ("ok", "wrong", "replay", …) and
 * the stored counter; exits 0 only for "ok". Lets shell tests check that a stored token
 * accepts the codes a real generator (oathtool) makes. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "mamori/err.h"
#include "mamori/otp_verify.h"
#include "mamori/userstore.h"

static int
try_code(struct mamori_userlock *lock, const char *code, time_t now)
{
	const struct mamori_verify_policy pol = {1, 10, 5, 900};
	struct mamori_verify_result res;
	struct mamori_userstate st;
	int r;

	if ((r = mamori_userstore_load(lock, &st)) < 0 ||
	    (r = mamori_otp_verify(&st, code, now, &pol, &res)) < 0 ||
	    (r = mamori_userstore_save(lock, &st)) < 0) {
		fprintf(stderr, "otp_try: %s\n", mamori_strerror(r));
		return 2;
	}
	printf("%s counter=%" PRIu64 "\n", mamori_verdict_name(res.verdict), st.counter);
	mamori_userstate_wipe(&st);
	return res.verdict == MAMORI_VERDICT_OK ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct mamori_userstore *store = NULL;
	struct mamori_userlock *lock = NULL;
	time_t now = argc > 4 ? (time_t)strtoll(argv[4], NULL, 10) : time(NULL);
	int r, rc = 2;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: otp_try STATE_DIR USER CODE [EPOCH]\n");
		return 2;
	}
	if ((r = mamori_userstore_open(argv[1], getuid(), &store)) < 0 ||
	    (r = mamori_userstore_lock(store, argv[2], &lock)) < 0)
		fprintf(stderr, "otp_try: %s: %s\n", argv[1], mamori_strerror(r));
	else
		rc = try_code(lock, argv[3], now);
	mamori_userstore_unlock(&lock);
	mamori_userstore_close(&store);
	return rc;
}
