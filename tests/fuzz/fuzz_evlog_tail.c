/* libFuzzer target for the read of the durable log's end that numbering trusts after a crash
 * (mamori_evlog_last_seq): the input is the log, in a memfd, read as it is and again behind
 * 8 KiB of filler, so that the window starts inside the file. A number found is never 0 and
 * comes from a line the input ends with a newline. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mamori/event_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STREAM "00000000000000ff"

static void
check(const uint8_t *data, size_t size, size_t pad)
{
	static char filler[8192];
	uint64_t seq = 0;
	int fd = memfd_create("fuzz_evlog_tail", MFD_CLOEXEC), r;

	if (fd < 0)
		return;
	memset(filler, 'x', sizeof(filler));
	filler[sizeof(filler) - 1] = '\n';
	if ((pad > 0 && write(fd, filler, pad) != (ssize_t)pad) ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size)) {
		close(fd);
		return;
	}
	r = mamori_evlog_last_seq(fd, STREAM, &seq);
	close(fd);
	if (r != 0 && r != -ENOENT)
		abort();
	/* a line of the stream was found: the input holds its newline */
	if (r == 0 && (seq == 0 || size == 0 || memchr(data, '\n', size) == NULL))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size, 0);
	check(data, size, 8192);
	return 0;
}
