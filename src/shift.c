/* shift: opening and closing cashiers' shifts, and the Z-report. */
#include "shift.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "sale_int.h"

int shift_open(const struct session *s, int64_t opening_float, int64_t *id)
{
	char f[32];
	int rc = perm_check(s, PERM_SALE);

	if (rc)
		return rc;
	if (opening_float < 0 || opening_float > MONEY_MAX_FEN)
		return err_set(-SD_MONEY_RANGE, "the float is 0 to 99,999,999.99");
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = db_shift_open(s->db, s->operator_id, opening_float, clock_now(), id)) ||
	    (rc = audit_log(s, "shift.open", s->login, "shift=%lld float=%s", (long long)*id,
			    money_format(opening_float, f, sizeof(f)))) ||
	    (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

int shift_current(const struct session *s, struct shift_rec *out)
{
	int rc = db_shift_current(s->db, s->operator_id, out);

	return rc == -SD_NOT_FOUND ? err_set(-SD_NO_SHIFT, "%s has no open shift", s->login) : rc;
}

int shift_close(const struct session *s, int64_t counted, struct shift_rec *out)
{
	char a[32], b[32];
	int rc;

	if (counted < 0 || counted > MONEY_MAX_FEN)
		return err_set(-SD_MONEY_RANGE, "the counted cash is 0 to 99,999,999.99");
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = shift_current(s, out)))
		goto out;
	if (out->n_pending) {
		rc = err_set(-SD_SALE_PENDING, "%lld sale(s) of this shift are pending: settle them "
					       "first (saledesk sale pending)",
			     (long long)out->n_pending);
		goto out;
	}
	if ((rc = db_shift_close(s->db, out->id, counted, clock_now())) ||
	    (rc = audit_log(s, "shift.close", s->login, "shift=%lld expected=%s counted=%s",
			    (long long)out->id, money_format(out->expected, a, sizeof(a)),
			    money_format(counted, b, sizeof(b)))))
		goto out;
	rc = db_shift_get(s->db, out->id, out);
	if (!rc)
		rc = db_commit(s->db);
out:
	if (rc)
		db_rollback(s->db);
	return rc;
}

int shift_get(const struct session *s, int64_t id, struct shift_rec *out)
{
	int rc = db_shift_get(s->db, id, out);

	if (rc)
		return rc == -SD_NOT_FOUND ? err_set(rc, "no shift %lld", (long long)id) : rc;
	return out->operator_id == s->operator_id ? 0 : perm_check(s, PERM_SHIFT_VIEW);
}

int shift_list(const struct session *s, const char *login, int64_t limit,
	       int (*fn)(const struct shift_rec *, void *), void *ctx)
{
	struct operator_rec op;
	int64_t who = s->operator_id;
	int rc;

	if (!login || strcmp(login, s->login)) {
		if ((rc = perm_check(s, PERM_SHIFT_VIEW)))
			return rc;
		who = 0;
		if (login) {
			if ((rc = db_operator_get(s->db, login, &op)))
				return rc == -SD_NOT_FOUND ? err_set(rc, "no operator %s", login) : rc;
			who = op.id;
		}
	}
	return db_shift_each(s->db, who, limit, fn, ctx);
}

static struct shift_zline *zl(struct shift_zline *out, int *n, enum rcpt_style st,
			       const char *label, enum shift_zvalue kind)
{
	struct shift_zline *l = &out[(*n)++];

	memset(l, 0, sizeof(*l));
	l->style = st;
	l->kind = kind;
	snprintf(l->label, sizeof(l->label), "%s", label);
	return l;
}

static void zmoney(struct shift_zline *out, int *n, const char *label, int64_t fen)
{
	zl(out, n, RCPT_PAIR, label, SHIFT_Z_MONEY)->n = fen;
}

int shift_zreport_lines(const struct shift_rec *sh, const char *desk, int utc_offset_min, int zh,
			struct shift_zline *out)
{
	struct shift_zline *l;
	int n = 0;

	zl(out, &n, RCPT_TITLE, desk, SHIFT_Z_NONE);
	zl(out, &n, RCPT_CENTER, zh ? "交班报表 (Z)" : "Z-REPORT", SHIFT_Z_NONE);
	zl(out, &n, RCPT_RULE, "", SHIFT_Z_NONE);
	zl(out, &n, RCPT_PAIR, zh ? "班次" : "Shift", SHIFT_Z_COUNT)->n = sh->id;
	l = zl(out, &n, RCPT_PAIR, zh ? "收费员" : "Cashier", SHIFT_Z_TEXT);
	snprintf(l->text, sizeof(l->text), "%s", sh->name);
	l = zl(out, &n, RCPT_PAIR, zh ? "开班" : "Opened", SHIFT_Z_TEXT);
	clock_format_local(sh->opened_at, utc_offset_min, l->text, sizeof(l->text));
	l = zl(out, &n, RCPT_PAIR, zh ? "交班" : "Closed", SHIFT_Z_TEXT);
	if (sh->closed_at)
		clock_format_local(sh->closed_at, utc_offset_min, l->text, sizeof(l->text));
	else
		snprintf(l->text, sizeof(l->text), "%s", zh ? "未交班" : "still open");
	zl(out, &n, RCPT_RULE, "", SHIFT_Z_NONE);
	zl(out, &n, RCPT_PAIR, zh ? "售电笔数" : "Sales", SHIFT_Z_COUNT)->n = sh->n_sales;
	zmoney(out, &n, zh ? "售电金额" : "Sales amount", sh->sales);
	zmoney(out, &n, zh ? "收回陈欠" : "Old debt repaid", sh->debt);
	zmoney(out, &n, zh ? "费用" : "Fees", sh->fees);
	zmoney(out, &n, zh ? "退电" : "Refunds", sh->refunds);
	zmoney(out, &n, zh ? "冲正" : "Reversals", sh->reversals);
	if (sh->other)
		zmoney(out, &n, zh ? "调整" : "Adjustments", sh->other);
	zl(out, &n, RCPT_RULE, "", SHIFT_Z_NONE);
	zmoney(out, &n, zh ? "备用金" : "Opening float", sh->opening_float);
	zmoney(out, &n, zh ? "应有现金" : "Cash expected", sh->expected);
	if (sh->closed_at) {
		zmoney(out, &n, zh ? "实点现金" : "Cash counted", sh->counted_cash);
		l = zl(out, &n, RCPT_BIG_PAIR,
		       sh->counted_cash >= sh->expected ? (zh ? "长款" : "Over")
							: (zh ? "短款" : "Short"),
		       SHIFT_Z_MONEY);
		l->n = sh->counted_cash - sh->expected;
	}
	return n;
}

int shift_zreport(const struct session *s, const struct shift_rec *sh, int width, int zh,
		  struct rcpt_doc *doc)
{
	struct shift_zline lines[SHIFT_Z_MAX];
	char desk[64] = "", v[48];
	int rc = 0, n;

	memset(doc, 0, sizeof(*doc));
	doc->width = width;
	db_setting_get(s->db, "site.name", desk, sizeof(desk));
	n = shift_zreport_lines(sh, desk, s->utc_offset_min, zh, lines);
	for (int i = 0; i < n; i++) {
		const struct shift_zline *l = &lines[i];
		const char *right = NULL;
		if (l->kind == SHIFT_Z_TEXT) {
			right = l->text;
		} else if (l->kind == SHIFT_Z_COUNT) {
			snprintf(v, sizeof(v), "%lld", (long long)l->n);
			right = v;
		} else if (l->kind == SHIFT_Z_MONEY) {
			right = money_format_grouped(l->n, v, sizeof(v));
		}
		rc |= rcpt_add(doc, l->style, l->label, right);
	}
	return rc ? err_set(-SD_OVERFLOW, "the Z-report does not fit") : 0;
}

int shift_print_zreport(const struct session *s, const struct sale_io *io,
			const struct shift_rec *sh)
{
	struct rcpt_doc *doc;
	int rc;

	if (!io->cfg || !io->cfg->printer[0])
		return err_set(-SD_PRINTER_OFF, "no printer is configured ([printer] device)");
	if (!(doc = calloc(1, sizeof(*doc))))
		return err_set(-SD_NOMEM, "Z-report");
	rc = shift_zreport(s, sh, io->cfg->printer_width, io->zh, doc);
	if (!rc)
		rc = sale_print_doc(io->cfg, io->zh, doc);
	free(doc);
	return rc;
}
