/* mamorictl check: the configuration file, and the rollout state it sets. */
#include <errno.h>
#include <sys/stat.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/i18n.h"

void
check_config(struct check_ctx *c)
{
	struct mamori_config_load_opts opts = {.path = c->config_path, .trusted_uid = 0};
	struct mamori_config *cfg = NULL;
	struct stat st;
	char err[1024];

	bool fits = c->opts->config != NULL
			    ? mamori_snprintf(c->config_path, sizeof(c->config_path), "%s",
					      c->opts->config) == 0
			    : check_path(c, MAMORI_CONFIG_PATH, c->config_path, sizeof(c->config_path));

	if (!fits) {
		check_add(c, "config", CHECK_FAIL, "path-too-long", NULL, 0,
			  N_("configuration: the path below --root is too long."));
	} else if (lstat(c->config_path, &st) < 0 && errno == ENOENT) {
		if (mamori_config_defaults(&cfg) == 0) {
			c->config_valid = true;
			check_add(c, "config", CHECK_OK, "defaults", c->config_path, 0,
				  N_("configuration: %s does not exist; the built-in defaults are "
				     "in effect."), c->config_path);
		}
	} else if (mamori_config_load(&opts, &cfg, err, sizeof(err)) == 0) {
		c->config_valid = true;
		check_add(c, "config", CHECK_OK, "valid", c->config_path, 0,
			  N_("configuration: %s is valid."), c->config_path);
	} else {
		check_add(c, "config", CHECK_FAIL, "invalid", c->config_path, 0,
			  N_("configuration: %s. Every component refuses to work with it: logins "
			     "that need a one-time code are refused. Fix it and run \"mamorictl "
			     "config check\"."), err);
	}
	/* the other checks read the defaults when the file is unusable */
	if (cfg == NULL && mamori_config_defaults(&cfg) < 0)
		c->out_of_memory = true;
	c->cfg = cfg;
}

void
check_rollout(struct check_ctx *c)
{
	if (!c->config_valid)
		check_add(c, "rollout", CHECK_WARN, "unknown", NULL, 0,
			  N_("rollout: unknown while the configuration is invalid."));
	else if (c->cfg->auth.unenrolled == MAMORI_UNENROLLED_ALLOW)
		check_add(c, "rollout", CHECK_WARN, "unenrolled-allow", c->config_path, 0,
			  N_("rollout: auth.unenrolled = allow: this terminal does NOT yet enforce "
			     "the second factor for users without an enrolled token; they log in "
			     "with their password alone. Enrol every user (mamorictl otp enroll "
			     "USER), then set \"unenrolled = deny\" in the auth section of %s."),
			  c->config_path);
	else
		check_add(c, "rollout", CHECK_OK, "unenrolled-deny", c->config_path, 0,
			  N_("rollout: users without an enrolled token are refused "
			     "(auth.unenrolled = deny)."));
}
