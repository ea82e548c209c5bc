/* How mamori-agent words its device events, and the hash that identifies a configuration:
 * the first 8 bytes of SHA-256 over what `mamorictl config check --show` prints after its
 * first line. libmamori's own SHA-256 keeps libcrypto (about 3 MiB of resident memory)
 * out of the daemon. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "mamori/sha256.h"

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
	uint8_t md[MAMORI_SHA256_LEN];
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int ok;

	out[0] = '\0';
	if (f == NULL)
		return;
	ok = cfg != NULL && mamori_config_print(cfg, f) == 0;
	if (fclose(f) != 0 || !ok || text == NULL) {
		free(text);
		return;
	}
	mamori_sha256(text, len, md);
	for (size_t i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(text);
}
