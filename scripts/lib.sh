# Shared by the scripts: package installation and the build.
# shellcheck shell=bash

LW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export LW_ROOT

# Packages the build needs.
# shellcheck disable=SC2034
LW_BUILD_PACKAGES=(gcc make cmake pkg-config libarchive-dev libjansson-dev
	libzstd-dev libxxhash-dev libisal-dev libyaml-dev libncurses-dev libssl-dev
	check)
# And the tests: real images (buildah, podman, skopeo, busybox), the outer
# compressors, python3 (with jsonschema and yaml) for checking JSON and
# the CI docs, jq for scripts/make-fixtures, tmux for terminal tests,
# git for provenance, GNU time for the memory bounds of the hostile-input
# and --verify tests. A test whose tool could not be installed skips and
# says what it lacked.
# shellcheck disable=SC2034
LW_TEST_PACKAGES=(buildah podman skopeo busybox-static gzip zstd xz-utils
	bzip2 python3 python3-jsonschema python3-yaml jq tmux git time)
# Commands the tests want, and the package that brings each where the
# command is missing: npm for the SARIF Multitool (tests/sarif/check).
# A machine with Node.js from elsewhere (its npm bundled) keeps its own.
# shellcheck disable=SC2034
LW_TEST_COMMANDS=(node:nodejs npm:npm)
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

# The same for packages the tests can do without: one that cannot be
# installed is named on stderr and the rest still are. Returns 0.
lw_ensure_optional() {
	local p
	lw_ensure_packages "$@" 2>/dev/null && return 0
	for p in "$@"; do
		lw_ensure_packages "$p" >/dev/null 2>&1 ||
			lw_log "could not install $p: the tests that need it skip"
	done
	return 0
}

# Installs the package of each COMMAND:PACKAGE whose command is missing,
# as lw_ensure_optional does.
lw_ensure_commands() {
	local spec want=()
	for spec in "$@"; do
		command -v "${spec%%:*}" >/dev/null 2>&1 || want+=("${spec#*:}")
	done
	[ ${#want[@]} -eq 0 ] || lw_ensure_optional "${want[@]}"
}

# Configures and builds into $1 with extra CMake arguments after it.
lw_build() {
	local dir=$1
	shift
	cmake -S "$LW_ROOT" -B "$dir" -DLW_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j"$(nproc)" >/dev/null
}
