/* setting: the desk's business settings an administrator may change
 * (limits, the utility code on cards): which keys exist, how each value
 * is checked, and the audited change. `saledesk setting list/set` and the
 * UI's Settings screen both call this. */
#ifndef SALEDESK_SETTING_H
#define SALEDESK_SETTING_H

#include "session.h"

/* One setting: its key, kind ("money": yuan as typed; "number": 0 to
 * 4294967295) and what it means. */
struct setting_def {
	const char *key, *kind, *help;
};

/* Returns the settings, ended by a { NULL } entry; static. */
const struct setting_def *setting_defs(void);

/* Returns key's definition, or NULL when there is no such setting. */
const struct setting_def *setting_find(const char *key);

/* Puts key's stored value into buf; "" when it was never set (the
 * default applies). Returns 0 or a negative code. */
int setting_get(const struct session *s, const char *key, char *buf, unsigned len);

/* Checks value for key, stores it in its canonical form (canon, the
 * caller's buffer) and audits "setting.set" in one transaction. Needs
 * PERM_SETTINGS. -SD_NOT_FOUND for an unknown key; the money and number
 * parsers' codes, with a detail naming the key, for a wrong value. */
int setting_set(const struct session *s, const char *key, const char *value, char *canon,
		unsigned len);

#endif
