/* A pass over mamori.conf's text before libconfuse reads it, for what libconfuse 3.3 gets
 * wrong or lets through:
 *  - a C comment makes its lexer count one line too many (qend() adds a line at every end of
 *    comment), so every later message would name the wrong line: comments are blanked here,
 *    keeping their newlines;
 *  - a section left open at the end of the file, and a string left open after the last
 *    option, parse without error;
 *  - "${NAME}" is replaced by the environment variable, which in a PAM module is the user's;
 *  - a NUL byte silently ends a value.
 * The scanner follows libconfuse's lexer (lexer.l): quotes, backslash escapes, unquoted
 * values, and "#", "//" and C comments where a token starts. */
#include <stdbool.h>
#include <string.h>

#include "config_internal.h"

#define MAX_DEPTH 8

enum scan_state { S_TEXT, S_DQ, S_SQ, S_LINE_COMMENT, S_C_COMMENT };

struct scanner {
	struct config_ctx *ctx;
	char *p;
	size_t len, i;
	int line, open_line; /* current line; where the string or comment began */
	int depth, brace_line[MAX_DEPTH];
	enum scan_state state;
};

static int
scan_fail(struct scanner *s, int line, const char *msg)
{
	return config_fail(s->ctx, line, NULL, "%s", msg);
}

static char
peek(const struct scanner *s)
{
	return s->i + 1 < s->len ? s->p[s->i + 1] : '\0';
}

static int
scan_brace(struct scanner *s, char c)
{
	if (c == '{') {
		if (s->depth == MAX_DEPTH)
			return scan_fail(s, s->line, "expected sections nested at most 8 deep, "
						     "got deeper");
		s->brace_line[s->depth++] = s->line;
		return 0;
	}
	if (s->depth == 0)
		return scan_fail(s, s->line, "expected an option or a section, got \"}\" "
					     "with no section open");
	s->depth--;
	return 0;
}

/* A character that continues libconfuse's unquoted string (lexer.l: "an unquoted string").
 * Inside one, a double slash or slash-star starts no comment: "a//b" is one value. */
static bool
is_unquoted(char c)
{
	return c != '\0' && strchr(" #\"'\t\n\r={}()+,*", c) == NULL;
}

static int
env_refused(struct scanner *s)
{
	return scan_fail(s, s->line, "expected a value, got \"${\" (mamori.conf does not expand "
				     "environment variables)");
}

/* At the start of a token, outside strings and comments. */
static int
scan_text(struct scanner *s, char c)
{
	char n = peek(s);

	if (c == '$' && n == '{')
		return env_refused(s);
	if (c == '{' || c == '}')
		return scan_brace(s, c);
	s->open_line = s->line;
	if (c == '"')
		s->state = S_DQ;
	else if (c == '\'')
		s->state = S_SQ;
	else if (c == '#' || (c == '/' && n == '/'))
		s->state = S_LINE_COMMENT;
	else if (c == '/' && n == '*') {
		s->state = S_C_COMMENT;
		s->p[s->i] = s->p[s->i + 1] = ' ';
		s->i++;
	} else if (is_unquoted(c)) {
		for (; is_unquoted(peek(s)); s->i++) {
			if (s->p[s->i] == '$' && peek(s) == '{')
				return env_refused(s);
		}
	}
	return 0;
}

static int
scan_quoted(struct scanner *s, char c, char quote)
{
	if (c == '\\' && s->i + 1 < s->len) {
		s->i++;
		if (s->p[s->i] == '\n')
			s->line++;
	} else if (c == '$' && quote == '"' && peek(s) == '{') {
		return env_refused(s);
	} else if (c == quote) {
		s->state = S_TEXT;
	}
	return 0;
}

static void
scan_c_comment(struct scanner *s, char c)
{
	if (c == '*' && peek(s) == '/') {
		s->p[s->i + 1] = ' ';
		s->i++;
		s->state = S_TEXT;
	}
	if (c != '\n')
		s->p[s->i] = ' ';
}

static int
scan_char(struct scanner *s, char c)
{
	switch (s->state) {
	case S_TEXT:
		return scan_text(s, c);
	case S_DQ:
		return scan_quoted(s, c, '"');
	case S_SQ:
		return scan_quoted(s, c, '\'');
	case S_LINE_COMMENT:
		if (c == '\n')
			s->state = S_TEXT;
		return 0;
	case S_C_COMMENT:
		scan_c_comment(s, c);
		return 0;
	}
	return 0;
}

static int
scan_end(struct scanner *s)
{
	if (s->state == S_DQ || s->state == S_SQ)
		return scan_fail(s, s->open_line, "expected a closing quote, got the end of "
						  "the file");
	if (s->state == S_C_COMMENT)
		return scan_fail(s, s->open_line, "expected \"*/\" closing the comment, got "
						  "the end of the file");
	if (s->depth > 0)
		return scan_fail(s, s->brace_line[s->depth - 1],
				 "expected \"}\" closing the section opened here, got the end "
				 "of the file");
	return 0;
}

int
config_prescan(struct config_ctx *ctx, char *text, size_t len)
{
	struct scanner s = {.ctx = ctx, .p = text, .len = len, .line = 1};
	const char *nul = memchr(text, '\0', len);
	int nul_line = 1;

	ctx->last_line = 1;
	for (size_t i = 0; i < len; i++) {
		ctx->last_line += text[i] == '\n' && i + 1 < len;
		nul_line += text[i] == '\n' && nul != NULL && text + i < nul;
	}
	if (nul != NULL)
		return scan_fail(&s, nul_line, "expected text, got a NUL byte");
	for (; s.i < len; s.i++) {
		char c = text[s.i];
		if (scan_char(&s, c) < 0)
			return -1;
		/* the backslash case may have stepped onto a newline already counted */
		if (text[s.i] == '\n' && c == '\n')
			s.line++;
	}
	return scan_end(&s);
}
