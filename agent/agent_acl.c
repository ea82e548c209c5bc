/* Behind the udev rules (69- and 72-mamori-uaccess.rules), which keep udev and logind from
 * granting an optical drive to the seat user: should a node of a protected drive give a user
 * or group write access through an ACL all the same (set by hand, or by a systemd whose tag
 * handling differs again), the agent's re-check takes the ACL away and reports it. */
#include <errno.h>

#include "agent_internal.h"
#include "mamori/acl.h"
#include "mamori/err.h"
#include "mamori/media_apply.h"

struct acl_check {
	struct agent *a;
	struct agent_disk *d;
};

static void
report_acl(struct agent *a, struct agent_disk *d, const char *node, int r)
{
	static const struct agent_repair how = {
		MAMORI_EV_MEDIA_ACL_REMOVED, "write access to an optical drive through an ACL: removed",
		"write access to an optical drive through an ACL cannot be removed", "acl"};

	agent_report_repair(a, &d->dev, &d->acl_failing, node, r, &how);
}

static int
check_node(const struct mamori_node_ref *n, void *ctx)
{
	struct acl_check *c = ctx;
	enum mamori_node_found f = MAMORI_NODE_DEVICE;
	int r = mamori_media_node_acl(n, true, &f);

	if (r == 0 || r == -ENOENT)
		return 0; /* no ACL giving write access, or the node went away */
	if (r == MAMORI_E_NOTNODE) {
		if (!c->d->misplaced_said) /* the re-check of the flags says it too */
			agent_report_misplaced(c->a, &c->d->dev, n->path, n->devnum, f, -ENODEV);
		c->d->misplaced_said = true;
		return 0;
	}
	report_acl(c->a, c->d, n->path, r < 0 ? r : 0);
	return 0;
}

void
agent_check_acls(struct agent *a, struct agent_disk *d)
{
	struct mamori_media_decision dec;
	struct acl_check c = {a, d};

	if (d->cls != MAMORI_MC_OPTICAL)
		return;
	mamori_media_decide(d->cls, &d->dev, agent_media(a), &dec);
	if (dec.strip_uaccess)
		(void)mamori_media_optical_nodes(d->dev.disk, check_node, &c);
}
