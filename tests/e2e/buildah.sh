# Builds images with buildah in a private vfs storage (no daemon, nothing
# outside $TMP touched). Sourced by end-to-end tests after lib.sh.
# shellcheck shell=bash

lw_buildah_setup() {
	need_cmd buildah
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
	local ctx=$1 name=$2 out=$3 try
	shift 3
	# buildah's chroot runner now and then fails to seal its memfd copy
	# ("Device or resource busy") on a busy machine: one more try.
	for try in 1 2; do
		if buildah bud --quiet --layers --isolation chroot --storage-driver vfs \
			--timestamp 0 "$@" -t "$name" "$ctx" >"$TMP/build-$name.log" 2>&1; then
			buildah push --quiet --storage-driver vfs "$name" \
				"docker-archive:$out:$name:latest" >/dev/null 2>&1
			return
		fi
		[ "$try" = 2 ] || echo "buildah bud failed, trying once more" >&2
	done
	cat "$TMP/build-$name.log" >&2
	return 1
}
