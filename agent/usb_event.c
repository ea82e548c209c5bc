/* The one wording of events about a USB interface, for mamori-udev and mamori-agent: which
 * interface, what it is, which setting decided, and who the device says it is. */
#include <stdio.h>

#include "mamori/usb_iface.h"

#define USB_MAX_FIELDS 32

static void
add(struct mamori_field *f, size_t *n, struct mamori_field x)
{
	mamori_media_field_add(f, n, USB_MAX_FIELDS, x);
}

void
mamori_usb_report(struct mamori_reporter *rep, enum mamori_event_id ev, const char *msg,
		  const struct mamori_media_dev *dev, const struct mamori_usb_decision *d,
		  const struct mamori_field *extra, size_t n_extra)
{
	const struct mamori_media_identity *id = &dev->id;
	struct mamori_field f[USB_MAX_FIELDS];
	char triplet[12];
	size_t n = 0;

	if (rep == NULL)
		return;
	snprintf(triplet, sizeof(triplet), "%02x/%02x/%02x", dev->iface_class, dev->iface_subclass,
		 dev->iface_protocol);
	add(f, &n, MAMORI_STR("iface", dev->usb_iface));
	add(f, &n, MAMORI_STR("class", mamori_usb_kind_name(d->kind)));
	add(f, &n, MAMORI_STR("function",
			      mamori_usb_function_name(dev->iface_class, dev->iface_subclass,
						       dev->iface_protocol)));
	add(f, &n, MAMORI_STR("usbclass", triplet));
	add(f, &n, MAMORI_STR("action", d->authorize ? "authorize" : "refuse"));
	add(f, &n, MAMORI_STR("setting", d->setting));
	add(f, &n, MAMORI_STR("policy", d->policy));
	for (size_t i = 0; i < n_extra; i++)
		add(f, &n, extra[i]);
	mamori_media_identity_fields(id, f, &n, USB_MAX_FIELDS);
	add(f, &n, MAMORI_STR("allow", d->allowed != NULL ? d->allowed->comment : NULL));
	(void)mamori_report(rep, ev, msg, f, n);
}
