/* Classification and decision over device trees recorded in the VM bench
 * (tests/data/udev/, see its README): the libudev backend reads each through the real
 * libudev, redirected to a umockdev testbed. Run from the top of the source tree.
 *
 * umockdev redirects /sys through a preloaded library; the test starts itself again with
 * it preloaded when it is not (as umockdev-wrapper would). */
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

#include "umockdev_bed.h"

/* Read the device at devpath (as the udev rule passes it) and classify it. */
static enum mamori_media_class
classify(struct bed *b, const char *devpath, struct mamori_media_dev *dev)
{
	char syspath[1100];

	snprintf(syspath, sizeof(syspath), "/sys%s", devpath);
	if (mamori_media_udev_read(b->udev, syspath, dev) != 0)
		fail_msg("%s: cannot be read", devpath);
	return mamori_media_classify(dev, &b->cfg->media);
}

static struct mamori_media_decision
decide(struct bed *b, enum mamori_media_class c, const struct mamori_media_dev *dev)
{
	struct mamori_media_decision d;

	mamori_media_decide(c, dev, &b->cfg->media, &d);
	return d;
}

#define STICK "/devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sda"

static void
usb_stick_disk_and_partition_become_readonly(void **state)
{
	struct bed *b = bed_load(DATA "usb-stick.umockdev");
	struct mamori_media_dev dev;
	struct mamori_media_decision d;

	(void)state;
	assert_int_equal(classify(b, STICK, &dev), MAMORI_MC_USB_STORAGE);
	assert_string_equal(dev.usb_driver, "usb-storage");
	assert_string_equal(dev.devnode, "/dev/sda");
	assert_string_equal(dev.id.vid, "46f4");
	assert_string_equal(dev.id.pid, "0001");
	assert_string_equal(dev.id.serial, "stick1");
	assert_string_equal(dev.id.bus, "usb");
	assert_string_equal(dev.id.port, "2-1");
	assert_true(dev.size == 64ull * 1024 * 1024);
	d = decide(b, MAMORI_MC_USB_STORAGE, &dev);
	assert_int_equal(d.action, MAMORI_MA_READONLY);
	assert_true(d.set_readonly);
	assert_false(d.strip_uaccess);

	assert_int_equal(classify(b, STICK "/sda1", &dev), MAMORI_MC_USB_STORAGE);
	assert_string_equal(dev.disk, "sda");
	assert_string_equal(dev.devtype, "partition");
	assert_string_equal(dev.id.serial, "stick1");
	bed_free(b);
}

static void
uas_disk_is_usb_storage(void **state)
{
	struct bed *b = bed_load(DATA "usb-uas.umockdev");
	struct mamori_media_dev dev;
	char devpath[512];

	(void)state;
	first_devpath(DATA "usb-uas.umockdev", devpath, sizeof(devpath));
	assert_int_equal(classify(b, devpath, &dev), MAMORI_MC_USB_STORAGE);
	assert_string_equal(dev.usb_driver, "uas");
	assert_string_equal(dev.id.serial, "uas1");
	assert_true(decide(b, MAMORI_MC_USB_STORAGE, &dev).set_readonly);
	bed_free(b);
}

#define DVD "/devices/pci0000:00/0000:00:04.0/usb2/2-3/2-3:1.0/host8/target8:0:0/8:0:0:0"

static void
dvd_block_and_generic_nodes_lose_write_access(void **state)
{
	struct bed *b = bed_load(DATA "usb-dvd.umockdev");
	struct mamori_media_dev dev;
	struct mamori_media_decision d;

	(void)state;
	assert_int_equal(classify(b, DVD "/block/sr0", &dev), MAMORI_MC_OPTICAL);
	assert_int_equal(dev.scsi_type, 5);
	d = decide(b, MAMORI_MC_OPTICAL, &dev);
	assert_true(d.set_readonly);
	assert_true(d.strip_uaccess);
	assert_int_equal(d.node_mode, 0640);

	/* the burning path: SG_IO on the generic node ignores the block read-only flag */
	assert_int_equal(classify(b, DVD "/scsi_generic/sg2", &dev), MAMORI_MC_OPTICAL);
	assert_string_equal(dev.id.serial, "dvd1");
	d = decide(b, MAMORI_MC_OPTICAL, &dev);
	assert_true(d.strip_uaccess);
	assert_int_equal(d.node_mode, 0640);
	bed_free(b);
}

#define SD "/devices/pci0000:00/0000:00:05.0/mmc_host/mmc0/mmc0:4567/block/mmcblk0"

static void
sd_card_on_pci_reader_is_sd(void **state)
{
	struct bed *b = bed_load(DATA "sd-card.umockdev");
	struct mamori_media_dev dev;

	(void)state;
	assert_int_equal(classify(b, SD, &dev), MAMORI_MC_SD);
	assert_false(dev.on_usb);
	assert_string_equal(dev.mmc_type, "SD");
	assert_string_equal(dev.id.bus, "mmc");
	assert_string_equal(dev.id.port, "mmc0");
	assert_int_equal(classify(b, SD "/mmcblk0p1", &dev), MAMORI_MC_SD);
	assert_string_equal(dev.disk, "mmcblk0");
	assert_true(decide(b, MAMORI_MC_SD, &dev).set_readonly);
	bed_free(b);
}

static void
empty_card_reader_is_left_alone(void **state)
{
	struct bed *b = bed_load(DATA "sd-reader-empty.umockdev");
	struct mamori_media_dev dev;
	enum mamori_media_class c;

	(void)state;
	c = classify(b, "/devices/pci0000:00/0000:00:05.0/mmc_host/mmc0", &dev);
	assert_int_equal(c, MAMORI_MC_IGNORED);
	assert_int_equal(decide(b, c, &dev).action, MAMORI_MA_NONE);
	bed_free(b);
}

static void
internal_virtio_disk_is_never_touched(void **state)
{
	struct bed *b = bed_load(DATA "virtio-disk.umockdev");
	struct mamori_media_dev dev;
	struct mamori_media_decision d;
	enum mamori_media_class c;
	char devpath[512];

	(void)state;
	first_devpath(DATA "virtio-disk.umockdev", devpath, sizeof(devpath));
	c = classify(b, devpath, &dev);
	assert_int_equal(c, MAMORI_MC_INTERNAL);
	assert_string_equal(dev.id.bus, "virtio");
	/* not even by a default policy of deny, nor with the configuration unreadable */
	b->cfg->media.policy = MAMORI_MEDIA_DENY;
	d = decide(b, c, &dev);
	assert_int_equal(d.action, MAMORI_MA_NONE);
	assert_false(d.set_readonly);
	mamori_media_decide(c, &dev, NULL, &d);
	assert_false(d.set_readonly);
	bed_free(b);
}

#define PHONE "/devices/pci0000:00/0000:00:04.0/usb1/1-4"

static void
mtp_phone_blocked(const char *file, bool vendor)
{
	struct bed *b = bed_load(file);
	struct mamori_media_dev dev;
	struct mamori_media_decision d;

	assert_int_equal(classify(b, PHONE, &dev), MAMORI_MC_MTP);
	assert_string_equal(dev.id.serial, "phone1");
	d = decide(b, MAMORI_MC_MTP, &dev);
	assert_int_equal(d.action, MAMORI_MA_BLOCK);
	assert_true(d.strip_uaccess);
	assert_int_equal(d.node_mode, 0600);
	assert_false(d.set_readonly);
	assert_int_equal(classify(b, PHONE "/1-4:1.0", &dev), MAMORI_MC_MTP);
	assert_string_equal(dev.parent_syspath, "/sys" PHONE);
	/* vendor MTP is not in the descriptors the device's add event saw: replay it */
	assert_int_equal(dev.recheck_parent, vendor);
	bed_free(b);
}

static void
mtp_phone_is_blocked(void **state)
{
	(void)state;
	mtp_phone_blocked(DATA "usb-mtp.umockdev", false);
}

/* Android: a vendor-specific interface that names itself "MTP", seen from the device's own
 * string descriptor, not from a libmtp device list. */
static void
vendor_mtp_phone_is_blocked(void **state)
{
	(void)state;
	mtp_phone_blocked(DATA "usb-mtp-vendor.umockdev", true);
}

static void
adb_interface_is_not_mtp(void **state)
{
	struct bed *b = bed_load(DATA "usb-adb.umockdev");
	struct mamori_media_dev dev;

	(void)state;
	assert_int_equal(classify(b, PHONE, &dev), MAMORI_MC_IGNORED);
	assert_int_equal(classify(b, PHONE "/1-4:1.0", &dev), MAMORI_MC_IGNORED);
	bed_free(b);
}

/* Every USB device and interface of a recording that is neither storage nor MTP. */
static void
all_usb_ignored(const char *file)
{
	struct bed *b = bed_load(file);
	FILE *f = fopen(file, "r");
	char line[1024];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct mamori_media_dev dev;
		enum mamori_media_class c;

		if (strncmp(line, "P: ", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		c = classify(b, line + 3, &dev);
		if (c != MAMORI_MC_IGNORED)
			fail_msg("%s: %s is %s", file, line + 3, mamori_media_class_name(c));
		assert_int_equal(decide(b, c, &dev).action, MAMORI_MA_NONE);
		n++;
	}
	fclose(f);
	assert_true(n >= 2);
	bed_free(b);
}

static void
keyboard_ccid_and_hubs_keep_working(void **state)
{
	(void)state;
	all_usb_ignored(DATA "usb-keyboard.umockdev");
	all_usb_ignored(DATA "usb-ccid.umockdev");
	all_usb_ignored(DATA "usb-hub.umockdev");
	all_usb_ignored(DATA "hub-root.umockdev");
}

static void
allowlisted_stick_gets_its_entry_policy(void **state)
{
	struct bed *b = bed_load(DATA "usb-stick.umockdev");
	char serial[] = "stick1";
	struct mamori_allow_entry e = {.vid = "46F4", .pid = "0001", .serial = serial,
				       .policy = MAMORI_MEDIA_READWRITE};
	struct mamori_media_dev dev;
	struct mamori_media_decision d;

	(void)state;
	b->cfg->media.allow = &e;
	b->cfg->media.n_allow = 1;
	d = decide(b, classify(b, STICK "/sda1", &dev), &dev);
	assert_ptr_equal(d.allowed, &e);
	assert_int_equal(d.action, MAMORI_MA_READWRITE);
	assert_false(d.set_readonly);
	b->cfg->media.allow = NULL;
	b->cfg->media.n_allow = 0;
	bed_free(b);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usb_stick_disk_and_partition_become_readonly),
		cmocka_unit_test(uas_disk_is_usb_storage),
		cmocka_unit_test(dvd_block_and_generic_nodes_lose_write_access),
		cmocka_unit_test(sd_card_on_pci_reader_is_sd),
		cmocka_unit_test(empty_card_reader_is_left_alone),
		cmocka_unit_test(internal_virtio_disk_is_never_touched),
		cmocka_unit_test(mtp_phone_is_blocked),
		cmocka_unit_test(vendor_mtp_phone_is_blocked),
		cmocka_unit_test(adb_interface_is_not_mtp),
		cmocka_unit_test(keyboard_ccid_and_hubs_keep_working),
		cmocka_unit_test(allowlisted_stick_gets_its_entry_policy),
	};

	(void)argc;
	ensure_preloaded(argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
