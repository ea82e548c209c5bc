/* What kind of device this is, from what the device itself says (sysfs), never from the
 * names other rules give it: a rule that matched too narrowly (KERNEL=="sd*", ID_BUS=="usb"
 * with usb-storage only) is how card readers and UAS disks slipped through elsewhere
 * (reference/removable-media.md (c)8). */
#include <string.h>

#include "mamori/media.h"

/* SCSI peripheral device types (SPC-4 table 49): the ones that are optical drives. */
#define SCSI_TYPE_WORM 0x04
#define SCSI_TYPE_ROM 0x05
#define SCSI_TYPE_MOD 0x07

const char *
mamori_media_class_name(enum mamori_media_class c)
{
	switch (c) {
	case MAMORI_MC_IGNORED: return "ignored";
	case MAMORI_MC_INTERNAL: return "internal";
	case MAMORI_MC_VIRTUAL: return "virtual";
	case MAMORI_MC_USB_STORAGE: return "usb-storage";
	case MAMORI_MC_SD: return "sd";
	case MAMORI_MC_OPTICAL: return "optical";
	case MAMORI_MC_MTP: return "mtp";
	case MAMORI_MC_HOTPLUG: return "hotplug-disk";
	case MAMORI_MC_LOOP: return "loop";
	}
	return "unknown";
}

bool
mamori_media_class_is_storage(enum mamori_media_class c)
{
	return c == MAMORI_MC_USB_STORAGE || c == MAMORI_MC_SD || c == MAMORI_MC_OPTICAL ||
	       c == MAMORI_MC_HOTPLUG || c == MAMORI_MC_LOOP;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Block devices made by the kernel itself, with no hardware behind them. */
static enum mamori_media_class
classify_virtual(const struct mamori_media_dev *dev, const struct mamori_media_config *media)
{
	if (has_prefix(dev->disk, "loop"))
		return media != NULL && media->loop ? MAMORI_MC_LOOP : MAMORI_MC_VIRTUAL;
	return MAMORI_MC_VIRTUAL;
}

static bool
is_optical(int scsi_type)
{
	return scsi_type == SCSI_TYPE_WORM || scsi_type == SCSI_TYPE_ROM ||
	       scsi_type == SCSI_TYPE_MOD;
}

/* An eMMC soldered to the board says "MMC" and is not removable; an SD card (on any reader,
 * USB or PCI) says "SD" or "SDcombo". Anything else on mmc is treated as a card: when in
 * doubt a device is protected, never left writable. */
static enum mamori_media_class
classify_mmc(const struct mamori_media_dev *dev)
{
	if (strcmp(dev->mmc_type, "MMC") == 0 && !dev->removable)
		return MAMORI_MC_INTERNAL;
	return MAMORI_MC_SD;
}

static enum mamori_media_class
classify_block(const struct mamori_media_dev *dev, const struct mamori_media_config *media)
{
	if (dev->is_virtual)
		return classify_virtual(dev, media);
	if (is_optical(dev->scsi_type))
		return MAMORI_MC_OPTICAL;
	if (dev->on_mmc)
		return dev->on_usb ? MAMORI_MC_SD : classify_mmc(dev);
	/* Any disk behind USB, whatever the driver (usb-storage, uas, ums-*): USB is never the
	 * bus of a fixed disk on these terminals. */
	if (dev->on_usb)
		return MAMORI_MC_USB_STORAGE;
	if (dev->on_hotplug_bus || dev->removable)
		return MAMORI_MC_HOTPLUG;
	return MAMORI_MC_INTERNAL;
}

enum mamori_media_class
mamori_media_classify(const struct mamori_media_dev *dev, const struct mamori_media_config *media)
{
	if (strcmp(dev->subsystem, "block") == 0)
		return classify_block(dev, media);
	/* The SCSI generic node of an optical drive is its burning path (SG_IO). */
	if (strcmp(dev->subsystem, "scsi_generic") == 0)
		return is_optical(dev->scsi_type) ? MAMORI_MC_OPTICAL : MAMORI_MC_IGNORED;
	if (strcmp(dev->subsystem, "usb") == 0 && dev->mtp)
		return MAMORI_MC_MTP;
	return MAMORI_MC_IGNORED;
}

/* USB descriptor types (USB 2.0 table 9-5) and the still-image class (PIMA 15740, which
 * MTP extends): class 06, subclass 01, protocol 01. */
#define USB_DT_INTERFACE 0x04
#define USB_CLASS_STILL_IMAGE 0x06

bool
mamori_media_descriptors_have_ptp(const uint8_t *desc, size_t len)
{
	size_t off = 0;

	/* Every descriptor starts with its length and type; a length below 2 would loop. */
	while (off + 2 <= len) {
		size_t dlen = desc[off];

		if (dlen < 2 || dlen > len - off)
			return false;
		if (desc[off + 1] == USB_DT_INTERFACE && dlen >= 9 &&
		    desc[off + 5] == USB_CLASS_STILL_IMAGE && desc[off + 6] == 0x01 &&
		    desc[off + 7] == 0x01)
			return true;
		off += dlen;
	}
	return false;
}
