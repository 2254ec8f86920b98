#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>

#include "layerwaste/util.h"
#include "dockerarchive.h"

static int add_member(struct archive *a, const char *name, const void *p,
		      size_t len)
{
	struct archive_entry *e = archive_entry_new();
	int ok;

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)len);
	ok = archive_write_header(a, e) == ARCHIVE_OK &&
		archive_write_data(a, p, len) == (la_ssize_t)len;
	archive_entry_free(e);
	return ok ? 0 : -1;
}

int tb_write_docker_archive(const char *path, struct tb_layer **layers,
			    size_t n, const char *config, const char *history)
{
	struct lw_strbuf m = LW_STRBUF_INIT, cfg = LW_STRBUF_INIT;
	struct lw_strbuf h = LW_STRBUF_INIT;
	struct archive *a = archive_write_new();
	char name[64];
	const void *p;
	size_t i, len;
	int rc;

	archive_write_set_format_pax_restricted(a);
	rc = archive_write_open_filename(a, path) == ARCHIVE_OK ? 0 : -1;
	lw_strbuf_adds(&m, "[{\"Config\":\"config.json\",\"RepoTags\":"
		       "[\"unit:latest\"],\"Layers\":[");
	lw_strbuf_adds(&cfg, "{\"architecture\":\"amd64\",\"os\":\"linux\","
		       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[");
	lw_strbuf_adds(&h, "[");
	for (i = 0; i < n; i++) {
		p = tb_layer_bytes(layers[i], &len);
		snprintf(name, sizeof(name), "layer%zu.tar", i);
		if (!rc)
			rc = add_member(a, name, p, len);
		lw_strbuf_addf(&m, "%s\"%s\"", i ? "," : "", name);
		lw_strbuf_addf(&cfg, "%s\"sha256:%064zx\"", i ? "," : "", i + 1);
		lw_strbuf_addf(&h, "%s{\"created_by\":\"/bin/sh -c step %zu\"}",
			       i ? "," : "", i);
		tb_layer_free(layers[i]);
		layers[i] = NULL;
	}
	lw_strbuf_adds(&h, "]");
	lw_strbuf_adds(&m, "]}]");
	lw_strbuf_addf(&cfg, "]},\"config\":%s,\"history\":%s}",
		       config ? config : "{}", history ? history : h.buf);
	if (!rc)
		rc = add_member(a, "config.json", cfg.buf, cfg.len);
	if (!rc)
		rc = add_member(a, "manifest.json", m.buf, m.len);
	if (archive_write_close(a) != ARCHIVE_OK)
		rc = -1;
	archive_write_free(a);
	lw_strbuf_release(&m);
	lw_strbuf_release(&cfg);
	lw_strbuf_release(&h);
	return rc;
}
