/* The image reader on a whole archive (from a memfd, as a mapped file),
 * then the analysis: any bytes give an image or one error, never a crash
 * or a leak. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "layerwaste/engine.h"
#include "layerwaste/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_read_opts ro = { 0 };
	struct lw_analyze_opts ao = { 1, 1 };
	struct lw_error err = { 0, "" };
	struct lw_image *img = NULL;
	struct lw_analysis *an = NULL;
	char path[64];
	int fd = memfd_create("image", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro.input = path;
	ro.source = "archive";
	ro.jobs = 1;
	ro.max_entries = 5000;
	if (lw_image_read(&ro, &img, &err) == LW_OK) {
		if (lw_analyze(img, &ao, &an, &err) == LW_OK)
			lw_analysis_free(an);
		lw_image_free(img);
	}
	close(fd);
	return 0;
}
