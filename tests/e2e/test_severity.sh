#!/usr/bin/env bash
# Severities and --fail-on on the waste image (built by buildah,
# fixtures/images): only what broke a rule is an error in github, SARIF
# and GitLab, a kind whose rule is disabled keeps its severity; --fail-on
# over the rules' judged set (floor, ignores) from the flag, the variable
# and the config; config severities and their precedence; the JUnit gate
# case; and --fix leaving the fixes of suppressed causes out.
. "$(dirname "$0")/lib.sh"

WASTE=$FIX/waste/docker-archive.tar
DF=$LW_ROOT/fixtures/src/waste/Dockerfile
cd "$TMP"

# One format's level per kind: "kind=level ..." sorted by kind.
sarif_levels() {
	jget "$1" "' '.join(sorted(set(r['properties']['kind'] + '=' + r['level'] for r in d['runs'][0]['results'] if 'kind' in r['properties'])))"
}
gitlab_levels() {
	jget "$1" "' '.join(sorted(set(i['check_name'].split('/')[1] + '=' + i['severity'] for i in d if '/rule/' not in i['check_name'])))"
}
# github: the level of the annotation whose title names the text.
gh_level() {
	grep -F "$2" "$1" | head -1 | sed -E 's/^::([a-z]+) .*/\1/'
}

# max-chown-bytes fails; max-delete-bytes is disabled; no other rule.
rules=(-q --no-config --dockerfile "$DF" --max-chown-bytes 1kB
	--max-delete-bytes disabled)
run_lw 1 gh.txt "${rules[@]}" -f github "$WASTE"
check_eq "github: the chown broke the rule" error \
	"$(gh_level gh.txt 'copied only to change owner::')"
check_eq "github: chmod (no rule)" warning \
	"$(gh_level gh.txt 'copied only to change mode::')"
check_eq "github: delete (rule disabled)" warning \
	"$(gh_level gh.txt 'in deleted files still stored')"
check_eq "github: overwrite (no rule)" warning \
	"$(gh_level gh.txt 'in overwritten files still stored')"
grep -q '^::error title=layerwaste%3A rule max-chown-bytes failed::' gh.txt && ok ||
	fail "github: no error for the failed rule"
check_eq "github: one error per broken cause and rule" 2 "$(grep -c '^::error' gh.txt)"
run_lw 1 s.sarif "${rules[@]}" -f sarif "$WASTE"
check_eq "sarif: levels" \
	"chmod=warning chown+chmod=warning chown=error delete=warning overwrite=warning touch=warning" \
	"$(sarif_levels s.sarif)"
run_lw 1 g.json "${rules[@]}" -f gitlab "$WASTE"
check_eq "gitlab: levels" \
	"chmod=minor chown-chmod=minor chown=major delete=minor overwrite=minor touch=minor" \
	"$(gitlab_levels g.json)"
run_lw 1 j.json "${rules[@]}" -f json "$WASTE"
check_eq "json: causes' level" \
	"chmod=warning chown+chmod=warning chown=error delete=warning overwrite=warning touch=warning" \
	"$(jget j.json "' '.join(sorted(set(c['kind'] + '=' + c['level'] for c in d['causes'])))")"
check_eq "json: severities and judged bytes" "warning 20500" \
	"$(jget j.json "' '.join(sorted(set(c['severity'] for c in d['causes']))) + ' %d' % sum(c['judged_bytes'] for c in d['causes'])")"
# The same run before severities made every cause an error: a
# max-wasted-bytes that fails still does.
run_lw 1 all.sarif -q --no-config --dockerfile "$DF" --max-wasted-bytes 1kB -f sarif "$WASTE"
check_eq "sarif: every kind counts toward max-wasted-bytes" \
	"chmod=error chown+chmod=error chown=error delete=error overwrite=error touch=error" \
	"$(sarif_levels all.sarif)"

# --fail-on: no rule; warnings fail at warning, nothing at none.
run_lw 0 none.txt -q --no-config -f github "$WASTE"
run_lw 1 w.txt -q --no-config --fail-on warning -f github "$WASTE"
grep -q "layerwaste: FAIL: .* 9 causes fail at --fail-on warning" w.txt.err && ok ||
	fail "--fail-on warning: no verdict line: $(cat w.txt.err)"
check_eq "--fail-on warning: levels stay warnings" 0 "$(grep -c '^::error' w.txt)"
# The text report says so in its Gate section, before the rules.
run_lw 1 wt.txt -q --no-config --fail-on warning --max-wasted-bytes 1MB "$WASTE"
check_eq "text: the gate section" \
	"Gate: FAIL at --fail-on warning|  FAIL  9 causes (20.5 kB judged) of severity warning or above|Rules: PASS, 1 passed" \
	"$(sed -n '/^Gate:/,/^Rules:/p' wt.txt | paste -sd'|')"
run_lw 0 ng.txt -q --no-config --fail-on error "$WASTE"
check_eq "text: a passing gate" "Gate: PASS at --fail-on error" "$(grep '^Gate:' ng.txt)"
run_lw 0 n.txt -q --no-config --fail-on none -f github "$WASTE"
grep -q "layerwaste: PASS" n.txt.err && ok || fail "--fail-on none: not PASS: $(cat n.txt.err)"
# A failed rule fails the run whatever --fail-on says.
run_lw 1 nr.txt -q --no-config --fail-on none --max-chown-bytes 1kB "$WASTE"
run_lw 2 bad.txt -q --no-config --fail-on warn "$WASTE"
grep -q -- "fail-on: 'warn' is not a level (error, warning, note, none)" bad.txt.err && ok ||
	fail "--fail-on warn: $(cat bad.txt.err)"
# The variable, and the flag winning over it.
LAYERWASTE_FAIL_ON=note run_lw 1 env.txt -q --no-config "$WASTE"
LAYERWASTE_FAIL_ON=note run_lw 0 envflag.txt -q --no-config --fail-on error "$WASTE"
LAYERWASTE_FAIL_ON=bad run_lw 2 envbad.txt -q --no-config "$WASTE"
grep -q 'LAYERWASTE_FAIL_ON' envbad.txt.err && ok || fail "bad variable not named: $(cat envbad.txt.err)"
# The judged set is the rules': a floor above every cause (the largest
# is 8.0 kB) leaves nothing to fail, and those causes are notes.
run_lw 0 floor.txt -q --no-config --fail-on warning --min-finding-bytes 10kB -f github \
	--dockerfile "$DF" "$WASTE"
check_eq "floor: every cause a notice" 0 "$(grep -c '^::warning\|^::error' floor.txt)"
run_lw 1 floor2.json -q --no-config --fail-on warning --min-finding-bytes 5kB \
	--ignore-path /data -f json "$WASTE"
check_eq "floor: the one cause left" "1 5000 5000" \
	"$(jget floor2.json "'%d %d %d' % (d['rules']['failing_cause_count'], d['rules']['failing_bytes'], d['rules']['judged_bytes'])")"
check_eq "floor: per cause" "chown 5000 warning" \
	"$(jget floor2.json "' '.join('%s %d %s' % (c['kind'], c['judged_bytes'], c['level']) for c in d['causes'] if c['judged_bytes'])")"
check_eq "floor: the rest are notes" "note" \
	"$(jget floor2.json "' '.join(sorted(set(c['level'] for c in d['causes'] if not c['judged_bytes'])))")"

# Config severities: chown is an error (fails at the default fail-on),
# overwrite a note; a fix kind beats its finding kind.
cat >sev.yml <<'EOF'
severity:
  chown: error
  overwrite: note
EOF
run_lw 1 c1.txt -q --config sev.yml --dockerfile "$DF" -f github "$WASTE"
check_eq "config: chown error" error "$(gh_level c1.txt 'copied only to change owner::')"
check_eq "config: overwrite note" notice "$(gh_level c1.txt 'in overwritten files still stored')"
check_eq "config: chmod default" warning "$(gh_level c1.txt 'copied only to change mode::')"
run_lw 1 c1.sarif -q --config sev.yml --dockerfile "$DF" -f sarif "$WASTE"
check_eq "config: sarif rule default levels" "error note warning" \
	"$(jget c1.sarif "' '.join(r['defaultConfiguration']['level'] for r in d['runs'][0]['tool']['driver']['rules'] if r['id'] in ('chown', 'overwrite', 'delete'))")"
printf 'severity:\n  chown: error\n  copy-chown: note\n' >fixkind.yml
run_lw 0 c2.txt -q --config fixkind.yml --dockerfile "$DF" -f github "$WASTE"
check_eq "config: the fix kind wins" notice "$(gh_level c2.txt 'copied only to change owner::')"
# Without the Dockerfile the fix is read from the history: it still wins.
run_lw 0 c3.txt -q --config fixkind.yml -f github "$WASTE"
check_eq "config: the fix kind wins (history)" notice "$(gh_level c3.txt 'copied only to change owner::')"
printf 'fail-on: none\nseverity:\n  chown: error\n' >failnone.yml
run_lw 0 c4.txt -q --config failnone.yml --dockerfile "$DF" -f github "$WASTE"
check_eq "config: an error that fails nothing is a warning" warning \
	"$(gh_level c4.txt 'copied only to change owner::')"
printf 'severity:\n  chmd: error\n' >typo.yml
run_lw 2 typo.txt -q --config typo.yml "$WASTE"
grep -q "typo.yml:2: severity: chmd: unknown key (did you mean chmod?)" typo.txt.err && ok ||
	fail "typo: $(cat typo.txt.err)"
printf 'severity:\n  spaces/app-prot: note\nprofile: spaces\n' >check.yml
run_lw 2 check.txt -q --config check.yml "$WASTE"
grep -q "check.yml:2: severity: spaces/app-prot: no check of the spaces profile has this id (did you mean spaces/app-port?)" check.txt.err && ok ||
	fail "unknown check id: $(cat check.txt.err)"

# Checks: the spaces profile fails writable-app-dir (error),
# recursive-chown and build-time-data (warnings) on the waste image. A
# note for the error check passes the run; then the warnings fail it at
# --fail-on warning, and show as warnings.
run_lw 1 sp.json -q --no-config --profile spaces -f json "$WASTE"
printf 'profile: spaces\nseverity:\n  spaces/writable-app-dir: note\n' >sp.yml
run_lw 0 sp2.sarif -q --config sp.yml --dockerfile "$DF" -f sarif "$WASTE"
# (recursive-chown is told on the chown cause's result, on its lines.)
check_eq "check severity: sarif levels" "spaces/build-time-data=warning spaces/writable-app-dir=note" \
	"$(jget sp2.sarif "' '.join(sorted(set(r['ruleId'] + '=' + r['level'] for r in d['runs'][0]['results'] if r['ruleId'].startswith('spaces/'))))")"
grep -q "PASS: .*3 of 9 spaces checks failed (0 errors)" sp2.sarif.err && ok ||
	fail "check severity: verdict: $(cat sp2.sarif.err)"
run_lw 1 sp3.txt -q --config sp.yml --fail-on warning -f github "$WASTE"
check_eq "check severity: github at --fail-on warning" \
	"notice spaces/writable-app-dir warning spaces/build-time-data warning spaces/recursive-chown" \
	"$(grep 'title=layerwaste spaces/' sp3.txt | sed -E 's/^::([a-z]+) .*title=layerwaste (spaces\/[a-z0-9-]*)%3A.*/\1 \2/' | sort -u -k2 | sort | tr '\n' ' ' | sed 's/ $//')"

# JUnit: the gate is a test case, failed with the causes.
run_lw 1 j.xml -q --no-config --fail-on warning -f junit "$WASTE"
grep -q '<testcase classname="layerwaste.gate" name="fail-on-warning">' j.xml && ok ||
	fail "junit: no gate case"
grep -q '<failure message="9 causes of waste (20.5 kB judged) fail the run at --fail-on warning" type="fail-on">' j.xml && ok ||
	fail "junit: gate failure: $(grep -A2 gate j.xml)"
grep -q 'tests="7" failures="1"' j.xml && ok || fail "junit counts: $(grep -o 'tests="[0-9]*" failures="[0-9]*"' j.xml | head -1)"

# --fix leaves out the fixes of causes whose findings are all suppressed:
# an inline comment on the chown, a config entry on the chmod.
sed 's|^RUN chown -R 1000:1000 /app$|# layerwaste ignore=chown reason="kept on purpose"\n&|' "$DF" >Dockerfile
grep -q 'ignore=chown' Dockerfile && ok || fail "no comment added"
run_lw 0 all.diff -q --no-config --fix --dockerfile "$DF" "$WASTE"
grep -q -- '+COPY --chown=1000:1000 app/ /app/' all.diff && ok || fail "--fix: no chown fix: $(cat all.diff)"
grep -q -- '+COPY --chmod=755 tool.sh' all.diff && ok || fail "--fix: no chmod fix: $(cat all.diff)"
run_lw 0 inline.diff -q --no-config --fix --dockerfile Dockerfile "$WASTE"
grep -q -- '--chown=1000:1000 app/' inline.diff && fail "--fix applies a suppressed cause's fix: $(cat inline.diff)" || ok
grep -q -- '+COPY --chmod=755 tool.sh' inline.diff && ok || fail "--fix: the chmod fix went too: $(cat inline.diff)"
printf 'ignore:\n  - kind: chmod\n    reason: BuildKit is not on our runners\n' >ign.yml
run_lw 0 cfg.diff -q --config ign.yml --fix --dockerfile Dockerfile "$WASTE"
[ -s cfg.diff ] && fail "--fix: fixes of suppressed causes: $(cat cfg.diff)" || ok

finish
