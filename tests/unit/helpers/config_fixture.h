/* The shipped default configuration for unit tests of pure policy code: made once for a
 * cmocka group (cmocka_run_group_tests(tests, test_cfg_setup, test_cfg_teardown)); a test
 * that changes a setting puts it back before it ends. */
#ifndef MAMORI_TEST_CONFIG_FIXTURE_H
#define MAMORI_TEST_CONFIG_FIXTURE_H

#include "mamori/config.h"

extern struct mamori_config *test_cfg;

int test_cfg_setup(void **state);
int test_cfg_teardown(void **state);

#endif
