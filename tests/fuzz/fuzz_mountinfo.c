/* mamori-agent's mountinfo parser on arbitrary text. Properties: no crash; an accepted line
 * gives an absolute mount point and a filesystem type; written back the way the kernel
 * escapes it (fs/proc_namespace.c mangle()), the line parses to the same mount. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mamori/agent_mountinfo.h"
#include "wrap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
escape(const char *s, char *out)
{
	size_t o = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			o += (size_t)sprintf(out + o, "\\%03o", (unsigned char)*s);
		else
			out[o++] = *s;
	}
	out[o] = '\0';
	return o;
}

static void
check_round_trip(const struct mamori_mount *m)
{
	static char esc[4 * PATH_MAX + 1], line[4 * PATH_MAX + 256];
	struct mamori_mount again;
	int n;

	if (m->mount_point[0] != '/' || m->fstype[0] == '\0')
		abort();
	escape(m->mount_point, esc);
	n = snprintf(line, sizeof(line), "%lu 1 %u:%u / %s %s - %s src %s", m->id, m->major,
		     m->minor, esc, m->mount_rw ? "rw" : "ro", m->fstype,
		     m->super_rw ? "rw" : "ro");
	if (n < 0 || (size_t)n >= sizeof(line))
		abort();
	if (strlen(m->mount_point) >= PATH_MAX - 1)
		return; /* escaped longer than the limit allows the original; not comparable */
	if (mamori_mountinfo_parse_line(line, (size_t)n, &again) != 0 || again.id != m->id ||
	    again.major != m->major || again.minor != m->minor ||
	    strcmp(again.mount_point, m->mount_point) != 0 || strcmp(again.fstype, m->fstype) != 0 ||
	    again.mount_rw != m->mount_rw || again.super_rw != m->super_rw) {
		fprintf(stderr, "round trip differs for \"%s\"\n", line);
		abort();
	}
}

static int
each(const struct mamori_mount *m, void *ctx)
{
	(void)ctx;
	check_round_trip(m);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bad = 0;

	if (size > 65536)
		return 0;
	(void)mamori_mountinfo_each((const char *)data, size, each, NULL, &bad);
	return 0;
}
