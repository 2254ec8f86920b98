/* The browser's key bindings as the config names them: action names,
 * key names (dive's spelling: "ctrl+a", "pgup", "space"), and the
 * `keys:` map's checks. What each action does is the browser's. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "layerwaste/judge.h"

static const struct {
	const char *name;
	int scope;
} actions[LW_ACT_COUNT] = {
	[LW_ACT_QUIT] = { "quit", LW_SCOPE_ANY },
	[LW_ACT_UP] = { "up", LW_SCOPE_ANY },
	[LW_ACT_DOWN] = { "down", LW_SCOPE_ANY },
	[LW_ACT_LEFT] = { "left", LW_SCOPE_ANY },
	[LW_ACT_RIGHT] = { "right", LW_SCOPE_ANY },
	[LW_ACT_PAGE_UP] = { "page-up", LW_SCOPE_ANY },
	[LW_ACT_PAGE_DOWN] = { "page-down", LW_SCOPE_ANY },
	[LW_ACT_FIRST] = { "first", LW_SCOPE_ANY },
	[LW_ACT_LAST] = { "last", LW_SCOPE_ANY },
	[LW_ACT_NEXT_PANE] = { "toggle-view", LW_SCOPE_ANY },
	[LW_ACT_PREV_PANE] = { "previous-view", LW_SCOPE_ANY },
	[LW_ACT_OPEN] = { "toggle-collapse-dir", LW_SCOPE_ANY },
	[LW_ACT_COLLAPSE_ALL] = { "toggle-collapse-all-dir", LW_SCOPE_FILES },
	[LW_ACT_FILTER] = { "filter-files", LW_SCOPE_ANY },
	[LW_ACT_SORT] = { "toggle-sort-order", LW_SCOPE_ANY },
	[LW_ACT_WASTED] = { "toggle-wasted-only", LW_SCOPE_ANY },
	[LW_ACT_IMAGE_VIEW] = { "toggle-image-view", LW_SCOPE_ANY },
	[LW_ACT_COMPARE_ALL] = { "compare-all", LW_SCOPE_LAYERS },
	[LW_ACT_COMPARE_LAYER] = { "compare-layer", LW_SCOPE_LAYERS },
	[LW_ACT_ADDED] = { "toggle-added-files", LW_SCOPE_FILES },
	[LW_ACT_REMOVED] = { "toggle-removed-files", LW_SCOPE_FILES },
	[LW_ACT_MODIFIED] = { "toggle-modified-files", LW_SCOPE_FILES },
	[LW_ACT_UNMODIFIED] = { "toggle-unmodified-files", LW_SCOPE_FILES },
	[LW_ACT_ATTRS] = { "toggle-filetree-attributes", LW_SCOPE_FILES },
	[LW_ACT_CAUSE] = { "show-cause", LW_SCOPE_ANY },
	[LW_ACT_HELP] = { "help", LW_SCOPE_ANY },
	[LW_ACT_CHANGE_ONLY] = { "toggle-change-only", LW_SCOPE_ANY },
};

static const struct {
	const char *name;
	int key;
} named[] = {
	{ "tab", '\t' }, { "enter", '\r' }, { "esc", 27 }, { "space", ' ' },
	{ "slash", '/' }, { "backspace", 127 },
	{ "up", LW_KEY_UP }, { "down", LW_KEY_DOWN }, { "left", LW_KEY_LEFT },
	{ "right", LW_KEY_RIGHT }, { "pgup", LW_KEY_PGUP },
	{ "pgdn", LW_KEY_PGDN }, { "home", LW_KEY_HOME }, { "end", LW_KEY_END },
	{ "shift+tab", LW_KEY_BTAB }, { "keypad-enter", LW_KEY_ENTER },
	/* Other spellings read, never written. */
	{ "pageup", LW_KEY_PGUP }, { "pagedown", LW_KEY_PGDN },
	{ "pgdown", LW_KEY_PGDN }, { "escape", 27 }, { "return", '\r' },
	{ "backtab", LW_KEY_BTAB },
};

const char *lw_key_action_name(int action)
{
	return action >= 0 && action < LW_ACT_COUNT ? actions[action].name :
		NULL;
}

int lw_key_action_from_name(const char *name)
{
	int i;

	for (i = 0; i < LW_ACT_COUNT; i++)
		if (!strcmp(name, actions[i].name))
			return i;
	return -1;
}

int lw_key_action_scope(int action)
{
	return action >= 0 && action < LW_ACT_COUNT ? actions[action].scope :
		LW_SCOPE_ANY;
}

/* Ctrl plus what follows "ctrl+": a letter, space, or one of @[\]^_. */
static int ctrl_key(const char *s, int *key, const char **why)
{
	if (!strcasecmp(s, "space") || !strcmp(s, "@") || !strcmp(s, "2")) {
		*key = 0;
		return 0;
	}
	if (!strcasecmp(s, "slash")) {
		*key = 31; /* what terminals send for Ctrl-/ */
		return 0;
	}
	if (strlen(s) != 1 || !(isalpha((unsigned char)s[0]) ||
				strchr("[\\]^_", s[0]))) {
		*why = "ctrl goes with a letter, space, or one of [\\]^_";
		return -1;
	}
	*key = toupper((unsigned char)s[0]) & 0x1f;
	if (*key == 3 || *key == 26 || *key == 28) {
		*why = "the terminal turns it into a signal (interrupt, "
		       "suspend, quit)";
		return -1;
	}
	return 0;
}

int lw_key_parse(const char *s, int *key, const char **why)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n = strlen(s);

	*why = NULL;
	if (n == 0) {
		*why = "empty key";
		return -1;
	}
	if (!strncasecmp(s, "ctrl+", 5) || !strncasecmp(s, "ctrl-", 5))
		return ctrl_key(s + 5, key, why);
	if (n >= 3 && (!strncasecmp(s, "c-", 2)))
		return ctrl_key(s + 2, key, why);
	if (n == 2 && s[0] == '^')
		return ctrl_key(s + 1, key, why);
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (!strcasecmp(s, named[i].name)) {
			*key = named[i].key;
			return 0;
		}
	if ((s[0] == 'f' || s[0] == 'F') && n <= 3 && isdigit(u[1]) &&
	    (n == 2 || isdigit(u[2]))) {
		int f = atoi(s + 1);

		if (f >= 1 && f <= 12) {
			*key = LW_KEY_F1 + f - 1;
			return 0;
		}
	}
	/* One printable character, ASCII or one UTF-8 character. */
	if (n == 1 && u[0] > 32 && u[0] < 127) {
		*key = u[0];
		return 0;
	}
	if (n >= 2 && n <= 4 && u[0] >= 0xc2 && u[0] <= 0xf4) {
		unsigned cp = n == 2 ? u[0] & 0x1fu : n == 3 ? u[0] & 0x0fu :
			u[0] & 0x07u;

		for (i = 1; i < n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (u[i] & 0x3fu);
		}
		if (i == n && cp >= 0xa0 && cp < 0x110000 &&
		    !(cp >= 0xd800 && cp < 0xe000)) {
			*key = (int)cp;
			return 0;
		}
	}
	*why = "unknown key (a character, ctrl+LETTER, or tab, enter, esc, "
	       "space, up, down, left, right, pgup, pgdn, home, end, "
	       "shift+tab, f1..f12)";
	return -1;
}

const char *lw_key_name(int key, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (named[i].key == key) {
			snprintf(buf, size, "%s", named[i].name);
			return buf;
		}
	if (key == 0)
		snprintf(buf, size, "ctrl+space");
	else if (key == 31)
		snprintf(buf, size, "ctrl+slash");
	else if (key > 0 && key < 32)
		snprintf(buf, size, "ctrl+%c", 'a' + key - 1 <= 'z' ?
			 'a' + key - 1 : '@' + key);
	else if (key >= LW_KEY_F1 && key < LW_KEY_LIMIT)
		snprintf(buf, size, "f%d", key - LW_KEY_F1 + 1);
	else if (key > 32 && key < 127)
		snprintf(buf, size, "%c", key);
	else if (key >= 0xa0 && key < 0x110000)
		snprintf(buf, size, "U+%04X", (unsigned)key);
	else
		snprintf(buf, size, "?");
	return buf;
}

static int overlap(int a, int b)
{
	int sa = lw_key_action_scope(a), sb = lw_key_action_scope(b);

	return sa == LW_SCOPE_ANY || sb == LW_SCOPE_ANY || sa == sb;
}

int lw_keys_set(struct lw_rules_config *c, const char *action,
		const char *text, struct lw_error *err)
{
	int act = lw_key_action_from_name(action), key, nkeys = 0;
	char word[64], kn[32];
	const char *p = text, *why;
	size_t i, j, kept = 0;

	if (act < 0)
		return lw_error_set(err, LW_ERR_USAGE, "%s: unknown action "
				    "(see docs/browse.md for the list)",
				    action);
	/* A second setting of the action replaces the first. */
	for (i = 0; i < c->nkeys; i++)
		if (c->keys[i].action != act)
			c->keys[kept++] = c->keys[i];
	c->nkeys = kept;
	while (*p) {
		size_t n;

		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		/* A lone "," is the comma key only as the whole value. */
		n = strcspn(p, ",");
		while (n > 0 && p[n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof(word))
			return lw_error_set(err, LW_ERR_USAGE, "%s: key too "
					    "long", action);
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (lw_key_parse(word, &key, &why) < 0)
			return lw_error_set(err, LW_ERR_USAGE, "%s: '%s': %s",
					    action, word, why);
		for (j = 0; j < c->nkeys; j++) {
			if (c->keys[j].key != key)
				continue;
			if (c->keys[j].action == act)
				return lw_error_set(err, LW_ERR_USAGE, "%s: "
						    "'%s' given twice", action,
						    word);
			if (overlap(c->keys[j].action, act))
				return lw_error_set(err, LW_ERR_USAGE,
					"%s: %s is already bound to %s",
					action, lw_key_name(key, kn,
							    sizeof(kn)),
					lw_key_action_name(c->keys[j].action));
		}
		if (++nkeys > LW_KEYS_PER_ACTION || c->nkeys >= LW_KEYS_MAX)
			return lw_error_set(err, LW_ERR_USAGE, "%s: more than "
					    "%d keys", action, nkeys >
					    LW_KEYS_PER_ACTION ?
					    LW_KEYS_PER_ACTION : LW_KEYS_MAX);
		c->keys[c->nkeys].action = act;
		c->keys[c->nkeys++].key = key;
	}
	if (!nkeys)
		return lw_error_set(err, LW_ERR_USAGE, "%s: no key", action);
	return LW_OK;
}
