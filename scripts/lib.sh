# Shared by the scripts: package installation and the build.
# shellcheck shell=bash

LW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LW_ROOT

# Packages the build needs.
# shellcheck disable=SC2034
LW_BUILD_PACKAGES=(gcc make cmake pkg-config libarchive-dev libjansson-dev
	libzstd-dev libxxhash-dev libisal-dev libyaml-dev libncurses-dev check)
# And the tests: real images (buildah, podman, skopeo, busybox), the outer
# compressors, python3 (with jsonschema and yaml) for checking JSON and
# the CI docs, jq for scripts/make-fixtures, tmux for terminal tests,
# npm for the SARIF Multitool (tests/sarif/check), git for provenance.
# shellcheck disable=SC2034
LW_TEST_PACKAGES=(buildah podman skopeo busybox-static gzip zstd xz-utils
	bzip2 python3 python3-jsonschema python3-yaml jq tmux nodejs npm git)
# man, groff, zsh and fish: the man page and the shell completions.
LW_TEST_PACKAGES+=(man-db groff-base zsh fish)
# dpkg-dev: the Debian package's Depends from dpkg-shlibdeps (CPack);
# runc: podman runs the tool's image with it where crun cannot start a
# container (a sandbox with cgroups v1 and v2 mixed).
LW_TEST_PACKAGES+=(dpkg-dev runc)

lw_log() { printf '==> %s\n' "$*" >&2; }

# Installs whichever of the given Debian packages are missing.
lw_ensure_packages() {
	local missing=() p
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "layerwaste: missing packages: ${missing[*]} (run as root, or install them)" >&2
		return 1
	fi
	lw_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures and builds into $1 with extra CMake arguments after it.
lw_build() {
	local dir=$1
	shift
	cmake -S "$LW_ROOT" -B "$dir" -DLW_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc)" >/dev/null
}
