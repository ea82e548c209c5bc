/* Which USB interfaces may bind a driver. Every way data can leave the terminal or bridge its
 * isolated network through a USB interface (policy §6(3)①) is refused unless mamori.conf
 * says otherwise: tethering (RNDIS, CDC ECM/NCM), iPhone usbmux, ADB, Bluetooth, printers,
 * vendor-specific interfaces; keyboards, hubs and smart-card readers keep working.
 * Class codes: usb.org "Defined Class Codes". */
#include <stddef.h>

#include "mamori/usb_iface.h"

#define UC_AUDIO 0x01
#define UC_COMM 0x02      /* CDC control: ECM 06, NCM 0d, ACM 02 (RNDIS is 02/02/ff) */
#define UC_HID 0x03
#define UC_PRINTER 0x07
#define UC_STORAGE 0x08
#define UC_HUB 0x09
#define UC_CDC_DATA 0x0a
#define UC_CCID 0x0b
#define UC_STILL_IMAGE 0x06
#define UC_WIRELESS 0xe0  /* e0/01/01 Bluetooth, e0/01/03 RNDIS */
#define UC_MISC 0xef      /* ef/04/xx RNDIS */
#define UC_APP 0xfe       /* fe/01 DFU, fe/02 IrDA bridge */
#define UC_VENDOR 0xff

const char *
mamori_usb_kind_name(enum mamori_usb_kind k)
{
	switch (k) {
	case MAMORI_UK_OTHER: return "other";
	case MAMORI_UK_HID: return "hid";
	case MAMORI_UK_HUB: return "hub";
	case MAMORI_UK_CCID: return "ccid";
	case MAMORI_UK_STORAGE: return "usb-storage";
	case MAMORI_UK_MTP: return "mtp";
	case MAMORI_UK_NETWORK: return "network";
	case MAMORI_UK_WIRELESS: return "wireless";
	case MAMORI_UK_PRINTER: return "printer";
	case MAMORI_UK_VENDOR: return "vendor";
	}
	return "unknown";
}

static bool
is_rndis(uint8_t cls, uint8_t sub, uint8_t proto)
{
	return (cls == UC_COMM && sub == 0x02 && proto == 0xff) ||
	       (cls == UC_WIRELESS && sub == 0x01 && proto == 0x03) ||
	       (cls == UC_MISC && sub == 0x04);
}

enum mamori_usb_kind
mamori_usb_kind_of(uint8_t cls, uint8_t sub, uint8_t proto, bool mtp)
{
	if (mtp || (cls == UC_STILL_IMAGE && sub == 0x01 && proto == 0x01))
		return MAMORI_UK_MTP;
	if (is_rndis(cls, sub, proto) || cls == UC_COMM || cls == UC_CDC_DATA)
		return MAMORI_UK_NETWORK;
	switch (cls) {
	case UC_HID: return MAMORI_UK_HID;
	case UC_HUB: return MAMORI_UK_HUB;
	case UC_CCID: return MAMORI_UK_CCID;
	case UC_STORAGE: return MAMORI_UK_STORAGE;
	case UC_PRINTER: return MAMORI_UK_PRINTER;
	case UC_WIRELESS: return MAMORI_UK_WIRELESS;
	case UC_VENDOR: return MAMORI_UK_VENDOR;
	case UC_APP: return sub == 0x02 ? MAMORI_UK_WIRELESS : MAMORI_UK_OTHER;
	default: return MAMORI_UK_OTHER;
	}
}

const char *
mamori_usb_function_name(uint8_t cls, uint8_t sub, uint8_t proto)
{
	if (is_rndis(cls, sub, proto))
		return "rndis";
	if (cls == UC_COMM)
		return sub == 0x06 ? "ecm" : sub == 0x0d ? "ncm" : sub == 0x0e ? "mbim"
			: sub == 0x0c ? "eem" : sub == 0x02 ? "acm" : "";
	if (cls == UC_CDC_DATA)
		return "cdc-data";
	if (cls == UC_WIRELESS && sub == 0x01 && proto == 0x01)
		return "bluetooth";
	if (cls == UC_VENDOR && sub == 0x42 && proto == 0x01)
		return "adb";
	if (cls == UC_VENDOR && sub == 0xfe && proto == 0x02)
		return "usbmux";
	if (cls == UC_APP && sub == 0x02)
		return "irda";
	return "";
}

/* A class setting of mamori.conf (network, wireless, printer, vendor, mtp). */
static void
by_class(struct mamori_usb_decision *d, const char *setting, enum mamori_class_policy p)
{
	d->setting = setting;
	d->policy = mamori_class_policy_name(p);
	d->authorize = p != MAMORI_CLASS_DENY;
	d->report = p != MAMORI_CLASS_ALLOW;
}

/* Storage is authorized unless the media policy is deny: readonly and audit act on the
 * block device it makes, which mamori-udev protects before anyone hears of it. */
static void
by_media(struct mamori_usb_decision *d, const char *setting, enum mamori_media_policy p)
{
	d->setting = setting;
	d->policy = mamori_media_policy_name(p);
	d->authorize = p != MAMORI_MEDIA_DENY;
	d->report = p == MAMORI_MEDIA_DENY;
}

/* An allowlisted phone: readwrite and audit let it in, readonly and deny do not (MTP has no
 * read-only mode mamori could enforce); as decide.c does for its node. */
static void
mtp_by_entry(struct mamori_usb_decision *d, const struct mamori_allow_entry *e)
{
	by_media(d, "allow", e->policy);
	d->authorize = e->policy == MAMORI_MEDIA_READWRITE || e->policy == MAMORI_MEDIA_AUDIT;
	d->report = !d->authorize;
}

static void
decide_media(struct mamori_usb_decision *d, const struct mamori_media_dev *dev,
	     const struct mamori_media_config *media)
{
	const struct mamori_allow_entry *e = mamori_media_allow_find(media, &dev->id);

	d->allowed = e;
	if (d->kind == MAMORI_UK_MTP) {
		if (e != NULL)
			mtp_by_entry(d, e);
		else
			by_class(d, media != NULL ? "media.mtp" : "builtin",
				 media != NULL ? media->mtp : MAMORI_CLASS_DENY);
		d->report = false; /* a phone is reported by its device (MAMORI-MEDIA-106/103) */
	} else if (e != NULL) {
		by_media(d, "allow", e->policy);
	} else {
		by_media(d, media != NULL ? "media.policy" : "builtin",
			 media != NULL ? media->policy : MAMORI_MEDIA_READONLY);
	}
}

void
mamori_usb_decide(const struct mamori_media_dev *dev, const struct mamori_media_config *media,
		  struct mamori_usb_decision *ret)
{
	struct mamori_usb_decision d = {.authorize = true, .setting = "", .policy = "allow"};
	bool ok = media != NULL;

	d.kind = mamori_usb_kind_of(dev->iface_class, dev->iface_subclass, dev->iface_protocol,
				    dev->mtp);
	switch (d.kind) {
	case MAMORI_UK_STORAGE:
	case MAMORI_UK_MTP:
		decide_media(&d, dev, media);
		break;
	case MAMORI_UK_NETWORK:
		by_class(&d, ok ? "media.network" : "builtin", ok ? media->network : MAMORI_CLASS_DENY);
		break;
	case MAMORI_UK_WIRELESS:
		by_class(&d, ok ? "media.wireless" : "builtin", ok ? media->wireless : MAMORI_CLASS_DENY);
		break;
	case MAMORI_UK_PRINTER:
		by_class(&d, ok ? "media.printer" : "builtin", ok ? media->printer : MAMORI_CLASS_DENY);
		break;
	case MAMORI_UK_VENDOR:
		by_class(&d, ok ? "media.vendor" : "builtin", ok ? media->vendor : MAMORI_CLASS_DENY);
		break;
	default:
		break; /* HID, hubs, CCID and the rest keep working */
	}
	*ret = d;
}
