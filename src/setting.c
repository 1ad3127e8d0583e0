/* setting: the business settings, their checks and the audited change
 * (see setting.h). Moved here from cmd_sale.c so the UI changes them the
 * same way the command line does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "setting.h"

static const struct setting_def defs[] = {
	{ "sale.max_amount", "money", "the most one sale may take (0: no limit; default 5000)" },
	{ "sale.max_day", "money", "the most one account may buy in a day (0: no limit)" },
	{ "refund.cashier_max", "money", "refunds above this need an administrator (default 200)" },
	{ "card.utility", "number", "the utility code written on issued cards" },
	{ NULL, NULL, NULL }
};

const struct setting_def *setting_defs(void)
{
	return defs;
}

const struct setting_def *setting_find(const char *key)
{
	for (int i = 0; defs[i].key; i++)
		if (!strcmp(defs[i].key, key))
			return &defs[i];
	return NULL;
}

int setting_get(const struct session *s, const char *key, char *buf, unsigned len)
{
	if (db_setting_get(s->db, key, buf, len))
		buf[0] = 0;
	return 0;
}

int setting_set(const struct session *s, const char *key, const char *value, char *canon,
		unsigned len)
{
	const struct setting_def *d = setting_find(key);
	int64_t n;
	int rc;

	if (!d)
		return err_set(-SD_NOT_FOUND, "unknown setting %s; see saledesk setting list", key);
	if (!strcmp(d->kind, "money")) {
		if ((rc = money_parse(value, MONEY_ALLOW_ZERO, &n)))
			return err_set(rc, "%s takes an amount in yuan", key);
		money_format(n, canon, len);
	} else {
		char *end;
		n = strtoll(value, &end, 10);
		if (*end || n < 0 || n > 0xFFFFFFFFll || !*value)
			return err_set(-SD_INVAL, "%s takes a number 0 to 4294967295", key);
		snprintf(canon, len, "%lld", (long long)n);
	}
	if ((rc = perm_check(s, PERM_SETTINGS)) || (rc = db_begin(s->db)))
		return rc;
	if ((rc = db_setting_set(s->db, key, canon)) ||
	    (rc = audit_log(s, "setting.set", key, "value=%s", canon)) ||
	    (rc = db_commit(s->db))) {
		db_rollback(s->db);
		return rc;
	}
	return 0;
}
