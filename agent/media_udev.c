/* The libudev backend: one device and its parents, read from sysfs into mamori_media_dev. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libudev.h>

#include "mamori/media.h"
#include "mamori/media_udev.h"

/* The usb_device "descriptors" attribute holds the device descriptor and the active
 * configuration; wTotalLength is 16 bits, so this bounds it. */
#define USB_DESCRIPTORS_MAX (18 + 65535)

static void
copy(char *dst, size_t cap, const char *src)
{
	size_t n = src != NULL ? strnlen(src, cap - 1) : 0;

	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *
attr(struct udev_device *d, const char *name)
{
	return udev_device_get_sysattr_value(d, name);
}

static bool
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

/* USB ids are four hex digits in sysfs; anything else is left out rather than trusted. */
static void
copy_usb_id(char dst[5], const char *src)
{
	dst[0] = '\0';
	if (src == NULL || strlen(src) != 4 || strspn(src, "0123456789abcdefABCDEF") != 4)
		return;
	for (int i = 0; i < 4; i++)
		dst[i] = (char)(src[i] | 0x20); /* lower case; digits are unchanged by this bit */
	dst[4] = '\0';
}

static bool
attr_is_true(struct udev_device *d, const char *name)
{
	return is(attr(d, name), "1");
}

/* Whether a USB interface is MTP/PTP: the still-image class, or the vendor-specific
 * interface Android uses for MTP, which names itself "MTP" (its own string descriptor). */
static bool
interface_is_mtp(struct udev_device *intf)
{
	const char *cls = attr(intf, "bInterfaceClass");

	if (is(cls, "06"))
		return is(attr(intf, "bInterfaceSubClass"), "01") &&
		       is(attr(intf, "bInterfaceProtocol"), "01");
	return is(cls, "ff") && is(attr(intf, "interface"), "MTP");
}

/* The raw descriptors are binary (NUL bytes), so they are read from the file, not through
 * udev_device_get_sysattr_value. */
static bool
descriptors_have_ptp(struct udev_device *usbdev)
{
	char path[PATH_MAX];
	uint8_t *buf;
	ssize_t n;
	size_t len = 0;
	bool r = false;
	int fd, w;

	w = snprintf(path, sizeof(path), "%s/descriptors", udev_device_get_syspath(usbdev));
	if (w < 0 || (size_t)w >= sizeof(path))
		return false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	if ((buf = malloc(USB_DESCRIPTORS_MAX)) != NULL) {
		while (len < USB_DESCRIPTORS_MAX &&
		       (n = read(fd, buf + len, USB_DESCRIPTORS_MAX - len)) > 0)
			len += (size_t)n;
		/* the device descriptor (18 bytes) comes first; the interfaces follow */
		r = len > 18 && mamori_media_descriptors_have_ptp(buf + 18, len - 18);
		free(buf);
	}
	close(fd);
	return r;
}

/* The interfaces present under a usb_device (they appear after the device's own event;
 * on a later change event they are there). */
static bool
children_are_mtp(struct udev *udev, struct udev_device *usbdev)
{
	struct udev_enumerate *e = udev_enumerate_new(udev);
	struct udev_list_entry *it;
	bool r = false;

	if (e == NULL)
		return false;
	if (udev_enumerate_add_match_parent(e, usbdev) >= 0 &&
	    udev_enumerate_add_match_subsystem(e, "usb") >= 0 && udev_enumerate_scan_devices(e) >= 0)
		udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e)) {
			struct udev_device *c =
				udev_device_new_from_syspath(udev, udev_list_entry_get_name(it));

			if (c != NULL && is(udev_device_get_devtype(c), "usb_interface") &&
			    interface_is_mtp(c))
				r = true;
			udev_device_unref(c);
		}
	udev_enumerate_unref(e);
	return r;
}

static void
note_usb_device(struct udev_device *p, struct mamori_media_dev *dev)
{
	struct mamori_media_identity *id = &dev->id;

	if (dev->on_usb)
		return; /* the nearest USB device is the one plugged in (a hub is further up) */
	dev->on_usb = true;
	copy_usb_id(id->vid, attr(p, "idVendor"));
	copy_usb_id(id->pid, attr(p, "idProduct"));
	copy(id->serial, sizeof(id->serial), attr(p, "serial"));
	copy(id->vendor, sizeof(id->vendor), attr(p, "manufacturer"));
	copy(id->product, sizeof(id->product), attr(p, "product"));
	copy(id->port, sizeof(id->port), udev_device_get_sysname(p));
}

/* The device whose driver made the block device: unbinding it takes the node away. */
static void
note_unbind(struct udev_device *p, struct mamori_media_dev *dev, const char *bus)
{
	const char *name = udev_device_get_sysname(p);

	if (dev->unbind_bus[0] != '\0' || name == NULL || strlen(name) >= sizeof(dev->unbind_name))
		return;
	copy(dev->unbind_bus, sizeof(dev->unbind_bus), bus);
	copy(dev->unbind_name, sizeof(dev->unbind_name), name);
}

static void
note_mmc_card(struct udev_device *p, struct mamori_media_dev *dev)
{
	struct udev_device *host = udev_device_get_parent(p);

	dev->on_mmc = true;
	note_unbind(p, dev, "mmc");
	copy(dev->mmc_type, sizeof(dev->mmc_type), attr(p, "type"));
	if (dev->id.serial[0] == '\0')
		copy(dev->id.serial, sizeof(dev->id.serial), attr(p, "serial"));
	if (dev->id.product[0] == '\0')
		copy(dev->id.product, sizeof(dev->id.product), attr(p, "name"));
	if (dev->id.port[0] == '\0' && host != NULL)
		copy(dev->id.port, sizeof(dev->id.port), udev_device_get_sysname(host));
}

static void
note_scsi_device(struct udev_device *p, struct mamori_media_dev *dev)
{
	const char *type = attr(p, "type");
	char *end;
	long t;

	if (dev->scsi_type >= 0 || type == NULL)
		return;
	note_unbind(p, dev, "scsi");
	errno = 0;
	t = strtol(type, &end, 10);
	if (errno == 0 && end != type && t >= 0 && t <= 0x1f)
		dev->scsi_type = (int)t;
	copy(dev->id.vendor, sizeof(dev->id.vendor), attr(p, "vendor"));
	copy(dev->id.product, sizeof(dev->id.product), attr(p, "model"));
}

/* One device on the way from the node up to the root. */
static void
note(struct udev_device *p, struct mamori_media_dev *dev, const char **bus)
{
	const char *sub = udev_device_get_subsystem(p), *type = udev_device_get_devtype(p);

	if (is(sub, "usb") && is(type, "usb_device"))
		note_usb_device(p, dev);
	else if (is(sub, "usb") && is(type, "usb_interface") && dev->usb_iface[0] == '\0') {
		copy(dev->usb_driver, sizeof(dev->usb_driver), udev_device_get_driver(p));
		copy(dev->usb_iface, sizeof(dev->usb_iface), udev_device_get_sysname(p));
	}
	else if (is(sub, "mmc"))
		note_mmc_card(p, dev);
	else if (is(sub, "scsi") && is(type, "scsi_device"))
		note_scsi_device(p, dev);
	else if (is(sub, "firewire") || is(sub, "thunderbolt") || is(sub, "pcmcia"))
		dev->on_hotplug_bus = true;
	if (*bus == NULL && sub != NULL &&
	    (is(sub, "virtio") || is(sub, "nvme") || is(sub, "pci") || is(sub, "firewire") ||
	     is(sub, "thunderbolt") || is(sub, "pcmcia") || is(sub, "platform")))
		*bus = sub;
}

static void
set_bus(struct mamori_media_dev *dev, const char *bus)
{
	const char *b = dev->on_usb ? "usb" : dev->on_mmc ? "mmc" : dev->is_virtual ? "virtual"
		: bus != NULL ? bus : dev->scsi_type >= 0 ? "scsi" : "unknown";

	copy(dev->id.bus, sizeof(dev->id.bus), b);
}

/* The whole disk of a block device: itself, or a partition's parent. */
static void
read_block(struct udev_device *d, struct mamori_media_dev *dev)
{
	struct udev_device *disk = d;
	const char *size = attr(d, "size");
	unsigned long long sectors;
	char *end;

	if (is(udev_device_get_devtype(d), "partition") && udev_device_get_parent(d) != NULL)
		disk = udev_device_get_parent(d);
	copy(dev->disk, sizeof(dev->disk), udev_device_get_sysname(disk));
	dev->removable = attr_is_true(disk, "removable");
	errno = 0;
	/* sysfs "size" counts 512-byte sectors whatever the logical block size */
	if (size != NULL && (sectors = strtoull(size, &end, 10), errno == 0 && end != size) &&
	    sectors <= UINT64_MAX / 512)
		dev->size = (uint64_t)sectors * 512;
}

/* Two hex digits, as sysfs prints bInterfaceClass and its kin; anything else reads as 0xff
 * (vendor-specific), which no policy lets in by default. */
static uint8_t
hex_byte(const char *s)
{
	unsigned v = 0;

	if (s == NULL || strlen(s) != 2 || strspn(s, "0123456789abcdefABCDEF") != 2)
		return 0xff;
	for (int i = 0; i < 2; i++)
		v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	return (uint8_t)v;
}

static void
read_usb_interface(struct udev_device *d, struct mamori_media_dev *dev)
{
	struct udev_device *parent =
		udev_device_get_parent_with_subsystem_devtype(d, "usb", "usb_device");
	const char *path = parent != NULL ? udev_device_get_syspath(parent) : NULL;
	const char *auth = attr(d, "authorized");

	dev->iface_class = hex_byte(attr(d, "bInterfaceClass"));
	dev->iface_subclass = hex_byte(attr(d, "bInterfaceSubClass"));
	dev->iface_protocol = hex_byte(attr(d, "bInterfaceProtocol"));
	dev->iface_authorized = is(auth, "1") ? 1 : is(auth, "0") ? 0 : -1;
	dev->mtp = interface_is_mtp(d);
	if (path == NULL || strlen(path) >= sizeof(dev->parent_syspath))
		return;
	copy(dev->parent_syspath, sizeof(dev->parent_syspath), path);
	dev->recheck_parent = dev->mtp && !descriptors_have_ptp(parent);
}

static void
read_usb_self(struct udev *udev, struct udev_device *d, struct mamori_media_dev *dev)
{
	if (is(dev->devtype, "usb_device"))
		dev->mtp = descriptors_have_ptp(d) || children_are_mtp(udev, d);
	else if (is(dev->devtype, "usb_interface"))
		read_usb_interface(d, dev);
}

int
mamori_media_udev_read(struct udev *udev, const char *syspath, struct mamori_media_dev *ret)
{
	struct mamori_media_dev dev = {.scsi_type = -1, .iface_authorized = -1};
	struct udev_device *d = udev_device_new_from_syspath(udev, syspath);
	const char *bus = NULL;

	if (d == NULL)
		return errno > 0 ? -errno : -ENODEV;
	copy(dev.subsystem, sizeof(dev.subsystem), udev_device_get_subsystem(d));
	copy(dev.devtype, sizeof(dev.devtype), udev_device_get_devtype(d));
	copy(dev.sysname, sizeof(dev.sysname), udev_device_get_sysname(d));
	copy(dev.devnode, sizeof(dev.devnode), udev_device_get_devnode(d));
	dev.devnum = udev_device_get_devnum(d);
	dev.is_virtual = strstr(udev_device_get_syspath(d), "/devices/virtual/") != NULL;
	if (is(dev.subsystem, "block"))
		read_block(d, &dev);
	else if (is(dev.subsystem, "usb"))
		read_usb_self(udev, d, &dev);
	for (struct udev_device *p = d; p != NULL; p = udev_device_get_parent(p))
		note(p, &dev, &bus);
	set_bus(&dev, bus);
	udev_device_unref(d);
	*ret = dev;
	return 0;
}

static int
disk_of(struct udev *udev, const char *syspath, struct udev_device **ret)
{
	struct udev_device *d = udev_device_new_from_syspath(udev, syspath), *p;

	if (d == NULL)
		return errno > 0 ? -errno : -ENODEV;
	if (is(udev_device_get_devtype(d), "partition")) {
		p = udev_device_get_parent_with_subsystem_devtype(d, "block", "disk");
		if (p == NULL) {
			udev_device_unref(d);
			return -ENODEV;
		}
		*ret = udev_device_ref(p);
		udev_device_unref(d);
		return 0;
	}
	*ret = d;
	return 0;
}

/* A disk's partitions are the subdirectories of its sysfs directory that have a
 * "partition" attribute: reading that one directory replaces udev_enumerate's walk of the
 * disk's whole subtree (queue/, mq/<cpu>/, trace/, ...), which cost every udev event a few
 * hundred system calls. */
static int
partition_node(struct udev *udev, int dfd, const char *disk_path, const char *name,
	       int (*fn)(const char *devnode, dev_t devnum, void *ctx), void *ctx)
{
	char path[PATH_MAX];
	struct udev_device *c;
	const char *node;
	int w, r;

	w = snprintf(path, sizeof(path), "%s/partition", name);
	if (w < 0 || (size_t)w >= sizeof(path))
		return -ENAMETOOLONG;
	if (faccessat(dfd, path, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
		return 0; /* no partition attribute: queue/, holders/, ... */
	w = snprintf(path, sizeof(path), "%s/%s", disk_path, name);
	if (w < 0 || (size_t)w >= sizeof(path))
		return -ENAMETOOLONG;
	if ((c = udev_device_new_from_syspath(udev, path)) == NULL)
		return -ENODEV;
	node = udev_device_get_devnode(c);
	r = node != NULL ? fn(node, udev_device_get_devnum(c), ctx) : -ENODEV;
	udev_device_unref(c);
	return r;
}

static int
each_partition(struct udev *udev, struct udev_device *disk,
	       int (*fn)(const char *devnode, dev_t devnum, void *ctx), void *ctx)
{
	const char *disk_path = udev_device_get_syspath(disk);
	struct dirent *de;
	DIR *dir;
	int r = 0;

	if (disk_path == NULL)
		return -ENODEV;
	if ((dir = opendir(disk_path)) == NULL)
		return -errno;
	while (r >= 0 && (de = readdir(dir)) != NULL)
		if (de->d_type == DT_DIR && de->d_name[0] != '.')
			r = partition_node(udev, dirfd(dir), disk_path, de->d_name, fn, ctx);
	closedir(dir);
	return r;
}

int
mamori_media_udev_disk_nodes(struct udev *udev, const struct mamori_media_dev *dev,
			     int (*fn)(const char *devnode, dev_t devnum, void *ctx), void *ctx)
{
	char syspath[PATH_MAX];
	struct udev_device *disk = NULL;
	const char *node;
	int r, w;

	w = snprintf(syspath, sizeof(syspath), "/sys/class/block/%s", dev->disk);
	if (w < 0 || (size_t)w >= sizeof(syspath) || dev->disk[0] == '\0')
		return -EINVAL;
	if ((r = disk_of(udev, syspath, &disk)) < 0)
		return r;
	node = udev_device_get_devnode(disk);
	r = node != NULL ? fn(node, udev_device_get_devnum(disk), ctx) : -ENODEV;
	if (r >= 0)
		r = each_partition(udev, disk, fn, ctx);
	udev_device_unref(disk);
	return r;
}

/* fn for every device of subsystem (and devtype, unless NULL) present now, sorted by path:
 * parents before children (a root hub before the devices and interfaces below it). */
static int
each_device(struct udev *udev, const char *subsystem, const char *devtype,
	    int (*fn)(const char *syspath, void *ctx), void *ctx)
{
	struct udev_enumerate *e = udev_enumerate_new(udev);
	struct udev_list_entry *it;
	int r = -ENOMEM;

	if (e == NULL)
		return r;
	if ((r = udev_enumerate_add_match_subsystem(e, subsystem)) < 0 ||
	    (devtype != NULL &&
	     (r = udev_enumerate_add_match_property(e, "DEVTYPE", devtype)) < 0) ||
	    (r = udev_enumerate_scan_devices(e)) < 0)
		goto out;
	r = 0;
	udev_list_entry_foreach(it, udev_enumerate_get_list_entry(e))
		if ((r = fn(udev_list_entry_get_name(it), ctx)) < 0)
			break;
out:
	udev_enumerate_unref(e);
	return r < 0 ? r : 0;
}

int
mamori_media_udev_each_disk(struct udev *udev, int (*fn)(const char *syspath, void *ctx),
			    void *ctx)
{
	return each_device(udev, "block", "disk", fn, ctx);
}

int
mamori_media_udev_each_usb(struct udev *udev, int (*fn)(const char *syspath, void *ctx), void *ctx)
{
	return each_device(udev, "usb", NULL, fn, ctx);
}

int
mamori_media_monitor_open(struct udev *udev, struct udev_monitor **ret, int *fd)
{
	struct udev_monitor *m = udev_monitor_new_from_netlink(udev, "udev");
	int r;

	if (m == NULL)
		return errno > 0 ? -errno : -ENOMEM;
	/* block devices, and USB devices for the phones whose node is re-checked */
	if ((r = udev_monitor_filter_add_match_subsystem_devtype(m, "block", NULL)) < 0 ||
	    (r = udev_monitor_filter_add_match_subsystem_devtype(m, "usb", "usb_device")) < 0 ||
	    (r = udev_monitor_enable_receiving(m)) < 0 || (r = udev_monitor_get_fd(m)) < 0) {
		udev_monitor_unref(m);
		return r;
	}
	*fd = r;
	*ret = m;
	return 0;
}

int
mamori_media_monitor_next(struct udev_monitor *mon, char *action, size_t action_len,
			  char *syspath, size_t syspath_len, char *devtype, size_t devtype_len)
{
	struct udev_device *d;
	const char *path;

	errno = 0;
	if ((d = udev_monitor_receive_device(mon)) == NULL)
		return errno > 0 && errno != EAGAIN && errno != EWOULDBLOCK ? -errno : -EAGAIN;
	path = udev_device_get_syspath(d);
	if (path == NULL || strlen(path) >= syspath_len) {
		udev_device_unref(d);
		return -ENAMETOOLONG;
	}
	copy(action, action_len, udev_device_get_action(d));
	copy(syspath, syspath_len, path);
	copy(devtype, devtype_len, udev_device_get_devtype(d));
	udev_device_unref(d);
	return 0;
}

void
mamori_media_monitor_free(struct udev_monitor **mon)
{
	if (mon == NULL || *mon == NULL)
		return;
	udev_monitor_unref(*mon);
	*mon = NULL;
}
