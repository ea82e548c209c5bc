/* mamori-agent and USB authorization: at start (and on reload) every root hub must be
 * closed (interface_authorized_default = 0) and every interface present authorized exactly
 * when the policy allows it. What was plugged in before the rules ran at boot (or before the
 * package was installed) is found here; what was found wrong is reported. */
#include <errno.h>
#include <string.h>

#include "agent_internal.h"
#include "mamori/err.h"
#include "mamori/log.h"
#include "mamori/media_udev.h"
#include "mamori/usb_iface.h"

static const char *
basename_of(const char *syspath)
{
	const char *s = strrchr(syspath, '/');

	return s != NULL ? s + 1 : syspath;
}

static const char *
when_name(enum agent_origin why)
{
	return why == AGENT_AT_START ? "start" : why == AGENT_AT_EVENT ? "event" : "reload";
}

/* Root hubs are the usb_devices named usbN. */
static void
close_root_hub(struct agent *a, const char *name, enum agent_origin why)
{
	int was = -1, r = mamori_usb_set_bus_default(name, false, &was);

	if (r == 0 && was == 0)
		return;
	if (a->rep == NULL)
		return;
	if (r < 0) {
		a->counts.failures++;
		MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_USB_FAILED,
			      "USB bus could not be closed: new interfaces bind at once",
			      MAMORI_STR("roothub", name), MAMORI_STR("when", when_name(why)),
			      MAMORI_STR("reason", mamori_strerror(r)));
		return;
	}
	MAMORI_REPORT(a->rep, MAMORI_EV_AGENT_USB_BUS_CLOSED,
		      "USB bus was open: new interfaces now start unauthorized",
		      MAMORI_STR("roothub", name), MAMORI_STR("when", when_name(why)));
}

static void
check_interface(struct agent *a, const struct mamori_media_dev *dev, enum agent_origin why)
{
	struct mamori_usb_decision d;
	enum mamori_event_id ev;
	const char *msg;
	int r;

	mamori_usb_decide(dev, agent_media(a), &d);
	if ((r = mamori_usb_apply(dev, &d)) == 0)
		return;
	if (r < 0) {
		a->counts.failures++;
		ev = MAMORI_EV_AGENT_USB_FAILED;
		msg = d.authorize ? "USB interface could not be authorized"
				  : "USB interface could not be refused";
	} else if (d.authorize) {
		ev = MAMORI_EV_AGENT_USB_AUTHORIZED;
		msg = "USB interface the policy allows was unauthorized: authorized";
	} else {
		a->counts.enforced++;
		ev = MAMORI_EV_AGENT_USB_REFUSED;
		msg = "USB interface the policy refuses was authorized: refused, driver unbound";
	}
	mamori_usb_report(a->rep, ev, msg, dev, &d,
			  (const struct mamori_field[]){
				  MAMORI_STR("when", when_name(why)),
				  MAMORI_STR("config", a->cfg_ok ? "ok" : "invalid"),
				  MAMORI_STR("reason", r < 0 ? mamori_strerror(r) : NULL)},
			  3);
}

struct usb_scan {
	struct agent *a;
	enum agent_origin why;
};

static int
scan_one(const char *syspath, void *ctx)
{
	struct usb_scan *s = ctx;
	struct mamori_media_dev dev;
	const char *name = basename_of(syspath);

	if (strncmp(name, "usb", 3) == 0 && strchr(name, ':') == NULL) {
		close_root_hub(s->a, name, s->why);
		return 0;
	}
	if (mamori_media_udev_read(s->a->udev, syspath, &dev) < 0 ||
	    strcmp(dev.devtype, "usb_interface") != 0)
		return 0; /* gone meanwhile, or a device: its interfaces decide */
	check_interface(s->a, &dev, s->why);
	return 0;
}

int
agent_usb_scan(struct agent *a, enum agent_origin why)
{
	struct usb_scan s = {.a = a, .why = why};
	int r;

	if (a->only != NULL)
		return 0; /* limited to one disk: the machine's USB buses are not its business */
	if ((r = mamori_media_udev_each_usb(a->udev, scan_one, &s)) < 0)
		mamori_error("USB scan: %s", mamori_strerror(r));
	return r;
}
