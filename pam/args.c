/* Module arguments. */
#include <errno.h>
#include <string.h>

#include "mamori/pam_args.h"

int
mamori_pam_args_parse(int argc, const char **argv, struct mamori_pam_args *ret,
		      const char **ret_bad)
{
	struct mamori_pam_args a = {0};

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "debug") == 0) {
			a.debug = true;
		} else if (strcmp(argv[i], "single_prompt") == 0) {
			a.single_prompt = true;
		} else if (strncmp(argv[i], "conf=", 5) == 0 && argv[i][5] == '/') {
			a.conf = argv[i] + 5;
#ifdef MAMORI_TEST_HOOKS
		} else if (strncmp(argv[i], "verifier=", 9) == 0 && argv[i][9] == '/') {
			a.verifier = argv[i] + 9;
#endif
		} else {
			*ret_bad = argv[i];
			return -EINVAL;
		}
	}
	*ret = a;
	return 0;
}
