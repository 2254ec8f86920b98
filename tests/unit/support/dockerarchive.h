/* Test support: layers built with tarbuild written as a docker-archive
 * file (layer tars, a config with history, manifest.json), for suites
 * that need the real reader. */
#ifndef LW_TEST_DOCKERARCHIVE_H
#define LW_TEST_DOCKERARCHIVE_H

#include <stddef.h>

#include "tarbuild.h"

/* Writes path as a docker-archive of layers[0..n) (taken and freed).
 * config is the config's "config" object (NULL: {}), history its history
 * JSON array (NULL: one "/bin/sh -c step N" entry per layer). Returns 0,
 * or -1 when the file cannot be written. */
int tb_write_docker_archive(const char *path, struct tb_layer **layers,
			    size_t n, const char *config, const char *history);

#endif
