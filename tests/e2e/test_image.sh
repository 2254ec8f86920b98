#!/usr/bin/env bash
# The tool's own image: scripts/release builds the static binary, buildah
# builds packaging/Containerfile.dist FROM scratch (under 15 MB, one file),
# podman runs it on bundled archives mounted into the container and its
# JSON equals the host binary's byte for byte; then layerwaste analyses
# its own image, outside and inside the container: no wasted byte. The
# last stage of packaging/Containerfile (the build from source, which
# needs a registry for debian:12) must be the same lines. Runs when
# LW_TEST_PACKAGING=1 (scripts/test sets it in its plain pass).
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/e2e/buildah.sh
. "$(dirname "$0")/buildah.sh"
[ "${LW_TEST_PACKAGING:-0}" = 1 ] || skip "LW_TEST_PACKAGING is not 1 (scripts/test builds the image once, in its plain pass)"
need_cmd podman readelf file
lw_buildah_setup

# The Containerfile from source ends with Containerfile.dist's lines.
stage() { # stage FILE: the instructions of its last stage, binary path mapped
	awk '/^FROM /{ n = 0 } /^[A-Z]/{ a[n++] = $0 } END { for (i = 0; i < n; i++) print a[i] }' "$1" |
		sed 's|^COPY --from=build /src/dist/|COPY dist/|'
}
check_eq "Containerfile's last stage is Containerfile.dist" \
	"$(stage "$LW_ROOT/packaging/Containerfile.dist")" "$(stage "$LW_ROOT/packaging/Containerfile")"

mkdir -p "$TMP/ctx"
if LW_RELEASE_BUILD=$TMP/build "$LW_ROOT/scripts/release" "$TMP/ctx/dist" >"$TMP/release.log" 2>&1; then ok; else
	fail "scripts/release: $(tail -5 "$TMP/release.log")"; finish; exit 1
fi
if lw_buildah_build "$TMP/ctx" layerwaste-self "$TMP/image.tar" -f "$LW_ROOT/packaging/Containerfile.dist"; then ok; else
	fail "buildah bud -f packaging/Containerfile.dist failed"; finish; exit 1
fi
size=$(stat -c %s "$TMP/image.tar")
echo "image: $size bytes (docker-archive), binary $(stat -c %s "$TMP/ctx/dist/layerwaste") bytes"
[ "$size" -lt 15000000 ] && ok || fail "the image is $size bytes, not under 15 MB"
check_eq "entrypoint and working directory" "[/layerwaste] /work" \
	"$(buildah inspect --storage-driver vfs -f '{{.OCIv1.Config.Entrypoint}} {{.OCIv1.Config.WorkingDir}}' layerwaste-self)"

# podman runs the image. Where the sandbox keeps crun from starting a
# container (cgroups v1 and v2 mixed), runc may; the limits are set low
# because raising one takes privileges a sandbox may not have.
RUNTIME=
podman_run() {
	podman --storage-driver vfs ${RUNTIME:+--runtime "$RUNTIME"} run --rm --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 "$@"
}
for rt in "" runc; do
	[ -z "$rt" ] || command -v "$rt" >/dev/null || continue
	RUNTIME=$rt
	if podman_run layerwaste-self --version >"$TMP/podman.out" 2>"$TMP/podman.err"; then
		break
	fi
	echo "note: podman run${rt:+ --runtime $rt}: $(tail -1 "$TMP/podman.err")"
	RUNTIME=none
done
if [ "$RUNTIME" = none ]; then
	# No way to run a container here: run the binary of the image's layer
	# in an empty chroot instead, and say so.
	echo "note: podman cannot run a container in this sandbox; running the image's /layerwaste in a chroot instead"
	[ "$(id -u)" -eq 0 ] || skip "podman run fails here, and chroot needs root"
	mkdir -p "$TMP/layer" "$TMP/rootfs"
	tar -xf "$TMP/image.tar" -C "$TMP/layer"
	layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$TMP/layer/manifest.json")
	tar -xf "$TMP/layer/$layer" -C "$TMP/rootfs"
	# in_image FILE ARG...: the image's binary on FILE as image.tar in its
	# working directory (chroot's is /).
	in_image() {
		local f=$1
		shift
		cp "$f" "$TMP/rootfs/image.tar"
		chroot "$TMP/rootfs" /layerwaste "$@" 2>"$TMP/in_image.err" || true
	}
else
	check_eq "podman run --version" "$("$LW" --version | sed 's/ (commit .*//')" \
		"$(sed 's/ (commit .*//' "$TMP/podman.out")"
	in_image() {
		local f=$1
		shift
		podman_run -v "$f:/work/image.tar:ro" layerwaste-self "$@" 2>"$TMP/in_image.err" || true
	}
fi

# The same JSON as the host binary's on the same name (image.tar in the
# working directory), byte for byte.
for img in "$FIX/waste/docker-archive.tar" "$FIX/clean/oci-archive-zstd.tar" "$TMP/image.tar"; do
	rm -rf "$TMP/cmp"
	mkdir -p "$TMP/cmp"
	cp "$img" "$TMP/cmp/image.tar"
	(cd "$TMP/cmp" && "$LW" -q --no-config -f json image.tar) >"$TMP/host.json"
	in_image "$img" -q --no-config -f json image.tar >"$TMP/container.json"
	if cmp -s "$TMP/host.json" "$TMP/container.json"; then ok; else
		fail "the container's JSON on $img differs: $(diff "$TMP/host.json" "$TMP/container.json" | head -4) $(head -3 "$TMP/in_image.err")"
	fi
done
check_eq "the container found the waste" 20500 "$(in_image "$FIX/waste/docker-archive.tar" -q --no-config -f json image.tar | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["wasted_bytes"])')"

# layerwaste on its own image: one layer holding the binary alone, no
# wasted byte.
run_lw 0 "$TMP/self.json" -q --no-config -f json "$TMP/image.tar"
check_eq "own image: wasted bytes" 0 "$(jget "$TMP/self.json" "d['summary']['wasted_bytes']")"
check_eq "own image: findings" 0 "$(jget "$TMP/self.json" "len(d['findings'])")"
check_eq "own image: layers" 1 "$(jget "$TMP/self.json" "len(d['layers'])")"
check_eq "own image: bytes are the binary's" "$(stat -c %s "$TMP/ctx/dist/layerwaste")" \
	"$(jget "$TMP/self.json" "d['image']['total_bytes']")"
run_lw 0 "$TMP/self-rule" -q --no-config --max-wasted-bytes 0 "$TMP/image.tar"
buildah rmi --storage-driver vfs -a -f >/dev/null 2>&1 || true
finish
