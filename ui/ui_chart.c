/* ui_chart: the two small charts screens draw where a person would rather
 * look than read — a sparkline (one block element a value, ▁ to █, scaled
 * to the largest) and a horizontal bar of full blocks scaled to a width.
 * The meter detail's power and daily energy lines and the report screen's
 * charts draw with these. Only characters every UTF-8 terminal font has
 * (U+2581..U+2588) are used, and nothing is drawn past the width given. */
#include "ui_int.h"

int ui_spark(int y, int x, int width, const int64_t *v, int n)
{
	static const char *const bars[] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
	int64_t hi = 0;
	int i, first = n > width ? n - width : 0;

	if (width <= 0 || x >= COLS || y >= LINES)
		return 0;
	if (x + width > COLS)
		first = n > COLS - x ? n - (COLS - x) : 0;
	for (i = first; i < n; i++)
		if (v[i] > hi)
			hi = v[i];
	for (i = first; i < n; i++) {
		int64_t e = v[i] < 0 ? 0 : v[i];
		/* 7 steps above the lowest: the largest value is a full block. */
		int b = hi > 0 ? (int)(e * 7 / hi) : 0;
		mvaddstr(y, x + i - first, bars[b]);
	}
	return n - first;
}

int ui_hbar(int y, int x, int width, int64_t value, int64_t max)
{
	int64_t a = value < 0 ? -value : value;
	int n, i;

	if (width <= 0 || max <= 0 || x >= COLS || y >= LINES)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	/* Rounded to the nearest block; anything above zero shows one. */
	n = (int)((a * width * 2 + max) / (max * 2));
	if (n == 0 && a > 0)
		n = 1;
	if (n > width)
		n = width;
	for (i = 0; i < n; i++)
		mvaddstr(y, x + i, "█");
	return n;
}
