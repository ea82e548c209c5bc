/* From a classified device and the media section of mamori.conf to what is done with it. */
#include <strings.h>
#include <string.h>

#include "mamori/media.h"

const char *
mamori_media_action_name(enum mamori_media_action a)
{
	switch (a) {
	case MAMORI_MA_NONE: return "none";
	case MAMORI_MA_READONLY: return "readonly";
	case MAMORI_MA_DENY: return "deny";
	case MAMORI_MA_AUDIT: return "audit";
	case MAMORI_MA_READWRITE: return "readwrite";
	case MAMORI_MA_BLOCK: return "block";
	}
	return "unknown";
}

const struct mamori_allow_entry *
mamori_media_allow_find(const struct mamori_media_config *media,
			const struct mamori_media_identity *id)
{
	if (media == NULL || id->serial[0] == '\0' || id->vid[0] == '\0' || id->pid[0] == '\0')
		return NULL;
	for (size_t i = 0; i < media->n_allow; i++) {
		const struct mamori_allow_entry *e = &media->allow[i];

		if (strcasecmp(e->vid, id->vid) == 0 && strcasecmp(e->pid, id->pid) == 0 &&
		    e->serial != NULL && strcmp(e->serial, id->serial) == 0)
			return e;
	}
	return NULL;
}

/* Storage (and optical) under a media policy. deny cannot yet keep the driver from binding,
 * so the device is made read-only and the event says deny was asked (fail closed). */
static void
decide_storage(enum mamori_media_class cls, enum mamori_media_policy p,
	       struct mamori_media_decision *d)
{
	d->policy = p;
	switch (p) {
	case MAMORI_MEDIA_READONLY:
	case MAMORI_MEDIA_DENY:
		d->action = p == MAMORI_MEDIA_DENY ? MAMORI_MA_DENY : MAMORI_MA_READONLY;
		d->set_readonly = true;
		/* The flag does not stop SG_IO (util-linux #509): an optical drive's nodes lose
		 * the seat user's ACL and the group's write bit, so nobody but root can burn. */
		if (cls == MAMORI_MC_OPTICAL) {
			d->strip_uaccess = true;
			d->node_mode = p == MAMORI_MEDIA_DENY ? 0600 : 0640;
		}
		break;
	case MAMORI_MEDIA_AUDIT:
		d->action = MAMORI_MA_AUDIT;
		break;
	case MAMORI_MEDIA_READWRITE:
		d->action = MAMORI_MA_READWRITE;
		break;
	}
}

static void
decide_mtp(enum mamori_class_policy p, struct mamori_media_decision *d)
{
	if (p == MAMORI_CLASS_DENY) {
		d->policy = MAMORI_MEDIA_DENY;
		d->action = MAMORI_MA_BLOCK;
		d->strip_uaccess = true;
		d->node_mode = 0600;
		return;
	}
	d->policy = p == MAMORI_CLASS_AUDIT ? MAMORI_MEDIA_AUDIT : MAMORI_MEDIA_READWRITE;
	d->action = p == MAMORI_CLASS_AUDIT ? MAMORI_MA_AUDIT : MAMORI_MA_READWRITE;
}

/* An allowlisted phone gets what its entry says: readwrite or audit leave it usable,
 * readonly or deny refuse it (MTP has no read-only mode mamori could enforce). */
static enum mamori_class_policy
mtp_entry_policy(enum mamori_media_policy p)
{
	if (p == MAMORI_MEDIA_READWRITE)
		return MAMORI_CLASS_ALLOW;
	return p == MAMORI_MEDIA_AUDIT ? MAMORI_CLASS_AUDIT : MAMORI_CLASS_DENY;
}

void
mamori_media_decide(enum mamori_media_class cls, const struct mamori_media_dev *dev,
		    const struct mamori_media_config *media, struct mamori_media_decision *ret)
{
	struct mamori_media_decision d = {.action = MAMORI_MA_NONE};
	const struct mamori_allow_entry *e;

	if (cls == MAMORI_MC_IGNORED || cls == MAMORI_MC_INTERNAL || cls == MAMORI_MC_VIRTUAL) {
		*ret = d;
		return;
	}
	e = mamori_media_allow_find(media, &dev->id);
	d.allowed = e;
	if (cls == MAMORI_MC_MTP)
		decide_mtp(e != NULL ? mtp_entry_policy(e->policy)
			   : media != NULL ? media->mtp : MAMORI_CLASS_DENY, &d);
	else if (e != NULL)
		decide_storage(cls, e->policy, &d);
	else if (media == NULL)
		decide_storage(cls, MAMORI_MEDIA_READONLY, &d);
	else
		decide_storage(cls, cls == MAMORI_MC_OPTICAL ? media->optical : media->policy, &d);
	*ret = d;
}

bool
mamori_media_phone_kept(const struct mamori_media_dev *dev, const struct mamori_media_config *media)
{
	struct mamori_media_decision dec;
	enum mamori_media_class cls;

	if (strcmp(dev->subsystem, "usb") != 0 || strcmp(dev->devtype, "usb_device") != 0 ||
	    dev->devnode[0] == '\0' || dev->devnum == 0)
		return false;
	if ((cls = mamori_media_classify(dev, media)) != MAMORI_MC_MTP)
		return false;
	mamori_media_decide(cls, dev, media, &dec);
	return dec.strip_uaccess;
}
