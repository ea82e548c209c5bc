/* The parts of a PSKC file that libpskc skips: RFC 6030 §6.1's MACMethod, EncryptedValue and
 * ValueMAC. libpskc (2.6) keeps no handle on them, only a "parse error" that also covers real
 * mistakes, so they are read here with libxml2, the parser libpskc itself is built on, from
 * the same bytes. Only these elements are read; everything else stays libpskc's. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mamori/err.h"
#include "pskc_internal.h"

#define NS_PSKC "urn:ietf:params:xml:ns:keyprov:pskc"
#define NS_XENC "http://www.w3.org/2001/04/xmlenc#"


static bool
is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static xmlNode *
child(const xmlNode *n, const char *ns, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is_el(c, ns, name))
			return c;
	return NULL;
}

static int
attr_dup(xmlNode *n, const char *name, char **ret)
{
	xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;

	if (v == NULL)
		return MAMORI_E_CORRUPT;
	*ret = strdup((const char *)v);
	xmlFree(v);
	return *ret == NULL ? -ENOMEM : 0;
}

static int
text_base64(xmlNode *n, struct pskc_blob *ret)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	int r;

	if (v == NULL)
		return MAMORI_E_CORRUPT;
	r = pskc_base64_decode((const char *)v, ret);
	xmlFree(v);
	return r;
}

/* <EncryptionMethod Algorithm=…/><CipherData><CipherValue>base64</…></…> under parent */
static int
read_encrypted(xmlNode *parent, char **ret_alg, struct pskc_blob *ret)
{
	xmlNode *cd = child(parent, NS_XENC, "CipherData");
	int r;

	if ((r = attr_dup(child(parent, NS_XENC, "EncryptionMethod"), "Algorithm", ret_alg)) < 0)
		return r;
	return text_base64(child(cd, NS_XENC, "CipherValue"), ret);
}

static int
read_mac_method(xmlNode *mm, struct pskc_xml *x)
{
	int r;

	if ((r = attr_dup(mm, "Algorithm", &x->mac_alg)) < 0)
		return r;
	return read_encrypted(child(mm, NS_PSKC, "MACKey"), &x->mac_key_alg, &x->mac_key);
}

static int
read_secret(xmlNode *package, struct pskc_xml_secret *s)
{
	xmlNode *data = child(child(package, NS_PSKC, "Key"), NS_PSKC, "Data");
	xmlNode *secret = child(data, NS_PSKC, "Secret");
	xmlNode *ev = child(secret, NS_PSKC, "EncryptedValue");
	int r;

	s->plain = child(secret, NS_PSKC, "PlainValue") != NULL;
	if (ev == NULL)
		return 0;
	s->encrypted = true;
	if ((r = read_encrypted(ev, &s->cipher_alg, &s->cipher)) < 0)
		return r;
	return text_base64(child(secret, NS_PSKC, "ValueMAC"), &s->mac);
}

/* EncryptedValue elements anywhere in the tree (a Counter or Time may be encrypted too). */
static size_t
count_encrypted(const xmlNode *n)
{
	size_t k = 0;

	for (const xmlNode *c = n; c != NULL; c = c->next) {
		if (is_el(c, NS_PSKC, "EncryptedValue"))
			k++;
		k += count_encrypted(c->children);
	}
	return k;
}

static int
scan_packages(xmlNode *root, struct pskc_xml *x, char *err, size_t errlen)
{
	size_t i = 0, handled = 0;
	int r;

	for (xmlNode *c = root->children; c != NULL; c = c->next)
		x->n_packages += is_el(c, NS_PSKC, "KeyPackage");
	if (x->n_packages > MAMORI_PSKC_MAX_TOKENS)
		return pskc_fail(err, errlen, MAMORI_E_TOOBIG, "more than %d tokens in one file",
			    MAMORI_PSKC_MAX_TOKENS);
	if (x->n_packages > 0 &&
	    (x->secrets = calloc(x->n_packages, sizeof(*x->secrets))) == NULL)
		return -ENOMEM;
	for (xmlNode *c = root->children; c != NULL; c = c->next) {
		if (!is_el(c, NS_PSKC, "KeyPackage"))
			continue;
		if ((r = read_secret(c, &x->secrets[i])) < 0)
			return pskc_fail(err, errlen, r, "key package %zu: malformed encrypted secret",
				    i + 1);
		handled += x->secrets[i++].encrypted;
	}
	if (count_encrypted(root) != handled)
		return pskc_fail(err, errlen, -ENOTSUP,
			    "an encrypted value other than a secret (counter, time) is not supported");
	return 0;
}

/* RFC 6030's schema allows these PSKC elements more than once under one parent; every other
 * PSKC element at most once. A repeated one is refused here, before libpskc (2.6) sees the
 * file: it keeps only the last copy and leaks the memory of the earlier ones. */
static bool
may_repeat(const xmlNode *n)
{
	static const char *const names[] = {"KeyPackage", "Extensions", "KeyUsage"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp((const char *)n->name, names[i]) == 0)
			return true;
	return false;
}

static const xmlNode *
find_repeated(const xmlNode *parent)
{
	for (const xmlNode *c = parent->children; c != NULL; c = c->next) {
		const xmlNode *r;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, NS_PSKC, (const char *)c->name) && !may_repeat(c))
			for (const xmlNode *d = c->next; d != NULL; d = d->next)
				if (is_el(d, NS_PSKC, (const char *)c->name))
					return d;
		if ((r = find_repeated(c)) != NULL)
			return r;
	}
	return NULL;
}

static int
scan_doc(xmlDoc *doc, struct pskc_xml *x, char *err, size_t errlen)
{
	xmlNode *root = xmlDocGetRootElement(doc), *mm;
	const xmlNode *rep;
	int r;

	if (doc->intSubset != NULL || doc->extSubset != NULL)
		return pskc_fail(err, errlen, MAMORI_E_CORRUPT, "a DOCTYPE is not allowed in PSKC");
	if (!is_el(root, NS_PSKC, "KeyContainer"))
		return pskc_fail(err, errlen, MAMORI_E_CORRUPT, "not a PSKC KeyContainer (RFC 6030)");
	if ((rep = find_repeated(root)) != NULL)
		return pskc_fail(err, errlen, MAMORI_E_CORRUPT, "line %ld: element %s given twice",
			    xmlGetLineNo(rep), (const char *)rep->name);
	if ((mm = child(root, NS_PSKC, "MACMethod")) != NULL && (r = read_mac_method(mm, x)) < 0)
		return pskc_fail(err, errlen, r, "malformed MACMethod");
	return scan_packages(root, x, err, errlen);
}

int
pskc_xml_scan(const char *text, size_t len, struct pskc_xml *ret, char *err, size_t errlen)
{
	struct pskc_xml x = {0};
	xmlDoc *doc;
	int r;

	if (len > INT_MAX)
		return pskc_fail(err, errlen, MAMORI_E_TOOBIG, "file too large");
	/* no network, no entity substitution, no DTD loading: nothing outside these bytes */
	doc = xmlReadMemory(text, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return pskc_fail(err, errlen, MAMORI_E_CORRUPT, "not well-formed XML");
	r = scan_doc(doc, &x, err, errlen);
	xmlFreeDoc(doc);
	if (r < 0) {
		pskc_xml_free(&x);
		return r;
	}
	*ret = x;
	return 0;
}

void
pskc_xml_free(struct pskc_xml *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; x->secrets != NULL && i < x->n_packages; i++) {
		free(x->secrets[i].cipher_alg);
		pskc_blob_free(&x->secrets[i].cipher);
		pskc_blob_free(&x->secrets[i].mac);
	}
	free(x->secrets);
	free(x->mac_alg);
	free(x->mac_key_alg);
	pskc_blob_free(&x->mac_key);
	memset(x, 0, sizeof(*x));
}
