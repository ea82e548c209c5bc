/* How mamori-agent words its device events, and the hash that identifies a configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "agent_internal.h"

#define AGENT_MAX_FIELDS 32

static void
add(struct mamori_field *f, size_t *n, struct mamori_field x)
{
	mamori_media_field_add(f, n, AGENT_MAX_FIELDS, x);
}

void
agent_report_dev(struct agent *a, enum mamori_event_id ev, const char *msg,
		 const struct mamori_media_dev *dev, const char *node,
		 const struct mamori_field *extra, size_t n_extra)
{
	const struct mamori_media_identity *id = &dev->id;
	struct mamori_field f[AGENT_MAX_FIELDS];
	size_t n = 0;
	enum mamori_media_class cls = mamori_media_classify(dev, agent_media(a));

	if (a->rep == NULL)
		return;
	add(f, &n, MAMORI_STR("dev", node != NULL ? node : dev->devnode));
	add(f, &n, MAMORI_STR("disk", dev->disk));
	add(f, &n, MAMORI_STR("class", mamori_media_class_name(cls)));
	for (size_t i = 0; i < n_extra; i++)
		add(f, &n, extra[i]);
	mamori_media_identity_fields(id, f, &n, AGENT_MAX_FIELDS);
	add(f, &n, MAMORI_INT("size", dev->size));
	add(f, &n, MAMORI_STR("config", a->cfg_ok ? "ok" : "invalid"));
	(void)mamori_report(a->rep, ev, msg, f, n);
}

void
agent_policy_hash(const struct mamori_config *cfg, char out[17])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ok;

	out[0] = '\0';
	if (f == NULL)
		return;
	ok = cfg != NULL && mamori_config_print(cfg, f) == 0;
	if (fclose(f) != 0 || !ok || text == NULL ||
	    EVP_Digest(text, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len < 8) {
		free(text);
		return;
	}
	for (size_t i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(text);
}
