/* The image reader: finds the manifest, config and layer blobs of one
 * image among an archive's members, then indexes its layers. */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "layerwaste/util.h"
#include "cache.h"
#include "read_priv.h"
#include "saver.h"
#include "source.h"
#include "verify.h"

#define MAX_INDEX_DEPTH 4

const char *lw_host_platform(void)
{
	static char buf[64];
	struct utsname u;
	const char *arch;

	if (buf[0])
		return buf;
	if (uname(&u) < 0)
		return "linux/amd64";
	if (!strcmp(u.machine, "x86_64"))
		arch = "amd64";
	else if (!strcmp(u.machine, "aarch64") || !strcmp(u.machine, "arm64"))
		arch = "arm64";
	else if (!strncmp(u.machine, "armv7", 5))
		arch = "arm/v7";
	else if (!strncmp(u.machine, "armv6", 5))
		arch = "arm/v6";
	else if (!strcmp(u.machine, "i686") || !strcmp(u.machine, "i386"))
		arch = "386";
	else
		arch = u.machine;
	snprintf(buf, sizeof(buf), "linux/%.50s", arch);
	return buf;
}

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static char *xdup_or_null(const char *s)
{
	return s ? lw_xstrdup(s) : NULL;
}

static int load_json(struct lw_source *src, const char *name, json_t **out,
		     struct lw_error *err)
{
	struct lw_member *m = lw_source_find(src, name);
	json_error_t je;
	const char *p;
	size_t len;
	int rc;

	if (!m)
		return lw_error_set(err, LW_ERR_INPUT, "missing '%s'", name);
	rc = lw_source_json(m, &p, &len, err);
	if (!rc && src->verify)
		rc = lw_verify_named(name, p ? p : "", len, err);
	if (rc)
		return rc;
	*out = json_loadb(p ? p : "", len, JSON_REJECT_DUPLICATES, &je);
	if (!*out)
		return lw_error_set(err, LW_ERR_INPUT,
				    "invalid JSON in '%s' at line %d: %s",
				    name, je.line, je.text);
	return LW_OK;
}

/* "sha256:<hex>" -> "blobs/sha256/<hex>" */
static int blob_path(const char *digest, char *out, size_t size)
{
	const char *colon = digest ? strchr(digest, ':') : NULL;

	if (!colon || strchr(digest, '/') || colon == digest || !colon[1])
		return -1;
	snprintf(out, size, "blobs/%.*s/%s", (int)(colon - digest), digest,
		 colon + 1);
	return 0;
}

/* The digest a member's name implies, or NULL. */
static char *digest_from_name(const char *name)
{
	const char *base = strrchr(name, '/');
	size_t n = 0;

	if (!strncmp(name, "blobs/sha256/", 13) && strlen(name) == 13 + 64)
		base = name + 13;
	else if (!strncmp(name, "sha256:", 7))
		base = name + 7;
	else
		base = base ? base + 1 : name;
	while (n < 64 && strchr("0123456789abcdef", base[n]) && base[n])
		n++;
	if (n != 64 || (base[64] && base[64] != '.'))
		return NULL;
	{
		struct lw_strbuf sb = LW_STRBUF_INIT;

		lw_strbuf_addf(&sb, "sha256:%.64s", base);
		return lw_strbuf_detach(&sb);
	}
}

/* "name:tag" with registry defaults removed, for comparing references. */
static void ref_normalize(const char *in, char *out, size_t size)
{
	const char *p = in;
	const char *slash, *colon;

	if (!strncmp(p, "docker.io/", 10))
		p += 10;
	else if (!strncmp(p, "localhost/", 10))
		p += 10;
	if (!strncmp(p, "library/", 8))
		p += 8;
	slash = strrchr(p, '/');
	colon = strrchr(p, ':');
	if (!colon || (slash && colon < slash))
		snprintf(out, size, "%s:latest", p);
	else
		snprintf(out, size, "%s", p);
}

static int ref_matches(const char *want, const char *have)
{
	char a[512], b[512];

	ref_normalize(want, a, sizeof(a));
	ref_normalize(have, b, sizeof(b));
	return strcmp(a, b) == 0;
}

struct plan {
	json_t *config;
	char *config_name;
	char **layer_names; /* member names, manifest order */
	char **layer_digests;
	size_t nlayers;
};

static void plan_release(struct plan *p)
{
	size_t i;

	json_decref(p->config);
	free(p->config_name);
	for (i = 0; i < p->nlayers; i++) {
		free(p->layer_names[i]);
		free(p->layer_digests[i]);
	}
	free(p->layer_names);
	free(p->layer_digests);
	memset(p, 0, sizeof(*p));
}

static void add_tag(struct lw_image *img, const char *tag)
{
	img->tags = lw_xrealloc(img->tags, (img->ntags + 1) * sizeof(char *));
	img->tags[img->ntags++] = lw_xstrdup(tag);
}

static int plan_from_docker_manifest(struct lw_image *img,
				     struct lw_source *src, json_t *man,
				     const char *want, struct plan *p,
				     struct lw_error *err)
{
	json_t *entry = NULL, *v, *layers;
	size_t i, j;
	int rc;

	if (!json_is_array(man) || json_array_size(man) == 0)
		return lw_error_set(err, LW_ERR_INPUT, "manifest.json lists "
				    "no image");
	if (want) {
		json_array_foreach(man, i, v) {
			json_t *tags = json_object_get(v, "RepoTags");
			json_t *t;

			json_array_foreach(tags, j, t)
				if (json_is_string(t) &&
				    ref_matches(want, json_string_value(t)))
					entry = v;
			if (entry)
				break;
		}
	} else if (json_array_size(man) == 1) {
		entry = json_array_get(man, 0);
	}
	if (!entry) {
		struct lw_strbuf sb = LW_STRBUF_INIT;

		json_array_foreach(man, i, v) {
			json_t *tags = json_object_get(v, "RepoTags");
			json_t *t;

			json_array_foreach(tags, j, t)
				if (json_is_string(t))
					lw_strbuf_addf(&sb, "%s%s",
						       sb.len ? ", " : "",
						       json_string_value(t));
		}
		if (want)
			rc = lw_error_set(err, LW_ERR_USAGE, "no image tagged "
					  "'%.200s' in the archive (it holds: "
					  "%.600s)", want,
					  sb.len ? sb.buf : "untagged images");
		else
			rc = lw_error_set(err, LW_ERR_USAGE, "the archive holds "
					  "%zu images; pick one with --image "
					  "(tags: %.600s)",
					  json_array_size(man),
					  sb.len ? sb.buf : "none");
		lw_strbuf_release(&sb);
		return rc;
	}
	{
		json_t *tags = json_object_get(entry, "RepoTags");

		json_array_foreach(tags, j, v)
			if (json_is_string(v))
				add_tag(img, json_string_value(v));
	}
	if (!jstr(entry, "Config"))
		return lw_error_set(err, LW_ERR_INPUT,
				    "manifest.json: image has no Config");
	p->config_name = lw_xstrdup(jstr(entry, "Config"));
	layers = json_object_get(entry, "Layers");
	if (!json_is_array(layers))
		return lw_error_set(err, LW_ERR_INPUT,
				    "manifest.json: image has no Layers");
	p->nlayers = json_array_size(layers);
	p->layer_names = lw_xcalloc(p->nlayers + 1, sizeof(char *));
	p->layer_digests = lw_xcalloc(p->nlayers + 1, sizeof(char *));
	json_array_foreach(layers, i, v) {
		if (!json_is_string(v))
			return lw_error_set(err, LW_ERR_INPUT, "manifest.json: "
					    "layer %zu is not a path", i);
		p->layer_names[i] = lw_xstrdup(json_string_value(v));
		p->layer_digests[i] = digest_from_name(json_string_value(v));
	}
	/* How the archive was written, from what it holds. */
	if (lw_source_find(src, "oci-layout")) {
		img->format = lw_xstrdup("docker-save-oci");
	} else if (!strncmp(p->config_name, "sha256:", 7)) {
		img->format = lw_xstrdup("tarball");
	} else {
		int legacy = p->nlayers > 0;

		for (i = 0; i < p->nlayers && legacy; i++) {
			const char *n = p->layer_names[i];
			size_t len = strlen(n);
			size_t k;
			int direct = 0;

			for (k = 0; k < src->nmembers; k++)
				if (!strcmp(src->members[k]->name, n))
					direct = src->members[k]->type ==
						LW_ENTRY_FILE;
			legacy = len > 10 &&
				 !strcmp(n + len - 10, "/layer.tar") &&
				 (direct || i > 0);
		}
		img->format = lw_xstrdup(legacy ? "docker-save" :
					 "docker-archive");
	}
	rc = load_json(src, p->config_name, &p->config, err);
	return rc;
}

static int is_attestation(json_t *desc)
{
	json_t *plat = json_object_get(desc, "platform");
	const char *t = jstr(json_object_get(desc, "annotations"),
			     "vnd.docker.reference.type");

	if (t && !strcmp(t, "attestation-manifest"))
		return 1;
	return plat && jstr(plat, "os") && !strcmp(jstr(plat, "os"), "unknown");
}

static void platform_string(json_t *plat, char *out, size_t size)
{
	const char *os = jstr(plat, "os"), *arch = jstr(plat, "architecture");
	const char *var = jstr(plat, "variant");

	snprintf(out, size, "%s/%s%s%s", os ? os : "?", arch ? arch : "?",
		 var ? "/" : "", var ? var : "");
}

/* want "linux/arm64" matches "linux/arm64/v8"; a given variant must match. */
static int platform_matches(const char *want, const char *have)
{
	size_t n = strlen(want);

	if (!strcmp(want, have))
		return 1;
	return !strncmp(want, have, n) && have[n] == '/' &&
	       strchr(want, '/') == strrchr(want, '/');
}

struct cand {
	json_t *desc; /* borrowed */
	char platform[128];
};

/* Collects the platform manifests under an index, depth first. */
static int collect_manifests(struct lw_source *src, json_t *index, int depth,
			     struct cand **c, size_t *n, json_t **keep,
			     struct lw_error *err)
{
	json_t *mans = json_object_get(index, "manifests"), *d;
	size_t i;
	int rc;

	if (!json_is_array(mans))
		return lw_error_set(err, LW_ERR_INPUT,
				    "index has no manifests list");
	json_array_foreach(mans, i, d) {
		const char *mt = jstr(d, "mediaType");

		if (is_attestation(d))
			continue;
		if (mt && (strstr(mt, "image.index") ||
			   strstr(mt, "manifest.list"))) {
			char path[LW_PATH_MAX];
			json_t *sub;

			if (depth >= MAX_INDEX_DEPTH)
				return lw_error_set(err, LW_ERR_INPUT,
						    "image indexes nested "
						    "deeper than %d",
						    MAX_INDEX_DEPTH);
			if (blob_path(jstr(d, "digest"), path, sizeof(path)))
				return lw_error_set(err, LW_ERR_INPUT,
						    "index entry %zu has no "
						    "valid digest", i);
			rc = load_json(src, path, &sub, err);
			if (rc)
				return rc;
			json_array_append_new(*keep, sub);
			rc = collect_manifests(src, sub, depth + 1, c, n, keep,
					       err);
			if (rc)
				return rc;
			continue;
		}
		*c = lw_xrealloc(*c, (*n + 1) * sizeof(**c));
		(*c)[*n].desc = d;
		(*c)[*n].platform[0] = '\0';
		if (json_object_get(d, "platform"))
			platform_string(json_object_get(d, "platform"),
					(*c)[*n].platform,
					sizeof((*c)[*n].platform));
		(*n)++;
	}
	return LW_OK;
}

static const char *ref_name(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *r = jstr(ann, "io.containerd.image.name");

	return r ? r : jstr(ann, "org.opencontainers.image.ref.name");
}

/* Longest base image name kept from an annotation or label. */
#define BASE_NAME_MAX 512

/* The base image the manifest's annotations (or the config's labels)
 * name: org.opencontainers.image.base.name and .base.digest, kept when
 * they look like a name and a digest and nothing set them before.
 * Untrusted text: every output escapes it. */
static void set_base(struct lw_image *img, json_t *ann)
{
	const char *name = jstr(ann, "org.opencontainers.image.base.name");
	const char *dig = jstr(ann, "org.opencontainers.image.base.digest");
	const char *c;
	size_t n;

	/* buildah writes an empty name, and a digest of nothing it pulled,
	 * for FROM scratch: no base. */
	if (name && !*name)
		return;
	if (!img->base_name && name &&
	    strlen(name) <= BASE_NAME_MAX) {
		for (c = name; *c && (unsigned char)*c > ' ' && *c != 0x7f; c++)
			;
		if (!*c)
			img->base_name = lw_xstrdup(name);
	}
	if (!img->base_digest && dig && (c = strchr(dig, ':')) &&
	    c > dig && (n = strlen(c + 1)) >= 32 && n <= 128 &&
	    strspn(c + 1, "0123456789abcdef") == n &&
	    strspn(dig, "abcdefghijklmnopqrstuvwxyz0123456789+._-") ==
	    (size_t)(c - dig))
		img->base_digest = lw_xstrdup(dig);
}

static int plan_from_oci_index(struct lw_image *img, struct lw_source *src,
			       json_t *index, const struct lw_read_opts *o,
			       struct plan *p, struct lw_error *err)
{
	json_t *mans = json_object_get(index, "manifests"), *d, *top = NULL;
	json_t *keep = json_array(), *man = NULL, *layers;
	struct cand *c = NULL;
	size_t i, n = 0, ntop = 0;
	const char *want_plat = o->platform;
	char path[LW_PATH_MAX];
	struct lw_strbuf sb = LW_STRBUF_INIT;
	int rc = LW_OK;

	if (!json_is_array(mans)) {
		rc = lw_error_set(err, LW_ERR_INPUT,
				  "index.json has no manifests list");
		goto out;
	}
	/* Which image: top-level entries are images (or their platform
	 * variants when they carry a platform and share a name). */
	json_array_foreach(mans, i, d) {
		const char *r = ref_name(d);

		if (is_attestation(d))
			continue;
		if (o->image && !(r && (ref_matches(o->image, r) ||
					!strcmp(o->image, r))))
			continue;
		ntop++;
		if (!top)
			top = d;
	}
	if (!top) {
		json_array_foreach(mans, i, d)
			if (ref_name(d))
				lw_strbuf_addf(&sb, "%s%s", sb.len ? ", " : "",
					       ref_name(d));
		if (o->image)
			rc = lw_error_set(err, LW_ERR_USAGE, "no image named "
					  "'%.200s' in the archive (it holds: "
					  "%.600s)", o->image,
					  sb.len ? sb.buf : "untagged images");
		else
			rc = lw_error_set(err, LW_ERR_INPUT,
					  "index.json lists no image");
		goto out;
	}
	{
		/* Several top-level manifests are one image when each has
		 * its own platform; otherwise the user must pick. */
		size_t with_plat = 0;

		json_array_foreach(mans, i, d)
			if (!is_attestation(d) && json_object_get(d, "platform"))
				with_plat++;
		if (ntop > 1 && with_plat < ntop) {
			json_array_foreach(mans, i, d)
				if (!is_attestation(d))
					lw_strbuf_addf(&sb, "%s%s",
						       sb.len ? ", " : "",
						       ref_name(d) ? ref_name(d) :
						       "(untagged)");
			rc = lw_error_set(err, LW_ERR_USAGE, "the archive holds "
					  "%zu images; pick one with --image "
					  "(names: %.600s)", ntop, sb.buf);
			goto out;
		}
	}
	if (ref_name(top))
		add_tag(img, ref_name(top));
	{
		json_t *sub = json_object();
		json_t *arr = json_array();

		json_array_foreach(mans, i, d) {
			const char *r = ref_name(d);

			if (o->image && !(r && (ref_matches(o->image, r) ||
						!strcmp(o->image, r))))
				continue;
			json_array_append(arr, d);
		}
		json_object_set_new(sub, "manifests", arr);
		json_array_append_new(keep, sub);
		rc = collect_manifests(src, sub, 0, &c, &n, &keep, err);
		if (rc)
			goto out;
	}
	if (n == 0) {
		rc = lw_error_set(err, LW_ERR_INPUT,
				  "the index lists no image manifest");
		goto out;
	}
	{
		size_t pick = n;

		if (!want_plat && n > 1)
			want_plat = lw_host_platform();
		for (i = 0; i < n && pick == n; i++)
			if (n == 1 && !o->platform)
				pick = 0;
			else if (want_plat && c[i].platform[0] &&
				 platform_matches(want_plat, c[i].platform))
				pick = i;
		if (pick == n && n == 1 && !c[0].platform[0])
			pick = 0;
		if (pick == n) {
			for (i = 0; i < n; i++)
				lw_strbuf_addf(&sb, "%s%s", sb.len ? ", " : "",
					       c[i].platform[0] ?
					       c[i].platform : "(none)");
			rc = lw_error_set(err, LW_ERR_USAGE, "no manifest for "
					  "platform %s (the image has: %.600s); "
					  "pick one with --platform",
					  want_plat ? want_plat : "?", sb.buf);
			goto out;
		}
		if (blob_path(jstr(c[pick].desc, "digest"), path,
			      sizeof(path))) {
			rc = lw_error_set(err, LW_ERR_INPUT, "manifest entry "
					  "has no valid digest");
			goto out;
		}
	}
	rc = load_json(src, path, &man, err);
	if (rc)
		goto out;
	if (!json_is_object(json_object_get(man, "config")) ||
	    blob_path(jstr(json_object_get(man, "config"), "digest"), path,
		      sizeof(path))) {
		rc = lw_error_set(err, LW_ERR_INPUT,
				  "image manifest has no valid config");
		goto out;
	}
	p->config_name = lw_xstrdup(path);
	set_base(img, json_object_get(man, "annotations"));
	layers = json_object_get(man, "layers");
	if (!json_is_array(layers)) {
		rc = lw_error_set(err, LW_ERR_INPUT,
				  "image manifest has no layers list");
		goto out;
	}
	p->nlayers = json_array_size(layers);
	p->layer_names = lw_xcalloc(p->nlayers + 1, sizeof(char *));
	p->layer_digests = lw_xcalloc(p->nlayers + 1, sizeof(char *));
	json_array_foreach(layers, i, d) {
		if (blob_path(jstr(d, "digest"), path, sizeof(path))) {
			rc = lw_error_set(err, LW_ERR_INPUT, "layer %zu of the "
					  "manifest has no valid digest", i);
			goto out;
		}
		p->layer_names[i] = lw_xstrdup(path);
		p->layer_digests[i] = lw_xstrdup(jstr(d, "digest"));
	}
	img->format = lw_xstrdup(src->kind == LW_SOURCE_DIR ? "oci-dir" :
				 "oci-archive");
	rc = load_json(src, p->config_name, &p->config, err);
out:
	lw_strbuf_release(&sb);
	json_decref(man);
	json_decref(keep);
	free(c);
	return rc;
}

static int read_config(struct lw_image *img, struct plan *p,
		       struct lw_error *err)
{
	json_t *cfg = p->config, *rootfs, *ids, *hist, *v;
	size_t i;
	char plat[128];

	if (!json_is_object(cfg))
		return lw_error_set(err, LW_ERR_INPUT,
				    "the image config is not a JSON object");
	rootfs = json_object_get(cfg, "rootfs");
	ids = json_object_get(rootfs, "diff_ids");
	if (!json_is_array(ids))
		return lw_error_set(err, LW_ERR_INPUT,
				    "the image config has no rootfs.diff_ids");
	if (json_array_size(ids) != p->nlayers)
		return lw_error_set(err, LW_ERR_INPUT,
				    "the config lists %zu diff_ids but the "
				    "manifest lists %zu layers",
				    json_array_size(ids), p->nlayers);
	platform_string(cfg, plat, sizeof(plat));
	img->platform = lw_xstrdup(plat);
	/* Docker's and buildah's label equivalents, when no annotation
	 * named the base. */
	set_base(img, json_object_get(json_object_get(cfg, "config"),
				      "Labels"));
	img->config_json = json_dumps(cfg, JSON_COMPACT | JSON_PRESERVE_ORDER);
	hist = json_object_get(cfg, "history");
	if (json_is_array(hist) && json_array_size(hist)) {
		img->nhistory = json_array_size(hist);
		img->history = lw_xcalloc(img->nhistory, sizeof(*img->history));
		json_array_foreach(hist, i, v) {
			img->history[i].created_by =
				xdup_or_null(jstr(v, "created_by"));
			img->history[i].created = xdup_or_null(jstr(v, "created"));
			img->history[i].comment = xdup_or_null(jstr(v, "comment"));
			img->history[i].empty_layer =
				json_is_true(json_object_get(v, "empty_layer"));
		}
	}
	img->nlayers = p->nlayers;
	img->layers = lw_xcalloc(p->nlayers + 1, sizeof(*img->layers));
	json_array_foreach(ids, i, v) {
		if (!json_is_string(v))
			return lw_error_set(err, LW_ERR_INPUT,
					    "diff_id %zu is not a string", i);
		img->layers[i].diff_id = lw_xstrdup(json_string_value(v));
		img->layers[i].member = lw_xstrdup(p->layer_names[i]);
		img->layers[i].digest = xdup_or_null(p->layer_digests[i]);
	}
	{
		size_t h = 0, l = 0;

		for (h = 0; h < img->nhistory; h++) {
			if (img->history[h].empty_layer)
				continue;
			if (l < img->nlayers)
				img->layers[l].history = &img->history[h];
			l++;
		}
		if (img->nhistory && l != img->nlayers)
			lw_warnings_add(&img->warnings, "the config's history "
					"has %zu layer entries for %zu layers; "
					"layer history may be misaligned", l,
					img->nlayers);
	}
	return LW_OK;
}

/* How many members of the archive bear exactly this name. */
static size_t members_named(const struct lw_source *src, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < src->nmembers; i++)
		n += !strcmp(src->members[i]->name, name);
	return n;
}

static int resolve_plan(struct lw_image *img, struct lw_source *src,
			const struct lw_read_opts *o, struct plan *p,
			struct lw_error *err)
{
	struct lw_member *m = lw_source_find(src, "manifest.json");
	json_t *doc = NULL;
	int rc;

	/* Two copies: a tool would pick one, we cannot tell which. */
	if (members_named(src, "manifest.json") > 1 ||
	    members_named(src, "index.json") > 1)
		return lw_error_set(err, LW_ERR_INPUT, "the archive holds %s "
				    "twice: which copy describes the image "
				    "cannot be told",
				    members_named(src, "manifest.json") > 1 ?
				    "manifest.json" : "index.json");
	/* manifest.json wins where both exist: Docker 25+ writes an
	 * index.json that may lack entries. */
	if (m) {
		rc = load_json(src, "manifest.json", &doc, err);
		if (!rc)
			rc = plan_from_docker_manifest(img, src, doc, o->image,
						       p, err);
	} else if (lw_source_find(src, "index.json")) {
		rc = load_json(src, "index.json", &doc, err);
		if (!rc)
			rc = plan_from_oci_index(img, src, doc, o, p, err);
	} else {
		rc = lw_error_set(err, LW_ERR_INPUT, "not a container image: "
				  "no manifest.json or index.json (a root "
				  "file system tar is not an image)");
	}
	json_decref(doc);
	if (!rc)
		rc = read_config(img, p, err);
	if (!rc && !img->config_digest)
		img->config_digest = digest_from_name(p->config_name);
	return rc;
}

int lw_image_read(const struct lw_read_opts *o, struct lw_image **out,
		  struct lw_error *err)
{
	struct lw_image *img = lw_xcalloc(1, sizeof(*img));
	struct lw_image_priv *priv = lw_xcalloc(1, sizeof(*priv));
	struct plan p = { 0 };
	struct lw_saver saver = { 0 };
	int rc, from_engine = 0;

	*out = NULL;
	img->priv = priv;
	priv->src.fd = -1;
	img->source = lw_xstrdup(o->input);
	lw_layers_progress_init(priv, o);
	if (o->source && strcmp(o->source, "archive") != 0) {
		from_engine = 1;
	} else if (strcmp(o->input, "-") != 0 && access(o->input, F_OK) < 0) {
		if (errno != ENOENT || (o->source && !strcmp(o->source,
							     "archive")) ||
		    strchr(o->input, '/') == o->input ||
		    !strncmp(o->input, "./", 2)) {
			/* Not there: it cannot be read (exit 4), which
			 * says nothing of a bad image (exit 3). */
			rc = lw_error_set(err, LW_ERR_IO,
					  "cannot open '%.300s': %s",
					  o->input, strerror(errno));
			goto out;
		}
		from_engine = 1;
	}
	if (from_engine) {
		rc = lw_saver_start(&saver, o->source && strcmp(o->source,
				    "archive") ? o->source : NULL, o->input,
				    err);
		if (rc)
			goto out;
		rc = lw_source_open_fd(&priv->src, saver.fd, &priv->stream_opts,
				       err);
		{
			struct lw_error e2 = { 0, "" };
			int rc2 = lw_saver_finish(&saver, &e2);

			if (rc2) {
				rc = lw_error_set(err, rc2, "%s", e2.msg);
				goto out;
			}
		}
		if (rc) {
			lw_error_prefix(err, "%s image save '%.200s'",
					saver.engine, o->input);
			goto out;
		}
	} else {
		rc = lw_source_open(&priv->src, o->input, &priv->stream_opts,
				    err);
		if (rc) {
			lw_error_prefix(err, "cannot read '%.300s'", o->input);
			goto out;
		}
	}
	img->outer_compression = priv->src.outer_compression;
	rc = resolve_plan(img, &priv->src, o, &p, err);
	if (!rc)
		rc = lw_layers_index(img, &priv->src, o, err);
	if (rc)
		lw_error_prefix(err, "%.300s", o->input);
out:
	plan_release(&p);
	if (rc) {
		lw_image_free(img);
		return rc;
	}
	*out = img;
	return LW_OK;
}

void lw_image_free(struct lw_image *img)
{
	size_t i;

	if (!img)
		return;
	if (img->priv) {
		/* Before the layers: it writes back their new hashes. */
		lw_cache_close(img->priv->cache);
		img->priv->cache = NULL;
	}
	for (i = 0; i < img->nlayers; i++) {
		free(img->layers[i].digest);
		free(img->layers[i].diff_id);
		free(img->layers[i].member);
	}
	free(img->layers);
	for (i = 0; i < img->nhistory; i++) {
		free(img->history[i].created_by);
		free(img->history[i].created);
		free(img->history[i].comment);
	}
	free(img->history);
	for (i = 0; i < img->ntags; i++)
		free(img->tags[i]);
	free(img->tags);
	free(img->source);
	free(img->format);
	free(img->platform);
	free(img->config_digest);
	free(img->config_json);
	free(img->base_name);
	free(img->base_digest);
	lw_warnings_release(&img->warnings);
	if (img->priv)
		lw_layers_release(img->priv);
	free(img->priv);
	free(img);
}
