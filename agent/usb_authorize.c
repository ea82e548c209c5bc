/* The sysfs writes that carry out USB interface decisions (kernel
 * Documentation/usb/authorization.rst): an interface's "authorized", the root hub's
 * "interface_authorized_default", and the bus's drivers_probe, since authorizing an
 * interface does not probe a driver for it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mamori/media_apply.h"
#include "mamori/usb_iface.h"

/* Kernel names only: no "/" or "..", so a name cannot leave the directory it is put in. */
static bool
kernel_name(const char *name)
{
	return name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL &&
	       strlen(name) < 64;
}

static int
write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW), r = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0)
		r = -errno;
	else if ((size_t)n != len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	return r;
}

static int
attr_path(char *buf, size_t len, const char *dir, const char *name, const char *attr)
{
	int w;

	if (!kernel_name(name))
		return -EINVAL;
	w = snprintf(buf, len, "%s/%s/%s", dir, name, attr);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

int
mamori_usb_set_authorized(const char *iface, bool on)
{
	char path[PATH_MAX];
	int r;

	if ((r = attr_path(path, sizeof(path), "/sys/bus/usb/devices", iface, "authorized")) < 0 ||
	    (r = write_file(path, on ? "1" : "0")) < 0)
		return r;
	if (mamori_sysfs_flag(path) != on)
		return -EIO; /* never report a refusal the kernel did not keep */
	/* A driver may already be bound (or bind on its own): drivers_probe then says so with
	 * an error that is no failure. */
	if (on && (r = write_file("/sys/bus/usb/drivers_probe", iface)) < 0 && r != -EBUSY &&
	    r != -ENODEV)
		return r;
	return 0;
}

int
mamori_usb_apply(const struct mamori_media_dev *dev, const struct mamori_usb_decision *d)
{
	int r;

	if (dev->usb_iface[0] == '\0')
		return -EINVAL;
	if (dev->iface_authorized == (int)d->authorize)
		return 0;
	r = mamori_usb_set_authorized(dev->usb_iface, d->authorize);
	return r < 0 ? r : 1;
}

int
mamori_usb_set_bus_default(const char *roothub, bool on, int *was)
{
	char path[PATH_MAX];
	int r;

	if ((r = attr_path(path, sizeof(path), "/sys/bus/usb/devices", roothub,
			   "interface_authorized_default")) < 0)
		return r;
	*was = mamori_sysfs_flag(path);
	if (*was == (int)on)
		return 0;
	if ((r = write_file(path, on ? "1" : "0")) < 0)
		return r;
	return mamori_sysfs_flag(path) == (int)on ? 0 : -EIO;
}

int
mamori_media_unbind(const char *bus, const char *name)
{
	char dir[64], path[PATH_MAX];
	int r, w;

	if (!kernel_name(bus))
		return -EINVAL;
	w = snprintf(dir, sizeof(dir), "/sys/bus/%s/devices", bus);
	if (w < 0 || (size_t)w >= sizeof(dir))
		return -ENAMETOOLONG;
	if ((r = attr_path(path, sizeof(path), dir, name, "driver/unbind")) < 0)
		return r;
	r = write_file(path, name);
	return r == -ENOENT ? -ENODEV : r; /* no driver bound: nothing left to unbind */
}
