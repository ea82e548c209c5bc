/* Which USB interfaces may bind a driver (media.policy deny and the classes that are other
 * ways out), over device trees read through the real libudev from umockdev testbeds.
 *
 * Recorded in the VM bench: usb-stick, usb-mtp, usb-keyboard, usb-ccid, usb-hub.
 * Derived by hand (usb-mtp-vendor, usb-adb; see tests/data/udev/README.md) or by
 * tests/data/udev/make-synthetic.sh from usb-adb, because QEMU emulates no such device:
 * usb-rndis, usb-rndis-wireless, usb-rndis-misc, usb-ecm, usb-ncm, usb-cdc-data, usb-usbmux,
 * usb-bluetooth, usb-wifi-vendor, usb-printer. (QEMU's usb-net, RNDIS and CDC ECM, is plugged
 * in the VM test tests/vm/t_deny.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mamori/config.h"
#include "mamori/media.h"
#include "mamori/media_udev.h"
#include "mamori/usb_iface.h"

#include "umockdev_bed.h"

#define PHONE_IF "/devices/pci0000:00/0000:00:04.0/usb1/1-4/1-4:1.0"
#define STICK_IF "/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0"

static void
read_dev(struct bed *b, const char *devpath, struct mamori_media_dev *dev)
{
	char syspath[1100];

	snprintf(syspath, sizeof(syspath), "/sys%s", devpath);
	if (mamori_media_udev_read(b->udev, syspath, dev) != 0)
		fail_msg("%s: cannot be read", devpath);
}

/* The one interface of a recording: read, and decided under cfg (NULL: unusable config). */
static struct mamori_usb_decision
decide_iface(const char *file, const char *devpath, const struct mamori_media_config *media,
	     bool use_bed_cfg, struct mamori_media_dev *dev)
{
	struct bed *b = bed_load(file);
	struct mamori_usb_decision d;

	read_dev(b, devpath, dev);
	assert_string_equal(dev->devtype, "usb_interface");
	mamori_usb_decide(dev, use_bed_cfg ? &b->cfg->media : media, &d);
	bed_free(b);
	return d;
}

struct way_out {
	const char *file;
	enum mamori_usb_kind kind;
	const char *function;
	const char *setting;
};

static const struct way_out ways_out[] = {
	{"usb-rndis", MAMORI_UK_NETWORK, "rndis", "media.network"},
	{"usb-rndis-wireless", MAMORI_UK_NETWORK, "rndis", "media.network"},
	{"usb-rndis-misc", MAMORI_UK_NETWORK, "rndis", "media.network"},
	{"usb-ecm", MAMORI_UK_NETWORK, "ecm", "media.network"},
	{"usb-ncm", MAMORI_UK_NETWORK, "ncm", "media.network"},
	{"usb-cdc-data", MAMORI_UK_NETWORK, "cdc-data", "media.network"},
	{"usb-usbmux", MAMORI_UK_VENDOR, "usbmux", "media.vendor"},
	{"usb-adb", MAMORI_UK_VENDOR, "adb", "media.vendor"},
	{"usb-wifi-vendor", MAMORI_UK_VENDOR, "", "media.vendor"},
	{"usb-bluetooth", MAMORI_UK_WIRELESS, "bluetooth", "media.wireless"},
	{"usb-printer", MAMORI_UK_PRINTER, "", "media.printer"},
};

static char *
path_of(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, DATA "%s.umockdev", name);
	return buf;
}

/* Under the default configuration every way out is refused and reported, and under an
 * unusable one too (fail closed). */
static void
ways_out_refused_by_default(void **state)
{
	char file[256];

	(void)state;
	for (size_t i = 0; i < sizeof(ways_out) / sizeof(ways_out[0]); i++) {
		const struct way_out *w = &ways_out[i];
		struct mamori_media_dev dev;
		struct mamori_usb_decision d =
			decide_iface(path_of(w->file, file, sizeof(file)), PHONE_IF, NULL, true, &dev);

		if (d.kind != w->kind || d.authorize || !d.report)
			fail_msg("%s: kind %s authorize %d report %d", w->file,
				 mamori_usb_kind_name(d.kind), d.authorize, d.report);
		assert_string_equal(d.setting, w->setting);
		assert_string_equal(d.policy, "deny");
		assert_string_equal(mamori_usb_function_name(dev.iface_class, dev.iface_subclass,
							     dev.iface_protocol), w->function);
		assert_string_equal(dev.id.serial, "phone1"); /* the identity for the event */
		assert_string_equal(dev.usb_iface, "1-4:1.0");
		d = decide_iface(file, PHONE_IF, NULL, false, &dev);
		assert_false(d.authorize);
		assert_string_equal(d.setting, "builtin");
	}
}

/* Each class has its own setting: allowing one lets in that class and no other. */
static void
each_class_has_its_setting(void **state)
{
	struct mamori_config *cfg;
	char file[256];

	(void)state;
	assert_int_equal(mamori_config_defaults(&cfg), 0);
	cfg->media.network = MAMORI_CLASS_AUDIT;
	cfg->media.printer = MAMORI_CLASS_ALLOW;
	for (size_t i = 0; i < sizeof(ways_out) / sizeof(ways_out[0]); i++) {
		const struct way_out *w = &ways_out[i];
		struct mamori_media_dev dev;
		struct mamori_usb_decision d = decide_iface(path_of(w->file, file, sizeof(file)),
							    PHONE_IF, &cfg->media, false, &dev);
		bool net = w->kind == MAMORI_UK_NETWORK, prn = w->kind == MAMORI_UK_PRINTER;

		if (d.authorize != (net || prn))
			fail_msg("%s: authorize %d", w->file, d.authorize);
		/* audit: let in and reported; allow: let in quietly */
		assert_int_equal(d.report, !prn);
		assert_string_equal(d.policy, net ? "audit" : prn ? "allow" : "deny");
	}
	mamori_config_free(&cfg);
}

/* Keyboards, smart-card readers and hubs keep working under every policy. */
static void
keyboard_ccid_hub_authorized(void **state)
{
	static const struct {
		const char *file, *devpath;
		enum mamori_usb_kind kind;
	} keep[] = {
		{"usb-keyboard", "/devices/pci0000:00/0000:00:04.0/usb1/1-5/1-5:1.0", MAMORI_UK_HID},
		{"usb-ccid", "/devices/pci0000:00/0000:00:04.0/usb1/1-6/1-6:1.0", MAMORI_UK_CCID},
		{"usb-hub", "/devices/pci0000:00/0000:00:04.0/usb1/1-7/1-7:1.0", MAMORI_UK_HUB},
	};
	struct mamori_config *cfg;
	char file[256];

	(void)state;
	assert_int_equal(mamori_config_defaults(&cfg), 0);
	cfg->media.policy = MAMORI_MEDIA_DENY;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		struct mamori_media_dev dev;
		struct mamori_usb_decision d = decide_iface(path_of(keep[i].file, file, sizeof(file)),
							    keep[i].devpath, &cfg->media, false, &dev);

		assert_int_equal(d.kind, keep[i].kind);
		assert_true(d.authorize);
		assert_false(d.report);
		d = decide_iface(file, keep[i].devpath, NULL, false, &dev);
		assert_true(d.authorize);
	}
	mamori_config_free(&cfg);
}

/* Mass storage follows media.policy: authorized under readonly (the block device is made
 * read-only), refused under deny, unless an allowlist entry says otherwise. */
static void
stick_follows_media_policy_and_allowlist(void **state)
{
	struct bed *b = bed_load(DATA "usb-stick.umockdev");
	char serial[] = "stick1";
	struct mamori_allow_entry e = {.vid = "46f4", .pid = "0001", .serial = serial,
				       .policy = MAMORI_MEDIA_READONLY};
	struct mamori_media_dev dev;
	struct mamori_usb_decision d;

	(void)state;
	read_dev(b, STICK_IF, &dev);
	assert_int_equal(dev.iface_class, 0x08);
	assert_int_equal(dev.iface_authorized, 1);
	mamori_usb_decide(&dev, &b->cfg->media, &d);
	assert_int_equal(d.kind, MAMORI_UK_STORAGE);
	assert_true(d.authorize);
	assert_false(d.report);
	b->cfg->media.policy = MAMORI_MEDIA_DENY;
	mamori_usb_decide(&dev, &b->cfg->media, &d);
	assert_false(d.authorize);
	assert_true(d.report);
	assert_string_equal(d.setting, "media.policy");
	b->cfg->media.allow = &e;
	b->cfg->media.n_allow = 1;
	mamori_usb_decide(&dev, &b->cfg->media, &d);
	assert_true(d.authorize);
	assert_ptr_equal(d.allowed, &e);
	e.policy = MAMORI_MEDIA_DENY; /* an entry may refuse a device too */
	mamori_usb_decide(&dev, &b->cfg->media, &d);
	assert_false(d.authorize);
	b->cfg->media.allow = NULL;
	b->cfg->media.n_allow = 0;
	bed_free(b);
}

/* A block device under deny knows which interface to de-authorize. */
static void
stick_disk_knows_its_interface(void **state)
{
	struct bed *b = bed_load(DATA "usb-stick.umockdev");
	struct mamori_media_dev dev;

	(void)state;
	read_dev(b, STICK_IF "/host6/target6:0:0/6:0:0:0/block/sda", &dev);
	assert_string_equal(dev.usb_iface, "2-1:1.0");
	assert_int_equal(dev.iface_authorized, -1);
	bed_free(b);
}

/* An SD card on a PCI reader has no USB authorization: its mmc card is what gets unbound. */
static void
sd_card_knows_its_driver(void **state)
{
	struct bed *b = bed_load(DATA "sd-card.umockdev");
	struct mamori_media_dev dev;

	(void)state;
	read_dev(b, "/devices/pci0000:00/0000:00:05.0/mmc_host/mmc0/mmc0:4567/block/mmcblk0", &dev);
	assert_false(dev.on_usb);
	assert_string_equal(dev.usb_iface, "");
	assert_string_equal(dev.unbind_bus, "mmc");
	assert_string_equal(dev.unbind_name, "mmc0:4567");
	bed_free(b);
}

/* Phones: the MTP interface (still-image class, or vendor-specific named "MTP") follows
 * media.mtp, not media.vendor; an audited phone is let in. */
static void
mtp_interface_follows_mtp_setting(void **state)
{
	static const char *const files[] = {DATA "usb-mtp.umockdev", DATA "usb-mtp-vendor.umockdev"};
	struct mamori_config *cfg;

	(void)state;
	assert_int_equal(mamori_config_defaults(&cfg), 0);
	for (size_t i = 0; i < 2; i++) {
		struct mamori_media_dev dev;
		struct mamori_usb_decision d = decide_iface(files[i], PHONE_IF, &cfg->media, false, &dev);

		assert_int_equal(d.kind, MAMORI_UK_MTP);
		assert_false(d.authorize);
		assert_string_equal(d.setting, "media.mtp");
		cfg->media.mtp = MAMORI_CLASS_AUDIT;
		cfg->media.vendor = MAMORI_CLASS_DENY;
		d = decide_iface(files[i], PHONE_IF, &cfg->media, false, &dev);
		assert_true(d.authorize);
		cfg->media.mtp = MAMORI_CLASS_DENY;
	}
	mamori_config_free(&cfg);
}

/* The triplets of the classes with no recording at all. */
static void
kinds_of_triplets(void **state)
{
	(void)state;
	assert_int_equal(mamori_usb_kind_of(0x01, 0x01, 0x00, false), MAMORI_UK_OTHER); /* audio */
	assert_int_equal(mamori_usb_kind_of(0x0e, 0x01, 0x00, false), MAMORI_UK_OTHER); /* video */
	assert_int_equal(mamori_usb_kind_of(0x02, 0x0e, 0x00, false), MAMORI_UK_NETWORK); /* MBIM */
	assert_int_equal(mamori_usb_kind_of(0xef, 0x04, 0x06, false), MAMORI_UK_NETWORK);
	assert_int_equal(mamori_usb_kind_of(0xef, 0x02, 0x01, false), MAMORI_UK_OTHER);
	assert_int_equal(mamori_usb_kind_of(0xfe, 0x02, 0x00, false), MAMORI_UK_WIRELESS); /* IrDA */
	assert_int_equal(mamori_usb_kind_of(0xfe, 0x01, 0x01, false), MAMORI_UK_OTHER); /* DFU */
	assert_int_equal(mamori_usb_kind_of(0xff, 0xff, 0x00, true), MAMORI_UK_MTP);
	assert_string_equal(mamori_usb_function_name(0x02, 0x0e, 0x00), "mbim");
	assert_string_equal(mamori_usb_kind_name((enum mamori_usb_kind)99), "unknown");
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ways_out_refused_by_default),
		cmocka_unit_test(each_class_has_its_setting),
		cmocka_unit_test(keyboard_ccid_hub_authorized),
		cmocka_unit_test(stick_follows_media_policy_and_allowlist),
		cmocka_unit_test(stick_disk_knows_its_interface),
		cmocka_unit_test(sd_card_knows_its_driver),
		cmocka_unit_test(mtp_interface_follows_mtp_setting),
		cmocka_unit_test(kinds_of_triplets),
	};

	(void)argc;
	ensure_preloaded(argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
