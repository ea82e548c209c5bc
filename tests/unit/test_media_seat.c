/* The active seat user from logind's seat state text (/run/systemd/seats/seat0). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include <cmocka.h>

#include "mamori/media_apply.h"

static void
active_uid_is_found(void **state)
{
	uid_t uid = 0;

	(void)state;
	assert_int_equal(mamori_media_parse_seat_uid("# This is private data. Do not parse.\n"
						     "IS_SEAT0=1\nCAN_MULTI_SESSION=1\nACTIVE=c2\n"
						     "ACTIVE_UID=1000\nSESSIONS=c2 c1\nUIDS=1000 0\n",
						     &uid), 1);
	assert_int_equal(uid, 1000);
	assert_int_equal(mamori_media_parse_seat_uid("ACTIVE_UID=0", &uid), 1);
	assert_int_equal(uid, 0);
}

static void
no_active_session(void **state)
{
	uid_t uid = 42;

	(void)state;
	assert_int_equal(mamori_media_parse_seat_uid("IS_SEAT0=1\nCAN_TTY=1\n", &uid), 0);
	assert_int_equal(mamori_media_parse_seat_uid("", &uid), 0);
	/* a key that merely ends the same way is not it */
	assert_int_equal(mamori_media_parse_seat_uid("XACTIVE_UID=5\n", &uid), 0);
	assert_int_equal(uid, 42);
}

static void
malformed_values_are_refused(void **state)
{
	uid_t uid = 42;

	(void)state;
	assert_int_equal(mamori_media_parse_seat_uid("ACTIVE_UID=\n", &uid), -EINVAL);
	assert_int_equal(mamori_media_parse_seat_uid("ACTIVE_UID=-1\n", &uid), -EINVAL);
	assert_int_equal(mamori_media_parse_seat_uid("ACTIVE_UID=12x\n", &uid), -EINVAL);
	assert_int_equal(mamori_media_parse_seat_uid("ACTIVE_UID=4294967295\n", &uid), -EINVAL);
	assert_int_equal(mamori_media_parse_seat_uid("ACTIVE_UID=99999999999999999999\n", &uid),
			 -EINVAL);
	assert_int_equal(uid, 42);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(active_uid_is_found),
		cmocka_unit_test(no_active_session),
		cmocka_unit_test(malformed_values_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
