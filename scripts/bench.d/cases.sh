# shellcheck shell=bash disable=SC2154
# The timed commands of scripts/bench: per image and form, one warm-up and
# N recorded runs of each kind, interleaved. Sourced by scripts/bench,
# which sets bin, lw_args, work, run, res, runs and FORMS.
#
# Kinds (bench/tables.py reads them back):
#   lw      layerwaste --no-cache ARCHIVE (text report to /dev/null)
#   lw1     the same at -j 1 (big and small only)
#   tar igzip gzip zstd   the layer tools over the unpacked layer files
#                         (gzip -dc for big and small only)
#   cat     cat ARCHIVE > /dev/null: reading every byte once
#   verify  lw with --verify
#   sha     (gzip, zstd) openssl dgst -sha256 over the layer blobs and the
#           docker form's layer tars: the hashing --verify adds, for the
#           bound it puts on --verify's wall time on this machine's cores
#   fill    lw with --cache DIR, DIR emptied before the run (not timed)
#   warm    lw with --cache DIR, DIR filled by the warm-up run
#   base    (shared only) lw with --cache DIR, DIR a fresh copy (not timed)
#           of the cache one run on the onelayer image filled

# The kinds of a case.
case_kinds() {
	local img=$1 form=$2
	local k=(lw)
	case $img in big | small) k+=(lw1) ;; esac
	case $form in
	docker) k+=(tar) ;;
	gzip)
		k+=(igzip)
		case $img in big | small) k+=(gzip) ;; esac
		;;
	zstd) k+=(zstd) ;;
	esac
	k+=(cat verify)
	[ "$form" = docker ] || k+=(sha)
	k+=(fill warm)
	[ "$img" != shared ] || k+=(base)
	echo "${k[@]}"
}

# The cache a run on the onelayer image fills, for the shared image's base
# kind: $run/cache/base-FORM.
fill_base_cache() {
	local form=$1 d=$run/cache/base-$1
	[ ! -d "$d" ] || return 0
	"$bin" "${lw_args[@]}" --cache "$d" "$work/images/onelayer/$(archive_of "$form")" \
		>/dev/null 2>"$run/err" || {
		cat "$run/err" >&2
		die "layerwaste failed filling the base cache"
	}
}

# One run of command KIND on IMAGE/FORM; run 0 is the warm-up, not recorded.
# Wall time from EPOCHREALTIME; CPU time (user + system of the processes
# run) from the shell's `times` before and after; peak RSS from GNU time.
run_one() {
	local size=$1 form=$2 kind=$3 rep=$4 layers a t0 t1 rss=- cpu f c
	local o=(--no-cache)
	a=$work/images/$size/$(archive_of "$form")
	layers=$work/unpacked/$size/$form.layers
	case $kind in
	lw1) o+=(-j 1) ;;
	verify) o+=(--verify) ;;
	fill)
		c=$run/cache/fill
		rm -rf "$c"
		o=(--cache "$c")
		;;
	warm) o=(--cache "$run/cache/warm-$size-$form") ;;
	base)
		c=$run/cache/base
		rm -rf "$c"
		cp -a "$run/cache/base-$form" "$c"
		o=(--cache "$c")
		;;
	esac
	times >"$run/times0"
	t0=${EPOCHREALTIME/./}
	case $kind in
	lw | lw1 | verify | fill | warm | base)
		"$GNU_TIME" -f %M -o "$run/rss" "$bin" "${lw_args[@]}" "${o[@]}" "$a" \
			>/dev/null 2>"$run/err" || {
			cat "$run/err" >&2
			die "layerwaste ($kind) failed on $a"
		}
		;;
	cat) cat "$a" >/dev/null ;;
	tar) while read -r f; do tar -tvf "$f"; done <"$layers" >/dev/null ;;
	gzip) while read -r f; do gzip -dc "$f"; done <"$layers" >/dev/null ;;
	igzip) while read -r f; do igzip -dc "$f"; done <"$layers" >/dev/null ;;
	zstd) while read -r f; do zstd -dcq "$f"; done <"$layers" >/dev/null ;;
	sha) cat "$layers" "$work/unpacked/$size/docker.layers" |
		xargs -d '\n' openssl dgst -sha256 >/dev/null ;;
	esac
	t1=${EPOCHREALTIME/./}
	times >"$run/times1"
	case $kind in lw | lw1 | verify | fill | warm | base) rss=$(tail -1 "$run/rss") ;; esac
	# The second line of `times`: the children's user and system time.
	cpu=$(awk 'FNR == 2 {
			split($1, u, /[ms]/); split($2, s, /[ms]/)
			t[NR > 2] = u[1] * 60 + u[2] + s[1] * 60 + s[2]
		} END { printf "%.3f", t[1] - t[0] }' "$run/times0" "$run/times1")
	[ "$rep" -eq 0 ] ||
		printf 'time\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$form" "$kind" "$((t1 - t0))" "$rss" "$cpu" >>"$res"
}

# Every case of the images given.
run_cases() {
	local size form kinds rep kind
	mkdir -p "$run/cache"
	for size in "$@"; do
		for form in "${FORMS[@]}"; do
			read -r -a kinds <<<"$(case_kinds "$size" "$form")"
			[ "$size" != shared ] || fill_base_cache "$form"
			lw_log "$size image, $form: ${kinds[*]}: 1 warm-up + $runs runs each"
			for rep in $(seq 0 "$runs"); do
				for kind in "${kinds[@]}"; do
					run_one "$size" "$form" "$kind" "$rep"
				done
			done
			rm -rf "$run/cache/warm-$size-$form" "$run/cache/fill" "$run/cache/base"
		done
	done
	rm -rf "$run/cache"
}

# scripts/bench-entries (memory per entry), when it exists, with the same
# binary and runs, its images under WORK/entries: its output goes after the
# tables.
run_entries() {
	local e=$LW_ROOT/scripts/bench-entries
	if [ ! -x "$e" ]; then
		lw_log "no scripts/bench-entries: the entries case is skipped"
		return 0
	fi
	lw_log "scripts/bench-entries"
	{
		echo
		echo "### Memory per entry (scripts/bench-entries)"
		echo
		echo '```'
		"$e" --binary "$bin" --runs "$runs" --work "$work/entries" 2>"$run/entries.err" || {
			cat "$run/entries.err" >&2
			lw_log "scripts/bench-entries failed"
			echo "scripts/bench-entries failed: $(tail -1 "$run/entries.err")"
		}
		echo '```'
	} >"$run/entries.md"
}
