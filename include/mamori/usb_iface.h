/* USB interfaces: which ones the kernel may hand to a driver (or to usbfs). Every interface
 * on a root hub mamori closed (interface_authorized_default = 0) starts unauthorized, so no
 * driver binds before mamori-udev decided (Documentation/usb/authorization.rst); it
 * authorizes only what the policy allows. The decision is pure; the sysfs writes that carry
 * it out are in usb_authorize.c. */
#ifndef MAMORI_USB_IFACE_H
#define MAMORI_USB_IFACE_H

#include <stdbool.h>
#include <stdint.h>

#include "mamori/config.h"
#include "mamori/event.h"
#include "mamori/media.h"

/* What an interface is for, from its class/subclass/protocol triplet (usb.org class codes). */
enum mamori_usb_kind {
	MAMORI_UK_OTHER,    /* audio, video, CDC-less serial, …: kept working */
	MAMORI_UK_HID,      /* 03: keyboards, mice */
	MAMORI_UK_HUB,      /* 09 */
	MAMORI_UK_CCID,     /* 0b: smart-card readers */
	MAMORI_UK_STORAGE,  /* 08: follows media.policy */
	MAMORI_UK_MTP,      /* 06/01/01, or ff named "MTP": follows media.mtp */
	MAMORI_UK_NETWORK,  /* 02 CDC (ECM, NCM, RNDIS, modems), 0a CDC data, e0/01/03, ef/04 */
	MAMORI_UK_WIRELESS, /* e0 (Bluetooth), fe/02 (IrDA) */
	MAMORI_UK_PRINTER,  /* 07 */
	MAMORI_UK_VENDOR,   /* ff: ADB, iPhone usbmux, most Wi-Fi dongles */
};

/* "hid", "network", … as in events; never NULL. */
const char *mamori_usb_kind_name(enum mamori_usb_kind k);

enum mamori_usb_kind mamori_usb_kind_of(uint8_t cls, uint8_t sub, uint8_t proto, bool mtp);

/* A well-known function of the triplet for the event ("rndis", "ecm", "ncm", "adb",
 * "usbmux", "bluetooth", …), or "" when it has no better name than its kind. */
const char *mamori_usb_function_name(uint8_t cls, uint8_t sub, uint8_t proto);

struct mamori_usb_decision {
	enum mamori_usb_kind kind;
	bool authorize;      /* the interface may bind a driver */
	bool report;         /* refused or audited: an event */
	const char *setting; /* the option that decided: "media.network", "allow", "builtin" */
	const char *policy;  /* its value: "deny", "audit", "allow", "readonly", … */
	const struct mamori_allow_entry *allowed; /* the allowlist entry that matched, or NULL */
};

/* The decision for the usb_interface dev. media may be NULL (configuration unusable): the
 * built-in fail-closed policy (storage read-only, so authorized; every listed way out
 * refused; HID, hubs and CCID authorized). */
void mamori_usb_decide(const struct mamori_media_dev *dev, const struct mamori_media_config *media,
		       struct mamori_usb_decision *ret);

/* The event about an interface (usb_event.c): its identity and the decision, then extra
 * fields (uevent, user, reason, …; empty values left out). */
void mamori_usb_report(struct mamori_reporter *rep, enum mamori_event_id ev, const char *msg,
		       const struct mamori_media_dev *dev, const struct mamori_usb_decision *d,
		       const struct mamori_field *extra, size_t n_extra);

/* --- sysfs (usb_authorize.c) --- */

/* Write the interface's "authorized" attribute; when authorizing, ask the bus to probe a
 * driver for it (the kernel does not on its own). 0 or a negative errno. */
int mamori_usb_set_authorized(const char *iface, bool on);

/* Carry out d for the usb_interface dev: 1 when its "authorized" was changed, 0 when it
 * already was as decided, or a negative errno. */
int mamori_usb_apply(const struct mamori_media_dev *dev, const struct mamori_usb_decision *d);

/* interface_authorized_default of a root hub ("usb3"): *was gets the old value (0, 1, or
 * -1 when unreadable); on is written. 0 or a negative errno. */
int mamori_usb_set_bus_default(const char *roothub, bool on, int *was);

#endif
