/* ui_form: labelled text fields edited in place. Text is UTF-8; the cursor
 * moves and Backspace deletes by whole characters, and columns are counted
 * with wcwidth so a Chinese name takes two columns a character. Each field
 * has a line under it for the sentence that says what is wrong. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ui_int.h"

#define LABEL_W 22

void ui_field_set(struct ui_field *f, const char *text)
{
	snprintf(f->text, sizeof(f->text), "%s", text ? text : "");
	f->cur = (int)strlen(f->text);
}

/* Byte length of the character starting at s. */
static int char_len(const char *s)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrlen(s, strlen(s), &st);
	return n == (size_t)-1 || n == (size_t)-2 || n == 0 ? 1 : (int)n;
}

/* Byte offset of the character before offset cur. */
static int prev_char(const char *s, int cur)
{
	int i = 0, last = 0;

	while (i < cur) {
		last = i;
		i += char_len(s + i);
	}
	return last;
}

static int field_width(const struct ui_field *f, int x)
{
	int w = f->width ? f->width : COLS - x - LABEL_W - 2;

	if (x + LABEL_W + w > COLS - 1)
		w = COLS - 1 - x - LABEL_W;
	return w < 4 ? 4 : w;
}

/* What the field shows: its text, or one '*' per character for a secret. */
static void shown_text(const struct ui_field *f, char *out, size_t len, int *cur_col)
{
	int i = 0, col = 0;
	size_t j = 0;

	*cur_col = 0;
	if (!f->secret) {
		snprintf(out, len, "%s", f->text);
		char save[UI_FIELD_MAX];
		memcpy(save, f->text, (size_t)f->cur);
		save[f->cur] = 0;
		*cur_col = ui_text_width(save);
		return;
	}
	while (f->text[i] && j + 1 < len) {
		if (i == f->cur)
			*cur_col = col;
		i += char_len(f->text + i);
		out[j++] = '*';
		col++;
	}
	if (i <= f->cur)
		*cur_col = col;
	out[j] = 0;
}

/* The first byte to show so the cursor stays inside width columns. */
static const char *visible_from(const char *s, int cur_col, int width)
{
	int skip = cur_col - (width - 1), w;
	wchar_t wc;
	mbstate_t st;
	size_t n;

	while (skip > 0 && *s) {
		memset(&st, 0, sizeof(st));
		n = mbrtowc(&wc, s, strlen(s), &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			n = 1, wc = L'?';
		w = wcwidth(wc);
		skip -= w < 1 ? 1 : w;
		s += n;
	}
	return s;
}

static void field_geometry(const struct ui_field *f, int x, int *fw, int *cur_col,
			   char *shown, size_t len, const char **from)
{
	int skipped;
	char head[UI_FIELD_MAX];

	*fw = field_width(f, x);
	shown_text(f, shown, len, cur_col);
	*from = visible_from(shown, *cur_col, *fw);
	memcpy(head, shown, (size_t)(*from - shown));
	head[*from - shown] = 0;
	skipped = ui_text_width(head);
	*cur_col -= skipped;
}

int ui_form_draw(struct ui_form *fm, int y, int x, int bottom)
{
	char shown[UI_FIELD_MAX * 3];
	const char *from;
	int i, fw, col, fit = (bottom - y + 1) / 2;

	if (fit < 1)
		fit = 1;
	if (fm->focus < fm->scroll)
		fm->scroll = fm->focus;
	if (fm->focus >= fm->scroll + fit)
		fm->scroll = fm->focus - fit + 1;
	for (i = fm->scroll; i < fm->n && i < fm->scroll + fit; i++, y += 2) {
		const struct ui_field *f = &fm->fields[i];

		attrset(i == fm->focus ? A_BOLD : A_NORMAL);
		ui_put(y, x, _(f->label), LABEL_W - 1, 1);
		field_geometry(f, x, &fw, &col, shown, sizeof(shown), &from);
		attrset(A_UNDERLINE | (i == fm->focus ? A_BOLD : 0));
		ui_put(y, x + LABEL_W, from, fw, 1);
		attrset(A_NORMAL);
		if (!f->text[0] && f->hint && i != fm->focus) {
			attrset(ui_attr(UI_C_DIM));
			ui_put(y, x + LABEL_W, _(f->hint), fw, 0);
			attrset(A_NORMAL);
		}
		if (f->msg[0]) {
			/* Under the field when it fits, else from the label on. */
			int mx = ui_text_width(f->msg) <= COLS - x - LABEL_W - 1 ? x + LABEL_W : x;
			attrset(ui_attr(UI_C_ERROR));
			ui_put(y + 1, mx, f->msg, COLS - mx - 1, 0);
			attrset(A_NORMAL);
		}
	}
	return y;
}

void ui_form_cursor(const struct ui_form *fm, int y, int x)
{
	char shown[UI_FIELD_MAX * 3];
	const char *from;
	int fw, col;

	if (fm->focus < 0 || fm->focus >= fm->n)
		return;
	field_geometry(&fm->fields[fm->focus], x, &fw, &col, shown, sizeof(shown), &from);
	move(y + 2 * (fm->focus - fm->scroll), x + LABEL_W + col);
	curs_set(1);
}

static int insert_char(struct ui_field *f, int key)
{
	char mb[MB_LEN_MAX + 1];
	mbstate_t st;
	size_t n, len = strlen(f->text);

	memset(&st, 0, sizeof(st));
	n = wcrtomb(mb, (wchar_t)key, &st);
	if (n == (size_t)-1 || len + n >= sizeof(f->text))
		return 0;
	memmove(f->text + f->cur + n, f->text + f->cur, len - (size_t)f->cur + 1);
	memcpy(f->text + f->cur, mb, n);
	f->cur += (int)n;
	return 1;
}

static void delete_at(struct ui_field *f, int at)
{
	int n = char_len(f->text + at);
	size_t len = strlen(f->text);

	memmove(f->text + at, f->text + at + n, len - (size_t)at - (size_t)n + 1);
}

enum ui_form_result ui_form_key(struct ui_form *fm, int key)
{
	struct ui_field *f = &fm->fields[fm->focus];

	if (key == UI_ESC)
		return UI_FORM_CANCEL;
	if (key == UI_F(2) || key == UI_CTRL('s'))
		return UI_FORM_SUBMIT;
	if (ui_is_enter(key)) {
		if (fm->focus == fm->n - 1)
			return UI_FORM_SUBMIT;
		fm->focus++;
		return UI_FORM_NONE;
	}
	/* Tab wraps around; the arrows stop at the ends. */
	if (key == '\t') {
		fm->focus = (fm->focus + 1) % fm->n;
		return UI_FORM_NONE;
	}
	if (key == UI_K(KEY_BTAB)) {
		fm->focus = (fm->focus + fm->n - 1) % fm->n;
		return UI_FORM_NONE;
	}
	if (key == UI_K(KEY_DOWN) || key == UI_K(KEY_UP)) {
		fm->focus += key == UI_K(KEY_UP) ? -1 : 1;
		if (fm->focus < 0)
			fm->focus = 0;
		if (fm->focus >= fm->n)
			fm->focus = fm->n - 1;
		return UI_FORM_NONE;
	}
	if (ui_is_backspace(key)) {
		if (f->cur == 0)
			return UI_FORM_NONE;
		f->cur = prev_char(f->text, f->cur);
		delete_at(f, f->cur);
		return UI_FORM_EDITED;
	}
	if (key == UI_K(KEY_DC)) {
		if (!f->text[f->cur])
			return UI_FORM_NONE;
		delete_at(f, f->cur);
		return UI_FORM_EDITED;
	}
	if (key == UI_K(KEY_LEFT)) {
		f->cur = prev_char(f->text, f->cur);
		return UI_FORM_NONE;
	}
	if (key == UI_K(KEY_RIGHT)) {
		if (f->text[f->cur])
			f->cur += char_len(f->text + f->cur);
		return UI_FORM_NONE;
	}
	if (key == UI_K(KEY_HOME) || key == UI_CTRL('a')) {
		f->cur = 0;
		return UI_FORM_NONE;
	}
	if (key == UI_K(KEY_END) || key == UI_CTRL('e')) {
		f->cur = (int)strlen(f->text);
		return UI_FORM_NONE;
	}
	if (key == UI_CTRL('u')) {
		ui_field_set(f, "");
		return UI_FORM_EDITED;
	}
	if (key >= ' ' && key < 0x110000 && key != 127)
		return insert_char(f, key) ? UI_FORM_EDITED : UI_FORM_NONE;
	return UI_FORM_OTHER;
}

int ui_form_first_error(const struct ui_form *fm)
{
	for (int i = 0; i < fm->n; i++)
		if (fm->fields[i].msg[0])
			return i;
	return -1;
}
