# bash completion for layerwaste(1). Installed as
# share/bash-completion/completions/layerwaste; tests/e2e/test_install.sh
# fails when an option of `layerwaste --help` is missing here.
# shellcheck shell=bash

_layerwaste() {
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion -s || return
	else
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local opts="--format --output --bytes --color --colour --top
		--no-duplicates --with-files --dockerfile --target --base --source-root --build-arg --fix --image
		--platform --source --jobs --max-entries --max-bytes --max-memory
		--plain-reader
		--verify --cache --no-cache --cache-max
		--interactive --quiet --help --version --config --ci-config
		--no-config --max-wasted-bytes --max-wasted-percent
		--max-chown-bytes --max-chmod-bytes --max-chown-chmod-bytes
		--max-touch-bytes --max-overwrite-bytes --max-delete-bytes
		--max-metadata-bytes --max-churn-bytes --lowest-efficiency
		--highest-wasted-bytes
		--highest-user-wasted-percent --lowestEfficiency
		--highestWastedBytes --highestUserWastedPercent
		--min-finding-bytes --min-wasted-bytes-for-percent --ignore-path
		--judge-base --baseline --fail-on --profile --space-readme"
	local formats="text json github markdown sarif gitlab junit html"

	case $prev in
	-f | --format)
		mapfile -t COMPREPLY < <(compgen -W "$formats" -- "$cur")
		return ;;
	-o | --output)
		if [[ $cur == *=* ]]; then
			local fmt=${cur%%=*}
			mapfile -t COMPREPLY < <(compgen -f -- "${cur#*=}")
			COMPREPLY=("${COMPREPLY[@]/#/$fmt=}")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "${formats// /= }=" -- "$cur")
			compopt -o nospace 2>/dev/null
		fi
		return ;;
	--color | --colour)
		mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur")
		return ;;
	--source)
		mapfile -t COMPREPLY < <(compgen -W "archive docker podman" -- "$cur")
		return ;;
	--profile)
		mapfile -t COMPREPLY < <(compgen -W "spaces none" -- "$cur")
		return ;;
	--fail-on)
		mapfile -t COMPREPLY < <(compgen -W "error warning note none" -- "$cur")
		return ;;
	--platform)
		mapfile -t COMPREPLY < <(compgen -W "linux/amd64 linux/arm64 linux/arm/v7 linux/386 linux/ppc64le linux/s390x" -- "$cur")
		return ;;
	--dockerfile | --config | --ci-config | --space-readme | --base | --baseline)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--source-root)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	--top | -j | --jobs | --max-entries | --max-memory | --target | \
		--build-arg | --image | \
		--max-*-bytes | --max-wasted-percent | --lowest-efficiency | \
		--highest-* | --lowestEfficiency | --highestWastedBytes | \
		--highestUserWastedPercent | --min-finding-bytes | \
		--min-wasted-bytes-for-percent | --ignore-path)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts -f -o -j -i -q -h -V" -- "$cur")
		return
	fi
	# The subcommand comes first; then IMAGE: an archive or a directory.
	if [ "$cword" -eq 1 ]; then
		mapfile -t COMPREPLY < <(compgen -W "inspect browse diff share cache" -- "$cur")
	fi
	local f
	while IFS= read -r f; do COMPREPLY+=("$f"); done < <(compgen -f -- "$cur")
}
complete -o filenames -F _layerwaste layerwaste
