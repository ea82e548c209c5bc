/* Which USB devices are phones whose node the policy keeps from users (agent/decide.c:
 * mamori-agent re-checks them, mamorictl check inspects them): a phone or camera
 * (MTP/PTP) whose node the policy keeps from users, under each MTP setting and allowlist
 * entry, with the fail-closed policy; never an interface, a stick, or a device without node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <cmocka.h>

#include "config_fixture.h"
#include "mamori/media.h"

/* QEMU's usb-mtp as the VM bench records it: 06/01/01 on the device's interface */
static struct mamori_media_dev
phone(void)
{
	struct mamori_media_dev d = {.subsystem = "usb", .devtype = "usb_device", .mtp = true,
				     .on_usb = true, .scsi_type = -1, .iface_authorized = -1,
				     .devnode = "/dev/bus/usb/001/004"};

	d.devnum = makedev(189, 3);
	strcpy(d.sysname, "1-1");
	strcpy(d.id.vid, "46f4");
	strcpy(d.id.pid, "0004");
	strcpy(d.id.serial, "tmphone1");
	strcpy(d.id.bus, "usb");
	return d;
}

static void
phone_kept_from_users_is_rechecked(void **state)
{
	struct mamori_media_dev d = phone();

	(void)state;
	assert_true(mamori_media_phone_kept(&d, &test_cfg->media)); /* shipped default: mtp = deny */
	assert_true(mamori_media_phone_kept(&d, NULL));        /* no configuration: fail closed */
	test_cfg->media.mtp = MAMORI_CLASS_AUDIT;
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media)); /* usable and reported: its own ACL */
	test_cfg->media.mtp = MAMORI_CLASS_DENY;
}

static void
allowlist_entry_decides(void **state)
{
	char serial[] = "tmphone1";
	struct mamori_allow_entry e = {.vid = "46f4", .pid = "0004", .serial = serial,
				       .policy = MAMORI_MEDIA_READWRITE};
	struct mamori_media_dev d = phone();

	(void)state;
	test_cfg->media.allow = &e;
	test_cfg->media.n_allow = 1;
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media));
	e.policy = MAMORI_MEDIA_READONLY; /* MTP has no read-only: refused */
	assert_true(mamori_media_phone_kept(&d, &test_cfg->media));
	test_cfg->media.allow = NULL;
	test_cfg->media.n_allow = 0;
}

static void
other_usb_devices_are_not_phones(void **state)
{
	struct mamori_media_dev d = phone();

	(void)state;
	d.mtp = false; /* a stick's or a keyboard's usb_device */
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media));
	d = phone();
	strcpy(d.devtype, "usb_interface"); /* the interface has no node of its own */
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media));
	d = phone();
	d.devnode[0] = '\0';
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media));
	d = phone();
	d.devnum = 0;
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media));
	d = phone();
	strcpy(d.subsystem, "block");
	assert_false(mamori_media_phone_kept(&d, &test_cfg->media));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phone_kept_from_users_is_rechecked),
		cmocka_unit_test(allowlist_entry_decides),
		cmocka_unit_test(other_usb_devices_are_not_phones),
	};

	return cmocka_run_group_tests(tests, test_cfg_setup, test_cfg_teardown);
}
