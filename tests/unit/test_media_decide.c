/* Classification and policy as pure functions: the cases no recording holds (eMMC, dm,
 * loop, FireWire, removable SCSI), every policy of every class, the allowlist, the
 * fail-closed decision without a configuration, and the USB descriptor walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config_fixture.h"
#include "mamori/media.h"

static struct mamori_media_dev
block(const char *sysname, bool is_virtual)
{
	struct mamori_media_dev d = {.subsystem = "block", .devtype = "disk", .scsi_type = -1};

	strcpy(d.sysname, sysname);
	strcpy(d.disk, sysname);
	d.is_virtual = is_virtual;
	return d;
}

static void
kernel_made_devices_are_virtual(void **state)
{
	static const char *const names[] = {"dm-0", "md127", "zram0", "nbd0", "ram0", "loop3"};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct mamori_media_dev d = block(names[i], true);

		assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_VIRTUAL);
	}
}

static void
loop_only_when_configured(void **state)
{
	struct mamori_media_dev d = block("loop0", true);

	(void)state;
	test_cfg->media.loop = true;
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_LOOP);
	strcpy(d.sysname, "dm-1");
	strcpy(d.disk, "dm-1");
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_VIRTUAL);
	test_cfg->media.loop = false;
	/* no configuration: never loop */
	strcpy(d.disk, "loop0");
	assert_int_equal(mamori_media_classify(&d, NULL), MAMORI_MC_VIRTUAL);
}

static void
mmc_emmc_internal_sd_card_removable(void **state)
{
	struct mamori_media_dev d = block("mmcblk0", false);

	(void)state;
	d.on_mmc = true;
	strcpy(d.mmc_type, "MMC");
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_INTERNAL);
	d.removable = true; /* an MMC card in a slot */
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_SD);
	d.removable = false;
	strcpy(d.mmc_type, "SD");
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_SD);
	strcpy(d.mmc_type, "");
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_SD);
	strcpy(d.mmc_type, "MMC");
	d.on_usb = true; /* a USB card reader */
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_SD);
}

static void
other_hotplug_and_internal_disks(void **state)
{
	struct mamori_media_dev d = block("sdc", false);

	(void)state;
	d.scsi_type = 0;
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_INTERNAL);
	d.removable = true; /* SCSI RMB bit, e.g. a SATA dock */
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_HOTPLUG);
	d.removable = false;
	d.on_hotplug_bus = true; /* FireWire or Thunderbolt */
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_HOTPLUG);
	d.on_hotplug_bus = false;
	d.on_usb = true;
	strcpy(d.usb_driver, "ums-realtek");
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_USB_STORAGE);
	d.on_usb = false;
	d.scsi_type = 5; /* SATA DVD writer */
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_OPTICAL);
}

static void
generic_nodes_of_other_scsi_devices_are_ignored(void **state)
{
	struct mamori_media_dev d = {.subsystem = "scsi_generic", .scsi_type = 0};

	(void)state;
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_IGNORED);
	d.scsi_type = 4; /* WORM */
	assert_int_equal(mamori_media_classify(&d, &test_cfg->media), MAMORI_MC_OPTICAL);
}

static struct mamori_media_decision
decide(enum mamori_media_class c, const struct mamori_media_dev *d,
       const struct mamori_media_config *m)
{
	struct mamori_media_decision r;

	mamori_media_decide(c, d, m, &r);
	return r;
}

static void
storage_policies(void **state)
{
	struct mamori_media_dev d = block("sdb", false);
	struct mamori_media_decision r;

	(void)state;
	r = decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_READONLY);
	assert_true(r.set_readonly);
	test_cfg->media.policy = MAMORI_MEDIA_DENY;
	r = decide(MAMORI_MC_SD, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_DENY);
	assert_true(r.set_readonly); /* deny falls back to read-only, never to writable */
	test_cfg->media.policy = MAMORI_MEDIA_AUDIT;
	r = decide(MAMORI_MC_HOTPLUG, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_AUDIT);
	assert_false(r.set_readonly);
	test_cfg->media.policy = MAMORI_MEDIA_READONLY;
}

static void
optical_policies(void **state)
{
	struct mamori_media_dev d = block("sr0", false);
	struct mamori_media_decision r;

	(void)state;
	test_cfg->media.policy = MAMORI_MEDIA_AUDIT; /* optical has its own setting */
	r = decide(MAMORI_MC_OPTICAL, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_READONLY);
	assert_true(r.strip_uaccess);
	assert_int_equal(r.node_mode, 0640);
	test_cfg->media.optical = MAMORI_MEDIA_DENY;
	r = decide(MAMORI_MC_OPTICAL, &d, &test_cfg->media);
	assert_int_equal(r.node_mode, 0600);
	test_cfg->media.optical = MAMORI_MEDIA_AUDIT;
	r = decide(MAMORI_MC_OPTICAL, &d, &test_cfg->media);
	assert_false(r.strip_uaccess);
	assert_int_equal(r.node_mode, 0);
	test_cfg->media.optical = MAMORI_MEDIA_READONLY;
	test_cfg->media.policy = MAMORI_MEDIA_READONLY;
}

static void
mtp_policies(void **state)
{
	struct mamori_media_dev d = {.subsystem = "usb", .devtype = "usb_device", .mtp = true};
	struct mamori_media_decision r;

	(void)state;
	r = decide(MAMORI_MC_MTP, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_BLOCK);
	assert_true(r.strip_uaccess);
	test_cfg->media.mtp = MAMORI_CLASS_AUDIT;
	r = decide(MAMORI_MC_MTP, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_AUDIT);
	assert_false(r.strip_uaccess);
	test_cfg->media.mtp = MAMORI_CLASS_DENY;
}

static void
no_configuration_fails_closed(void **state)
{
	struct mamori_media_dev d = block("sdb", false);

	(void)state;
	assert_true(decide(MAMORI_MC_USB_STORAGE, &d, NULL).set_readonly);
	assert_true(decide(MAMORI_MC_SD, &d, NULL).set_readonly);
	assert_int_equal(decide(MAMORI_MC_OPTICAL, &d, NULL).node_mode, 0640);
	assert_int_equal(decide(MAMORI_MC_MTP, &d, NULL).action, MAMORI_MA_BLOCK);
	assert_int_equal(decide(MAMORI_MC_INTERNAL, &d, NULL).action, MAMORI_MA_NONE);
	assert_int_equal(decide(MAMORI_MC_VIRTUAL, &d, NULL).action, MAMORI_MA_NONE);
	assert_int_equal(decide(MAMORI_MC_IGNORED, &d, NULL).action, MAMORI_MA_NONE);
}

static void
allowlist_matches_vid_pid_serial_exactly(void **state)
{
	char serial[] = "4C530001", serial2[] = "AB:CD";
	struct mamori_allow_entry e[] = {
		{.vid = "0781", .pid = "5567", .serial = serial, .policy = MAMORI_MEDIA_READWRITE},
		{.vid = "0781", .pid = "5567", .serial = serial2, .policy = MAMORI_MEDIA_AUDIT},
	};
	struct mamori_media_dev d = block("sdb", false);
	struct mamori_media_decision r;

	(void)state;
	test_cfg->media.allow = e;
	test_cfg->media.n_allow = 2;
	strcpy(d.id.vid, "0781");
	strcpy(d.id.pid, "5567");
	strcpy(d.id.serial, "4C530001");
	r = decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media);
	assert_ptr_equal(r.allowed, &e[0]);
	assert_int_equal(r.action, MAMORI_MA_READWRITE);
	assert_false(r.set_readonly);
	strcpy(d.id.serial, "AB:CD");
	assert_ptr_equal(decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media).allowed, &e[1]);
	/* serials are exact: case and prefixes do not match */
	strcpy(d.id.serial, "4c530001");
	assert_null(decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media).allowed);
	strcpy(d.id.serial, "4C53000");
	assert_null(decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media).allowed);
	/* no serial: never allowlisted */
	strcpy(d.id.serial, "");
	r = decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media);
	assert_null(r.allowed);
	assert_true(r.set_readonly);
	/* the hex digits of the ids ignore case */
	strcpy(d.id.serial, "4C530001");
	strcpy(d.id.pid, "5567");
	strcpy(e[0].pid, "55AB");
	strcpy(d.id.pid, "55ab");
	assert_ptr_equal(decide(MAMORI_MC_USB_STORAGE, &d, &test_cfg->media).allowed, &e[0]);
	/* an internal disk is never touched, listed or not */
	assert_int_equal(decide(MAMORI_MC_INTERNAL, &d, &test_cfg->media).action, MAMORI_MA_NONE);
	/* an allowlisted phone with readwrite is usable, with readonly refused */
	r = decide(MAMORI_MC_MTP, &d, &test_cfg->media);
	assert_int_equal(r.action, MAMORI_MA_READWRITE);
	e[0].policy = MAMORI_MEDIA_READONLY;
	assert_int_equal(decide(MAMORI_MC_MTP, &d, &test_cfg->media).action, MAMORI_MA_BLOCK);
	test_cfg->media.allow = NULL;
	test_cfg->media.n_allow = 0;
}

static void
descriptor_walk(void **state)
{
	/* configuration + interface 06/01/01 + endpoint */
	const uint8_t ptp[] = {9, 2, 25, 0, 1, 1, 0, 0xa0, 0x32, 9, 4, 0, 0, 1, 6, 1, 1, 0,
			       7, 5, 0x81, 2, 0, 2, 0};
	const uint8_t mass[] = {9, 2, 25, 0, 1, 1, 0, 0xa0, 0x32, 9, 4, 0, 0, 1, 8, 6, 0x50, 0,
				7, 5, 0x81, 2, 0, 2, 0};
	const uint8_t zero_len[] = {9, 2, 25, 0, 1, 1, 0, 0xa0, 0x32, 0, 4, 0, 0, 1, 6, 1, 1, 0};
	const uint8_t cut[] = {9, 2, 25, 0, 1, 1, 0, 0xa0, 0x32, 9, 4, 0, 0, 1, 6, 1};

	(void)state;
	assert_true(mamori_media_descriptors_have_ptp(ptp, sizeof(ptp)));
	assert_false(mamori_media_descriptors_have_ptp(mass, sizeof(mass)));
	assert_false(mamori_media_descriptors_have_ptp(zero_len, sizeof(zero_len)));
	assert_false(mamori_media_descriptors_have_ptp(cut, sizeof(cut)));
	assert_false(mamori_media_descriptors_have_ptp(ptp, 0));
	assert_false(mamori_media_descriptors_have_ptp(ptp, 1));
}

static void
names(void **state)
{
	(void)state;
	assert_string_equal(mamori_media_class_name(MAMORI_MC_USB_STORAGE), "usb-storage");
	assert_string_equal(mamori_media_class_name(MAMORI_MC_HOTPLUG), "hotplug-disk");
	assert_string_equal(mamori_media_action_name(MAMORI_MA_BLOCK), "block");
	assert_true(mamori_media_class_is_storage(MAMORI_MC_LOOP));
	assert_false(mamori_media_class_is_storage(MAMORI_MC_MTP));
	assert_false(mamori_media_class_is_storage(MAMORI_MC_INTERNAL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_made_devices_are_virtual),
		cmocka_unit_test(loop_only_when_configured),
		cmocka_unit_test(mmc_emmc_internal_sd_card_removable),
		cmocka_unit_test(other_hotplug_and_internal_disks),
		cmocka_unit_test(generic_nodes_of_other_scsi_devices_are_ignored),
		cmocka_unit_test(storage_policies),
		cmocka_unit_test(optical_policies),
		cmocka_unit_test(mtp_policies),
		cmocka_unit_test(no_configuration_fails_closed),
		cmocka_unit_test(allowlist_matches_vid_pid_serial_exactly),
		cmocka_unit_test(descriptor_walk),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, test_cfg_setup, test_cfg_teardown);
}
