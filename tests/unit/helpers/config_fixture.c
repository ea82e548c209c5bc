#include "config_fixture.h"

struct mamori_config *test_cfg;

int
test_cfg_setup(void **state)
{
	(void)state;
	return mamori_config_defaults(&test_cfg);
}

int
test_cfg_teardown(void **state)
{
	(void)state;
	mamori_config_free(&test_cfg);
	return 0;
}
