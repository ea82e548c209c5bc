/* Phones and cameras (MTP/PTP) the policy keeps from users. The udev rules keep udev's
 * uaccess from granting the seat user their USB node (72-mamori-uaccess.rules: ID_SEAT
 * seat-mamori-none); should the node give a user or group access through an ACL all the same
 * (setfacl by root, or rules changed or bypassed), the re-check takes the ACL away and
 * reports it (MAMORI-MEDIA-117). Reading counts too: MTP needs only an open usbfs node. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "agent_internal.h"
#include "mamori/acl.h"
#include "mamori/buf.h"
#include "mamori/err.h"
#include "mamori/log.h"
#include "mamori/media_apply.h"
#include "mamori/media_udev.h"

static struct agent_phone *
find(struct agent *a, const char *syspath)
{
	for (size_t i = 0; i < a->n_phones; i++)
		if (strcmp(a->phones[i].syspath, syspath) == 0)
			return &a->phones[i];
	return NULL;
}

static void
drop(struct agent *a, struct agent_phone *p)
{
	mamori_debug("%s: no longer re-checked", p->syspath);
	*p = a->phones[--a->n_phones];
}

static void
check(struct agent *a, struct agent_phone *p)
{
	static const struct agent_repair how = {
		MAMORI_EV_MEDIA_PHONE_ACL_REMOVED,
		"access to a phone or camera (MTP/PTP) through an ACL: removed",
		"access to a phone or camera (MTP/PTP) through an ACL cannot be removed", "acl"};
	struct mamori_node_ref n = {.path = p->dev.devnode, .type = S_IFCHR,
				    .devnum = p->dev.devnum,
				    .perm = MAMORI_ACL_READ | MAMORI_ACL_WRITE};
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int r = mamori_media_node_acl(&n, true, &f);

	if (r == 0 || r == -ENOENT)
		return;
	if (r == MAMORI_E_NOTNODE) {
		if (!p->misplaced_said)
			agent_report_misplaced(a, &p->dev, n.path, n.devnum, f, -ENODEV);
		p->misplaced_said = true;
		return;
	}
	p->misplaced_said = false;
	agent_report_repair(a, &p->dev, &p->acl_failing, n.path, r < 0 ? r : 0, &how);
}

int
agent_consider_phone(struct agent *a, const char *syspath)
{
	struct mamori_media_dev dev;
	struct agent_phone *p;
	int r;

	if ((r = mamori_media_udev_read(a->udev, syspath, &dev)) < 0)
		return r == -ENOENT || r == -ENODEV ? 0 : r;
	p = find(a, syspath);
	if (!mamori_media_phone_kept(&dev, agent_media(a))) {
		if (p != NULL)
			drop(a, p);
		return 0;
	}
	if (p == NULL && a->n_phones >= AGENT_MAX_PHONES) {
		mamori_warn("%s: more than %d phones, not re-checked", syspath, AGENT_MAX_PHONES);
		return 0;
	}
	if (p == NULL) {
		p = &a->phones[a->n_phones++];
		memset(p, 0, sizeof(*p));
		if (mamori_snprintf(p->syspath, sizeof(p->syspath), "%s", syspath) != 0) {
			a->n_phones--;
			return -ENAMETOOLONG;
		}
	}
	p->dev = dev;
	check(a, p);
	return 0;
}

void
agent_forget_phone(struct agent *a, const char *syspath)
{
	struct agent_phone *p = find(a, syspath);

	if (p != NULL)
		drop(a, p);
}

static int
scan_one(const char *syspath, void *ctx)
{
	struct agent *a = ctx;
	const char *name = strrchr(syspath, '/');

	/* devices only: an interface's name has a colon ("1-1:1.0") */
	if (name != NULL && strchr(name, ':') == NULL)
		(void)agent_consider_phone(a, syspath);
	return 0;
}

int
agent_phone_scan(struct agent *a)
{
	if (a->only != NULL)
		return 0; /* limited to one disk: the machine's USB devices are not its business */
	return mamori_media_udev_each_usb(a->udev, scan_one, a);
}

/* Still the device taken in: its node number, as sysfs shows it now. */
static bool
present(const struct agent_phone *p)
{
	char path[PATH_MAX];
	dev_t now;

	return mamori_snprintf(path, sizeof(path), "%s/dev", p->syspath) == 0 &&
	       mamori_devnum_read(path, &now) == 0 && now == p->dev.devnum;
}

void
agent_recheck_phones(struct agent *a)
{
	for (size_t i = 0; i < a->n_phones;) {
		if (!present(&a->phones[i])) {
			drop(a, &a->phones[i]);
			continue;
		}
		check(a, &a->phones[i++]);
	}
}
