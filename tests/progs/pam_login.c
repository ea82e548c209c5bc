/* Log a user in through the real libpam, for shell tests: the service "mamori-test" is read
 * from SERVICE_DIR (pam_start_confdir), each ANSWER answers one prompt in turn, and what the
 * person would see is printed ("prompt:…", "error:…", "info:…"), then "result:NAME".
 * Exit 0 for PAM_SUCCESS, 1 for any other result, 2 for a usage or setup error.
 * The login comes from PAM_LOGIN_TTY (default pts/3) and, when set, PAM_LOGIN_RHOST.
 *   pam_login SERVICE_DIR USER [ANSWER...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

struct script {
	char **answers;
	int n, next;
};

static int
converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
	struct script *s = data;
	struct pam_response *r = calloc((size_t)n, sizeof(*r));

	if (r == NULL)
		return PAM_BUF_ERR;
	for (int i = 0; i < n; i++) {
		int style = msg[i]->msg_style;
		if (style == PAM_PROMPT_ECHO_OFF || style == PAM_PROMPT_ECHO_ON) {
			printf("prompt:%s\n", msg[i]->msg);
			if (s->next == s->n) {
				free(r);
				return PAM_CONV_ERR;
			}
			r[i].resp = strdup(s->answers[s->next++]);
		} else {
			printf("%s:%s\n", style == PAM_ERROR_MSG ? "error" : "info", msg[i]->msg);
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct script s;
	struct pam_conv conv = {converse, &s};
	pam_handle_t *pamh = NULL;
	const char *tty = getenv("PAM_LOGIN_TTY"), *rhost = getenv("PAM_LOGIN_RHOST");
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: pam_login SERVICE_DIR USER [ANSWER...]\n");
		return 2;
	}
	s.answers = argv + 3;
	s.n = argc - 3;
	s.next = 0;
	if (pam_start_confdir("mamori-test", argv[2], &conv, argv[1], &pamh) != PAM_SUCCESS)
		return 2;
	(void)pam_set_item(pamh, PAM_TTY, tty ? tty : "pts/3");
	if (rhost != NULL)
		(void)pam_set_item(pamh, PAM_RHOST, rhost);
	r = pam_authenticate(pamh, 0);
	printf("result:%s\n", pam_strerror(pamh, r));
	pam_end(pamh, r);
	return r == PAM_SUCCESS ? 0 : 1;
}
