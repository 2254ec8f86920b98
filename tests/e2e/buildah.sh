# Builds images with buildah in a private vfs storage (no daemon, nothing
# outside $TMP touched). Sourced by end-to-end tests after lib.sh.
# shellcheck shell=bash

lw_buildah_setup() {
	command -v buildah >/dev/null || { echo "buildah is not installed" >&2; return 1; }
	BUILDAH_DIR=$TMP/storage
	mkdir -p "$BUILDAH_DIR"
	cat >"$BUILDAH_DIR/storage.conf" <<CONF
[storage]
driver = "vfs"
runroot = "$BUILDAH_DIR/run"
graphroot = "$BUILDAH_DIR/graph"
CONF
	export CONTAINERS_STORAGE_CONF=$BUILDAH_DIR/storage.conf
	export BUILDAH_ISOLATION=chroot
}

# lw_buildah_build CONTEXT NAME OUT.tar [BUD-OPTION...]: builds and saves a
# docker-archive; the options (--build-arg, --secret) go to buildah bud.
lw_buildah_build() {
	local ctx=$1 name=$2 out=$3
	shift 3
	buildah bud --quiet --layers --isolation chroot --storage-driver vfs \
		--timestamp 0 "$@" -t "$name" "$ctx" >"$TMP/build-$name.log" 2>&1 || {
		cat "$TMP/build-$name.log" >&2
		return 1
	}
	buildah push --quiet --storage-driver vfs "$name" \
		"docker-archive:$out:$name:latest" >/dev/null 2>&1
}
