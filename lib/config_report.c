/* Error messages of the configuration loader, all in one shape:
 *   FILE:LINE: WHERE: expected WHAT, got "FOUND"
 * including the ones libconfuse itself raises, which arrive here through its error function
 * and are reworded so that an administrator sees the same shape for every mistake. */
#include <libintl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"
#include "mamori/buf.h"

_Thread_local struct config_ctx *config_current;

int
config_fail(struct config_ctx *ctx, int line, const char *what, const char *fmt, ...)
{
	struct mamori_buf b;
	va_list ap;
	char msg[512];

	if (ctx->failed)
		return -1;
	ctx->failed = true;
	if (ctx->err == NULL || ctx->errlen == 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* libconfuse counts a line past the last one when the file ends */
	if (ctx->last_line > 0 && line > (int)ctx->last_line)
		line = (int)ctx->last_line;
	mamori_buf_init(&b, ctx->err, ctx->errlen);
	mamori_buf_adds(&b, ctx->name);
	if (line > 0)
		mamori_buf_printf(&b, ":%d", line);
	mamori_buf_printf(&b, ": %s%s%s", what ? what : "", what ? ": " : "", msg);
	return -1;
}

void
config_quote(char *out, size_t cap, const char *s)
{
	struct mamori_buf b;
	size_t i;

	mamori_buf_init(&b, out, cap);
	mamori_buf_addc(&b, '"');
	/* a long value is cut: the start is enough to find it in the file */
	for (i = 0; s[i] != '\0' && i < 80 && b.len + 9 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			mamori_buf_printf(&b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			mamori_buf_printf(&b, "\\x%02x", c);
		else
			mamori_buf_addc(&b, (char)c);
	}
	if (s[i] != '\0')
		mamori_buf_adds(&b, "...");
	mamori_buf_addc(&b, '"');
}

void
config_allow_where(const char *title, const char *opt, char *out, size_t cap)
{
	struct mamori_buf b;

	mamori_buf_init(&b, out, cap);
	mamori_buf_adds(&b, "media.allow[");
	for (size_t i = 0; title != NULL && title[i] != '\0' && i < 300; i++) {
		unsigned char c = (unsigned char)title[i];
		mamori_buf_addc(&b, c < 0x20 || c >= 0x7f ? '?' : (char)c);
	}
	mamori_buf_printf(&b, "]%s%s", opt ? "." : "", opt ? opt : "");
}

void
config_where(const cfg_t *sec, const char *opt, char *out, size_t cap)
{
	if (strcmp(sec->name, "allow") == 0)
		config_allow_where(sec->title, opt, out, cap);
	else if (strcmp(sec->name, "root") == 0)
		mamori_snprintf(out, cap, "%s", opt ? opt : "");
	else
		mamori_snprintf(out, cap, "%s%s%s", sec->name, opt ? "." : "", opt ? opt : "");
}

/* The options (and sections) that may appear in sec, for "unknown option" messages. */
static void
known_names(const cfg_t *sec, char *out, size_t cap)
{
	struct mamori_buf b;

	mamori_buf_init(&b, out, cap);
	for (size_t i = 0; sec->opts[i].name != NULL; i++)
		mamori_buf_printf(&b, "%s%s", i ? ", " : "", sec->opts[i].name);
}

static bool
is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* What libconfuse's message is about, and so how it is reworded. */
enum confuse_kind {
	MSG_UNKNOWN,   /* an option or section name not in the schema */
	MSG_DUP_TITLE, /* two allow entries with one title */
	MSG_NAMED,     /* about the named option: text is the whole message */
	MSG_SYNTAX,    /* about a token: text, then the token if the message has one */
};

/* libconfuse 3.3's messages; compared with and without its translation. */
static const struct {
	const char *msgid;
	enum confuse_kind kind;
	const char *text;
} confuse_msgs[] = {
	{"no such option '%s'", MSG_UNKNOWN, NULL},
	{"found duplicate title '%s'", MSG_DUP_TITLE, NULL},
	{"missing opening brace for section '%s'", MSG_NAMED,
	 "expected \"{\" to open the section"},
	{"missing title for section '%s'", MSG_NAMED,
	 "expected a title \"vid:pid:serial\" before \"{\""},
	{"missing equal sign after option '%s'", MSG_NAMED, "expected \"=\" after the option name"},
	{"attempt to append to non-list option '%s'", MSG_NAMED, "expected \"=\", got \"+=\""},
	{"unexpected token '%s'", MSG_SYNTAX, "expected an option or a value, got "},
	{"unexpected closing brace", MSG_SYNTAX, "expected an option or a section, got \"}\""},
	{"premature end of file", MSG_SYNTAX,
	 "expected the rest of the setting, got the end of the file"},
	{"invalid octal number '%s'", MSG_SYNTAX,
	 "expected an escape \\n \\t \\\" \\\\ \\xHH or \\ooo up to \\377, got "},
	{"bad escape sequence '%s'", MSG_SYNTAX,
	 "expected an escape \\n \\t \\\" \\\\ \\xHH or \\ooo up to \\377, got "},
};

static void
report_unknown(struct config_ctx *ctx, cfg_t *cfg, const char *name)
{
	char where[512], known[512];

	known_names(cfg, known, sizeof(known));
	config_where(cfg, name, where, sizeof(where));
	if (strcmp(cfg->name, "root") == 0)
		config_fail(ctx, cfg->line, where, "unknown section, expected one of %s", known);
	else
		config_fail(ctx, cfg->line, where, "unknown option, expected one of %s", known);
}

static bool
line_has_word(const char *p, const char *end, const char *word, size_t wlen)
{
	for (; p + wlen <= end && *p != '#'; p++) {
		if (memcmp(p, word, wlen) == 0 && (p + wlen == end || !is_word_char(p[wlen])))
			return true;
		while (p < end && is_word_char(*p))
			p++;
		if (p < end && *p == '#')
			break;
	}
	return false;
}

/* libconfuse notices a missing "=" or "{" only at the next token, perhaps lines later: the
 * right line is the last one, up to there, that holds the option's name. */
static int
line_of_word(const struct config_ctx *ctx, const char *word, int upto)
{
	const char *p = ctx->text, *end = ctx->text + ctx->len;
	int line = 1, found = upto;
	size_t wlen = strlen(word);

	while (ctx->text != NULL && p < end && line <= upto) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (wlen > 0 && line_has_word(p, nl, word, wlen))
			found = line;
		p = nl + 1;
		line++;
	}
	return found;
}

static void
report_known(struct config_ctx *ctx, cfg_t *cfg, size_t i, const char *arg)
{
	char where[512], got[160] = "";

	switch (confuse_msgs[i].kind) {
	case MSG_UNKNOWN:
		report_unknown(ctx, cfg, arg);
		break;
	case MSG_DUP_TITLE:
		config_duplicate_title(ctx, cfg->line, arg);
		break;
	case MSG_NAMED:
		config_where(cfg, arg, where, sizeof(where));
		config_fail(ctx, line_of_word(ctx, arg, cfg->line), where, "%s",
			    confuse_msgs[i].text);
		break;
	case MSG_SYNTAX:
		config_where(cfg, NULL, where, sizeof(where));
		if (arg != NULL)
			config_quote(got, sizeof(got), arg);
		config_fail(ctx, cfg->line, where[0] ? where : NULL, "%s%s", confuse_msgs[i].text,
			    got);
		break;
	}
}

void
config_errfunc(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct config_ctx *ctx = config_current;
	char msg[256];

	if (ctx == NULL || ctx->failed)
		return;
	for (size_t i = 0; i < sizeof(confuse_msgs) / sizeof(confuse_msgs[0]); i++) {
		const char *id = confuse_msgs[i].msgid;
		if (strcmp(fmt, id) != 0 && strcmp(fmt, dgettext("confuse", id)) != 0)
			continue;
		report_known(ctx, cfg, i, strstr(id, "%s") ? va_arg(ap, const char *) : NULL);
		return;
	}
	/* A message this loader does not know (a newer libconfuse): pass it on as it is. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(msg, sizeof(msg), fmt, ap);
#pragma GCC diagnostic pop
	config_fail(ctx, cfg->line, NULL, "%s", msg);
}
