/* The effective configuration in mamori.conf's own syntax: what `mamorictl config check
 * --show` prints, and what loads back to the same values. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* A double-quoted string that libconfuse reads back unchanged: '\' and '"' escaped, and '$'
 * too, so that "${" can never appear (the loader refuses it). */
static void
print_escaped(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void
print_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	print_escaped(out, s);
	fputc('"', out);
}

static const char *
option_word(const struct config_option *o, unsigned v)
{
	for (const struct config_word *w = o->words; w->word != NULL; w++) {
		if ((unsigned)w->value == v)
			return w->word;
	}
	return "invalid";
}

static void
print_option(FILE *out, const struct config_option *o, const struct mamori_config *c)
{
	const void *field = (const char *)c + o->offset;
	const char *s;

	switch (o->kind) {
	case KIND_UINT:
		fprintf(out, "  %s = %u\n", o->name, *(const unsigned *)field);
		break;
	case KIND_ENUM:
		fprintf(out, "  %s = %s\n", o->name, option_word(o, *(const unsigned *)field));
		break;
	case KIND_BOOL:
		fprintf(out, "  %s = %s\n", o->name, *(const bool *)field ? "true" : "false");
		break;
	default:
		if ((s = *(char *const *)field) == NULL) {
			fprintf(out, "  # %s is not set\n", o->name);
			break;
		}
		fprintf(out, "  %s = ", o->name);
		print_quoted(out, s);
		fputc('\n', out);
	}
}

static void
print_allow(FILE *out, const struct mamori_allow_entry *e)
{
	fprintf(out, "  allow \"%s:%s:", e->vid, e->pid);
	print_escaped(out, e->serial);
	fprintf(out, "\" {\n    policy = %s\n", mamori_media_policy_name(e->policy));
	if (e->comment != NULL) {
		fputs("    comment = ", out);
		print_quoted(out, e->comment);
		fputc('\n', out);
	}
	fputs("  }\n", out);
}

static void
print_section(FILE *out, const struct mamori_config *c, const char *section)
{
	fprintf(out, "%s {\n", section);
	for (size_t i = 0; i < config_n_options; i++) {
		if (strcmp(config_options[i].section, section) == 0)
			print_option(out, &config_options[i], c);
	}
	if (strcmp(section, "media") == 0) {
		for (size_t i = 0; i < c->media.n_allow; i++)
			print_allow(out, &c->media.allow[i]);
	}
	fputs("}\n", out);
}

int
mamori_config_print(const struct mamori_config *cfg, FILE *out)
{
	if (cfg == NULL || out == NULL)
		return -EINVAL;
	print_section(out, cfg, "media");
	print_section(out, cfg, "auth");
	print_section(out, cfg, "report");
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
