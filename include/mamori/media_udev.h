/* Every libudev call of mamori's media handling: a kernel device read into the plain
 * description that classify and decide work on (media.h). Unit tests run this file against
 * device trees recorded in a VM (umockdev), so it is tested with the real libudev. */
#ifndef MAMORI_MEDIA_UDEV_H
#define MAMORI_MEDIA_UDEV_H

#include "mamori/media.h"

struct udev;

/* Describe the device at syspath ("/sys/devices/…"). Only sysfs attributes and the sysfs
 * tree are read, so the result does not depend on the order of udev rules. */
int mamori_media_udev_read(struct udev *udev, const char *syspath, struct mamori_media_dev *ret);

/* Call fn with the device node and number of the whole disk of dev and of each of its
 * partitions (the disk first). Stops at and returns the first negative result of fn. */
int mamori_media_udev_disk_nodes(struct udev *udev, const struct mamori_media_dev *dev,
				 int (*fn)(const char *devnode, dev_t devnum, void *ctx), void *ctx);

/* Call fn with the syspath of every whole disk (block devices of type disk) present now.
 * Stops at and returns the first negative result of fn. */
int mamori_media_udev_each_disk(struct udev *udev, int (*fn)(const char *syspath, void *ctx),
				void *ctx);

/* Call fn with the syspath of every USB device and interface present now, parents first.
 * Stops at and returns the first negative result of fn. */
int mamori_media_udev_each_usb(struct udev *udev, int (*fn)(const char *syspath, void *ctx),
			       void *ctx);

/* mamori-agent's view of udev events: block devices, after udev's rules ran (the "udev"
 * source, so mamori-udev has already acted). */
struct udev_monitor;

/* A non-blocking monitor, receiving; its descriptor for poll(2) in *fd. */
int mamori_media_monitor_open(struct udev *udev, struct udev_monitor **ret, int *fd);

/* The next queued event: its action ("add", "change", "remove", …), the device's syspath and
 * devtype ("disk", "partition"). -EAGAIN when none is waiting. */
int mamori_media_monitor_next(struct udev_monitor *mon, char *action, size_t action_len,
			      char *syspath, size_t syspath_len, char *devtype,
			      size_t devtype_len);

void mamori_media_monitor_free(struct udev_monitor **mon);

#endif
