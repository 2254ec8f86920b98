#!/usr/bin/env bash
# What `cmake --install` puts in a prefix (the binary, the man page, the
# bash, zsh and fish completions, the docs and the JSON Schema), that the
# man page renders and bash completes with what it installs, that
# --version names the commit, and that neither the man page nor a
# completion lacks an option or a format of `layerwaste --help`.
. "$(dirname "$0")/lib.sh"
need_cmd cmake man groff python3

BUILD=$(dirname "$LW")
ROOT=$TMP/root
if cmake --install "$BUILD" --prefix "$ROOT" >"$TMP/install.log" 2>&1; then ok; else
	fail "cmake --install: $(tail -5 "$TMP/install.log")"
fi
for f in bin/layerwaste share/man/man1/layerwaste.1 \
	share/bash-completion/completions/layerwaste \
	share/zsh/site-functions/_layerwaste \
	share/fish/vendor_completions.d/layerwaste.fish \
	share/doc/layerwaste/README.md share/doc/layerwaste/ci.md \
	share/doc/layerwaste/json.md share/doc/layerwaste/definitions.md \
	share/doc/layerwaste/schema/layerwaste-v1.schema.json; do
	[ -s "$ROOT/$f" ] && ok || fail "cmake --install did not put $f"
done
MAN=$ROOT/share/man/man1/layerwaste.1

# --version: the version of util.h and a commit of this repository.
v=$("$ROOT/bin/layerwaste" --version)
want=$(sed -n 's/^#define LW_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' "$LW_ROOT/include/layerwaste/util.h" | paste -sd.)
if [[ $v =~ ^layerwaste\ ([0-9.]+)\ \(commit\ ([^\)]+)\)$ ]]; then
	check_eq "--version: version" "$want" "${BASH_REMATCH[1]}"
	commit=${BASH_REMATCH[2]}
	if command -v git >/dev/null && [ "$(git -C "$LW_ROOT" rev-parse --show-toplevel 2>/dev/null)" = "$(cd "$LW_ROOT" && pwd -P)" ]; then
		hash=${commit%-dirty}
		hash=${hash##*-g}
		git -C "$LW_ROOT" cat-file -e "$hash^{commit}" 2>/dev/null && ok ||
			fail "--version: '$commit' is no commit of $LW_ROOT"
	else
		check_eq "--version: commit outside git" unknown "$commit"
	fi
else
	fail "--version printed '$v'"
fi
# Outside a git checkout, and in a folder that is not the top of one, the
# commit is "unknown".
mkdir -p "$TMP/notgit/sub"
for src in "$TMP/notgit" "$LW_ROOT/docs"; do
	cmake -DSRC="$src" -DOUT="$TMP/commit.h" -P "$LW_ROOT/cmake/version.cmake"
	grep -qx '#define LW_COMMIT "unknown"' "$TMP/commit.h" && ok ||
		fail "version.cmake on $src: $(grep define "$TMP/commit.h")"
done

# The man page renders, without a warning from groff.
LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$MAN" >"$TMP/man.txt" 2>"$TMP/man.err" </dev/null
check_eq "man -l: stderr" "" "$(cat "$TMP/man.err")"
for h in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
	grep -q "^$h" "$TMP/man.txt" && ok || fail "man page: no $h section"
done
LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN" 2>"$TMP/groff.err"
check_eq "groff -ww warnings" "" "$(cat "$TMP/groff.err")"

# bash: the installed file registers the completion, and completes.
comp() { # comp WORD...: the completions of the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _layerwaste; printf "%s\n" "${COMPREPLY[@]}"' \
		bash "$ROOT/share/bash-completion/completions/layerwaste" layerwaste "$@"
}
reg=$(bash -c '. "$1" && complete -p layerwaste' bash "$ROOT/share/bash-completion/completions/layerwaste")
check_eq "bash: complete -p layerwaste" "complete -o filenames -F _layerwaste layerwaste" "$reg"
check_eq "bash: --form" "--format" "$(comp --form)"
check_eq "bash: --max-ch" "--max-chown-bytes --max-chmod-bytes --max-chown-chmod-bytes --max-churn-bytes" "$(comp --max-ch | paste -sd' ')"
check_eq "bash: -f s" "sarif" "$(comp -f s)"
check_eq "bash: subcommand" "inspect" "$(comp insp)"

# No drift: every long and short option and every format of --help is in
# the man page and in each completion.
"$LW" --help >"$TMP/help.txt"
python3 - "$TMP/help.txt" "$MAN" "$ROOT/share/bash-completion/completions/layerwaste" \
	"$ROOT/share/zsh/site-functions/_layerwaste" \
	"$ROOT/share/fish/vendor_completions.d/layerwaste.fish" <<'PY' >"$TMP/drift" || true
import re, sys
help_text = open(sys.argv[1]).read()
longs = set(re.findall(r"--([a-z][a-z0-9-]*[a-z0-9])(?![A-Za-z0-9-])", help_text))
shorts = set(re.findall(r"^\s+-([a-zA-Z]),", help_text, re.M))
m = re.search(r"--max-KIND-bytes.*?per kind:(.*?)\n\s+--", help_text, re.S)
if not m:
    print("help: no --max-KIND-bytes line to expand")
else:
    for kind in re.findall(r"[a-z][a-z-]*", m.group(1)):
        longs.add("max-%s-bytes" % kind)
m = re.search(r"--format FMT\s+(.*?)\n\s+-o,", help_text, re.S)
formats = set(re.findall(r"[a-z]+", m.group(1))) - {"default", "or"} if m else set()
if len(formats) < 7:
    print("help: formats not found: %s" % sorted(formats))
man = open(sys.argv[2]).read().replace("\\-", "-")
files = {"man page": man}
for name, path in (("bash", sys.argv[3]), ("zsh", sys.argv[4]), ("fish", sys.argv[5])):
    files[name] = open(path).read()
def has_long(name, text, opt):
    if name == "fish":
        return re.search(r"-l %s(\s|$)" % re.escape(opt), text)
    return re.search(r"--%s(?![a-zA-Z0-9-])" % re.escape(opt), text)
def has_short(name, text, opt):
    if name == "fish":
        return re.search(r"-s %s\s" % opt, text)
    return re.search(r"(?<![a-zA-Z0-9-])-%s(?![a-zA-Z0-9-])" % opt, text)
for name, text in files.items():
    for opt in sorted(longs):
        if not has_long(name, text, opt):
            print("%s lacks --%s" % (name, opt))
    for opt in sorted(shorts):
        if not has_short(name, text, opt):
            print("%s lacks -%s" % (name, opt))
    for fmt in sorted(formats):
        if not re.search(r"\b%s\b" % fmt, text):
            print("%s lacks the format %s" % (name, fmt))
print("checked %d long options, %d short, %d formats" % (len(longs), len(shorts), len(formats)), file=sys.stderr)
PY
if [ -s "$TMP/drift" ]; then fail "drift from --help: $(paste -sd';' "$TMP/drift")"; else ok; fi
finish
