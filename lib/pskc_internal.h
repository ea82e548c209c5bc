/* Shared between lib/pskc_*.c; nothing else uses it. pskc_read.c holds the metadata (libpskc),
 * pskc_xml.c the elements libpskc skips (libxml2), pskc_crypt.c RFC 6030 §6.1. */
#ifndef MAMORI_PSKC_INTERNAL_H
#define MAMORI_PSKC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pskc/pskc.h>

#include "mamori/pskc_read.h"

/* A base64 value decoded: for ciphertexts the IV followed by the ciphertext. */
struct pskc_blob {
	uint8_t *p;
	size_t len;
};

/* Secret of one KeyPackage as written in the file. */
struct pskc_xml_secret {
	bool plain;       /* <PlainValue>: libpskc decodes it */
	bool encrypted;   /* <EncryptedValue> + <ValueMAC> */
	char *cipher_alg; /* EncryptionMethod/@Algorithm */
	struct pskc_blob cipher;
	struct pskc_blob mac;
};

/* What libpskc does not read: the §6.1 encryption elements, per KeyPackage in document
 * order (libpskc numbers its key packages in the same order). */
struct pskc_xml {
	char *mac_alg;        /* MACMethod/@Algorithm, NULL without a MACMethod */
	char *mac_key_alg;    /* MACMethod/MACKey/EncryptionMethod/@Algorithm */
	struct pskc_blob mac_key; /* IV || encrypted MAC key */
	size_t n_packages;
	struct pskc_xml_secret *secrets;
};

/* Walk the document for the encryption elements. A DOCTYPE is refused (no entity tricks); an
 * encrypted value anywhere but under Secret is -ENOTSUP. MAMORI_E_CORRUPT, MAMORI_E_TOOBIG
 * or -ENOMEM; err gets one line. */
int pskc_xml_scan(const char *text, size_t len, struct pskc_xml *ret, char *err,
		  size_t errlen);
void pskc_xml_free(struct pskc_xml *x);

/* Decrypt the file's MAC key with the pre-shared key into out[cap] (the caller wipes it).
 * -EKEYREJECTED when the key does not open it, -ENOTSUP for an unknown cipher. */
int pskc_open_mac_key(const struct pskc_xml *x, const struct mamori_pskc_psk *psk,
		      uint8_t *out, size_t cap, size_t *ret_len);

/* Check the value's MAC in constant time, then, only if it matches, decrypt it into
 * out[cap]. -EBADMSG on a MAC mismatch, MAMORI_E_CORRUPT for a value that does not decrypt
 * or fit, -ENOTSUP for an unknown cipher or MAC. */
int pskc_open_value(const struct pskc_xml *x, const struct pskc_xml_secret *s,
		    const struct mamori_pskc_psk *psk, const uint8_t *mac_key,
		    size_t mac_key_len, uint8_t *out, size_t cap, size_t *ret_len);

/* What opening an encrypted seed needs; psk and mac_key are NULL for a file in the clear. */
struct pskc_seed_ctx {
	const struct pskc_xml *xml;
	const struct mamori_pskc_psk *psk;
	const uint8_t *mac_key;
	size_t mac_key_len;
};

/* Fill t from key package idx (libpskc's k, the scan's secrets[idx]); t is wiped on error.
 * Codes as mamori_pskc_parse; err gets one line naming the token. */
int pskc_token_read(pskc_key_t *k, const struct pskc_seed_ctx *c, size_t idx,
		    struct mamori_pskc_token *t, char *err, size_t errlen);

/* Write one line of explanation into err[errlen] and return r. */
int pskc_fail(char *err, size_t errlen, int r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Base64 with any ASCII white space between the characters. MAMORI_E_CORRUPT or -ENOMEM. */
int pskc_base64_decode(const char *text, struct pskc_blob *ret);
void pskc_blob_free(struct pskc_blob *b);

#endif
