/* The otpauth:// URI an authenticator app scans at enrolment, in Google's Key Uri Format
 * (github.com/google/google-authenticator/wiki/Key-Uri-Format):
 *   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA256&digits=6&period=30
 * The URI holds the secret: the caller wipes it after use. */
#ifndef MAMORI_OTPAUTH_H
#define MAMORI_OTPAUTH_H

#include <stddef.h>

#include "mamori/userstate.h"

/* Longest URI for the longest key, issuer and account this module accepts. */
#define MAMORI_OTPAUTH_MAX 1024
#define MAMORI_OTPAUTH_ISSUER_MAX 64 /* bytes of an issuer before encoding */

/* Percent-encode text into out[cap]: RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~)
 * are kept, every other byte becomes %XX (a space is %20, never '+', which apps would show).
 * 0 or MAMORI_E_TRUNC. */
int mamori_uri_escape(const char *text, char *out, size_t cap);

/* Build the URI for st. issuer and account are escaped; the label is "issuer:account".
 * HOTP URIs carry counter= (the next counter), TOTP URIs period=. 0, -EINVAL for an issuer
 * containing ':' (it separates label parts) or an empty account, or MAMORI_E_TRUNC. out is
 * wiped on failure. */
int mamori_otpauth_uri(const struct mamori_userstate *st, const char *issuer,
		       const char *account, char *out, size_t cap);

#endif
