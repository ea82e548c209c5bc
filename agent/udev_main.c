/* mamori-udev: run by udev for every block, SCSI generic and USB event (IMPORT{program},
 * conf/udev/10-mamori.rules) before any later rule and before any listener hears of the
 * device. Classifies the device, decides from mamori.conf, sets the kernel read-only flag,
 * prints MAMORI_* properties for later rules, and reports the event.
 *
 *   mamori-udev [--config FILE] ACTION DEVPATH       e.g. add /devices/pci0000:00/…/sdb
 *
 * Runs on every action but remove; reports add and change.
 *
 * Exits 0 whenever it ran, so udev imports its properties; a failure is a property
 * (MAMORI_ACTION=error) and an event, never a silent writable device. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <libudev.h>

#include "mamori/acl.h"
#include "mamori/config.h"
#include "mamori/err.h"
#include "mamori/event.h"
#include "mamori/log.h"
#include "mamori/media.h"
#include "mamori/media_apply.h"
#include "mamori/media_udev.h"
#include "mamori/usb_iface.h"

struct run {
	const char *action, *devpath, *config_path;
	struct mamori_config *cfg;
	char cfg_error[512];
	struct udev *udev;
	struct mamori_media_dev dev;
	enum mamori_media_class cls;
	struct mamori_media_decision dec;
	int apply_rc;             /* first failure of BLKROSET, 0 */
	bool self_done;           /* the enumeration reached the node of this event */
	char apply_node[128];     /* the node it failed on */
	struct mamori_media_fs fs;
	enum { DENY_NONE, DENY_DEAUTHORIZED, DENY_UNBOUND, DENY_FAILED } deny;
	int deny_rc;              /* why deny could not be carried out */
	char user[64];
	struct mamori_reporter *rep;
};

static int
usage(void)
{
	fprintf(stderr, "usage: mamori-udev [--config FILE] ACTION DEVPATH\n");
	return 2;
}

static int
parse_args(int argc, char **argv, struct run *run)
{
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "--config") == 0) {
		run->config_path = argv[2];
		i = 3;
	}
	if (argc - i != 2 || strncmp(argv[i + 1], "/devices/", 9) != 0)
		return -EINVAL;
	run->action = argv[i];
	run->devpath = argv[i + 1];
	return 0;
}

/* A configuration that cannot be read leaves cfg NULL: decide() then applies the built-in
 * fail-closed policy, and the reporter its default paths. */
static void
load_config(struct run *run)
{
	struct mamori_config_load_opts o = {.path = run->config_path, .trusted_uid = 0};

	if (mamori_config_load(&o, &run->cfg, run->cfg_error, sizeof(run->cfg_error)) < 0)
		run->cfg = NULL;
	else if (run->cfg->report.debug)
		mamori_log_set_debug(true);
}

static int
open_reporter(struct run *run)
{
	struct mamori_reporter_opts o = mamori_reporter_opts_from(run->cfg, "mamori-udev");

	return mamori_reporter_new(&o, &run->rep);
}

static bool reportable(const struct run *run);

/* Something else than the node at a node's path (devnode.h): its own event, whatever the
 * flag's fate; the flag went through a private node. */
static void
report_misplaced(struct run *run, const char *devnode, dev_t devnum, enum mamori_node_found f,
		 int r)
{
	char msg[512], num[24];
	const struct mamori_field fields[] = {
		MAMORI_STR("uevent", run->action), MAMORI_STR("dev", devnode),
		MAMORI_STR("found", mamori_node_found_name(f)), MAMORI_STR("devnum", num),
		MAMORI_STR("disk", run->dev.disk), MAMORI_INT("readonly", r == 0),
		MAMORI_STR("reason", mamori_strerror(r)), /* last: left out when there is none */
	};

	if (!mamori_node_misplaced(f) || run->rep == NULL || !reportable(run))
		return;
	(void)mamori_media_misplaced_msg(msg, sizeof(msg), devnode, f, devnum, r);
	(void)snprintf(num, sizeof(num), "%u:%u", major(devnum), minor(devnum));
	(void)mamori_report(run->rep, MAMORI_EV_MEDIA_NODE_MISPLACED, msg, fields,
			    sizeof(fields) / sizeof(fields[0]) - (r < 0 ? 0 : 1));
}

static int
set_ro_each(const char *devnode, dev_t devnum, void *ctx)
{
	struct run *run = ctx;
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int r = mamori_media_set_readonly(devnode, devnum, &f);

	report_misplaced(run, devnode, devnum, f, r);

	if (strcmp(devnode, run->dev.devnode) == 0)
		run->self_done = true;
	/* Every node gets its try; the first failure is the one reported. */
	if (r < 0 && run->apply_rc == 0) {
		run->apply_rc = r;
		snprintf(run->apply_node, sizeof(run->apply_node), "%s", devnode);
	}
	return 0;
}

/* An ACL granted earlier (before the device was recognised, or by hand) goes too: the
 * rules only keep a new one from being granted. */
static void
drop_acl(struct run *run)
{
	struct mamori_node_ref n = {
		.path = run->dev.devnode, .devnum = run->dev.devnum,
		.type = strcmp(run->dev.subsystem, "block") == 0 ? S_IFBLK : S_IFCHR,
		.perm = run->cls == MAMORI_MC_MTP ? MAMORI_ACL_READ | MAMORI_ACL_WRITE : MAMORI_ACL_WRITE,
	};
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int r;

	if (!run->dec.strip_uaccess || run->dev.devnode[0] == '\0')
		return;
	r = mamori_media_node_acl(&n, true, &f);
	if (r == MAMORI_E_NOTNODE) /* nothing to take away from a file in the node's place */
		report_misplaced(run, n.path, n.devnum, f, -ENODEV);
	else if (r < 0 && r != -ENOENT && r != -EOPNOTSUPP && run->apply_rc == 0) {
		run->apply_rc = r;
		snprintf(run->apply_node, sizeof(run->apply_node), "%s", run->dev.devnode);
	}
}

static void
apply(struct run *run)
{
	int r;

	drop_acl(run);
	if (!run->dec.set_readonly || strcmp(run->dev.subsystem, "block") != 0)
		return;
	r = mamori_media_udev_disk_nodes(run->udev, &run->dev, set_ro_each, run);
	if (r < 0 && run->apply_rc == 0) {
		run->apply_rc = r;
		snprintf(run->apply_node, sizeof(run->apply_node), "%s", run->dev.devnode);
	}
	/* The node of this event itself, if the enumeration did not reach it. */
	if (run->dev.devnode[0] != '\0' && !run->self_done)
		set_ro_each(run->dev.devnode, run->dev.devnum, run);
}

/* deny on a block device that exists all the same: its USB interface was authorized before
 * mamori closed the bus (a device present at boot), or the device has no USB authorization
 * (SD on a PCI reader, optical on SATA). It is read-only already; now its driver lets go of
 * it, and its nodes go away. Once per disk: partitions go with it. */
static void
apply_deny(struct run *run)
{
	const struct mamori_media_dev *dev = &run->dev;
	int r = -ENOTSUP;

	if (run->dec.action != MAMORI_MA_DENY || strcmp(dev->subsystem, "block") != 0 ||
	    strcmp(dev->devtype, "disk") != 0)
		return;
	if (dev->on_usb && dev->usb_iface[0] != '\0') {
		if ((r = mamori_usb_set_authorized(dev->usb_iface, false)) == 0)
			run->deny = DENY_DEAUTHORIZED;
	} else if (dev->unbind_bus[0] != '\0') {
		if ((r = mamori_media_unbind(dev->unbind_bus, dev->unbind_name)) == 0)
			run->deny = DENY_UNBOUND;
	}
	if (r < 0) {
		run->deny = DENY_FAILED;
		run->deny_rc = r;
	}
}

static void
learn_identity(struct run *run)
{
	int r;

	if (strcmp(run->dev.subsystem, "block") == 0 && run->dev.devnode[0] != '\0' &&
	    (r = mamori_media_probe_fs(run->dev.devnode, run->dev.devnum, &run->fs)) < 0)
		mamori_debug("%s: no filesystem probe: %s", run->dev.devnode, mamori_strerror(r));
	if ((r = mamori_media_seat_user(run->user, sizeof(run->user))) < 0)
		mamori_debug("no seat user: %s", mamori_strerror(r));
}

static void
print_properties(const struct run *run)
{
	const struct mamori_media_decision *d = &run->dec;

	/* Only names chosen here are printed, never a device's own strings: a serial number
	 * with a newline in it could otherwise set properties of its own. */
	printf("MAMORI_CLASS=%s\n", mamori_media_class_name(run->cls));
	if (d->action == MAMORI_MA_NONE)
		return;
	printf("MAMORI_POLICY=%s\n", mamori_media_policy_name(d->policy));
	printf("MAMORI_ACTION=%s\n", run->apply_rc < 0 ? "error" : mamori_media_action_name(d->action));
	if (d->set_readonly && run->apply_rc == 0 && strcmp(run->dev.subsystem, "block") == 0)
		printf("MAMORI_READONLY=1\n");
	if (d->strip_uaccess)
		printf("MAMORI_UACCESS=0\n");
	if (d->node_mode != 0)
		printf("MAMORI_MODE=%04o\n", d->node_mode);
	if (d->allowed != NULL)
		printf("MAMORI_ALLOWLISTED=1\n");
	if (run->cfg == NULL)
		printf("MAMORI_CONFIG=invalid\n");
}

static enum mamori_event_id
event_of(const struct run *run, const char **msg)
{
	const struct mamori_media_decision *d = &run->dec;

	if (run->apply_rc < 0)
		return *msg = "could not make removable storage read-only", MAMORI_EV_MEDIA_ENFORCE_FAILED;
	if (d->allowed != NULL)
		return *msg = "allowlisted device attached", MAMORI_EV_MEDIA_ALLOWLISTED;
	switch (d->action) {
	case MAMORI_MA_DENY:
		if (run->deny == DENY_DEAUTHORIZED)
			return *msg = "removable storage refused: USB interface de-authorized",
			       MAMORI_EV_MEDIA_DENIED;
		if (run->deny == DENY_UNBOUND)
			return *msg = "removable storage refused: driver unbound", MAMORI_EV_MEDIA_UNBOUND;
		*msg = "removable storage refused: made read-only (deny could not be enforced)";
		return MAMORI_EV_MEDIA_DENY_READONLY;
	case MAMORI_MA_AUDIT:
	case MAMORI_MA_READWRITE:
		return *msg = "removable device attached, not restricted", MAMORI_EV_MEDIA_AUDITED;
	case MAMORI_MA_BLOCK:
		return *msg = "phone or camera (MTP/PTP) blocked", MAMORI_EV_MEDIA_MTP_BLOCKED;
	default:
		break;
	}
	if (run->cls == MAMORI_MC_OPTICAL)
		return *msg = "optical drive: write access removed", MAMORI_EV_MEDIA_OPTICAL_RESTRICTED;
	return *msg = "removable storage attached read-only", MAMORI_EV_MEDIA_READONLY;
}

static void
report(struct run *run)
{
	const struct mamori_media_identity *id = &run->dev.id;
	const char *msg = NULL;
	enum mamori_event_id ev = event_of(run, &msg);
	const struct mamori_field f[] = {
		MAMORI_STR("uevent", run->action),
		MAMORI_STR("dev", run->dev.devnode[0] ? run->dev.devnode : run->dev.sysname),
		MAMORI_STR("class", mamori_media_class_name(run->cls)),
		MAMORI_STR("action", mamori_media_action_name(run->dec.action)),
		MAMORI_STR("policy", mamori_media_policy_name(run->dec.policy)),
		MAMORI_STR("bus", id->bus), MAMORI_STR("port", id->port),
		MAMORI_STR("vid", id->vid), MAMORI_STR("pid", id->pid),
		MAMORI_STR("serial", id->serial), MAMORI_STR("vendor", id->vendor),
		MAMORI_STR("product", id->product), MAMORI_INT("size", run->dev.size),
		MAMORI_STR("fs", run->fs.type), MAMORI_STR("label", run->fs.label),
		MAMORI_STR("uuid", run->fs.uuid), MAMORI_STR("user", run->user),
		MAMORI_STR("allow", run->dec.allowed ? run->dec.allowed->comment : NULL),
		MAMORI_STR("config", run->cfg ? "ok" : "invalid"),
		MAMORI_STR("reason", run->apply_rc < 0 ? mamori_strerror(run->apply_rc) : NULL),
		MAMORI_STR("failed_dev", run->apply_rc < 0 ? run->apply_node : NULL),
		MAMORI_STR("iface", run->deny == DENY_DEAUTHORIZED ? run->dev.usb_iface : NULL),
		MAMORI_STR("unbound", run->deny == DENY_UNBOUND ? run->dev.unbind_name : NULL),
		MAMORI_STR("deny_error", run->deny == DENY_FAILED ? mamori_strerror(run->deny_rc) : NULL),
	};
	struct mamori_field kept[sizeof(f) / sizeof(f[0])];
	size_t n = 0;

	/* A key without a value (no serial, no filesystem, nobody logged in) is left out. */
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].type != MAMORI_FT_STR || (f[i].s != NULL && f[i].s[0] != '\0'))
			kept[n++] = f[i];
	if (run->rep != NULL)
		(void)mamori_report(run->rep, ev, msg, kept, n);
}

/* Said once per device that mamori acts on, not for every keyboard event. */
static void
report_config_error(struct run *run)
{
	if (run->cfg != NULL || run->rep == NULL)
		return;
	MAMORI_REPORT(run->rep, MAMORI_EV_CONF_INVALID, "configuration unusable, media fail closed",
		      MAMORI_STR("file", run->config_path ? run->config_path : MAMORI_CONFIG_PATH),
		      MAMORI_STR("reason", run->cfg_error));
}

/* The device could not be read: if it sits on a removable bus by its path, its node is
 * made read-only all the same; either way the event says so. */
static void
unidentified(struct run *run, int r)
{
	const char *node = getenv("DEVNAME");
	bool removable_path = strstr(run->devpath, "/usb") != NULL ||
			      strstr(run->devpath, "/mmc") != NULL;
	int ro = -ENODEV;
	dev_t num;

	if (removable_path && node != NULL && strncmp(node, "/dev/", 5) == 0 &&
	    mamori_devnum_parse(getenv("MAJOR"), getenv("MINOR"), &num) == 0)
		ro = mamori_media_set_readonly(node, num, NULL);
	printf("MAMORI_CLASS=unknown\nMAMORI_ACTION=%s\n", ro == 0 ? "readonly" : "error");
	if (ro == 0)
		printf("MAMORI_READONLY=1\n");
	if (run->rep != NULL)
		MAMORI_REPORT(run->rep, MAMORI_EV_MEDIA_UNIDENTIFIED, "device could not be identified",
			      MAMORI_STR("uevent", run->action), MAMORI_STR("devpath", run->devpath),
			      MAMORI_STR("dev", node), MAMORI_STR("reason", mamori_strerror(r)),
			      MAMORI_INT("ro", ro == 0));
}

/* udev keeps no property from one event to the next, so the helper runs on every event of
 * a device (a USB device also gets "bind") and the rules act on each; but only add and
 * change are reported, and a phone once, by its device rather than by each interface. */
static bool
reportable(const struct run *run)
{
	if (strcmp(run->action, "add") != 0 && strcmp(run->action, "change") != 0)
		return false;
	return strcmp(run->dev.devtype, "usb_interface") != 0;
}

/* Vendor MTP shows in an interface that did not exist at its device's add event: the
 * device's event is replayed as change, where it is recognised, reported and closed. The
 * interface itself has no node to protect. */
static void
replay_parent(struct run *run)
{
	int r = mamori_media_request_change(run->dev.parent_syspath);

	printf("MAMORI_CLASS=%s\n", mamori_media_class_name(run->cls));
	if (r < 0)
		mamori_error("%s: cannot replay the device's event: %s", run->dev.parent_syspath,
			     mamori_strerror(r));
}

static enum mamori_event_id
interface_event(const struct mamori_usb_decision *d, int r, const char **msg)
{
	if (r < 0)
		return *msg = d->authorize ? "USB interface could not be authorized"
					   : "USB interface could not be refused",
		       MAMORI_EV_MEDIA_USB_FAILED;
	if (d->authorize)
		return *msg = "USB interface allowed, class audited", MAMORI_EV_MEDIA_USB_AUDITED;
	if (d->kind == MAMORI_UK_STORAGE)
		return *msg = "removable storage refused: USB interface not authorized",
		       MAMORI_EV_MEDIA_DENIED;
	return *msg = "USB interface refused", MAMORI_EV_MEDIA_USB_REFUSED;
}

/* A USB interface starts unauthorized (interface_authorized_default = 0 on its bus, set by
 * the rules): no driver and no usbfs claim until it is authorized here, for the classes the
 * policy lets in. On every action but remove, so each event finds it as decided. */
static void
handle_interface(struct run *run)
{
	struct mamori_usb_decision d;
	const char *msg = NULL;
	enum mamori_event_id ev;
	int r;

	mamori_usb_decide(&run->dev, run->cfg ? &run->cfg->media : NULL, &d);
	r = mamori_usb_apply(&run->dev, &d);
	printf("MAMORI_USB_CLASS=%s\nMAMORI_USB_AUTHORIZED=%d\n", mamori_usb_kind_name(d.kind),
	       r < 0 ? run->dev.iface_authorized : d.authorize);
	if (r >= 0 && (!d.report || (strcmp(run->action, "add") != 0 &&
				     strcmp(run->action, "change") != 0)))
		return;
	if (r < 0 || !d.authorize)
		report_config_error(run);
	ev = interface_event(&d, r, &msg);
	if (mamori_media_seat_user(run->user, sizeof(run->user)) < 0)
		run->user[0] = '\0';
	mamori_usb_report(run->rep, ev, msg, &run->dev, &d,
			  (const struct mamori_field[]){
				  MAMORI_STR("uevent", run->action), MAMORI_STR("user", run->user),
				  MAMORI_STR("config", run->cfg ? "ok" : "invalid"),
				  MAMORI_STR("reason", r < 0 ? mamori_strerror(r) : NULL)},
			  4);
}

static void
handle_device(struct run *run)
{
	char syspath[PATH_MAX];
	int r, w;

	w = snprintf(syspath, sizeof(syspath), "/sys%s", run->devpath);
	r = w < 0 || (size_t)w >= sizeof(syspath) ? -ENAMETOOLONG
		: mamori_media_udev_read(run->udev, syspath, &run->dev);
	if (r == -ENOENT || r == -ENODEV) {
		mamori_debug("%s: gone before it could be read", run->devpath);
		return; /* unplugged already: nothing left to protect */
	}
	if (r < 0) {
		report_config_error(run);
		unidentified(run, r);
		return;
	}
	if (strcmp(run->dev.devtype, "usb_interface") == 0)
		handle_interface(run);
	run->cls = mamori_media_classify(&run->dev, run->cfg ? &run->cfg->media : NULL);
	if (run->dev.recheck_parent) {
		replay_parent(run);
		return;
	}
	mamori_media_decide(run->cls, &run->dev, run->cfg ? &run->cfg->media : NULL, &run->dec);
	if (run->dec.action != MAMORI_MA_NONE) {
		report_config_error(run);
		apply(run);
		learn_identity(run); /* before deny takes the node away */
		apply_deny(run);
	}
	print_properties(run);
	if (run->dec.action != MAMORI_MA_NONE && reportable(run))
		report(run);
}

int
main(int argc, char **argv)
{
	struct run run = {.apply_rc = 0};
	int r;

	if (parse_args(argc, argv, &run) < 0)
		return usage();
	if (strcmp(run.action, "remove") == 0)
		return 0; /* nothing left to enforce */
	load_config(&run);
	if ((r = open_reporter(&run)) < 0)
		mamori_error("event reporting unavailable: %s", mamori_strerror(r));
	if ((run.udev = udev_new()) == NULL)
		unidentified(&run, -ENOMEM);
	else
		handle_device(&run);
	fflush(stdout);
	udev_unref(run.udev);
	mamori_reporter_free(&run.rep);
	mamori_config_free(&run.cfg);
	return 0;
}
