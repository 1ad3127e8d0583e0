/* ui_int: what the files of ui/ share — the context every screen gets,
 * keys, translation, and the widgets (frame, function-key bar, status
 * line, form, list, dialogs) every screen is built from. Only ui/
 * includes this header, and with it curses. */
#ifndef SALEDESK_UI_INT_H
#define SALEDESK_UI_INT_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <curses.h>
#include <libintl.h>

#include "config.h"
#include "session.h"

struct ui_card;        /* the card watcher (ui_card.c) */
struct card_keyring;   /* cardio: the unlocked card keys */

/* Strings a person reads go through _(); N_() marks them for xgettext
 * where they sit in static tables and are translated when drawn. */
#define _(s) gettext(s)
#define N_(s) (s)
/* A word with a context (msgctxt) where English uses one word for two
 * things: P_("relay", "closed") is not a shift's "closed". */
#define P_(ctx, s) ui_pgettext(ctx "\004" s, s)
const char *ui_pgettext(const char *ctx_id, const char *id);

/* ---- context ---------------------------------------------------------- */

#define UI_STACK_MAX 8

/* The desk as the UI sees it: the database, who is logged in, and the
 * stack of screen titles shown as the header's path. */
struct ui {
	struct config cfg;
	struct db *db;
	struct session s;
	int logged_in;
	const char *stack[UI_STACK_MAX];
	int depth;
	int quit;            /* set by F10 anywhere: leave the program */
	struct ui_card *card;         /* the card watcher; NULL when it could not start */
	struct card_keyring *ring;    /* card keys once unlocked; wiped at exit */
	int64_t shift_id;             /* the operator's open shift, 0 none (ui_shift_refresh) */
	unsigned card_seen;           /* the watcher generation the screens last acted on */
};

/* Pushes a screen title (static, untranslated) onto the header path. */
void ui_push(struct ui *u, const char *title);

/* Pops the newest screen title. */
void ui_pop(struct ui *u);

/* ---- keys ------------------------------------------------------------- */

/* One int for every key: a typed character is its Unicode value; a curses
 * key code (F-keys, arrows, resize) is UI_K(code), above Unicode, so a
 * CJK character can never be mistaken for a function key. */
#define UI_K(code) (0x200000 + (code))
#define UI_F(n) UI_K(KEY_F(n))
#define UI_ESC 27
/* Not a key: the card watcher saw the reader or card change. Screens that
 * do not care just redraw (the status line shows the new state). */
#define UI_K_CARD UI_K(KEY_MAX + 1)
#define UI_CTRL(c) ((c) & 0x1f)
/* Not a key: ui_getkey_timeout() waited its time and nothing came. */
#define UI_K_TICK UI_K(KEY_MAX + 2)

/* Waits for one key, or for a byte on the wake-up descriptor (the card
 * watcher's self-pipe), whichever comes first. Returns UI_K(KEY_RESIZE)
 * after the terminal changed size, having already resized curses (the
 * caller just redraws), and UI_K_CARD when the watcher woke it. */
int ui_getkey(void);

/* Like ui_getkey() but waits at most ms milliseconds (-1 for ever) and
 * returns UI_K_TICK when nothing came: for screens that refresh on a
 * timer (the meter detail) without ever blocking a key. */
int ui_getkey_timeout(int ms);

/* Makes ui_getkey() also watch fd (-1: stop): a readable fd is drained
 * and reported as UI_K_CARD. The descriptor stays the caller's. */
void ui_term_wakeup(int fd);

/* Moves *first, the top line shown of n lines rows at a time, for an
 * arrow, Page Up/Down, Home or End key; returns 1 when key was one. */
int ui_scroll_key(int key, int *first, int rows, int n);

struct ui_fkey;
/* Shows text (read-only lines; a last newline ends the last line) at
 * column x under head (bold, wrapped) as screen title (N_()) until Esc or
 * Enter: Up/Down/PgUp/PgDn/Home/End scroll, F10 quits the program. keys
 * is the bar; start_at_end shows the last lines first (a log). */
void ui_view_text(struct ui *u, const char *title, const char *head, const char *text,
		  const struct ui_fkey *keys, int x, int start_at_end);

/* True for Enter in any of its spellings (CR, LF, keypad Enter). */
int ui_is_enter(int key);

/* True for Backspace in any of its spellings (^H, DEL, KEY_BACKSPACE). */
int ui_is_backspace(int key);

/* ---- terminal and text ------------------------------------------------ */

/* Starts curses in UTF-8 with colours if there are any. Returns 0, or -1
 * when there is no usable terminal. */
int ui_term_start(void);

/* Ends curses and gives the terminal back; safe to call twice. */
void ui_term_end(void);

/* malloc/calloc/strdup that never return NULL: on failure they restore
 * the terminal, say so on stderr and abort. The caller frees. */
void *ui_xcalloc(size_t n, size_t size);
char *ui_xstrdup(const char *s);

/* Returns the terminal columns s takes (CJK counts two). */
int ui_text_width(const char *s);

/* Writes UTF-8 s at (y, x) in at most width columns, clipped at a
 * character boundary (a wide character that would be cut is left out) and
 * padded with blanks to width when pad is set. Returns the columns
 * written. */
int ui_put(int y, int x, const char *s, int width, int pad);

/* Like ui_put() but right-aligned in width columns (numbers). */
void ui_put_right(int y, int x, const char *s, int width);

/* Colour pairs; ui_term_start() falls back to attributes without colour. */
enum ui_color { UI_C_TITLE = 1, UI_C_BAR, UI_C_KEY, UI_C_SELECT, UI_C_ERROR, UI_C_OK,
		UI_C_DIM };

/* Returns the attribute for role c (colour pair or a monochrome one). */
attr_t ui_attr(enum ui_color c);

/* ---- frame: header, status line, function-key bar --------------------- */

/* A function key and its label on the bar; letter is the key for
 * terminals without F-keys (0 for none). Tables end with { 0 }. */
struct ui_fkey {
	int fn;             /* 1..12 */
	int letter;
	const char *label;  /* untranslated, N_() */
};

/* Clears the screen and draws the frame: the title line with the screen
 * path, the status line (operator, role, shift, reader, service, alarms)
 * and the function-key bar with keys. Returns the first and last rows the
 * screen may use in *top and *bottom. */
void ui_frame(struct ui *u, const struct ui_fkey *keys, int *top, int *bottom);

/* Draws only the function-key bar on the last row. */
void ui_fkeys_draw(const struct ui_fkey *keys);

/* Returns fn's UI_F() when key is fn or its letter in keys, else key. */
int ui_fkeys_map(const struct ui_fkey *keys, int key);

/* Draws the status line on row y. */
void ui_status_draw(const struct ui *u, int y);

/* Makes the next status line read the service's pulse and the alarm
 * count again instead of the few seconds' cache (after an ack). */
void ui_status_refresh(void);

/* ---- form ------------------------------------------------------------- */

#define UI_FIELD_MAX 256

/* One text field: a label, the UTF-8 text being typed with its cursor,
 * and the sentence under it when the value is wrong. */
struct ui_field {
	const char *label;      /* untranslated, N_() */
	const char *hint;       /* shown dim after the field when empty, or NULL */
	char text[UI_FIELD_MAX];
	int cur;                /* byte offset of the cursor, at a character start */
	int secret;             /* draw '*' per character: passwords */
	int width;              /* columns of the input box; 0 = up to the edge */
	int live;               /* ui_form_run checks it after every edit */
	char msg[200];          /* validation message, "" when none */
};

struct ui_form {
	struct ui_field *fields;
	int n;
	int focus;
	int scroll;       /* first field shown when they do not all fit */
};

enum ui_form_result {
	UI_FORM_NONE,     /* key used (or ignored); redraw */
	UI_FORM_EDITED,   /* the focused field's text changed */
	UI_FORM_SUBMIT,   /* Enter on the last field, or F2 */
	UI_FORM_CANCEL,   /* Esc */
	UI_FORM_OTHER,    /* not a form key: the screen may use it */
};

/* Sets a field's text and puts the cursor at its end. */
void ui_field_set(struct ui_field *f, const char *text);

/* Draws the form in rows y..bottom (two rows a field: input, then
 * message), scrolled so the focused field shows; returns the row after
 * the last field drawn. */
int ui_form_draw(struct ui_form *fm, int y, int x, int bottom);

/* Places the terminal cursor in the focused field (after other drawing;
 * same y and x as ui_form_draw). */
void ui_form_cursor(const struct ui_form *fm, int y, int x);

/* Feeds one key to the form: editing (CJK-aware; Backspace and Delete
 * remove a whole character), Up/Down/Tab between fields, Enter to the next
 * field or submit on the last. */
enum ui_form_result ui_form_key(struct ui_form *fm, int key);

/* Index of the first field with a message, or -1. */
int ui_form_first_error(const struct ui_form *fm);

/* Runs a form as its own screen titled title (N_()) with intro text
 * above it: F2 (or Enter on the last field) calls done(ctx, fm), which
 * returns 0 to close the screen, or non-zero after putting messages under
 * fields (or showing an error) to stay. check, if not NULL, is called
 * with a field's index whenever the cursor leaves it, for live messages.
 * Returns 1 when done() accepted, 0 when the operator left (Esc), -1 for
 * F10 (quit the program). */
int ui_form_run(struct ui *u, const char *title, const char *intro, struct ui_form *fm,
		void (*check)(void *ctx, struct ui_form *fm, int i),
		int (*done)(void *ctx, struct ui_form *fm), void *ctx);

/* ---- list ------------------------------------------------------------- */

/* A table with a header row, a selection bar and incremental search: rows
 * of cells (copies kept by the list), columns sized by the widest
 * display width. */
struct ui_list {
	int ncols;
	const char **headers;   /* untranslated, N_(); '>' first: right-aligned */
	char **cells;           /* nrows * ncols, owned */
	int nrows, cap;
	int sel, scroll;
	char find[64];          /* "/" search text; "" when none */
};

/* Makes an empty list of ncols columns; headers is static. */
void ui_list_init(struct ui_list *l, int ncols, const char **headers);

/* Appends a row of ncols cells (copied). */
void ui_list_add(struct ui_list *l, const char *const *cells);

/* Forgets every row (keeps the selection index within range later). */
void ui_list_clear(struct ui_list *l);

/* Frees the rows. */
void ui_list_free(struct ui_list *l);

/* Returns cell col of the selected row, or NULL when the list is empty;
 * the string belongs to the list. */
const char *ui_list_selected(const struct ui_list *l, int col);

/* Draws the list in rows top..bottom; an empty list shows empty_text. */
void ui_list_draw(struct ui_list *l, int top, int bottom, const char *empty_text);

/* Feeds one key: Up/Down/PgUp/PgDn/Home/End move the bar; '/' starts an
 * incremental search typed on the last list row (Enter or Esc ends it).
 * Returns 1 when the key was used. */
int ui_list_key(struct ui_list *l, int key, int page);

/* True while a '/' search is being typed (keys go to the list first). */
int ui_list_searching(const struct ui_list *l);

/* ---- menu screens (ui_menu.c) ------------------------------------------ */

/* One lettered entry of a menu screen. */
struct ui_menu_item {
	int letter;
	const char *label;  /* untranslated, N_() */
};

/* A screen of lettered entries with a selection bar: a letter, or Up/Down
 * and Enter, runs one; F1 shows help, Esc goes back, F10 quits. The last
 * result stands under the entries. */
struct ui_menu_screen {
	const char *title;              /* N_(), pushed on the screen path */
	const struct ui_fkey *keys;     /* the function-key bar */
	const char *intro;              /* translated top line, or NULL */
	void (*head)(int top, const void *ctx); /* draws the top line instead, or NULL */
	const char *help;               /* translated F1 text, or NULL for none */
	const struct ui_menu_item *items;
	int n;
	int x, width, indent;           /* entries at column x, width columns wide
					 * (0: to the right margin), indent
					 * blanks before the letter */
	char *out;                      /* the result shown under them, or NULL */
	size_t out_len;
	enum ui_color out_color;        /* 0: plain */
	/* Runs entry i (out, out_len as above); returns 0 to stay, > 0 to
	 * leave the screen with that value, -1 to quit the program. */
	int (*run)(struct ui *u, int i, char *out, size_t out_len, const void *ctx);
	const void *ctx;
};

/* Runs menu screen m until the operator leaves it. Returns 0 (Esc), what
 * run() returned when above zero, or -1 to quit the program. */
int ui_menu_run(struct ui *u, const struct ui_menu_screen *m);

/* ---- dialogs ---------------------------------------------------------- */

/* Shows an error: what happened (err_text() of code, with its detail) and
 * what to do next (next, may be NULL), until a key. */
void ui_error(int code, const char *next);

/* Shows a message box with title and text until a key. */
void ui_message(const char *title, const char *text);

/* Asks a yes/no question; returns 1 for yes (y, Enter on Yes), 0 for no. */
int ui_confirm(const char *question);

/* Shows "text" in a box and refreshes at once: for work that takes more
 * than 200 ms (a password hash, verifying the audit chain). */
void ui_progress(const char *text);

/* Splits text into lines of at most w columns at blanks (or anywhere in
 * a run of CJK, which has none) and draws them from row y when draw is
 * set; returns the number of lines. */
int ui_wrap(const char *text, int y, int x, int w, int draw);

/* Draws a centred box of h rows and w columns with a title; returns its
 * top-left corner in *y, *x (the inside starts at y+1, x+2). */
void ui_box(int h, int w, const char *title, attr_t attr, int *y, int *x);

/* ---- charts (ui_chart.c) ----------------------------------------------- */

/* Draws a sparkline of v[0..n) at (y, x): one block element (▁..█) a
 * value scaled to the largest, negatives as the lowest; the last width
 * values when there are more (and never past the screen's edge). Returns
 * the columns drawn. */
int ui_spark(int y, int x, int width, const int64_t *v, int n);

/* Draws a horizontal bar of full blocks (█) at (y, x) for |value|, max
 * filling width columns (rounded; a value above zero shows at least one
 * block). Returns the columns drawn. */
int ui_hbar(int y, int x, int width, int64_t value, int64_t max);

/* ---- card watcher --------------------------------------------------- */

/* What the watcher last saw in the reader. */
enum ui_card_state {
	UI_CARD_OFF,        /* not started */
	UI_CARD_PCSC_DOWN,  /* pcscd is not running: retried every few seconds */
	UI_CARD_NO_READER,  /* no (such) reader */
	UI_CARD_NONE,       /* reader, no card */
	UI_CARD_PRESENT,    /* a card was read: see blank, user, account */
	UI_CARD_ERROR,      /* a card that could not be read: text says why */
};

struct ui_card_info {
	enum ui_card_state state;
	unsigned gen;        /* moves at every change the watcher publishes */
	int blank;           /* not personalised */
	int user;            /* an issued user card: account is its number */
	int tech;            /* a technician card */
	char account[16];    /* as on the card: digits, no leading zeros */
	char serial[17];
	char text[200];      /* why, for PCSC_DOWN, NO_READER and ERROR */
};

/* Starts the watcher thread on the reader named reader ("" the only
 * one); it keeps its own PC/SC context and wakes ui_getkey() through a
 * self-pipe. *out is the caller's, ended with ui_card_stop(). Returns 0
 * or a negative code (no thread: the UI works without the watcher). */
int ui_card_start(const char *reader, struct ui_card **out);

/* Cancels the wait, joins the thread and frees w; NULL is fine. */
void ui_card_stop(struct ui_card *w);

/* Copies the last published state into *out (gen 0, state OFF for NULL). */
void ui_card_get(struct ui_card *w, struct ui_card_info *out);

/* Asks the watcher to let go of the reader and waits until it has: the
 * sale, a reversal or a refund then use the card alone. NULL is fine. */
void ui_card_pause(struct ui_card *w);

/* Lets the watcher go on; it reads the card again (it may have changed). */
void ui_card_resume(struct ui_card *w);

struct sale_io;
/* Runs fn(ctx) with a card reader of the UI thread's own in io->reader
 * (the watcher paused meanwhile, and reading the card again after): every
 * screen that writes a card goes through here. Returns fn's result, or
 * the reader's error when it cannot be opened. */
int ui_with_reader(struct ui *u, struct sale_io *io, int (*fn)(void *), void *ctx);

/* The read end of the self-pipe (for ui_term_wakeup). */
int ui_card_fd(const struct ui_card *w);

/* ---- i18n ------------------------------------------------------------- */

/* Chooses the language (config [ui] locale, else LANGUAGE/LC_ALL/
 * LC_MESSAGES/LANG) and binds the message catalog. */
void ui_i18n_init(const struct config *cfg);

/* ---- screens ---------------------------------------------------------- */

/* Each runs its screen until the operator leaves it (Esc/F10); they
 * return 0, or -1 when the operator asked to quit the program. */
int ui_login(struct ui *u);
int ui_menu(struct ui *u);
int ui_accounts(struct ui *u);
void ui_account_detail(struct ui *u, const char *account_no);

struct account_rec;
/* The special operations menu for account a (change, transfer, meter
 * replacement and carry, card lost and reissue, close). Returns 1 when
 * one changed the account (the caller reloads it). */
int ui_account_ops(struct ui *u, const struct account_rec *a);
int ui_account_open(struct ui *u);
int ui_operators(struct ui *u);
int ui_tariffs(struct ui *u);
int ui_audit(struct ui *u);
int ui_password(struct ui *u);
/* The reports (ui_reports.c): pick one, its span and filters, the result
 * with its charts, saved as CSV or XLSX. */
int ui_reports(struct ui *u);

/* Asks for a new password for login twice, under the screen title title
 * (N_()), and sets it; 1 when set, 0 when left, -1 for quit. */
int ui_new_password(struct ui *u, const char *login, const char *title);

/* Unlocks the card keys with the administrator's passphrase (a dialog)
 * into u->ring; the menu entry. Returns 0, or -1 to quit. */
int ui_keys_unlock(struct ui *u);

/* Makes sure the card keys are unlocked, offering the dialog when not.
 * Returns 1 when u->ring is usable, 0 when the operator left, -1 quit. */
int ui_keys_need(struct ui *u);

/* ui_keys_need() with intro saying why the keys are asked (translated). */
int ui_keys_need_why(struct ui *u, const char *intro);

/* The sale screen: the account of the card in the reader, or one found
 * by search. ui_sale_account() opens it on account_no directly. */
int ui_sale(struct ui *u);
int ui_sale_account(struct ui *u, const char *account_no);

/* Lets the operator pick an account with the search of Find account
 * (or by inserting its card); copies its number into no (13 bytes).
 * Returns 1 picked, 0 left, -1 quit. */
int ui_accounts_pick(struct ui *u, const char *title, char *no);

/* The shift screen (open with a float, totals, close with the count and
 * the Z-report) and the receipts of the shift (reprint, invoiced,
 * reverse). */
int ui_shift(struct ui *u);
int ui_receipts(struct ui *u);

/* Re-reads whether the operator has an open shift into u->shift_id. */
void ui_shift_refresh(struct ui *u);

/* Reacts to UI_K_CARD in the menus: a cashier who inserts a user card
 * gets its sale screen. Returns -1 to quit, else 0. */
int ui_card_event(struct ui *u);

/* Finds the account a card names (the card holds the number without
 * leading zeros) into no (13 bytes); 0 or -SD_NOT_FOUND. */
int ui_card_account(struct ui *u, const char *card_account, char *no);

/* When rc is a refusal that an administrator may lift (-SD_PERM whose
 * detail asks for an administrator), offers the approver's log-in and
 * fills *ap. Returns 1 to retry with ap, 0 not applicable or left. */
int ui_approver(struct ui *u, int rc, struct session *ap);

/* Asks for one line of text (a reason) in a form titled title (N_());
 * returns 1 with out filled, 0 when left, -1 for quit. */
int ui_prompt(struct ui *u, const char *title, const char *intro, const char *label,
	      char *out, size_t len);

/* Formats a UTC instant in the site's local time, "YYYY-MM-DD HH:MM";
 * returns buf. */
char *ui_time(const struct ui *u, int64_t t, char *buf, unsigned len);

/* ---- meters (issue 6, the meter screens) ------------------------------ */

struct mv_meter;   /* src/meter_view.h */

/* The meters list with its filters; the alarms; the bus test. Each
 * returns 0, or -1 when the operator asked to quit. */
int ui_meters(struct ui *u);
int ui_alarms(struct ui *u);
int ui_bustest(struct ui *u);

/* One meter's live values, history, alarms and commands, with the relay
 * commands; 0 when left, -1 for quit. */
int ui_meter_detail(struct ui *u, const char *meter_no);

/* A meter's link as a person reads it: online, offline, never (wired,
 * not yet polled), unwired; translated, static. */
const char *ui_meter_link(const struct mv_meter *m);

/* A meter mode (card, remote, billed) translated; static. */
const char *ui_meter_mode(const char *mode);

/* An alarm kind of the events table ("low_balance_1") as a person reads
 * it, translated; static. */
const char *ui_alarm_kind(const char *kind);

/* A duration in seconds as "12 s", "5 min", "3 h" or "2 days" into out. */
void ui_age(int64_t s, char *out, size_t len);
/* Parses "YYYY-MM-DD[ HH:MM]" in the site's local time into *t; 0 or
 * -SD_INVAL with a detail that says what to type. */
int ui_parse_local(const struct ui *u, const char *text, int64_t *t);

#endif
