/* Reading hardware-token seeds delivered as PSKC files (RFC 6030): the container and each
 * token's metadata through libpskc, values in the clear (§5) or encrypted with a pre-shared
 * key and protected by a MAC (§6.1). A file is used whole or not at all: one bad MAC, one
 * malformed or unsupported token refuses the file. Nothing here logs or reports: the caller
 * decides, and the explanation it gets never holds a seed. */
#ifndef MAMORI_PSKC_READ_H
#define MAMORI_PSKC_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mamori/otp.h"
#include "mamori/safefile.h"
#include "mamori/userstate.h"

/* A vendor's file for a box of tokens is about 1 KiB per token. */
#define MAMORI_PSKC_MAX_SIZE (8 * 1024 * 1024)
#define MAMORI_PSKC_MAX_TOKENS 10000
#define MAMORI_PSKC_SERIAL_MAX 64
/* AES-128, -192 or -256 (RFC 6030 §6.1 names aes128-cbc; the others are its siblings). */
#define MAMORI_PSKC_PSK_MAX 32
/* A key file holds the key in hex, perhaps with a newline. */
#define MAMORI_PSKC_KEYFILE_MAX 256

struct mamori_pskc_token {
	char serial[MAMORI_PSKC_SERIAL_MAX + 1]; /* DeviceInfo/SerialNo, else the Key Id */
	enum mamori_token_type type;
	enum mamori_otp_algorithm algorithm;
	unsigned digits;  /* 6..8 */
	unsigned step;    /* TOTP: seconds; HOTP: 0 */
	uint64_t counter; /* HOTP: the token's next counter; TOTP: 0 */
	uint8_t key[MAMORI_OTP_MAX_KEY]; /* the seed: secret */
	size_t key_len;
};

struct mamori_pskc {
	bool encrypted; /* the values were encrypted with the pre-shared key */
	size_t n_tokens;
	struct mamori_pskc_token *tokens;
};

struct mamori_pskc_psk {
	uint8_t key[MAMORI_PSKC_PSK_MAX];
	size_t len; /* 16, 24 or 32 */
};

/* Parse len bytes of PSKC XML. psk may be NULL for a file whose values are in the clear.
 * 0 and *ret, or a negative code with one line of explanation in err[errlen] (no secret):
 *   MAMORI_E_CORRUPT  not PSKC, a required field missing, a value out of range
 *   MAMORI_E_TOOBIG   more than MAMORI_PSKC_MAX_TOKENS tokens
 *   -ENOTSUP          a token kind, hash, encoding or cipher mamori does not use
 *   -ENOKEY           values are encrypted and no pre-shared key was given
 *   -EKEYREJECTED     the pre-shared key does not open the file's MAC key: a wrong key
 *   -EBADMSG          a value's MAC does not match: a wrong key or an altered file
 *   -ENOMEM */
int mamori_pskc_parse(const char *text, size_t len, const struct mamori_pskc_psk *psk,
		      struct mamori_pskc **ret, char *err, size_t errlen);

/* Open path under rules (size capped at MAMORI_PSKC_MAX_SIZE whatever rules say) and parse
 * it; the codes of mamori_open_checked and of mamori_pskc_parse. */
int mamori_pskc_read(const char *path, const struct mamori_file_rules *rules,
		     const struct mamori_pskc_psk *psk, struct mamori_pskc **ret, char *err,
		     size_t errlen);

/* Read a pre-shared key file: the key in hex (32, 48 or 64 digits), optional surrounding
 * white space. MAMORI_E_CORRUPT for anything else; the codes of mamori_open_checked. */
int mamori_pskc_read_psk(const char *path, const struct mamori_file_rules *rules,
			 struct mamori_pskc_psk *ret);

/* The token with this serial, or NULL. */
const struct mamori_pskc_token *mamori_pskc_find(const struct mamori_pskc *p,
						 const char *serial);

/* Wipe every seed, free, clear the caller's pointer. Accepts NULL. */
void mamori_pskc_free(struct mamori_pskc **p);

#endif
