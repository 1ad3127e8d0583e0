/* ui_term: the terminal — starting and ending curses, reading keys,
 * allocation that never fails silently, and writing UTF-8 text clipped to
 * display columns so CJK text lines up. */
#include <errno.h>
#include <locale.h>
#include <sys/poll.h> /* not <poll.h>: -Isrc finds our src/poll.h first */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_int.h"

static int started;
static int has_colour;
static int wake_fd = -1;   /* the card watcher's self-pipe, or -1 */

int ui_term_start(void)
{
	/* ESC alone cancels; do not wait a whole second for a sequence. */
	if (!getenv("ESCDELAY"))
		set_escdelay(25);
	if (!newterm(NULL, stdout, stdin))
		return -1;
	started = 1;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(UI_C_TITLE, COLOR_BLACK, COLOR_CYAN);
		init_pair(UI_C_BAR, COLOR_BLACK, COLOR_CYAN);
		init_pair(UI_C_KEY, COLOR_WHITE, COLOR_BLACK);
		init_pair(UI_C_SELECT, COLOR_BLACK, COLOR_GREEN);
		init_pair(UI_C_ERROR, COLOR_WHITE, COLOR_RED);
		init_pair(UI_C_OK, COLOR_GREEN, -1);
		init_pair(UI_C_DIM, COLOR_BLUE, -1);
		has_colour = 1;
	}
	return 0;
}

void ui_term_end(void)
{
	if (started) {
		endwin();
		started = 0;
	}
}

attr_t ui_attr(enum ui_color c)
{
	if (has_colour)
		return COLOR_PAIR(c) | (c == UI_C_ERROR || c == UI_C_KEY ? A_BOLD : 0);
	switch (c) {
	case UI_C_TITLE: case UI_C_BAR: case UI_C_SELECT: return A_REVERSE;
	case UI_C_ERROR: case UI_C_KEY: return A_BOLD;
	case UI_C_DIM: return A_DIM;
	default: return A_NORMAL;
	}
}

static void out_of_memory(void)
{
	/* htop's rule: never leave a cashier's terminal in raw mode. */
	ui_term_end();
	fputs("saledesk: out of memory\n", stderr);
	abort();
}

void *ui_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

char *ui_xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		out_of_memory();
	return p;
}

void ui_term_wakeup(int fd)
{
	wake_fd = fd;
}

/* One get_wch() as a key; *none is set when nothing was there (only in
 * non-blocking mode). */
static int read_key(int *none)
{
	wint_t wc;
	int r = get_wch(&wc);

	*none = 0;
	if (r == ERR) {
		*none = 1;
		return UI_ESC;
	}
	if (r == KEY_CODE_YES) {
		if (wc == KEY_RESIZE) {
			/* ncurses has already resized stdscr from SIGWINCH. */
			clearok(curscr, TRUE);
		}
		return UI_K((int)wc);
	}
	return (int)wc;
}

/* Empties the self-pipe; returns 1 when it held a wake-up. */
static int drain_wakeup(void)
{
	char buf[64];
	int any = 0;

	while (read(wake_fd, buf, sizeof(buf)) > 0)
		any = 1;
	return any;
}

int ui_getkey_timeout(int ms)
{
	struct pollfd p[2];
	int key, none, n;

	if (wake_fd < 0 && ms < 0)
		return read_key(&none);
	for (;;) {
		/* Keys curses already holds (a paste, a sequence) come first. */
		timeout(0);
		key = read_key(&none);
		timeout(-1);
		if (!none)
			return key;
		if (wake_fd >= 0 && drain_wakeup())
			return UI_K_CARD;
		p[0].fd = STDIN_FILENO;
		p[0].events = POLLIN;
		p[1].fd = wake_fd;
		p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		n = wake_fd >= 0 ? 2 : 1;
		/* An interrupted wait (SIGWINCH) starts the timer again: a
		 * resize redraws anyway, so the screen is no staler for it. */
		if ((n = poll(p, (nfds_t)n, ms)) < 0) {
			/* SIGWINCH: the next get_wch() returns KEY_RESIZE. */
			if (errno == EINTR)
				continue;
			return read_key(&none);
		}
		if (n == 0)
			return UI_K_TICK;
		if (wake_fd >= 0 && p[1].revents && drain_wakeup())
			return UI_K_CARD;
		if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			return read_key(&none);  /* the terminal went away: as before */
		if (p[0].revents)
			return read_key(&none);
	}
}

int ui_getkey(void)
{
	return ui_getkey_timeout(-1);
}

int ui_is_enter(int key)
{
	return key == '\r' || key == '\n' || key == UI_K(KEY_ENTER);
}

int ui_is_backspace(int key)
{
	return key == 8 || key == 127 || key == UI_K(KEY_BACKSPACE);
}

/* Decodes one character of s into *wc and its width; returns its length
 * in bytes (1 for an invalid byte, shown as '?'). */
static int next_char(const char *s, wchar_t *wc, int *w)
{
	mbstate_t st;
	size_t n;

	memset(&st, 0, sizeof(st));
	n = mbrtowc(wc, s, strlen(s), &st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*wc = L'?';
		*w = 1;
		return 1;
	}
	*w = wcwidth(*wc);
	if (*w < 0)
		*w = 1;
	return (int)n;
}

int ui_text_width(const char *s)
{
	wchar_t wc;
	int w, total = 0;

	while (*s) {
		s += next_char(s, &wc, &w);
		total += w;
	}
	return total;
}

int ui_put(int y, int x, const char *s, int width, int pad)
{
	wchar_t wc, one[2] = { 0, 0 };
	int w, used = 0;

	if (width <= 0 || y < 0 || y >= LINES)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	move(y, x);
	while (s && *s) {
		s += next_char(s, &wc, &w);
		if (used + w > width)
			break;
		if (wc < L' ')
			wc = L' ';
		one[0] = wc;
		addwstr(one);
		used += w;
	}
	for (; pad && used < width; used++)
		addch(' ');
	return used;
}

void ui_put_right(int y, int x, const char *s, int width)
{
	int w = ui_text_width(s);

	if (w < width) {
		ui_put(y, x, "", width - w, 1);
		ui_put(y, x + width - w, s, w, 0);
	} else {
		ui_put(y, x, s, width, 0);
	}
}
