/* The summary in the order it is printed: every table sorted, gaps and silent terminals
 * worked out, names decoded for display. Built once, printed in any format. */
#ifndef MAMORICTL_REPORT_VIEW_H
#define MAMORICTL_REPORT_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "mamori/report.h"

#define VIEW_NAME_MAX 512

struct view_stream {
	char stream[VIEW_NAME_MAX];
	const struct mamori_seqset *seqs;
	uint64_t first, last; /* lowest and highest number received */
	uint64_t distinct, missing;
};

struct view_host {
	char host[VIEW_NAME_MAX];
	const struct mamori_rhost *h;
	struct view_stream *streams; /* into view.streams */
	size_t n_streams;
	uint64_t missing;
	bool silent;
	int64_t silent_ms;
};

struct view_row {
	char name[VIEW_NAME_MAX];
	const struct mamori_rcount *c;
	int sev; /* ids only */
};

struct view {
	struct view_host *hosts;
	size_t n_hosts, n_silent;
	struct view_stream *streams;
	size_t n_streams;
	struct view_row *users, *ids, *days;
	size_t n_users, n_ids, n_days;
	uint64_t gaps, missing;
};

/* 0 or -ENOMEM. silent_after_ms measured back from now_ms. */
int view_build(const struct mamori_report *r, int64_t now_ms, int64_t silent_after_ms,
	       struct view *v);
void view_free(struct view *v);

#endif
