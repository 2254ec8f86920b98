/* Unit tests of the shell splitter: command ranges, words, removal of one
 * command from a chain, chown/chgrp/chmod/touch/find recognition. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "layerwaste/dockerfile.h"
#include "suite.h"

static struct lw_sh_script split_ok(const char *text, char esc)
{
	struct lw_sh_script s;
	struct lw_error err = { 0, "" };
	int rc = lw_sh_split(text, strlen(text), esc, &s, &err);

	ck_assert_msg(rc == 0, "split failed: %s", err.msg);
	return s;
}

/* The text of command i as its byte range gives it. */
static char *range(const char *text, const struct lw_sh_cmd *c)
{
	return strndup(text + c->start, c->end - c->start);
}

static char *removed(const char *text, char esc, size_t i)
{
	struct lw_sh_script s = split_ok(text, esc);
	char *r = lw_sh_remove(text, strlen(text), &s, i);

	lw_sh_script_release(&s);
	return r;
}

START_TEST(test_split_operators)
{
	const char *t = "a && b || c; d | e & f\ng";
	struct lw_sh_script s = split_ok(t, 0);
	static const int before[] = { LW_SH_END, LW_SH_AND, LW_SH_OR, LW_SH_SEMI,
				      LW_SH_PIPE, LW_SH_BG, LW_SH_NEWLINE };
	static const char *const names = "abcdefg";
	size_t i;

	ck_assert_uint_eq(s.ncmds, 7);
	for (i = 0; i < 7; i++) {
		ck_assert_int_eq(s.cmds[i].op_before, before[i]);
		ck_assert_int_eq(s.cmds[i].op_after, i < 6 ? before[i + 1] : LW_SH_END);
		ck_assert_uint_eq(s.cmds[i].nwords, 1);
		ck_assert_int_eq(s.cmds[i].words[0][0], names[i]);
		ck_assert_uint_eq(s.cmds[i].end - s.cmds[i].start, 1);
		ck_assert_int_eq(t[s.cmds[i].start], names[i]);
	}
	lw_sh_script_release(&s);
}
END_TEST

START_TEST(test_split_words)
{
	const char *t = "echo 'a b' \"c \\\"d\\\" $HOME\" e\\ f $(date +%s) `id -u` "
			"${X:-y} >/dev/null 2>&1 g#h # trailing comment";
	struct lw_sh_script s = split_ok(t, 0);
	struct lw_sh_cmd *c = &s.cmds[0];
	char *r;

	ck_assert_uint_eq(s.ncmds, 1);
	ck_assert_uint_eq(c->nwords, 8);
	ck_assert_str_eq(c->words[0], "echo");
	ck_assert_str_eq(c->words[1], "a b");
	ck_assert_str_eq(c->words[2], "c \"d\" $HOME");
	ck_assert_str_eq(c->words[3], "e f");
	ck_assert_str_eq(c->words[4], "$(date +%s)");
	ck_assert_str_eq(c->words[5], "`id -u`");
	ck_assert_str_eq(c->words[6], "${X:-y}");
	ck_assert_str_eq(c->words[7], "g#h");
	r = range(t, c);
	ck_assert_str_eq(r, "echo 'a b' \"c \\\"d\\\" $HOME\" e\\ f $(date +%s) "
			 "`id -u` ${X:-y} >/dev/null 2>&1 g#h");
	free(r);
	lw_sh_script_release(&s);
}
END_TEST

START_TEST(test_split_quoted_operators)
{
	/* operators inside quotes and substitutions split nothing */
	const char *t = "sh -c 'a && b' && echo \"x;y|z\" $(c && d) && e";
	struct lw_sh_script s = split_ok(t, 0);

	ck_assert_uint_eq(s.ncmds, 3);
	ck_assert_str_eq(s.cmds[0].words[2], "a && b");
	ck_assert_str_eq(s.cmds[1].words[1], "x;y|z");
	ck_assert_str_eq(s.cmds[1].words[2], "$(c && d)");
	ck_assert_str_eq(s.cmds[2].words[0], "e");
	lw_sh_script_release(&s);
}
END_TEST

START_TEST(test_split_continuations)
{
	const char *t = "apt-get update \\\n    && apt-get install -y \\\n"
			"       curl \\\n    && chown -R app:app /app";
	struct lw_sh_script s = split_ok(t, 0);
	char *r;

	ck_assert_uint_eq(s.ncmds, 3);
	ck_assert_uint_eq(s.cmds[1].nwords, 4);
	ck_assert_str_eq(s.cmds[1].words[3], "curl");
	r = range(t, &s.cmds[1]);
	ck_assert_str_eq(r, "apt-get install -y \\\n       curl");
	free(r);
	ck_assert_int_eq(s.cmds[2].op_before, LW_SH_AND);
	ck_assert_str_eq(s.cmds[2].words[0], "chown");
	lw_sh_script_release(&s);
}
END_TEST

START_TEST(test_split_dockerfile_mode)
{
	/* comment and blank lines inside continuations are the Dockerfile's */
	const char *t = "a \\\n  # not a command\n\n  && b `\n && c";
	struct lw_sh_script s = split_ok(t, '`');

	ck_assert_uint_eq(s.ncmds, 3);
	ck_assert_str_eq(s.cmds[1].words[0], "b");
	ck_assert_int_eq(s.cmds[2].op_before, LW_SH_AND);
	lw_sh_script_release(&s);
	/* plain shell: the comment ends the command at its newline */
	s = split_ok("a \\\n  # c\n b", 0);
	ck_assert_uint_eq(s.ncmds, 2);
	ck_assert_int_eq(s.cmds[1].op_before, LW_SH_NEWLINE);
	lw_sh_script_release(&s);
}
END_TEST

START_TEST(test_split_subshell)
{
	const char *t = "a && (cd /x && b) || c";
	struct lw_sh_script s = split_ok(t, 0);

	ck_assert_uint_eq(s.ncmds, 4);
	ck_assert_int_eq(s.cmds[0].depth, 0);
	ck_assert_int_eq(s.cmds[1].depth, 1);
	ck_assert_int_eq(s.cmds[1].op_before, LW_SH_OPEN);
	ck_assert_int_eq(s.cmds[2].op_after, LW_SH_CLOSE);
	ck_assert_int_eq(s.cmds[3].op_before, LW_SH_OR);
	ck_assert_int_eq(s.cmds[3].depth, 0);
	lw_sh_script_release(&s);
}
END_TEST

START_TEST(test_split_errors)
{
	static const char *const bad[] = { "echo 'abc", "echo \"abc", "echo $(date",
					   "echo `id", "echo ${X" };
	struct lw_sh_script s;
	struct lw_error err = { 0, "" };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		ck_assert_int_eq(lw_sh_split(bad[i], strlen(bad[i]), 0, &s, &err),
				 LW_ERR_INPUT);
		ck_assert_ptr_null(s.cmds);
		ck_assert_ptr_nonnull(strstr(err.msg, "unterminated"));
	}
}
END_TEST

START_TEST(test_remove_chain)
{
	char *r;

	r = removed("a && chown -R u:g /app && b", 0, 1);
	ck_assert_str_eq(r, "a && b");
	free(r);
	r = removed("chown -R u:g /app && b", 0, 0);
	ck_assert_str_eq(r, "b");
	free(r);
	r = removed("a && chown -R u:g /app", 0, 1);
	ck_assert_str_eq(r, "a");
	free(r);
	r = removed("chown -R u:g /app", 0, 0);
	ck_assert_str_eq(r, "");
	free(r);
	r = removed("  chown x  ", 0, 0);
	ck_assert_str_eq(r, "");
	free(r);
	r = removed("a; chown x; b", 0, 1);
	ck_assert_str_eq(r, "a; b");
	free(r);
	r = removed("a; chown x;", 0, 1);
	ck_assert_str_eq(r, "a;");
	free(r);
}
END_TEST

START_TEST(test_remove_continuations)
{
	char *r;

	r = removed("a \\\n && chown x \\\n && b", 0, 1);
	ck_assert_str_eq(r, "a \\\n && b");
	free(r);
	r = removed("a && \\\n    chown x && \\\n    b", 0, 1);
	ck_assert_str_eq(r, "a && \\\n    b");
	free(r);
	r = removed("a \\\n && chown x", 0, 1);
	ck_assert_str_eq(r, "a");
	free(r);
	r = removed("chown x \\\n    && b \\\n    && c", 0, 0);
	ck_assert_str_eq(r, "b \\\n    && c");
	free(r);
	/* Dockerfile text: the comment line goes with the removed command */
	r = removed("a \\\n && chown x \\\n # why\n && b", '\\', 1);
	ck_assert_str_eq(r, "a \\\n && b");
	free(r);
	r = removed("a `\n && chown x `\n && b", '`', 1);
	ck_assert_str_eq(r, "a `\n && b");
	free(r);
}
END_TEST

START_TEST(test_remove_refused)
{
	ck_assert_ptr_null(removed("a || chown x && b", 0, 1));
	ck_assert_ptr_null(removed("a && chown x || b", 0, 1));
	ck_assert_ptr_null(removed("chown x | tee log", 0, 0));
	ck_assert_ptr_null(removed("a | chown x", 0, 1));
	ck_assert_ptr_null(removed("chown x & b", 0, 0));
	ck_assert_ptr_null(removed("a && (chown x) && b", 0, 1));
	ck_assert_ptr_null(removed("a && b", 0, 2));
}
END_TEST

START_TEST(test_remove_subshell)
{
	char *r;

	r = removed("a && (cd /x && chown y) && b", 0, 2);
	ck_assert_str_eq(r, "a && (cd /x) && b");
	free(r);
	r = removed("(chown y && cd /x) && b", 0, 0);
	ck_assert_str_eq(r, "(cd /x) && b");
	free(r);
	r = removed("(a) && chown y", 0, 1);
	ck_assert_str_eq(r, "(a)");
	free(r);
	r = removed("chown y && (b)", 0, 0);
	ck_assert_str_eq(r, "(b)");
	free(r);
	r = removed("(a; chown y;) && b", 0, 1);
	ck_assert_str_eq(r, "(a;) && b");
	free(r);
}
END_TEST

static struct lw_sh_perm perm_ok(const char *text)
{
	struct lw_sh_script s = split_ok(text, 0);
	struct lw_sh_perm p;

	ck_assert_uint_eq(s.ncmds, 1);
	ck_assert_msg(lw_sh_perm_parse(s.cmds[0].words, s.cmds[0].nwords, &p) == 0,
		      "not recognised: %s", text);
	lw_sh_script_release(&s);
	return p;
}

static int perm_fails(const char *text)
{
	struct lw_sh_script s = split_ok(text, 0);
	struct lw_sh_perm p;
	int rc = lw_sh_perm_parse(s.cmds[0].words, s.cmds[0].nwords, &p);

	lw_sh_script_release(&s);
	if (!rc)
		lw_sh_perm_release(&p);
	return rc == -1 && !p.tool && !p.paths;
}

START_TEST(test_perm_chown)
{
	struct lw_sh_perm p = perm_ok("chown -R app:app /app /srv/data");

	ck_assert_str_eq(p.tool, "chown");
	ck_assert_int_eq(p.recursive, 1);
	ck_assert_str_eq(p.owner, "app");
	ck_assert_str_eq(p.group, "app");
	ck_assert_ptr_null(p.mode);
	ck_assert_uint_eq(p.npaths, 2);
	ck_assert_str_eq(p.paths[0], "/app");
	ck_assert_str_eq(p.paths[1], "/srv/data");
	lw_sh_perm_release(&p);

	p = perm_ok("/bin/chown --recursive -h -v --from=root 1000 -- -odd");
	ck_assert_int_eq(p.recursive, 1);
	ck_assert_str_eq(p.owner, "1000");
	ck_assert_ptr_null(p.group);
	ck_assert_str_eq(p.paths[0], "-odd");
	lw_sh_perm_release(&p);

	p = perm_ok("sudo -u root chown :staff \"$APP_HOME\"");
	ck_assert_int_eq(p.recursive, 0);
	ck_assert_ptr_null(p.owner);
	ck_assert_str_eq(p.group, "staff");
	ck_assert_str_eq(p.paths[0], "$APP_HOME");
	lw_sh_perm_release(&p);

	p = perm_ok("DEBIAN_FRONTEND=x busybox chown -hR node: /home/node");
	ck_assert_int_eq(p.recursive, 1);
	ck_assert_str_eq(p.owner, "node");
	ck_assert_str_eq(p.group, "");
	lw_sh_perm_release(&p);

	p = perm_ok("chgrp -R 0 /app");
	ck_assert_str_eq(p.tool, "chgrp");
	ck_assert_str_eq(p.group, "0");
	ck_assert_ptr_null(p.owner);
	lw_sh_perm_release(&p);
}
END_TEST

START_TEST(test_perm_chmod_touch)
{
	struct lw_sh_perm p = perm_ok("chmod 0755 /usr/local/bin/tool.sh");

	ck_assert_str_eq(p.tool, "chmod");
	ck_assert_str_eq(p.mode, "0755");
	ck_assert_int_eq(p.recursive, 0);
	ck_assert_str_eq(p.paths[0], "/usr/local/bin/tool.sh");
	lw_sh_perm_release(&p);

	p = perm_ok("chmod -R u+rwX,go-w /app");
	ck_assert_str_eq(p.mode, "u+rwX,go-w");
	ck_assert_int_eq(p.recursive, 1);
	lw_sh_perm_release(&p);

	p = perm_ok("chmod -x /a /b");
	ck_assert_str_eq(p.mode, "-x");
	ck_assert_uint_eq(p.npaths, 2);
	lw_sh_perm_release(&p);

	p = perm_ok("touch -d '2020-01-01 00:00' -c /data/stamp.txt");
	ck_assert_str_eq(p.tool, "touch");
	ck_assert_uint_eq(p.npaths, 1);
	ck_assert_str_eq(p.paths[0], "/data/stamp.txt");
	lw_sh_perm_release(&p);

	p = perm_ok("touch --reference /etc/passwd a b");
	ck_assert_uint_eq(p.npaths, 2);
	ck_assert_str_eq(p.paths[1], "b");
	lw_sh_perm_release(&p);
}
END_TEST

START_TEST(test_perm_find)
{
	struct lw_sh_perm p = perm_ok("find /app /srv -exec chown app:app {} \\;");

	ck_assert_str_eq(p.tool, "find");
	ck_assert_str_eq(p.exec_tool, "chown");
	ck_assert_int_eq(p.recursive, 1);
	ck_assert_int_eq(p.filtered, 0);
	ck_assert_str_eq(p.owner, "app");
	ck_assert_str_eq(p.group, "app");
	ck_assert_uint_eq(p.npaths, 2);
	ck_assert_str_eq(p.paths[1], "/srv");
	lw_sh_perm_release(&p);

	p = perm_ok("find /app -type f -name '*.sh' -exec chmod 755 {} +");
	ck_assert_str_eq(p.exec_tool, "chmod");
	ck_assert_str_eq(p.mode, "755");
	ck_assert_int_eq(p.filtered, 1);
	lw_sh_perm_release(&p);

	p = perm_ok("find -xdev -exec chgrp 0 {} ;");
	ck_assert_str_eq(p.paths[0], ".");
	ck_assert_str_eq(p.group, "0");
	ck_assert_int_eq(p.filtered, 0);
	lw_sh_perm_release(&p);
}
END_TEST

START_TEST(test_perm_rejected)
{
	ck_assert(perm_fails("echo chown -R a /b"));
	ck_assert(perm_fails("chown -R app:app"));
	ck_assert(perm_fails("chmod 755"));
	ck_assert(perm_fails("chown --reference=/etc /app"));
	ck_assert(perm_fails("touch -c"));
	ck_assert(perm_fails("find /app -name x -delete"));
	ck_assert(perm_fails("sudo"));
	ck_assert(perm_fails("then chown a /b"));
}
END_TEST

START_TEST(test_split_then_perm)
{
	/* the "waste" fixture's RUN: one chain, two recognised commands */
	const char *t = "chown 1000:1000 /data/settings.conf && chmod 0600 "
			"/data/settings.conf";
	struct lw_sh_script s = split_ok(t, 0);
	struct lw_sh_perm p;
	char *r;

	ck_assert_uint_eq(s.ncmds, 2);
	ck_assert_int_eq(lw_sh_perm_parse(s.cmds[1].words, s.cmds[1].nwords, &p), 0);
	ck_assert_str_eq(p.mode, "0600");
	lw_sh_perm_release(&p);
	r = lw_sh_remove(t, strlen(t), &s, 0);
	ck_assert_str_eq(r, "chmod 0600 /data/settings.conf");
	free(r);
	lw_sh_script_release(&s);
}
END_TEST

static Suite *shell_suite(void)
{
	Suite *s = suite_create("shell");
	TCase *sp = tcase_create("split");
	TCase *rm = tcase_create("remove");
	TCase *pm = tcase_create("perm");

	tcase_add_test(sp, test_split_operators);
	tcase_add_test(sp, test_split_words);
	tcase_add_test(sp, test_split_quoted_operators);
	tcase_add_test(sp, test_split_continuations);
	tcase_add_test(sp, test_split_dockerfile_mode);
	tcase_add_test(sp, test_split_subshell);
	tcase_add_test(sp, test_split_errors);
	suite_add_tcase(s, sp);
	tcase_add_test(rm, test_remove_chain);
	tcase_add_test(rm, test_remove_continuations);
	tcase_add_test(rm, test_remove_refused);
	tcase_add_test(rm, test_remove_subshell);
	suite_add_tcase(s, rm);
	tcase_add_test(pm, test_perm_chown);
	tcase_add_test(pm, test_perm_chmod_touch);
	tcase_add_test(pm, test_perm_find);
	tcase_add_test(pm, test_perm_rejected);
	tcase_add_test(pm, test_split_then_perm);
	suite_add_tcase(s, pm);
	return s;
}

int main(void)
{
	return lwt_run_suite(shell_suite());
}
