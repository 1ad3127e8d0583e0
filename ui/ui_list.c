/* ui_list: a table with a header, a selection bar and '/' incremental
 * search, columns as wide as their widest cell in display columns (a
 * Chinese name lines up with the Latin ones); and the scrolled read-only
 * text view built on the same scrolling keys. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui_int.h"

void ui_list_init(struct ui_list *l, int ncols, const char **headers)
{
	memset(l, 0, sizeof(*l));
	l->ncols = ncols;
	l->headers = headers;
}

void ui_list_add(struct ui_list *l, const char *const *cells)
{
	int c;

	if (l->nrows == l->cap) {
		int cap = l->cap ? l->cap * 2 : 32;
		char **n = ui_xcalloc((size_t)cap * (size_t)l->ncols, sizeof(*n));

		if (l->cells)
			memcpy(n, l->cells, (size_t)l->nrows * (size_t)l->ncols * sizeof(*n));
		free(l->cells);
		l->cells = n;
		l->cap = cap;
	}
	for (c = 0; c < l->ncols; c++)
		l->cells[l->nrows * l->ncols + c] = ui_xstrdup(cells[c]);
	l->nrows++;
}

void ui_list_clear(struct ui_list *l)
{
	for (int i = 0; i < l->nrows * l->ncols; i++)
		free(l->cells[i]);
	l->nrows = 0;
}

void ui_list_free(struct ui_list *l)
{
	ui_list_clear(l);
	free(l->cells);
	l->cells = NULL;
	l->cap = 0;
}

const char *ui_list_selected(const struct ui_list *l, int col)
{
	if (l->sel < 0 || l->sel >= l->nrows)
		return NULL;
	return l->cells[l->sel * l->ncols + col];
}

static const char *header(const struct ui_list *l, int c, int *right)
{
	const char *h = _(l->headers[c]);

	*right = h[0] == '>';
	return *right ? h + 1 : h;
}

void ui_list_draw(struct ui_list *l, int top, int bottom, const char *empty_text)
{
	int width[16], c, r, x, right, rows;

	if (l->sel >= l->nrows)
		l->sel = l->nrows - 1;
	if (l->sel < 0)
		l->sel = 0;
	if (l->find[0] || ui_list_searching(l))
		bottom--;  /* the search line */
	rows = bottom - top;  /* below the header */
	for (c = 0; c < l->ncols && c < 16; c++) {
		width[c] = ui_text_width(header(l, c, &right));
		for (r = 0; r < l->nrows; r++) {
			int w = ui_text_width(l->cells[r * l->ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	}
	/* The last column takes what is left; long text is clipped there. */
	attrset(A_BOLD | A_UNDERLINE);
	ui_put(top, 0, "", COLS, 1);
	for (c = 0, x = 1; c < l->ncols && x < COLS; c++) {
		const char *h = header(l, c, &right);
		if (right)
			ui_put_right(top, x, h, width[c]);
		else
			ui_put(top, x, h, width[c], 0);
		x += width[c] + 2;
	}
	attrset(A_NORMAL);
	if (l->nrows == 0 && empty_text) {
		attrset(ui_attr(UI_C_DIM));
		ui_put(top + 2, 2, empty_text, COLS - 3, 0);
		attrset(A_NORMAL);
	}
	if (rows < 1)
		return;
	if (l->sel < l->scroll)
		l->scroll = l->sel;
	if (l->sel >= l->scroll + rows)
		l->scroll = l->sel - rows + 1;
	for (r = l->scroll; r < l->nrows && r - l->scroll < rows; r++) {
		int y = top + 1 + r - l->scroll;
		attrset(r == l->sel ? ui_attr(UI_C_SELECT) : A_NORMAL);
		ui_put(y, 0, "", COLS, 1);
		for (c = 0, x = 1; c < l->ncols && x < COLS; c++) {
			const char *s = l->cells[r * l->ncols + c];
			header(l, c, &right);
			if (right)
				ui_put_right(y, x, s, width[c] < COLS - x ? width[c] : COLS - x);
			else
				ui_put(y, x, s, c == l->ncols - 1 ? COLS - x : width[c], 0);
			x += width[c] + 2;
		}
	}
	attrset(A_NORMAL);
	if (l->find[0] || ui_list_searching(l)) {
		char line[128];
		snprintf(line, sizeof(line), "%s %s", _("Find:"), l->find + (l->find[0] == '/'));
		ui_put(bottom, 1, line, COLS - 2, 1);
	}
}

int ui_list_searching(const struct ui_list *l)
{
	return l->find[0] == '/';
}

/* Moves the bar to the first row at or after from whose cells contain
 * the search text. */
static void find_next(struct ui_list *l, int from)
{
	const char *q = l->find + 1;

	if (!*q)
		return;
	for (int i = 0; i < l->nrows; i++) {
		int r = (from + i) % l->nrows;
		for (int c = 0; c < l->ncols; c++)
			if (strstr(l->cells[r * l->ncols + c], q)) {
				l->sel = r;
				return;
			}
	}
}

int ui_list_key(struct ui_list *l, int key, int page)
{
	size_t len = strlen(l->find);

	if (ui_list_searching(l)) {
		if (key == UI_ESC || ui_is_enter(key)) {
			l->find[0] = 0;
		} else if (ui_is_backspace(key)) {
			if (len > 1) {
				/* Drop the last UTF-8 character. */
				do
					len--;
				while (len > 1 && (l->find[len] & 0xC0) == 0x80);
				l->find[len] = 0;
			}
			find_next(l, 0);
		} else if (key == UI_K(KEY_DOWN)) {
			find_next(l, l->sel + 1);
		} else if (key >= ' ' && key < 0x110000) {
			char mb[MB_LEN_MAX];
			mbstate_t st;
			size_t n;
			memset(&st, 0, sizeof(st));
			n = wcrtomb(mb, (wchar_t)key, &st);
			if (n != (size_t)-1 && len + n < sizeof(l->find)) {
				memcpy(l->find + len, mb, n);
				l->find[len + n] = 0;
			}
			find_next(l, l->sel);
		} else {
			return 0;
		}
		return 1;
	}
	if (page < 1)
		page = 1;
	if (key == UI_K(KEY_UP))
		l->sel--;
	else if (key == UI_K(KEY_DOWN))
		l->sel++;
	else if (key == UI_K(KEY_PPAGE))
		l->sel -= page;
	else if (key == UI_K(KEY_NPAGE))
		l->sel += page;
	else if (key == UI_K(KEY_HOME))
		l->sel = 0;
	else if (key == UI_K(KEY_END))
		l->sel = l->nrows - 1;
	else if (key == '/') {
		strcpy(l->find, "/");
		return 1;
	} else
		return 0;
	if (l->sel >= l->nrows)
		l->sel = l->nrows - 1;
	if (l->sel < 0)
		l->sel = 0;
	return 1;
}

int ui_scroll_key(int key, int *first, int rows, int n)
{
	int last = n > rows ? n - rows : 0;

	if (key == UI_K(KEY_DOWN))
		*first = *first < last ? *first + 1 : *first;
	else if (key == UI_K(KEY_UP))
		*first = *first > 0 ? *first - 1 : 0;
	else if (key == UI_K(KEY_NPAGE))
		*first = *first + rows < last ? *first + rows : last;
	else if (key == UI_K(KEY_PPAGE))
		*first = *first > rows ? *first - rows : 0;
	else if (key == UI_K(KEY_HOME))
		*first = 0;
	else if (key == UI_K(KEY_END))
		*first = last;
	else
		return 0;
	return 1;
}

void ui_view_text(struct ui *u, const char *title, const char *head, const char *text,
		  const struct ui_fkey *keys, int x, int start_at_end)
{
	char *copy = ui_xstrdup(text), **lines, *p;
	int n = 1, first = 0, top, bottom, key, rows, hl;

	for (p = copy; *p; p++)
		n += *p == '\n';
	lines = ui_xcalloc((size_t)n, sizeof(*lines));
	/* Split in place, keeping blank lines (a report's spacing). */
	n = 0;
	for (p = copy; p;) {
		lines[n++] = p;
		if ((p = strchr(p, '\n')))
			*p++ = 0;
	}
	if (n > 1 && !lines[n - 1][0])
		n--;
	ui_push(u, title);
	while (!u->quit) {
		ui_frame(u, keys, &top, &bottom);
		attrset(A_BOLD);
		hl = ui_wrap(head, top, 2, COLS - 4, 1);
		attrset(A_NORMAL);
		rows = bottom - top - hl;
		if (rows < 1)
			rows = 1;
		if (start_at_end) {
			first = n > rows ? n - rows : 0;
			start_at_end = 0;
		}
		for (int i = 0; i < rows && first + i < n; i++)
			ui_put(top + hl + 1 + i, x, lines[first + i], COLS - x - 2, 0);
		curs_set(0);
		refresh();
		key = ui_fkeys_map(keys, ui_getkey());
		if (key == UI_F(10))
			u->quit = 1;
		else if (key == UI_ESC || ui_is_enter(key))
			break;
		else
			ui_scroll_key(key, &first, rows, n);
	}
	ui_pop(u);
	free(lines);
	free(copy);
}
