/* mamori-agent's memory between bursts of work. The agent starts, loads its configuration,
 * walks every device once, and then sleeps for months, waking for a heartbeat. What the
 * start-up ran (the configuration parser, libconfuse, the device walk, most of libc and
 * libudev: the kernel maps a file page's neighbours too, 64 KiB at a time) would stay
 * resident in its page tables all that time, about 1.8 MiB of its 2.3 MiB RSS. Here the
 * read-only pages of the program and its libraries are unmapped from this process only;
 * they stay in the page cache, and the few the idle loop runs come back at their next use
 * (a minor fault). Writable segments (data, relocations, RELRO) are never touched, and the
 * heap's free memory goes back to the system. */
#include <link.h>
#include <malloc.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "agent_internal.h"

static int
trim_object(struct dl_phdr_info *info, size_t size, void *ctx)
{
	uintptr_t page = *(const uintptr_t *)ctx, vdso = (uintptr_t)getauxval(AT_SYSINFO_EHDR);

	(void)size;
	if (vdso != 0 && info->dlpi_addr == vdso)
		return 0; /* the kernel's own mapping, not a file */
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start, end;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || ph->p_memsz == 0)
			continue;
		/* whole pages inside the segment only: a page shared with a writable neighbour
		 * is left as it is */
		start = (info->dlpi_addr + ph->p_vaddr + page - 1) & ~(page - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
		if (end > start)
			(void)madvise((void *)start, end - start, MADV_DONTNEED);
	}
	return 0;
}

void
agent_trim_memory(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	uintptr_t page = ps > 0 ? (uintptr_t)ps : 4096;

	(void)malloc_trim(0);
	(void)dl_iterate_phdr(trim_object, &page);
}
