/* A PSKC file (RFC 6030) into tokens, all or nothing. libpskc reads the container and each
 * key package; it skips the §6.1 encryption elements with a "parse error" it also gives for
 * real mistakes, so the file must besides pass libpskc's RFC 6030 schema check, and the
 * skipped elements are read by pskc_xml.c. */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlerror.h>
#include <pskc/pskc.h>

#include "mamori/err.h"
#include "mamori/secmem.h"
#include "pskc_internal.h"

int
pskc_fail(char *err, size_t errlen, int r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return r;
}

static pthread_once_t pskc_once = PTHREAD_ONCE_INIT;
static int pskc_init_rc;

static void
pskc_init_once(void)
{
	pskc_init_rc = pskc_global_init();
}

/* libxml2's messages would go to stderr; keep the first one for our own error line. */
struct xml_first_error {
	char text[160];
};

static void
keep_first_error(void *ctx, const xmlError *e)
{
	struct xml_first_error *f = ctx;
	size_t n;

	if (f->text[0] != '\0' || e == NULL || e->message == NULL)
		return;
	(void)snprintf(f->text, sizeof(f->text), "line %d: %s", e->line, e->message);
	n = strlen(f->text);
	while (n > 0 && isspace((unsigned char)f->text[n - 1]))
		f->text[--n] = '\0';
}

/* Parse with libpskc and check the schema. */
static int
load_container(const char *text, size_t len, pskc_t **ret, char *err, size_t errlen)
{
	struct xml_first_error first = {{0}};
	pskc_t *c = NULL;
	int rc, valid = 0, r;

	pthread_once(&pskc_once, pskc_init_once);
	if (pskc_init_rc != PSKC_OK || pskc_init(&c) != PSKC_OK)
		return -ENOMEM;
	xmlSetStructuredErrorFunc(&first, (xmlStructuredErrorFunc)keep_first_error);
	rc = pskc_parse_from_memory(c, len, text);
	if (rc == PSKC_OK || rc == PSKC_PARSE_ERROR)
		rc = pskc_validate(c, &valid);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (rc == PSKC_MALLOC_ERROR)
		r = -ENOMEM;
	else if (rc != PSKC_OK || !valid)
		r = pskc_fail(err, errlen, MAMORI_E_CORRUPT, "does not follow RFC 6030%s%s",
			 first.text[0] ? ": " : "", first.text);
	else
		r = 0;
	if (r < 0)
		pskc_done(c);
	else
		*ret = c;
	return r;
}

static size_t
count_packages(pskc_t *c)
{
	size_t n = 0;

	while (n <= MAMORI_PSKC_MAX_TOKENS && pskc_get_keypackage(c, n) != NULL)
		n++;
	return n;
}

static int
check_unique(const struct mamori_pskc *p, char *err, size_t errlen)
{
	for (size_t i = 1; i < p->n_tokens; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(p->tokens[i].serial, p->tokens[j].serial) == 0)
				return pskc_fail(err, errlen, MAMORI_E_CORRUPT,
					    "serial %s appears twice", p->tokens[i].serial);
	return 0;
}

/* The MAC key, when any value is encrypted. */
static int
open_mac_key(const struct pskc_xml *x, const struct mamori_pskc_psk *psk, uint8_t *out,
	     size_t cap, size_t *ret_len, char *err, size_t errlen)
{
	int r;

	if (x->mac_alg == NULL)
		return pskc_fail(err, errlen, MAMORI_E_CORRUPT,
			    "encrypted values without a MACMethod (RFC 6030 §6.1.1)");
	if (psk == NULL)
		return pskc_fail(err, errlen, -ENOKEY,
			    "values are encrypted: the pre-shared key is needed");
	if ((r = pskc_open_mac_key(x, psk, out, cap, ret_len)) == -EKEYREJECTED)
		return pskc_fail(err, errlen, r, "the pre-shared key does not open this file");
	if (r == -ENOTSUP)
		return pskc_fail(err, errlen, r, "MAC key cipher %.80s is not supported",
			    x->mac_key_alg);
	return r;
}

static bool
any_encrypted(const struct pskc_xml *x)
{
	for (size_t i = 0; i < x->n_packages; i++)
		if (x->secrets[i].encrypted)
			return true;
	return false;
}

static int
read_tokens(pskc_t *c, const struct pskc_xml *x, const struct mamori_pskc_psk *psk,
	    struct mamori_pskc *p, char *err, size_t errlen)
{
	uint8_t mac_key[256];
	struct pskc_seed_ctx ctx = {.xml = x, .psk = psk, .mac_key = mac_key};
	int r;

	p->encrypted = any_encrypted(x);
	if (p->encrypted &&
	    (r = open_mac_key(x, psk, mac_key, sizeof(mac_key), &ctx.mac_key_len, err,
			      errlen)) < 0)
		goto out;
	for (p->n_tokens = 0; p->n_tokens < x->n_packages; p->n_tokens++) {
		r = pskc_token_read(pskc_get_keypackage(c, p->n_tokens), &ctx, p->n_tokens,
				    &p->tokens[p->n_tokens], err, errlen);
		if (r < 0)
			goto out;
	}
	r = check_unique(p, err, errlen);
out:
	mamori_wipe(mac_key, sizeof(mac_key));
	return r;
}

int
mamori_pskc_parse(const char *text, size_t len, const struct mamori_pskc_psk *psk,
		  struct mamori_pskc **ret, char *err, size_t errlen)
{
	struct pskc_xml x = {0};
	struct mamori_pskc *p = NULL;
	pskc_t *c = NULL;
	int r;

	err[0] = '\0';
	if ((r = pskc_xml_scan(text, len, &x, err, errlen)) < 0 ||
	    (r = load_container(text, len, &c, err, errlen)) < 0)
		goto out;
	if (count_packages(c) != x.n_packages || x.n_packages == 0) {
		r = pskc_fail(err, errlen, MAMORI_E_CORRUPT, "no key package, or key packages unreadable");
		goto out;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->tokens = calloc(x.n_packages, sizeof(*p->tokens))) == NULL) {
		r = -ENOMEM;
		goto out;
	}
	if ((r = read_tokens(c, &x, psk, p, err, errlen)) < 0)
		goto out;
	*ret = p;
	p = NULL;
	r = 0;
out:
	mamori_pskc_free(&p);
	if (c != NULL)
		pskc_done(c);
	pskc_xml_free(&x);
	if (r == -ENOMEM)
		(void)pskc_fail(err, errlen, r, "out of memory");
	return r;
}
