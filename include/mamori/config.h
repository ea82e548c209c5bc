/* mamori.conf: one file, read by every component, into one typed structure.
 * The option list, defaults and ranges are documented in conf/mamori.conf. */
#ifndef MAMORI_CONFIG_H
#define MAMORI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define MAMORI_CONFIG_PATH MAMORI_SYSCONFDIR "/mamori/mamori.conf"
#define MAMORI_CONFIG_MAX_SIZE (64 * 1024)

/* What happens to a removable storage device. */
enum mamori_media_policy {
	MAMORI_MEDIA_READONLY,  /* reading works, every write path refused */
	MAMORI_MEDIA_DENY,      /* the device never reaches a program */
	MAMORI_MEDIA_AUDIT,     /* nothing enforced, everything reported */
	MAMORI_MEDIA_READWRITE, /* allowlist entries only */
};

/* What happens to a class of USB interface that is not storage (network, printers, …). */
enum mamori_class_policy {
	MAMORI_CLASS_DENY,
	MAMORI_CLASS_AUDIT,
	MAMORI_CLASS_ALLOW,
};

enum mamori_unenrolled { MAMORI_UNENROLLED_DENY, MAMORI_UNENROLLED_ALLOW };

enum mamori_otp_algorithm { MAMORI_OTP_SHA1, MAMORI_OTP_SHA256, MAMORI_OTP_SHA512 };

struct mamori_allow_entry {
	char vid[5];    /* four lower-case hex digits */
	char pid[5];
	char *serial;   /* exact serial string as the device reports it */
	enum mamori_media_policy policy;
	char *comment;
};

struct mamori_media_config {
	enum mamori_media_policy policy;  /* removable storage: readonly|deny|audit */
	enum mamori_media_policy optical; /* optical drives: readonly|deny|audit */
	enum mamori_class_policy mtp;     /* MTP/PTP phones and cameras: deny|audit */
	enum mamori_class_policy network; /* USB network interfaces (tethering) */
	enum mamori_class_policy wireless;/* Wi-Fi and Bluetooth controllers */
	enum mamori_class_policy printer;
	enum mamori_class_policy vendor;  /* vendor-specific interfaces (ADB, usbmux, …) */
	unsigned recheck_interval;        /* seconds between read-only re-checks, 1..3600 */
	bool loop;                        /* treat loop devices as removable (tests only) */
	struct mamori_allow_entry *allow;
	size_t n_allow;
};

struct mamori_auth_config {
	unsigned digits;            /* 6..8 */
	unsigned window;            /* TOTP steps accepted either side, 0..10 */
	unsigned hotp_window;       /* HOTP look-ahead, 0..100 */
	unsigned step;              /* TOTP step in seconds, 10..300 */
	enum mamori_otp_algorithm algorithm; /* default for new enrolments */
	unsigned max_failures;      /* consecutive wrong codes before lock, 1..100 */
	unsigned lockout;           /* seconds, 0..86400 */
	enum mamori_unenrolled unenrolled;
	unsigned recovery_codes;    /* codes made per user, 0..50 */
	char *contact;              /* who a locked user should call, or NULL */
	char *prompt;               /* overrides the built-in prompt, or NULL */
	char *state_dir;            /* per-user state */
};

struct mamori_report_config {
	char *event_log;     /* durable event journal */
	char *state_dir;     /* sequence number and stream id */
	char *spool_dir;     /* early-boot spool while /var is not writable */
	char *syslog_socket; /* where the syslog sink sends */
	unsigned heartbeat;  /* seconds between agent heartbeats, 10..86400 */
	bool debug;          /* diagnostics at debug level */
};

struct mamori_config {
	char *source; /* the file these values came from, NULL for built-in defaults */
	struct mamori_media_config media;
	struct mamori_auth_config auth;
	struct mamori_report_config report;
};

struct mamori_config_load_opts {
	const char *path;   /* NULL: MAMORI_CONFIG_PATH, where a missing file means defaults */
	uid_t trusted_uid;  /* owner the file must have: 0, except in tests */
};

/* Load and validate. Not thread-safe: libconfuse's lexer is global state, so one thread at a
 * time may load. On failure returns a negative code and writes one line into errbuf,
 * e.g. "mamori.conf:12: auth.lockout: expected seconds 0..86400, got \"abc\"". */
int mamori_config_load(const struct mamori_config_load_opts *opts,
		       struct mamori_config **ret_cfg, char *errbuf, size_t errlen);

/* Parse len bytes of mamori.conf text (a NUL byte in them is an error); name stands for the
 * file in messages. Every check of mamori_config_load except those of the file itself
 * (owner, mode, size); cfg->source stays NULL. For tests and the fuzz target. */
int mamori_config_parse(const char *text, size_t len, const char *name,
			struct mamori_config **ret_cfg, char *errbuf, size_t errlen);

/* The built-in defaults, as if an empty file had been read. */
int mamori_config_defaults(struct mamori_config **ret_cfg);

void mamori_config_free(struct mamori_config **cfg);

/* Print the effective configuration, defaults filled in, in mamori.conf syntax. */
int mamori_config_print(const struct mamori_config *cfg, FILE *out);

const char *mamori_media_policy_name(enum mamori_media_policy p);
const char *mamori_class_policy_name(enum mamori_class_policy p);
const char *mamori_otp_algorithm_name(enum mamori_otp_algorithm a);

#endif
