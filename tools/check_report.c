/* mamorictl check: collecting results and printing them, for people (translated, one line a
 * result) or for machines (JSON with stable keys and English messages). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mamori/buf.h"
#include "mamori/i18n.h"

static char *
vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static bool
grow(struct check_ctx *c)
{
	struct check_result *p;
	size_t cap = c->cap ? c->cap * 2 : 16;

	if (c->n < c->cap)
		return true;
	if ((p = reallocarray(c->results, cap, sizeof(*p))) == NULL)
		return false;
	c->results = p;
	c->cap = cap;
	return true;
}

static void
result_free(struct check_result *r)
{
	free(r->id);
	free(r->code);
	free(r->path);
	free(r->message);
	free(r->text);
}

void
check_add(struct check_ctx *c, const char *id, enum check_status status, const char *code,
	  const char *path, unsigned line, const char *fmt, ...)
{
	struct check_result r = {.status = status, .line = line};
	va_list ap;

	va_start(ap, fmt);
	r.message = vformat(fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	r.text = vformat(_(fmt), ap);
	va_end(ap);
	r.id = strdup(id);
	r.code = strdup(code);
	r.path = path ? strdup(path) : NULL;
	if (r.message == NULL || r.text == NULL || r.id == NULL || r.code == NULL ||
	    (path != NULL && r.path == NULL) || !grow(c)) {
		result_free(&r);
		c->out_of_memory = true;
		return;
	}
	c->results[c->n++] = r;
}

bool
check_path(const struct check_ctx *c, const char *path, char *out, size_t cap)
{
	return mamori_snprintf(out, cap, "%s%s", c->opts->root, path) == 0;
}

bool
check_failed(const struct check_ctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->results[i].status == CHECK_FAIL)
			return true;
	}
	return c->out_of_memory;
}

/* Every login needs the second factor: the configuration is valid and refuses unenrolled
 * users, and no PAM stack or sshd setting lets a login past the code. */
static bool
second_factor_enforced(const struct check_ctx *c)
{
	if (!c->config_valid || c->cfg->auth.unenrolled != MAMORI_UNENROLLED_DENY)
		return false;
	for (size_t i = 0; i < c->n; i++) {
		const char *id = c->results[i].id;
		if (c->results[i].status == CHECK_FAIL &&
		    (strncmp(id, "pam.", 4) == 0 || strncmp(id, "sshd", 4) == 0))
			return false;
	}
	return true;
}

static const char *
status_word(enum check_status s)
{
	/* TRANSLATORS: status words at the start of each line of "mamorictl check" */
	return s == CHECK_OK ? _("OK") : s == CHECK_WARN ? _("WARN") : _("FAIL");
}

int
check_print_text(const struct check_ctx *c, FILE *out)
{
	unsigned count[3] = {0, 0, 0};

	for (size_t i = 0; i < c->n; i++) {
		fprintf(out, "%-4s  %s\n", status_word(c->results[i].status), c->results[i].text);
		count[c->results[i].status]++;
	}
	if (c->out_of_memory)
		fprintf(out, "%s\n", _("Out of memory: some results are missing."));
	fprintf(out, _("Summary: %u OK, %u WARN, %u FAIL.\n"), count[CHECK_OK],
		count[CHECK_WARN], count[CHECK_FAIL]);
	if (!second_factor_enforced(c))
		fprintf(out, "%s\n",
			_("THE SECOND FACTOR IS NOT ENFORCED on this terminal: see the lines marked "
			  "WARN and FAIL above."));
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates), 0 if
 * none. */
static size_t
utf8_len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4;
	else
		return 0;
	if (*p == 0xe0)
		lo = 0xa0;
	else if (*p == 0xed)
		hi = 0x9f;
	else if (*p == 0xf0)
		lo = 0x90;
	else if (*p == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
	}
	return n;
}

/* A JSON string: quotes, backslashes and control characters escaped, bytes that are not
 * valid UTF-8 replaced by U+FFFD. */
static void
json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p != '\0') {
		size_t n = 1;
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else if (*p < 0x80)
			fputc(*p, out);
		else if ((n = utf8_len(p)) > 0)
			fwrite(p, 1, n, out);
		else
			fputs("\\ufffd", out);
		p += n > 0 ? n : 1;
	}
	fputc('"', out);
}

static const char *
status_key(enum check_status s)
{
	return s == CHECK_OK ? "ok" : s == CHECK_WARN ? "warn" : "fail";
}

static void
json_result(FILE *out, const struct check_result *r)
{
	fputs("{\"id\":", out);
	json_string(out, r->id);
	fprintf(out, ",\"status\":\"%s\",\"code\":", status_key(r->status));
	json_string(out, r->code);
	if (r->path != NULL) {
		fputs(",\"path\":", out);
		json_string(out, r->path);
	}
	if (r->line > 0)
		fprintf(out, ",\"line\":%u", r->line);
	fputs(",\"message\":", out);
	json_string(out, r->message);
	fputc('}', out);
}

int
check_print_json(const struct check_ctx *c, FILE *out)
{
	unsigned count[3] = {0, 0, 0};
	enum check_status worst = CHECK_OK;

	for (size_t i = 0; i < c->n; i++) {
		count[c->results[i].status]++;
		if (c->results[i].status > worst)
			worst = c->results[i].status;
	}
	if (c->out_of_memory)
		worst = CHECK_FAIL;
	fprintf(out, "{\"result\":\"%s\",\"second_factor_enforced\":%s,", status_key(worst),
		second_factor_enforced(c) ? "true" : "false");
	fprintf(out, "\"counts\":{\"ok\":%u,\"warn\":%u,\"fail\":%u},\"checks\":[",
		count[CHECK_OK], count[CHECK_WARN], count[CHECK_FAIL]);
	for (size_t i = 0; i < c->n; i++) {
		if (i > 0)
			fputc(',', out);
		json_result(out, &c->results[i]);
	}
	fputs("]}\n", out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -EIO;
}

void
check_results_free(struct check_ctx *c)
{
	for (size_t i = 0; i < c->n; i++)
		result_free(&c->results[i]);
	free(c->results);
	c->results = NULL;
	c->n = c->cap = 0;
}
