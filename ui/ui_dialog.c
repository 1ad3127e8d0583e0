/* ui_dialog: boxes over the current screen — an error that says what
 * happened and what to do next, a message, a yes/no question, and the
 * progress note shown before anything that takes more than 200 ms. */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "ui_int.h"

void ui_box(int h, int w, const char *title, attr_t attr, int *y, int *x)
{
	int r;

	if (w > COLS - 2)
		w = COLS - 2;
	if (h > LINES - 2)
		h = LINES - 2;
	*y = (LINES - h) / 2;
	*x = (COLS - w) / 2;
	attrset(attr);
	for (r = 0; r < h; r++)
		ui_put(*y + r, *x, "", w, 1);
	mvhline(*y, *x, ACS_HLINE, w);
	mvhline(*y + h - 1, *x, ACS_HLINE, w);
	mvvline(*y, *x, ACS_VLINE, h);
	mvvline(*y, *x + w - 1, ACS_VLINE, h);
	mvaddch(*y, *x, ACS_ULCORNER);
	mvaddch(*y, *x + w - 1, ACS_URCORNER);
	mvaddch(*y + h - 1, *x, ACS_LLCORNER);
	mvaddch(*y + h - 1, *x + w - 1, ACS_LRCORNER);
	if (title && *title) {
		char t[128];
		snprintf(t, sizeof(t), " %s ", title);
		attron(A_BOLD);
		ui_put(*y, *x + 2, t, w - 4, 0);
	}
	attrset(attr);
}

int ui_wrap(const char *text, int y, int x, int w, int draw)
{
	char line[512];
	int n = 0;

	while (*text) {
		size_t len = 0, last_blank = 0;
		int cols = 0;
		while (text[len] && text[len] != '\n') {
			size_t cl = 1;
			char one[8];
			while ((text[len + cl] & 0xC0) == 0x80 && cl < 6)
				cl++;
			memcpy(one, text + len, cl);
			one[cl] = 0;
			if (cols + ui_text_width(one) > w)
				break;
			cols += ui_text_width(one);
			if (text[len] == ' ')
				last_blank = len;
			len += cl;
		}
		if (text[len] && text[len] != '\n' && last_blank > 0)
			len = last_blank;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, text, len);
		line[len] = 0;
		if (draw)
			ui_put(y + n, x, line, w, 0);
		n++;
		text += len;
		while (*text == ' ' || *text == '\n')
			text++;
	}
	return n;
}

static void box_text(const char *title, const char *text, const char *footer, attr_t attr)
{
	int w = COLS - 8 > 70 ? 70 : COLS - 8, h, y, x;

	h = ui_wrap(text, 0, 0, w - 4, 0) + 4;
	ui_box(h, w, title, attr, &y, &x);
	ui_wrap(text, y + 1, x + 2, w - 4, 1);
	attron(A_BOLD);
	ui_put(y + h - 2, x + 2, footer, w - 4, 0);
	attrset(A_NORMAL);
	curs_set(0);
	refresh();
}

/* Waits for a key that closes a box: a resize redraws it, and a card
 * coming or going is not the cashier's answer. */
static int box_key(void)
{
	int key = ui_getkey();

	return key == UI_K(KEY_RESIZE) || key == UI_K_CARD;
}

void ui_error(int code, const char *next)
{
	char what[512], text[1024];

	err_text(code, what, sizeof(what));
	snprintf(text, sizeof(text), "%s.%s%s", what, next ? "\n" : "", next ? next : "");
	/* A resize redraws the box at the new centre. */
	do
		box_text(_("Error"), text, _("Press any key to go on."), ui_attr(UI_C_ERROR));
	while (box_key());
}

void ui_message(const char *title, const char *text)
{
	do
		box_text(title, text, _("Press any key to go on."), A_NORMAL);
	while (box_key());
}

int ui_confirm(const char *question)
{
	int key;

	for (;;) {
		box_text(_("Confirm"), question, _("y = yes, n or Esc = no"), A_NORMAL);
		key = ui_getkey();
		if (key == 'y' || key == 'Y')
			return 1;
		if (key == 'n' || key == 'N' || key == UI_ESC || key == UI_F(10))
			return 0;
	}
}

void ui_progress(const char *text)
{
	int w = ui_text_width(text) + 6, y, x;

	ui_box(3, w, NULL, A_BOLD, &y, &x);
	ui_put(y + 1, x + 3, text, w - 6, 0);
	attrset(A_NORMAL);
	curs_set(0);
	refresh();
}
