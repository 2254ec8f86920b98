/* lw_browse: the terminal, the key loop and the filter prompt. Keys are
 * read from the terminal even when the image came on standard input: from
 * /dev/tty, through newterm, when stdin is not a terminal. */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "layerwaste/browse.h"
#include "tui.h"

#define ESC_DELAY_MS 25
#define MAX_READ_ERRORS 64 /* in a row: the terminal is gone */
#define KEY_ESCAPE 27

static int map_key(wint_t ch)
{
	switch (ch) {
	case KEY_UP: return LW_VM_K_UP;
	case KEY_DOWN: return LW_VM_K_DOWN;
	case KEY_LEFT: return LW_VM_K_LEFT;
	case KEY_RIGHT: return LW_VM_K_RIGHT;
	case KEY_PPAGE: return LW_VM_K_PGUP;
	case KEY_NPAGE: return LW_VM_K_PGDN;
	case KEY_HOME: return LW_VM_K_HOME;
	case KEY_END: return LW_VM_K_END;
	case KEY_BTAB: return LW_VM_K_BTAB;
	case KEY_ENTER: return LW_VM_K_ENTER;
	case KEY_BACKSPACE: return 127;
	default:
		if (ch >= KEY_F(1) && ch <= KEY_F(12))
			return LW_KEY_F1 + (int)(ch - KEY_F(1));
		return -1;
	}
}

/* Removes the last UTF-8 character of s. */
static void drop_last(char *s)
{
	size_t n = strlen(s);

	while (n > 0) {
		n--;
		if (((unsigned char)s[n] & 0xc0) != 0x80)
			break;
	}
	s[n] = '\0';
}

static void append(char *s, size_t size, wint_t ch)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	size_t n, len = strlen(s);

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || len + n >= size)
		return;
	memcpy(s + len, mb, n);
	s[len + n] = '\0';
}

/* Reads the filter at the prompt. Enter applies it, Esc leaves the one
 * in force. Returns -1 when the terminal is gone. */
static int edit_filter(struct lwt *t)
{
	int errors = 0, rc = 0;
	wint_t ch;

	snprintf(t->edit, sizeof(t->edit), "%s", t->vm->filter);
	t->editing = 1;
	for (;;) {
		int r;

		lwt_draw(t);
		r = get_wch(&ch);
		if (r == ERR) {
			if (++errors > MAX_READ_ERRORS) {
				rc = -1;
				break;
			}
			continue;
		}
		errors = 0;
		if (r == KEY_CODE_YES) {
			if (ch == KEY_ENTER) {
				lw_vm_set_filter(t->vm, t->edit);
				break;
			}
			if (ch == KEY_BACKSPACE)
				drop_last(t->edit);
			continue;
		}
		if (ch == '\n' || ch == '\r') {
			lw_vm_set_filter(t->vm, t->edit);
			break;
		}
		if (ch == KEY_ESCAPE)
			break;
		if (ch == 127 || ch == 8)
			drop_last(t->edit);
		else if (ch == 21) /* ^U */
			t->edit[0] = '\0';
		else if (ch >= 32 && iswprint(ch))
			append(t->edit, sizeof(t->edit), ch);
	}
	t->editing = 0;
	return rc;
}

static int loop(struct lwt *t)
{
	int errors = 0;
	wint_t ch;

	lwt_draw(t);
	for (;;) {
		int r = get_wch(&ch), key;

		if (r == ERR) {
			/* A signal, or a terminal that hung up. */
			if (++errors > MAX_READ_ERRORS) {
				errno = EIO;
				return -1;
			}
			continue;
		}
		errors = 0;
		if (r == KEY_CODE_YES) {
			if (ch == KEY_RESIZE) {
				lwt_draw(t);
				continue;
			}
			key = map_key(ch);
		} else {
			key = (int)ch;
		}
		if (key < 0)
			continue;
		r = lw_vm_key(t->vm, key);
		if (r == LW_VM_QUIT)
			return 0;
		if (r == LW_VM_FILTER && edit_filter(t) < 0) {
			errno = EIO;
			return -1;
		}
		lwt_draw(t);
	}
}

int lw_browse(const struct lw_result *r, const struct lw_browse_opts *o)
{
	struct lwt t;
	FILE *in = stdin, *tty = NULL;
	SCREEN *scr;
	int rc;

	if (!isatty(STDOUT_FILENO)) {
		errno = ENOTTY;
		return -1;
	}
	if (!isatty(STDIN_FILENO)) {
		tty = fopen("/dev/tty", "r");
		if (!tty)
			return -1;
		in = tty;
	}
	scr = newterm(NULL, stdout, in);
	if (!scr) {
		if (tty)
			fclose(tty);
		errno = ENOTTY;
		return -1;
	}
	set_term(scr);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	curs_set(0);
	memset(&t, 0, sizeof(t));
	lw_strbuf_init(&t.line);
	t.vm = lw_vm_new(r);
	if (o && o->nkeys)
		lw_vm_set_keys(t.vm, o->keys, o->nkeys);
	if (o && o->cmp)
		lw_vm_set_comparison(t.vm, o->cmp);
	if (o && o->color)
		lwt_colors(&t);
	rc = loop(&t);
	endwin();
	delscreen(scr);
	lw_vm_free(t.vm);
	lw_strbuf_release(&t.line);
	if (tty)
		fclose(tty);
	return rc;
}
