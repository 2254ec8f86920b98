#!/usr/bin/env bash
# The zsh and fish completions load in their shells and complete:
# fish through `complete -C`, zsh through compinit finding #compdef.
. "$(dirname "$0")/lib.sh"
need_cmd zsh fish

C=$LW_ROOT/packaging/completions

# fish: options, values and subcommands.
fc() { fish --no-config -c "source $C/layerwaste.fish; complete -C '$1'" | cut -f1; }
check_eq "fish: --form" "--format" "$(fc 'layerwaste --form')"
check_eq "fish: -f" "github gitlab html json junit markdown sarif text" "$(fc 'layerwaste -f ' | sort | paste -sd' ')"
check_eq "fish: --source" "archive docker podman" "$(fc 'layerwaste --source ' | sort | paste -sd' ')"
check_eq "fish: subcommands" "browse inspect" "$(fc 'layerwaste ' | grep -x 'browse\|inspect' | sort | paste -sd' ')"

# zsh: the file parses, and compinit registers it for layerwaste.
if zsh -n "$C/_layerwaste" 2>"$TMP/zsh.err"; then ok; else fail "zsh -n: $(cat "$TMP/zsh.err")"; fi
got=$(HOME=$TMP zsh -f -c "fpath=($C \$fpath); autoload -U compinit; compinit -u -d $TMP/zcompdump; print -r -- \${_comps[layerwaste]}" 2>&1)
check_eq "zsh: compinit registers _layerwaste" "_layerwaste" "$got"
finish
