/* mamori-verify, the setuid-root helper that checks a one-time code for a caller that is not
 * root (a screen locker running as the user), like pam_unix's unix_chkpwd. It verifies only
 * the calling user's own account, through the same path as the module (second_factor.h).
 *
 *   mamori-verify USER [SERVICE]      the code on stdin (a pipe), at most
 *                                     MAMORI_VERIFY_INPUT_MAX bytes, one optional newline
 *
 * USER must be the name of the calling user (getpwuid(getuid())); it is there so that a
 * module asked to log in someone else is refused instead of checking the caller's code.
 * The answer is the exit status below; on MAMORI_VERIFY_LOCKED stdout holds the end of the
 * lock in seconds since the epoch. */
#ifndef MAMORI_VERIFIER_H
#define MAMORI_VERIFIER_H

#define MAMORI_VERIFY_INPUT_MAX 64

enum mamori_verify_status {
	MAMORI_VERIFY_OK = 0,           /* the code verified and is burned */
	MAMORI_VERIFY_FAIL = 1,         /* wrong, used or malformed code: a failure counted */
	MAMORI_VERIFY_LOCKED = 2,       /* the account is locked */
	MAMORI_VERIFY_UNENROLLED = 3,   /* no second factor and `unenrolled = deny` */
	MAMORI_VERIFY_REFUSED = 4,      /* the request itself was refused (reported) */
	MAMORI_VERIFY_ERROR = 5,        /* configuration, state or disk problem (reported) */
	MAMORI_VERIFY_UNPRIVILEGED = 6, /* not running as root: installed without setuid */
};

#endif
