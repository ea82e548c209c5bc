/* The fields every event about a device carries, in one order for mamori-udev and
 * mamori-agent: who the device says it is. */
#include "mamori/media.h"

void
mamori_media_field_add(struct mamori_field *f, size_t *n, size_t cap, struct mamori_field x)
{
	/* A key without a value (no serial, no vendor string) is left out. */
	if (x.type == MAMORI_FT_STR && (x.s == NULL || x.s[0] == '\0'))
		return;
	if (*n < cap)
		f[(*n)++] = x;
}

void
mamori_media_identity_fields(const struct mamori_media_identity *id, struct mamori_field *f,
			     size_t *n, size_t cap)
{
	mamori_media_field_add(f, n, cap, MAMORI_STR("bus", id->bus));
	mamori_media_field_add(f, n, cap, MAMORI_STR("port", id->port));
	mamori_media_field_add(f, n, cap, MAMORI_STR("vid", id->vid));
	mamori_media_field_add(f, n, cap, MAMORI_STR("pid", id->pid));
	mamori_media_field_add(f, n, cap, MAMORI_STR("serial", id->serial));
	mamori_media_field_add(f, n, cap, MAMORI_STR("vendor", id->vendor));
	mamori_media_field_add(f, n, cap, MAMORI_STR("product", id->product));
}
