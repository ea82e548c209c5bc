/* mamori-agent's memory between bursts of work. The agent starts, loads its configuration,
 * walks every device once, and then sleeps for months, waking for a heartbeat: what the
 * configuration parser and the device walk allocated and freed goes back to the system
 * instead of staying in the heap. */
#include <malloc.h>

#include "agent_internal.h"

void
agent_trim_memory(void)
{
	(void)malloc_trim(0);
}
