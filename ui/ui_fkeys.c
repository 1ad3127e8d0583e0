/* ui_fkeys: the function-key bar on the last row, htop-style: "F1Help
 * F2Save ... F10Quit", each key also reachable by a letter on terminals
 * (and tmux setups) without F-keys. */
#include <stdio.h>

#include "ui_int.h"

void ui_fkeys_draw(const struct ui_fkey *keys)
{
	int x = 0, y = LINES - 1;
	char k[8];

	move(y, 0);
	attrset(ui_attr(UI_C_BAR));
	ui_put(y, 0, "", COLS, 1);
	for (; keys && keys->fn && x < COLS; keys++) {
		snprintf(k, sizeof(k), "F%d", keys->fn);
		attrset(ui_attr(UI_C_KEY));
		x += ui_put(y, x, k, COLS - x, 0);
		attrset(ui_attr(UI_C_BAR));
		x += ui_put(y, x, _(keys->label), COLS - x, 0);
		x += ui_put(y, x, " ", COLS - x, 0);
	}
	attrset(A_NORMAL);
}

int ui_fkeys_map(const struct ui_fkey *keys, int key)
{
	for (; keys && keys->fn; keys++)
		if (key == UI_F(keys->fn) || (keys->letter && key == keys->letter))
			return UI_F(keys->fn);
	return key;
}
