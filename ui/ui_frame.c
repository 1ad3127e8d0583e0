/* ui_frame: what surrounds every screen — the title line with the path of
 * screens (the screen stack), the status line and the function-key bar. */
#include <string.h>

#include "ui_int.h"

void ui_push(struct ui *u, const char *title)
{
	if (u->depth < UI_STACK_MAX)
		u->stack[u->depth] = title;
	u->depth++;
}

void ui_pop(struct ui *u)
{
	if (u->depth > 0)
		u->depth--;
}

void ui_frame(struct ui *u, const struct ui_fkey *keys, int *top, int *bottom)
{
	char path[256] = "saledesk";
	int i;

	erase();
	for (i = 0; i < u->depth && i < UI_STACK_MAX; i++) {
		strncat(path, " › ", sizeof(path) - strlen(path) - 1);
		strncat(path, _(u->stack[i]), sizeof(path) - strlen(path) - 1);
	}
	attrset(ui_attr(UI_C_TITLE));
	ui_put(0, 0, path, COLS, 1);
	attrset(A_NORMAL);
	ui_status_draw(u, LINES - 2);
	ui_fkeys_draw(keys);
	*top = 2;
	*bottom = LINES - 4;
}
