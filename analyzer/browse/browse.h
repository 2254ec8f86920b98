/* The interactive browser: `layerwaste browse IMAGE` (or -i). */
#ifndef LAYERWASTE_BROWSE_H
#define LAYERWASTE_BROWSE_H

#include "layerwaste/analysis.h"

struct lw_browse_opts {
	int color; /* 0: never, 1: when the terminal has colours */
};

/* Runs the browser on the controlling terminal until the user quits.
 * The analysis is borrowed and only read. Returns 0, or -1 when the
 * terminal cannot be driven (errno set where meaningful). */
int lw_browse(const struct lw_analysis *an, const struct lw_browse_opts *o);

#endif
