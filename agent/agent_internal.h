/* mamori-agent's state, shared by its files (agent_main.c runs the loop, agent_enforce.c
 * finds and protects devices, agent_report.c words the events). Not used elsewhere. */
#ifndef MAMORI_AGENT_INTERNAL_H
#define MAMORI_AGENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mamori/config.h"
#include "mamori/devnode.h"
#include "mamori/event.h"
#include "mamori/media.h"

/* Limits on what plugging in devices can make the agent hold. A disk beyond the limit is
 * still made read-only when it appears (and by the udev rules), only not re-checked. */
#define AGENT_MAX_DISKS 64
#define AGENT_MAX_NODES 1024
#define AGENT_MAX_FAILING 32
#define AGENT_MAX_PHONES 16

struct agent_disk {
	struct mamori_media_dev dev;  /* the whole disk, as read when it was taken in */
	enum mamori_media_class cls;
	char syspath[512];            /* resolved: a new device under the same name differs */
	uint64_t diskseq;             /* the kernel's disk sequence number, 0 when unknown */
	bool failing;                 /* a failed restore was reported; said once until it works */
	bool acl_failing;             /* likewise for an ACL that could not be removed */
	bool misplaced_said;          /* MAMORI-MEDIA-116 reported for a node of it, still there */
};

/* A phone or camera (MTP/PTP) whose USB node the policy keeps from users. */
struct agent_phone {
	struct mamori_media_dev dev;  /* the usb_device, as read when it was taken in */
	char syspath[512];
	bool acl_failing;             /* a failed removal was reported; said once until it works */
	bool misplaced_said;          /* MAMORI-MEDIA-116 reported for its node, still there */
};

struct agent_counts {
	unsigned long long enforced;  /* devices the agent itself had to make read-only */
	unsigned long long tampers;   /* cleared flags restored */
	unsigned long long remounts;  /* read-write mounts made read-only */
	unsigned long long failures;  /* restores or remounts that did not work */
};

struct agent {
	const char *config_path;  /* NULL: MAMORI_CONFIG_PATH */
	const char *only;         /* --only DISK: every other disk is left alone */
	struct mamori_config *cfg;/* never NULL while running: defaults when the file is unusable */
	bool cfg_ok;              /* cfg came from the file; otherwise the fail-closed policy */
	char policy_hash[17];
	struct mamori_reporter *rep;
	struct udev *udev;
	struct agent_disk disks[AGENT_MAX_DISKS];
	size_t n_disks;
	struct agent_phone phones[AGENT_MAX_PHONES];
	size_t n_phones;
	struct agent_counts counts;
	unsigned long failing_mounts[AGENT_MAX_FAILING]; /* mount ids whose failure was reported */
	size_t n_failing;
};

enum agent_origin {
	AGENT_AT_START,  /* present when the agent started: reported whatever its state */
	AGENT_AT_EVENT,  /* announced by udev: reported only when the agent had to act */
	AGENT_AT_RELOAD, /* looked at again under a new configuration: likewise */
};

/* agent_enforce.c */

/* Every disk present: take in and protect those the policy makes read-only. */
int agent_scan(struct agent *a, enum agent_origin why);

/* One block device (disk or partition) at syspath: its disk is taken in and protected when
 * the policy makes it read-only, and let go when the policy no longer does. */
int agent_consider(struct agent *a, const char *syspath, enum agent_origin why);

/* MAMORI-MEDIA-116: something else than dev's node of devnum at node (devnode.h); r: the
 * result of acting on the device through a private node. */
void agent_report_misplaced(struct agent *a, const struct mamori_media_dev *dev, const char *node,
			    dev_t devnum, enum mamori_node_found f, int r);

/* A disk removed: no longer re-checked. */
void agent_forget(struct agent *a, const char *syspath);

/* Re-check every disk taken in: read-only flags, then read-write mounts. */
void agent_recheck(struct agent *a);

/* agent_trim.c */

/* After a burst of work (start, reload): the heap's free memory returned to the system. */
void agent_trim_memory(void);

/* A repair the re-check made (or could not make) on a node of d: the event of the repair, or,
 * once until a repair succeeds again (*failing), AGENT-308 with what= and the reason. */
struct agent_repair {
	enum mamori_event_id event; /* reported when the repair succeeded */
	const char *done;   /* its text */
	const char *failed; /* the text of AGENT-308 */
	const char *what;   /* its what= field */
};
void agent_report_repair(struct agent *a, const struct mamori_media_dev *dev, bool *failing,
			 const char *node, int r, const struct agent_repair *how);

/* agent_acl.c */

/* An optical drive the policy keeps from the seat user: every node of it (srN, sgN) that
 * gives a user or group write access through an ACL loses the ACL, and it is reported. */
void agent_check_acls(struct agent *a, struct agent_disk *d);

/* agent_phone.c */

/* The USB device at syspath: taken in and its node checked when it is such a phone, let go
 * when it no longer is. */
int agent_consider_phone(struct agent *a, const char *syspath);

/* Every USB device present considered (at start and on reload). */
int agent_phone_scan(struct agent *a);

/* A USB device removed: no longer re-checked. */
void agent_forget_phone(struct agent *a, const char *syspath);

/* Every phone taken in: a user's or group's ACL on its node removed and reported. */
void agent_recheck_phones(struct agent *a);

/* agent_usb.c */

/* Every root hub closed (interface_authorized_default = 0) and every USB interface
 * authorized exactly when the policy allows it; what had to change is reported. */
int agent_usb_scan(struct agent *a, enum agent_origin why);

/* agent_mounts.c */

/* A block node of a protected disk, as the re-check found it. */
struct agent_node {
	dev_t rdev;
	struct agent_disk *disk;
	char node[128];
};

/* Every read-write mount of one of these nodes is remounted read-only and reported. */
void agent_check_mounts(struct agent *a, const struct agent_node *nodes, size_t n);

/* The media section of the configuration in force (NULL: fail-closed built-in policy). */
const struct mamori_media_config *agent_media(const struct agent *a);

/* agent_report.c */

/* An event about a device: its identity, then extra fields (empty values left out). */
void agent_report_dev(struct agent *a, enum mamori_event_id ev, const char *msg,
		      const struct mamori_media_dev *dev, const char *node,
		      const struct mamori_field *extra, size_t n_extra);

/* The first 16 hex digits of the SHA-256 of the configuration as `mamorictl config check
 * --show` prints it; "" when it cannot be computed. */
void agent_policy_hash(const struct mamori_config *cfg, char out[17]);

#endif
