#!/usr/bin/env bash
# The same image in every archive form gives the same layers and the same
# findings: inspect agrees on diff_ids, entry counts and bytes, and the JSON
# report is byte-identical once the fields that describe the storage form
# are set aside (docs/json.md lists them). The waste fixture's figures are
# the ones derived by hand in fixtures/README.md (expected.json).
. "$(dirname "$0")/lib.sh"

forms=(docker-archive.tar podman-save.tar podman-save-oci.tar oci-archive-gzip.tar
	oci-archive-zstd.tar oci-archive-uncompressed.tar oci-dir docker25.tar
	legacy-docker.tar crane.tar)

# The report without the storage fields, canonical.
strip() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
# base_name/base_digest: an OCI manifest's annotations, which a
# docker-archive has no place for.
for k in ("source", "format", "compression", "config_digest", "tags",
          "base_name", "base_digest"):
    d["image"].pop(k, None)
for l in d["layers"]:
    for k in ("digest", "compression", "compressed_bytes"):
        l.pop(k, None)
for s in d.get("suggestions", []):
    s.pop("saves_compressed_bytes", None)
print(json.dumps(d, indent=1, sort_keys=False))
PY
}

layers_of() {
	jget "$1" "'|'.join('%s %d %d %d' % (l['diff_id'], l['entry_count'], l['file_count'], l['total_bytes']) for l in d['layers'])"
}

for img in waste clean; do
	ref=
	for form in "${forms[@]}"; do
		f=$FIX/$img/$form
		run_lw 0 "$TMP/$img-$form.json" -f json "$f" || continue
		run_lw 0 "$TMP/$img-$form.inspect" inspect -f json "$f" || continue
		check_invariant "$TMP/$img-$form.json"
		strip "$TMP/$img-$form.json" >"$TMP/$img-$form.stripped"
		layers_of "$TMP/$img-$form.inspect" >"$TMP/$img-$form.layers"
		if [ -z "$ref" ]; then
			ref=$form
			continue
		fi
		if cmp -s "$TMP/$img-$ref.stripped" "$TMP/$img-$form.stripped"; then ok; else
			fail "$img: $form report differs from $ref: $(diff "$TMP/$img-$ref.stripped" "$TMP/$img-$form.stripped" | head -5)"
		fi
		if cmp -s "$TMP/$img-$ref.layers" "$TMP/$img-$form.layers"; then ok; else
			fail "$img: $form layers differ from $ref"
		fi
	done
	# The hand-derived figures.
	e=$FIX/$img/expected.json
	j=$TMP/$img-docker-archive.tar.json
	for key in total_bytes visible_bytes wasted_bytes; do
		check_eq "$img $key" "$(jget "$e" "d['$key']")" \
			"$(jget "$j" "d['image'].get('$key', d['summary'].get('$key'))")"
	done
	check_eq "$img by kind" "$(jget "$e" "sorted(d.get('by_kind', {}).items())")" \
		"$(jget "$j" "sorted(d['summary']['by_kind'].items())")"
	check_eq "$img findings" \
		"$(jget "$e" "sorted((f['kind'], f['path'], f['layer'], f['from_layer'], f['bytes']) for f in d.get('findings', []))")" \
		"$(jget "$j" "sorted((f['kind'], f['path'], f['layer'], f['from_layer'], f['bytes']) for f in d['findings'])")"
done
check_eq "waste duplicates" "1100 2200 3" \
	"$(jget "$TMP/waste-docker-archive.tar.json" "' '.join(str(x) for x in (d['duplicates'][0]['size'], d['duplicates'][0]['bytes'], len(d['duplicates'][0]['paths'])))")"
check_eq "formats" "docker-archive docker-archive oci-archive oci-dir docker-save-oci docker-save tarball" \
	"$(for f in docker-archive.tar podman-save.tar oci-archive-gzip.tar oci-dir docker25.tar legacy-docker.tar crane.tar; do jget "$TMP/waste-$f.json" "d['image']['format']"; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "crane: a .tar.gz layer that is plain tar" "gzip gzip none" \
	"$(jget "$TMP/waste-crane.tar.json" "' '.join(l['compression'] for l in d['layers'][:3])")"
check_eq "zstd layers" zstd "$(jget "$TMP/waste-oci-archive-zstd.tar.json" "d['layers'][0]['compression']")"

# The outer archive compressed, from a file and from standard input: one
# pass, the same report.
for z in "gzip -c" "zstd -q -c" "xz -T1 -c" "bzip2 -c"; do
	name=${z%% *}
	for form in docker-archive.tar oci-archive-gzip.tar; do
		$z "$FIX/waste/$form" >"$TMP/outer.$name"
		run_lw 0 "$TMP/outer-$name-$form.json" -f json "$TMP/outer.$name" || continue
		strip "$TMP/outer-$name-$form.json" >"$TMP/outer.stripped"
		cmp -s "$TMP/waste-$form.stripped" "$TMP/outer.stripped" && ok ||
			fail "outer $name of $form: report differs"
		check_eq "outer $name compression" "$name" "$(jget "$TMP/outer-$name-$form.json" "d['image']['compression']")"
		LW_STDIN=$TMP/outer.$name run_lw 0 "$TMP/stdin.json" -f json - || continue
		strip "$TMP/stdin.json" >"$TMP/stdin.stripped"
		cmp -s "$TMP/waste-$form.stripped" "$TMP/stdin.stripped" && ok ||
			fail "stdin $name of $form: report differs"
	done
done
LW_STDIN=$FIX/waste/docker-archive.tar run_lw 0 "$TMP/stdin-plain.json" -f json - &&
	{ strip "$TMP/stdin-plain.json" | cmp -s "$TMP/waste-docker-archive.tar.stripped" - && ok ||
		fail "plain stdin: report differs"; }

# A multi-platform index: the host's platform by default, --platform picks,
# attestation manifests are skipped, an absent platform lists what exists.
m=$FIX/multiarch
host=$(uname -m)
for f in oci-archive.tar oci-attest.tar; do
	run_lw 0 "$TMP/arm.json" -f json --platform linux/arm64 "$m/$f" &&
		check_eq "$f arm64" "linux/arm64 532" "$(jget "$TMP/arm.json" "d['image']['platform'] + ' ' + str(d['image']['total_bytes'])")"
	run_lw 0 "$TMP/amd.json" -f json --platform linux/amd64 "$m/$f" &&
		check_eq "$f amd64" "linux/amd64 522" "$(jget "$TMP/amd.json" "d['image']['platform'] + ' ' + str(d['image']['total_bytes'])")"
	if [ "$host" = x86_64 ]; then
		run_lw 0 "$TMP/def.json" -f json "$m/$f" &&
			check_eq "$f default platform" linux/amd64 "$(jget "$TMP/def.json" "d['image']['platform']")"
	fi
	run_lw 2 "$TMP/none" --platform linux/s390x "$m/$f" &&
		{ grep -q "no manifest for platform linux/s390x (the image has: linux/amd64, linux/arm64)" "$TMP/none.err" && ok ||
			fail "$f: platform error: $(cat "$TMP/none.err")"; }
done
finish
