/* ui_tech: what the technician's and administrator's tool screens share
 * (ui_tech.c, the card screen; ui_commission.c, the commissioning flow;
 * ui_admin_tools.c, settings, keys, backups, diagnostics). ui/ only. */
#ifndef SALEDESK_UI_TECH_H
#define SALEDESK_UI_TECH_H

#include <stddef.h>

#include "card.h"   /* cardio: struct card_state, struct card_reader */
#include "ui_int.h"

/* The screens: Technician cards (technicians) and Recycle a card
 * (administrators); 0, or -1 to quit. */
int ui_tech_cards(struct ui *u);
int ui_card_recycle(struct ui *u);

/* The commissioning sequence of a meter as a guided flow; 0 or -1. */
int ui_commission(struct ui *u);

/* The administration and diagnostics screens (ui_admin_tools.c):
 * Settings, Card keys, Backups (administrators) and Diagnostics
 * (everyone; each test checks its own permission). 0, or -1 to quit. */
int ui_settings(struct ui *u);
int ui_keys_admin(struct ui *u);
int ui_backups(struct ui *u);
int ui_diagnostics(struct ui *u);

/* The file the UI's log lines go to while it runs (ui_main.c). */
void ui_log_path(const struct ui *u, char *buf, unsigned len);

/* The word for card type (check, reset, clear, setting); static. */
const char *ui_tech_kind_name(int type);

/* What to do next after a card operation failed with rc; static. */
const char *ui_tech_next(int rc);

/* Shows progress, pauses the card watcher, opens a reader of our own,
 * runs fn with it, frees it and resumes the watcher. Returns fn's code
 * (or the reader's). */
int ui_tech_with_reader(struct ui *u, const char *progress,
			int (*fn)(struct ui *u, struct card_reader *r, void *ctx), void *ctx);

/* Asks for the order of a technician card of type (meter pre-filled
 * when not NULL; a check card asks nothing but a yes), unlocks the keys if
 * needed and issues it. *done is set when it was issued, with the
 * sentence for the screen in out. Errors were shown. Returns 0, -1 quit. */
int ui_tech_issue(struct ui *u, int type, const char *meter, char *out, size_t len, int *done);

/* Reads the check card in the reader back (keys unlocked on the way) into
 * *st; *done is set on success, errors were shown. 0, or -1 to quit. */
int ui_tech_read_check(struct ui *u, struct card_state *st, int *done);

/* The check answer of *st as lines for the screen. */
void ui_tech_check_text(const struct card_state *st, char *out, size_t len);

#endif
