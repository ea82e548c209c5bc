/* RFC 6030 §6.1: values encrypted with a pre-shared key. Each ciphertext is the IV followed
 * by the CBC ciphertext (xmlenc); the MAC key is itself encrypted with the pre-shared key; each
 * value's MAC is an HMAC over IV || ciphertext under the MAC key (§6.1.1). The MAC is checked
 * before anything is decrypted, so an altered ciphertext never reaches the cipher. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mamori/err.h"
#include "mamori/secmem.h"
#include "pskc_internal.h"

#define CBC_BLOCK 16

struct cipher_name {
	const char *uri;
	const EVP_CIPHER *(*cipher)(void);
	size_t key_len;
};

static const struct cipher_name ciphers[] = {
	{"http://www.w3.org/2001/04/xmlenc#aes128-cbc", EVP_aes_128_cbc, 16},
	{"http://www.w3.org/2001/04/xmlenc#aes192-cbc", EVP_aes_192_cbc, 24},
	{"http://www.w3.org/2001/04/xmlenc#aes256-cbc", EVP_aes_256_cbc, 32},
};

struct mac_name {
	const char *uri;
	const EVP_MD *(*md)(void);
};

static const struct mac_name macs[] = {
	{"http://www.w3.org/2000/09/xmldsig#hmac-sha1", EVP_sha1},
	{"http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", EVP_sha256},
	{"http://www.w3.org/2001/04/xmldsig-more#hmac-sha512", EVP_sha512},
};

static const struct cipher_name *
find_cipher(const char *uri)
{
	for (size_t i = 0; uri != NULL && i < sizeof(ciphers) / sizeof(ciphers[0]); i++)
		if (strcmp(uri, ciphers[i].uri) == 0)
			return &ciphers[i];
	return NULL;
}

static const EVP_MD *
find_mac(const char *uri)
{
	for (size_t i = 0; uri != NULL && i < sizeof(macs) / sizeof(macs[0]); i++)
		if (strcmp(uri, macs[i].uri) == 0)
			return macs[i].md();
	return NULL;
}

/* Decrypt IV || ciphertext into out[cap]. -EBADMSG when the padding is wrong (the caller
 * decides what that means), MAMORI_E_CORRUPT when the shape is wrong or it does not fit. */
static int
cbc_decrypt(const struct cipher_name *c, const struct mamori_pskc_psk *psk,
	    const struct pskc_blob *in, uint8_t *out, size_t cap, size_t *ret_len)
{
	EVP_CIPHER_CTX *ctx = NULL;
	uint8_t *tmp = NULL;
	size_t ct_len;
	int n1 = 0, n2 = 0, r;

	if (in->len < 2 * CBC_BLOCK || in->len % CBC_BLOCK != 0 || in->len > INT_MAX)
		return MAMORI_E_CORRUPT;
	ct_len = in->len - CBC_BLOCK;
	if ((tmp = malloc(ct_len + CBC_BLOCK)) == NULL || (ctx = EVP_CIPHER_CTX_new()) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if (EVP_DecryptInit_ex(ctx, c->cipher(), NULL, psk->key, in->p) != 1 ||
	    EVP_DecryptUpdate(ctx, tmp, &n1, in->p + CBC_BLOCK, (int)ct_len) != 1) {
		r = -EIO;
		goto out;
	}
	if (EVP_DecryptFinal_ex(ctx, tmp + n1, &n2) != 1) {
		r = -EBADMSG;
		goto out;
	}
	if ((size_t)n1 + (size_t)n2 > cap) {
		r = MAMORI_E_CORRUPT;
		goto out;
	}
	memcpy(out, tmp, (size_t)n1 + (size_t)n2);
	*ret_len = (size_t)n1 + (size_t)n2;
	r = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	mamori_freezero((void **)&tmp, ct_len + CBC_BLOCK);
	return r;
}

int
pskc_open_mac_key(const struct pskc_xml *x, const struct mamori_pskc_psk *psk, uint8_t *out,
		  size_t cap, size_t *ret_len)
{
	const struct cipher_name *c = find_cipher(x->mac_key_alg);
	int r;

	if (c == NULL)
		return -ENOTSUP;
	/* a key of another length than the cipher's cannot be the right one */
	if (psk->len != c->key_len)
		return -EKEYREJECTED;
	r = cbc_decrypt(c, psk, &x->mac_key, out, cap, ret_len);
	/* A wrong key gives random padding: refused here 255 times in 256, by the first
	 * value's MAC otherwise. An empty MAC key would make every MAC forgeable. */
	if (r == -EBADMSG || (r == 0 && *ret_len == 0))
		return -EKEYREJECTED;
	return r;
}

int
pskc_open_value(const struct pskc_xml *x, const struct pskc_xml_secret *s,
		const struct mamori_pskc_psk *psk, const uint8_t *mac_key, size_t mac_key_len,
		uint8_t *out, size_t cap, size_t *ret_len)
{
	const struct cipher_name *c = find_cipher(s->cipher_alg);
	const EVP_MD *md = find_mac(x->mac_alg);
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned mac_len = 0;
	int r;

	if (c == NULL || md == NULL)
		return -ENOTSUP;
	if (psk->len != c->key_len)
		return -EKEYREJECTED;
	if (mac_key_len > INT_MAX ||
	    HMAC(md, mac_key, (int)mac_key_len, s->cipher.p, s->cipher.len, mac, &mac_len) == NULL)
		return -EIO;
	/* the length is public (it is the hash's); only the bytes are compared in constant time */
	if (s->mac.len != mac_len || !mamori_memeq_ct(mac, s->mac.p, mac_len)) {
		r = -EBADMSG;
		goto out;
	}
	r = cbc_decrypt(c, psk, &s->cipher, out, cap, ret_len);
	/* the MAC matched, so a bad padding is the producer's fault, not an attack */
	if (r == -EBADMSG)
		r = MAMORI_E_CORRUPT;
out:
	mamori_wipe(mac, sizeof(mac));
	return r;
}

static bool
is_b64(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '+' || c == '/';
}

/* Copy text without white space into out; 0 or MAMORI_E_CORRUPT for a stray character or a
 * misplaced '='. *ret_pad counts the final '='. */
static int
b64_compact(const char *text, char *out, size_t *ret_len, size_t *ret_pad)
{
	size_t n = 0, pad = 0;

	for (const char *s = text; *s != '\0'; s++) {
		if (strchr(" \t\r\n", *s) != NULL)
			continue;
		if (*s == '=' ? ++pad > 2 : (pad > 0 || !is_b64(*s)))
			return MAMORI_E_CORRUPT;
		out[n++] = *s;
	}
	if (n == 0 || n % 4 != 0 || n > INT_MAX)
		return MAMORI_E_CORRUPT;
	*ret_len = n;
	*ret_pad = pad;
	return 0;
}

int
pskc_base64_decode(const char *text, struct pskc_blob *ret)
{
	size_t n = 0, pad = 0, len = strlen(text);
	char *tmp = malloc(len + 1);
	uint8_t *out = NULL;
	int r, k;

	if (tmp == NULL)
		return -ENOMEM;
	if ((r = b64_compact(text, tmp, &n, &pad)) < 0)
		goto out;
	if ((out = malloc(n / 4 * 3)) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((k = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)n)) < 0 ||
	    (size_t)k != n / 4 * 3) {
		r = MAMORI_E_CORRUPT;
		goto out;
	}
	ret->p = out;
	ret->len = (size_t)k - pad;
	out = NULL;
	r = 0;
out:
	mamori_freezero((void **)&out, n / 4 * 3);
	mamori_freezero((void **)&tmp, len + 1);
	return r;
}

void
pskc_blob_free(struct pskc_blob *b)
{
	if (b == NULL)
		return;
	mamori_freezero((void **)&b->p, b->len);
	b->len = 0;
}
