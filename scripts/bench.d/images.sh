# shellcheck shell=bash disable=SC2154,SC2034
# The images of scripts/bench beyond big and small (docs/performance.md):
#   compare    large files stored again by chown, chmod and touch
#              (bench/compare.Dockerfile, data from bench/makedata.py)
#   onelayer   one COPY holding most bytes (bench/onelayer.Dockerfile)
#   shared     onelayer plus a small layer, built FROM it in the same
#              storage (bench/shared.Dockerfile); comes with onelayer
# Sourced by scripts/bench, which defines stage, setup_storage, cleanup,
# pick_build_root, free_gb, the work directory and build_dir.

# Bump when the staging below changes in a way that changes the images.
readonly EXTRA_RECIPE_VERSION=1
# The Python installations the one-big-layer image copies, largest stack
# first, while they fit in ONELAYER_MAX_MB; /usr/lib/x86_64-linux-gnu when
# none exists.
readonly ONELAYER_MAX_MB=1300
onelayer_candidates=(/root/.pyenv/versions/3.13.0 /root/.pyenv/versions/3.12.1
	/root/.pyenv/versions/3.10.13 /root/.pyenv/versions/3.9.18
	/root/.pyenv/versions/3.8.18 /root/.pyenv/versions/3.7.16)
readonly SHARED_APP=/usr/lib/python3/dist-packages

# The trees the one-big-layer image copies: name=path lines.
onelayer_trees() {
	local c total=0 mb
	for c in "${onelayer_candidates[@]}"; do
		[ -d "$c" ] || continue
		mb=$(du -sm "$c" | cut -f1)
		[ $((total + mb)) -le $ONELAYER_MAX_MB ] || continue
		echo "$(basename "$c")=$c"
		total=$((total + mb))
	done
	[ $total -gt 0 ] || echo "lib=/usr/lib/x86_64-linux-gnu"
}

# What an extra image is made from: when it changes, the image is rebuilt.
extra_recipe() {
	local name=$1
	echo "extra recipe $EXTRA_RECIPE_VERSION $name"
	case $name in
	compare)
		sha256sum <"$LW_ROOT/bench/compare.Dockerfile"
		sha256sum <"$LW_ROOT/bench/makedata.py"
		;;
	onelayer | shared)
		sha256sum <"$LW_ROOT/bench/onelayer.Dockerfile"
		sha256sum <"$LW_ROOT/bench/shared.Dockerfile"
		onelayer_trees
		echo "app=$SHARED_APP"
		;;
	esac
}

# The images a set's build makes (onelayer's makes shared too).
extra_images_of() {
	case $1 in
	onelayer) echo onelayer shared ;;
	*) echo "$1" ;;
	esac
}

# Builds the images of set NAME into WORK/images/<image>/ (the three forms
# and the recipe), as build_image does for big and small.
build_extra() {
	local name=$1 b root need t0 t s img ref df
	need=6
	root=$(pick_build_root "$need")
	[ "$root" != "$work" ] || need=$((need * 2))
	[ "$(free_gb "$root")" -ge "$need" ] ||
		die "the build needs about $need GB free in $root, there are $(free_gb "$root") GB"
	[ "$(free_gb "$work")" -ge 8 ] ||
		die "the images need about 8 GB free in $work, there are $(free_gb "$work") GB"
	b=$(mktemp -d "$root/layerwaste-bench-build.XXXXXX")
	build_dir=$b
	t0=$SECONDS
	mkdir -p "$b/ctx"
	cp "$BUSYBOX" "$b/ctx/busybox"
	case $name in
	compare)
		lw_log "compare image: generating large files in $b (bench/makedata.py)"
		python3 "$LW_ROOT/bench/makedata.py" "$b/ctx/data" >&2
		;;
	onelayer)
		lw_log "onelayer image: staging $(onelayer_trees | cut -d= -f1 | tr '\n' ' ')and $SHARED_APP in $b"
		while IFS= read -r s; do
			stage "${s#*=}" "$b/ctx/stack/${s%%=*}" 1
		done < <(onelayer_trees)
		if [ -d "$SHARED_APP" ]; then
			stage "$SHARED_APP" "$b/ctx/app" 1
		else
			mkdir -p "$b/ctx/app"
			cp -a "$LW_ROOT/docs" "$b/ctx/app/"
		fi
		;;
	esac
	setup_storage "$b"
	for img in $(extra_images_of "$name"); do
		ref=localhost/layerwaste-bench-$img:latest
		df=$LW_ROOT/bench/$img.Dockerfile
		t=$SECONDS
		lw_log "$img image: buildah bud ($(du -sh "$b/ctx" | cut -f1) of context)"
		TMPDIR=$b/tmp buildah bud --quiet --layers --isolation chroot --storage-driver vfs \
			--pull=never -f "$df" -t "$ref" "$b/ctx" >"$b/build.log" 2>&1 || {
			tail -20 "$b/build.log" >&2
			die "buildah bud failed ($img)"
		}
		lw_log "$img image: built in $((SECONDS - t)) s; exporting docker-archive, OCI gzip, OCI zstd"
		push_forms "$b" "$ref" "$img"
	done
	cleanup
	build_dir=""
	lw_log "$name: $((SECONDS - t0)) s in all"
}

# Exports REF from the storage in B as the three forms into WORK/images/IMG.
push_forms() {
	local b=$1 ref=$2 img=$3 out=$work/images/$3
	rm -rf "$out" "$out.new"
	mkdir -p "$out.new"
	TMPDIR=$b/tmp buildah push --quiet --storage-driver vfs "$ref" \
		"docker-archive:$out.new/docker-archive.tar:layerwaste-bench-$img:latest"
	TMPDIR=$b/tmp buildah push --quiet --storage-driver vfs "$ref" \
		"oci-archive:$out.new/oci-gzip.tar:layerwaste-bench-$img:latest"
	TMPDIR=$b/tmp buildah push --quiet --storage-driver vfs --compression-format zstd "$ref" \
		"oci-archive:$out.new/oci-zstd.tar:layerwaste-bench-$img:latest"
	extra_recipe "$img" >"$out.new/recipe"
	mv "$out.new" "$out"
}

# Builds set NAME unless every image of it is cached with its recipe.
ensure_extra() {
	local name=$1 img fresh=1
	for img in $(extra_images_of "$name"); do
		if [ "$rebuild" -eq 1 ] || [ ! -f "$work/images/$img/recipe" ] ||
			! cmp -s "$work/images/$img/recipe" <(extra_recipe "$img"); then
			fresh=0
		fi
	done
	if [ $fresh -eq 1 ]; then
		lw_log "$name image: cached in $work/images"
	else
		build_extra "$name"
	fi
}
