/* Runs inside the test VM, built on the host by tests/vm/t_media.sh: a listener on the udev
 * monitor like udisks or a desktop automounter. For every add or change of a block device, at
 * the moment udev announces it, it reads the kernel read-only flag from sysfs and prints
 * "ACTION NAME ro=FLAG" — what a program told of the device would find — or "ro=gone" when
 * the device was removed before the listener could look (its "remove" is queued behind the
 * announcement). Removes are printed as "remove NAME". Prints "ready" once listening. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <libudev.h>

static void
announce(struct udev_device *d)
{
	const char *action = udev_device_get_action(d), *name = udev_device_get_sysname(d);
	char path[512], ro[8] = "?";
	FILE *f;

	if (action == NULL || name == NULL)
		return;
	if (strcmp(action, "remove") == 0) {
		printf("remove %s\n", name);
		fflush(stdout);
		return;
	}
	if (strcmp(action, "add") != 0 && strcmp(action, "change") != 0)
		return;
	snprintf(path, sizeof(path), "%s/ro", udev_device_get_syspath(d));
	if ((f = fopen(path, "re")) != NULL) {
		if (fgets(ro, sizeof(ro), f) == NULL)
			strcpy(ro, "?");
		ro[strcspn(ro, "\n")] = '\0';
		fclose(f);
	} else if (errno == ENOENT) {
		strcpy(ro, "gone");
	}
	printf("%s %s ro=%s\n", action, name, ro);
	fflush(stdout);
}

int
main(void)
{
	struct udev *udev = udev_new();
	struct udev_monitor *mon = udev ? udev_monitor_new_from_netlink(udev, "udev") : NULL;
	struct pollfd p;

	if (mon == NULL || udev_monitor_filter_add_match_subsystem_devtype(mon, "block", NULL) < 0 ||
	    udev_monitor_set_receive_buffer_size(mon, 8 << 20) < 0 ||
	    udev_monitor_enable_receiving(mon) < 0)
		return 1;
	p.fd = udev_monitor_get_fd(mon);
	p.events = POLLIN;
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct udev_device *d;

		if (poll(&p, 1, -1) < 0)
			continue;
		if ((d = udev_monitor_receive_device(mon)) != NULL) {
			announce(d);
			udev_device_unref(d);
		}
	}
}
