/* Removable media: what a kernel device is (classify), what the policy wants for it (decide).
 * Both are pure functions over a plain description of the device, filled from libudev by
 * media_udev.h; mamori-udev and, later, the agent and `mamorictl check` share them. */
#ifndef MAMORI_MEDIA_H
#define MAMORI_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mamori/config.h"
#include "mamori/event.h"

enum mamori_media_class {
	MAMORI_MC_IGNORED,     /* not storage and not a way out: hubs, keyboards, CCID, … */
	MAMORI_MC_INTERNAL,    /* fixed disk (virtio, SATA, NVMe, eMMC): never touched */
	MAMORI_MC_VIRTUAL,     /* dm, md, zram, nbd, ram, loop (unless media.loop): never touched */
	MAMORI_MC_USB_STORAGE, /* block device below a USB device (usb-storage, uas, ums-*) */
	MAMORI_MC_SD,          /* SD/MMC card, on a USB or PCI reader */
	MAMORI_MC_OPTICAL,     /* CD/DVD/BD drive: sr block node or its sg node */
	MAMORI_MC_MTP,         /* phone or camera speaking MTP/PTP */
	MAMORI_MC_HOTPLUG,     /* other hot-pluggable disk (removable medium, FireWire, …) */
	MAMORI_MC_LOOP,        /* loop device, only with media.loop (tests) */
};

/* "usb-storage", "sd", … as in the MAMORI_CLASS property and events; never NULL. */
const char *mamori_media_class_name(enum mamori_media_class c);

/* Whether devices of this class hold a block node that BLKROSET protects. */
bool mamori_media_class_is_storage(enum mamori_media_class c);

#define MAMORI_MEDIA_STR 128

/* Who the device says it is, for the allowlist and the event. Strings come from the device
 * and are hostile: they go into events only through the formatter's escaping. */
struct mamori_media_identity {
	char vid[5], pid[5];            /* USB ids as four lower-case hex digits, or "" */
	char serial[MAMORI_MEDIA_STR];  /* USB serial, or SD card serial, or "" */
	char vendor[MAMORI_MEDIA_STR];  /* USB manufacturer or SCSI vendor */
	char product[MAMORI_MEDIA_STR]; /* USB product or SCSI model or SD name */
	char bus[16];                   /* usb, mmc, pci, scsi, virtual, … */
	char port[MAMORI_MEDIA_STR];    /* where it is plugged: USB port path "3-1.2", mmc host */
};

/* A device as udev shows it, reduced to what classification needs. Filled by the libudev
 * backend from sysfs attributes (the device's own descriptors), never from properties that
 * later rules set. */
struct mamori_media_dev {
	char subsystem[32];  /* block, scsi_generic, usb */
	char devtype[32];    /* disk, partition, usb_device, usb_interface, or "" */
	char sysname[64];    /* sdb1, sg2, 3-1, 3-1:1.0 */
	char devnode[128];   /* /dev/sdb1, or "" */
	dev_t devnum;        /* the device number of its node, 0 when it has none */
	char disk[64];       /* sysname of the whole disk for a block device (itself for a disk) */
	bool is_virtual;     /* below /devices/virtual: no hardware parent */
	bool removable;      /* the disk's "removable" attribute (SCSI RMB bit and alike) */
	int scsi_type;       /* SCSI peripheral type of the scsi_device parent, -1 if none */
	bool on_usb;         /* a USB device is among the parents */
	char usb_driver[32]; /* driver of the nearest usb_interface parent, or "" */
	bool on_mmc;         /* an mmc card is among the parents */
	char mmc_type[16];   /* the card's "type": SD, MMC, SDIO, SDcombo */
	bool on_hotplug_bus; /* FireWire, Thunderbolt or PCMCIA among the parents */
	bool mtp;            /* USB: an MTP/PTP interface (06/01/01, or ff named "MTP") */
	/* A usb_interface that is MTP although its device's descriptors do not say so (vendor
	 * MTP): the device's own event came too early to see it and must be replayed. */
	bool recheck_parent;
	char parent_syspath[512]; /* the usb_device of a usb_interface, or "" */
	uint64_t size;       /* bytes, 0 when unknown or not a block device */
	/* USB interface: the interface itself for a usb_interface, else the nearest one above
	 * (the one a block device hangs from); "" when none. */
	char usb_iface[32];   /* its sysname, e.g. "2-1:1.0" */
	uint8_t iface_class, iface_subclass, iface_protocol; /* of a usb_interface itself */
	int iface_authorized; /* its "authorized" attribute: 1, 0, or -1 when not an interface */
	/* The kernel device whose driver makes this block device, for a device without USB
	 * authorization (mmc card, SCSI device on SATA): "mmc" + "mmc0:4567", "scsi" + "0:0:0:0". */
	char unbind_bus[8];
	char unbind_name[32];
	struct mamori_media_identity id;
};

enum mamori_media_class mamori_media_classify(const struct mamori_media_dev *dev,
					      const struct mamori_media_config *media);

/* What mamori-udev does to the device. */
enum mamori_media_action {
	MAMORI_MA_NONE,      /* not ours: untouched, not reported */
	MAMORI_MA_READONLY,  /* kernel read-only flag on the disk and every partition */
	MAMORI_MA_DENY,      /* refused; until deny is enforceable, read-only (fallback) */
	MAMORI_MA_AUDIT,     /* reported only */
	MAMORI_MA_READWRITE, /* allowlisted for writing: left as it is */
	MAMORI_MA_BLOCK,     /* no access for users: MTP, or an optical drive's write path */
};

const char *mamori_media_action_name(enum mamori_media_action a);

struct mamori_media_decision {
	enum mamori_media_action action;
	enum mamori_media_policy policy;           /* the policy that applied */
	const struct mamori_allow_entry *allowed;  /* the allowlist entry that matched, or NULL */
	bool set_readonly;   /* BLKROSET on the block node(s) */
	bool strip_uaccess;  /* the seat user gets no ACL on the node (uaccess tag removed) */
	unsigned node_mode;  /* 0, or the mode the node must get (0640: read, no write) */
};

/* The decision for a classified device. media may be NULL (configuration unusable): then
 * the built-in fail-closed policy applies (storage read-only, optical read-only, MTP deny). */
void mamori_media_decide(enum mamori_media_class cls, const struct mamori_media_dev *dev,
			 const struct mamori_media_config *media,
			 struct mamori_media_decision *ret);

/* The allowlist entry for vid:pid:serial (case of the hex digits ignored, serial exact), or
 * NULL. A device without a serial never matches. */
const struct mamori_allow_entry *mamori_media_allow_find(const struct mamori_media_config *media,
							 const struct mamori_media_identity *id);

/* Whether a USB configuration descriptor set (the usb_device's "descriptors" attribute: the
 * device descriptor, then the active configuration) declares a still-image (PTP/MTP)
 * interface 06/01/01. Bounds-checked; malformed input gives false. */
bool mamori_media_descriptors_have_ptp(const uint8_t *desc, size_t len);

/* Event fields (media_fields.c): x appended to f (n of cap used) unless it is a string
 * without a value; the identity as bus, port, vid, pid, serial, vendor, product. */
void mamori_media_field_add(struct mamori_field *f, size_t *n, size_t cap, struct mamori_field x);
void mamori_media_identity_fields(const struct mamori_media_identity *id, struct mamori_field *f,
				  size_t *n, size_t cap);

/* Whether dev is a phone or camera (MTP/PTP) whose USB node (/dev/bus/usb/BBB/DDD) the
 * policy keeps from users: its usb_device with a node, classified MTP, decided to lose
 * udev's uaccess. mamori-agent re-checks the node's ACL; mamorictl check inspects it. */
bool mamori_media_phone_kept(const struct mamori_media_dev *dev,
			     const struct mamori_media_config *media);

#endif
