/* cmd_sale: `saledesk sale ...`, `refund`, `receipt ...`, `shift ...` and
 * `setting ...`: the counter's headless commands (the UI calls the same
 * domain functions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "commands.h"
#include "db_poll.h"
#include "err.h"
#include "keys.h"
#include "money.h"
#include "perm.h"
#include "reader.h"
#include "sale.h"
#include "setting.h"
#include "shift.h"

/* Parses money option name into *fen; 1 if absent, 0 if given, -1 bad. */
static int money_opt(struct cli *c, const char *name, unsigned flags, int64_t *fen)
{
	const char *v = cli_get(c, name);
	int rc;

	*fen = 0;
	if (!v)
		return 1;
	if ((rc = money_parse(v, flags, fen))) {
		fprintf(stderr, "saledesk: --%s %s: %s\n", name, v, err_str(rc));
		return -1;
	}
	return 0;
}

/* Opens the reader and unlocks the keys for a card meter's work; both
 * stay NULL (and no error) when the desk has no key file yet, so remote
 * and billed sales work without one. */
static int card_io(struct cli *c, struct sale_io *io, struct card_reader **r,
		   struct card_keyring **ring)
{
	int rc;

	memset(io, 0, sizeof(*io));
	io->cfg = &c->cfg;
	io->zh = !strncmp(c->cfg.locale, "zh", 2);
	if ((rc = cmd_unlock_keys(c, ring)) || (rc = cmd_open_reader(c, r)))
		return rc;
	io->reader = *r;
	io->ring = *ring;
	return 0;
}

static void print_quote(const struct sale_quote *q)
{
	char a[32], b[32], d[32];

	printf("amount: %s yuan\n", money_format_grouped(q->amount, a, sizeof(a)));
	if (q->debt_paid)
		printf("old debt repaid: %s (debt left %s)\n",
		       money_format_grouped(q->debt_paid, a, sizeof(a)),
		       money_format_grouped(q->debt_before - q->debt_paid, d, sizeof(d)));
	printf("credited: %s\n", money_format_grouped(q->credited, b, sizeof(b)));
	printf("energy: %lld.%02lld kWh at %s\n", (long long)(q->energy_wh / 1000),
	       (long long)(q->energy_wh % 1000 / 10), q->tariff);
	if (q->has_balance)
		printf("balance before: %s\n", money_format_grouped(q->balance, a, sizeof(a)));
	if (q->tendered)
		printf("tendered: %s, change: %s\n", money_format_grouped(q->tendered, a, sizeof(a)),
		       money_format_grouped(q->change, b, sizeof(b)));
}

/* Reads --amount or --energy and --tendered into req. */
static int read_req(struct cli *c, struct sale_req *req)
{
	const char *e = cli_get(c, "energy");
	int64_t kwh_fen;
	int am, tn;

	memset(req, 0, sizeof(*req));
	req->account_no = c->argv[0];
	req->meter_no = cli_get(c, "meter");
	if ((am = money_opt(c, "amount", 0, &req->amount)) < 0 ||
	    (tn = money_opt(c, "tendered", 0, &req->tendered)) < 0)
		return 2;
	if (e) {
		/* energy as kWh with up to two decimals: parse it like money */
		if (money_parse(e, 0, &kwh_fen)) {
			fprintf(stderr, "saledesk: --energy %s: type kWh like 50 or 12.5\n", e);
			return 2;
		}
		req->energy_wh = kwh_fen * 10;
	}
	if ((am == 0) == (e != NULL))
		return cli_usage_error(c, "give --amount YUAN or --energy KWH (one of them)");
	return 0;
}

/* A bus meter's last reading, as the meter-reading service stored it. */
static int print_reading(const struct meter_state_rec *m, void *ctx)
{
	struct cli *c = ctx;
	char when[32], a[32];

	if (!m->has_reading) {
		printf("last reading: none yet (%s)\n", m->online ? "online" : "offline");
		return 0;
	}
	printf("last reading: %s, %lld.%02lld kWh, meter balance %s, %s\n",
	       cli_time(c, m->read_at, when, sizeof(when)), (long long)(m->r.energy_wh / 1000),
	       (long long)(m->r.energy_wh % 1000 / 10),
	       money_format_grouped(m->r.balance_fen, a, sizeof(a)),
	       m->online ? "online" : "offline");
	return 0;
}

/* The account's last purchases and any pending sale, under a quote: what
 * a cashier checks before taking the money. */
static int recent_row(const struct sale_rec *s, void *ctx)
{
	struct cli *c = ctx;
	char when[32], a[32];

	printf("  %s  sale %lld  %s yuan  purchase %lld  %s%s\n",
	       cli_time(c, s->created_at, when, sizeof(when)), (long long)s->id,
	       money_format_grouped(s->amount, a, sizeof(a)), (long long)s->purchase_seq, s->status,
	       s->reversed ? " (reversed)" : "");
	return 0;
}

static int print_recent(struct cli *c, int64_t account_id)
{
	struct sale_filter f = { .account_id = account_id, .limit = 5 };
	int rc;

	printf("last purchases:\n");
	if ((rc = sale_list(&c->s, &f, recent_row, c)))
		return cli_fail(rc);
	return 0;
}

static int run_sale_quote(struct cli *c)
{
	struct sale_req req;
	struct sale_quote q;
	int rc = read_req(c, &req);

	if (rc)
		return rc;
	if ((rc = cli_login(c)) || (rc = sale_quote(&c->s, &req, &q)))
		return cli_fail(rc);
	print_quote(&q);
	if (strcmp(q.mode, "card") &&
	    (rc = db_poll_state_each(c->db, 0, q.meter_no, print_reading, c)))
		return cli_fail(rc);
	return print_recent(c, q.account_id);
}

static int run_sale(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct sale_result res;
	struct sale_req req;
	struct sale_io io;
	struct sale_quote q;
	int rc = read_req(c, &req);

	if (rc)
		return rc;
	if ((rc = cli_login(c)) || (rc = sale_quote(&c->s, &req, &q)))
		goto out;
	memset(&io, 0, sizeof(io));
	io.cfg = &c->cfg;
	io.zh = !strncmp(c->cfg.locale, "zh", 2);
	if (!strcmp(q.mode, "card") && (rc = card_io(c, &io, &r, &ring)))
		goto out;
	rc = sale_run(&c->s, &io, &req, &res);
	if (rc && res.sale.id && !strcmp(res.sale.status, "pending"))
		fprintf(stderr, "saledesk: sale %lld is PENDING: no receipt yet\n",
			(long long)res.sale.id);
	if (rc)
		goto out;
	printf("Sale %lld complete: account %s, meter %s (%s)", (long long)res.sale.id,
	       res.sale.account_no, res.sale.meter_no, res.sale.mode);
	if (res.sale.purchase_seq)
		printf(", purchase %lld", (long long)res.sale.purchase_seq);
	printf("\n");
	print_quote(&res.quote);
	if (!strcmp(res.sale.mode, "card")) {
		char when[64];
		printf("card: apdus: %lu, bytes: %lu\n", res.apdus, res.bytes);
		if (res.tariff_files & 1)
			printf("tariff: version %u written to the card (EF03)\n", res.ef03_id);
		if (res.tariff_files & 2)
			printf("next tariff: version %u from %s written to the card (EF04)\n",
			       res.ef04_id, cli_time(c, res.ef04_from, when, sizeof(when)));
		if (res.tariff_note[0])
			printf("tariff NOT written to the card: %s\n", res.tariff_note);
	}
	if (res.command_id)
		printf("command: %lld queued for the meter-reading service\n",
		       (long long)res.command_id);
	printf("receipt: %s", res.receipt_no);
	if (!c->cfg.printer[0])
		printf(" (no printer configured)\n");
	else if (res.print_rc)
		printf(" NOT PRINTED: %s%s%s\n", err_str(res.print_rc), err_detail()[0] ? ": " : "",
		       err_detail());
	else
		printf(" (printed)\n");
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_sale_settle(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct sale_rec sr;
	struct sale_io io;
	int rc, settled = 0;

	if ((rc = cli_login(c)) || (rc = card_io(c, &io, &r, &ring)) ||
	    (rc = sale_settle_card(&c->s, &io, &sr, &settled)))
		goto out;
	if (!settled)
		printf("Nothing to settle: the account of this card has no pending sale.\n");
	else if (settled > 0)
		printf("Sale %lld completed: the card holds purchase %lld. Receipt waiting: "
		       "saledesk receipt reprint.\n", (long long)sr.id, (long long)sr.purchase_seq);
	else
		printf("Sale %lld voided: the card does not hold purchase %lld; no money taken, "
		       "give the cash back.\n", (long long)sr.id, (long long)sr.purchase_seq);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int sale_row(const struct sale_rec *s, void *ctx)
{
	struct cli *c = ((void **)ctx)[0];
	struct rpt_table *t = ((void **)ctx)[1];
	char id[24], seq[24], amt[32], cred[32], when[32], shift[24];

	snprintf(id, sizeof(id), "%lld", (long long)s->id);
	snprintf(seq, sizeof(seq), "%lld", (long long)s->purchase_seq);
	snprintf(shift, sizeof(shift), "%lld", (long long)s->shift_id);
	return rpt_table_add(t, (const char *[]){ id, cli_time(c, s->created_at, when, sizeof(when)),
						  s->status, s->reversed ? "yes" : "", s->account_no,
						  s->meter_no, s->mode, seq,
						  money_format(s->amount, amt, sizeof(amt)),
						  money_format(s->credited, cred, sizeof(cred)),
						  s->operator_login, shift, s->reason });
}

static struct rpt_table *sale_table(void)
{
	return rpt_table_new(13, (const char *[]){ "sale", "time", "status", "reversed", "account",
						   "meter", "mode", "purchase", "amount", "credited",
						   "operator", "shift", "reason" });
}

static int run_sale_list(struct cli *c)
{
	struct sale_filter f = { 0 };
	struct rpt_table *t = sale_table();
	struct account_rec *acc = NULL;
	const char *v;
	void *ctx[2] = { c, t };
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if ((rc = cli_login(c)))
		goto out;
	if ((v = cli_get(c, "account"))) {
		if (!(acc = calloc(1, sizeof(*acc))))
			rc = -SD_NOMEM;
		else if (!(rc = db_account_get(c->db, v, acc)))
			f.account_id = acc->id;
		else if (rc == -SD_NOT_FOUND)
			rc = err_set(rc, "no account %s", v);
	}
	if (!rc && (v = cli_get(c, "shift")))
		f.shift_id = strtoll(v, NULL, 10);
	if (!rc && (v = cli_get(c, "from")))
		rc = cli_parse_time(c, v, &f.from);
	if (!rc && (v = cli_get(c, "to")))
		rc = cli_parse_time(c, v, &f.to);
	if (!rc && (f.from || f.to) && !f.to)
		f.to = INT64_MAX;
	f.status = cli_get(c, "status");
	if (!rc && (v = cli_get(c, "limit")))
		f.limit = strtoll(v, NULL, 10);
	if (!rc)
		rc = sale_list(&c->s, &f, sale_row, ctx);
out:
	free(acc);
	return cli_table_done(c, t, rc);
}

static int run_sale_pending(struct cli *c)
{
	struct rpt_table *t = sale_table();
	void *ctx[2] = { c, t };
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if (!(rc = cli_login(c)))
		rc = sale_pending_each(&c->s, sale_row, ctx);
	return cli_table_done(c, t, rc);
}

static void print_correction(const char *what, const struct ledger_rec *l)
{
	char a[32];

	printf("%s %lld: %s yuan back to the customer", what, (long long)l->id,
	       money_format_grouped(-l->amount, a, sizeof(a)));
	if (l->purchase_seq)
		printf(" (purchase %lld taken back)", (long long)l->purchase_seq);
	printf("\n");
}

static int run_sale_reverse(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct session ap;
	struct sale_rec sr;
	struct ledger_rec l;
	struct sale_io io;
	int rc, have_ap;
	int64_t id = strtoll(c->argv[0], NULL, 10);

	memset(&io, 0, sizeof(io));
	io.cfg = &c->cfg;
	if (!cli_get(c, "reason"))
		return cli_usage_error(c, "give --reason: why the sale is reversed");
	if ((rc = cli_login(c)) || (rc = cli_approver(c, &ap, &have_ap)))
		goto out;
	if ((rc = db_sale_get(c->db, id, &sr)))
		goto out;
	if (!strcmp(sr.mode, "card") && (rc = card_io(c, &io, &r, &ring)))
		goto out;
	if ((rc = sale_reverse(&c->s, have_ap ? &ap : NULL, &io, id, cli_get(c, "reason"), &l)))
		goto out;
	print_correction("Reversal", &l);
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_sale_void(struct cli *c)
{
	struct session ap;
	int rc, have_ap = 0;

	if (!cli_get(c, "reason"))
		return cli_usage_error(c, "give --reason: why the sale is voided without its card");
	if ((rc = cli_login(c)) || (rc = cli_approver(c, &ap, &have_ap)) ||
	    (rc = sale_void_lost(&c->s, have_ap ? &ap : NULL, strtoll(c->argv[0], NULL, 10),
				 cli_get(c, "reason"))))
		return cli_fail(rc);
	printf("Sale %s voided: no money was taken; give the cash back. The replacement card "
	       "carries the account's last completed purchase.\n", c->argv[0]);
	return 0;
}

static int run_refund(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct session ap;
	struct ledger_rec l;
	struct sale_io io;
	struct account_rec *acc = calloc(1, sizeof(*acc));
	int64_t amount = 0;
	int rc, have_ap, card = 0;

	memset(&io, 0, sizeof(io));
	io.cfg = &c->cfg;
	if (!acc)
		return cli_fail(-SD_NOMEM);
	if (!cli_get(c, "reason")) {
		free(acc);
		return cli_usage_error(c, "give --reason: why the credit is refunded");
	}
	if (money_opt(c, "amount", 0, &amount) < 0) {
		free(acc);
		return 2;
	}
	if ((rc = cli_login(c)) || (rc = cli_approver(c, &ap, &have_ap)) ||
	    (rc = db_account_get(c->db, c->argv[0], acc)))
		goto out;
	for (int i = 0; i < acc->n_meters; i++)
		card |= !strcmp(acc->meters[i].mode, "card") && !strcmp(acc->meters[i].status, "active");
	if (card && (rc = card_io(c, &io, &r, &ring)))
		goto out;
	if ((rc = sale_refund(&c->s, have_ap ? &ap : NULL, &io, c->argv[0], amount,
			      cli_get(c, "reason"), &l)))
		goto out;
	print_correction("Refund", &l);
out:
	free(acc);
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_receipt_show(struct cli *c)
{
	const char *w = cli_get(c, "width");
	char *text = NULL;
	int rc;

	if ((rc = cli_login(c)) ||
	    (rc = sale_receipt_text(&c->s, c->argv[0], w ? atoi(w) : c->cfg.printer_width,
				    cli_get(c, "chinese") || !strncmp(c->cfg.locale, "zh", 2),
				    cli_get(c, "reprint") != NULL, &text)))
		return cli_fail(rc);
	fputs(text, stdout);
	free(text);
	return 0;
}

static int run_receipt_reprint(struct cli *c)
{
	struct sale_io io = { .cfg = &c->cfg, .zh = !strncmp(c->cfg.locale, "zh", 2) };
	int rc;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	io.zh = !strncmp(c->cfg.locale, "zh", 2);
	if ((rc = sale_reprint(&c->s, &io, c->argv[0])))
		return cli_fail(rc);
	printf("Receipt %s reprinted (marked as a reprint).\n", c->argv[0]);
	return 0;
}

static int run_receipt_invoiced(struct cli *c)
{
	int rc;

	if ((rc = cli_login(c)) || (rc = sale_mark_invoiced(&c->s, c->argv[0])))
		return cli_fail(rc);
	printf("Receipt %s marked as invoiced.\n", c->argv[0]);
	return 0;
}

static int unprinted_row(const struct receipt_rec *r, void *ctx)
{
	struct cli *c = ((void **)ctx)[0];
	char when[32], led[24];

	snprintf(led, sizeof(led), "%lld", (long long)r->ledger_id);
	return rpt_table_add(((void **)ctx)[1],
			     (const char *[]){ r->number, cli_time(c, r->created_at, when, sizeof(when)),
					       led });
}

static int run_receipt_unprinted(struct cli *c)
{
	struct rpt_table *t = rpt_table_new(3, (const char *[]){ "receipt", "time", "ledger" });
	void *ctx[2] = { c, t };
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if (!(rc = cli_login(c)) && !(rc = perm_check(&c->s, PERM_ACCOUNT_VIEW)))
		rc = db_receipt_each_unprinted(c->db, unprinted_row, ctx);
	return cli_table_done(c, t, rc);
}

static void print_shift(struct cli *c, const struct shift_rec *sh)
{
	char a[32], w[32];

	printf("shift: %lld (%s, %s)\n", (long long)sh->id, sh->login, sh->name);
	printf("opened: %s\n", cli_time(c, sh->opened_at, w, sizeof(w)));
	printf("closed: %s\n", sh->closed_at ? cli_time(c, sh->closed_at, w, sizeof(w)) : "open");
	printf("sales: %lld for %s\n", (long long)sh->n_sales,
	       money_format_grouped(sh->sales, a, sizeof(a)));
	printf("old debt repaid: %s\n", money_format_grouped(sh->debt, a, sizeof(a)));
	printf("fees: %s\n", money_format_grouped(sh->fees, a, sizeof(a)));
	printf("refunds: %s\n", money_format_grouped(sh->refunds, a, sizeof(a)));
	printf("reversals: %s\n", money_format_grouped(sh->reversals, a, sizeof(a)));
	printf("float: %s\n", money_format_grouped(sh->opening_float, a, sizeof(a)));
	printf("cash expected: %s\n", money_format_grouped(sh->expected, a, sizeof(a)));
	if (sh->closed_at) {
		printf("cash counted: %s\n", money_format_grouped(sh->counted_cash, a, sizeof(a)));
		printf("%s: %s\n", sh->counted_cash >= sh->expected ? "over" : "short",
		       money_format_grouped(sh->counted_cash - sh->expected, a, sizeof(a)));
	}
	if (sh->n_pending)
		printf("pending sales: %lld\n", (long long)sh->n_pending);
}

/* Prints the Z-report when --print was given; a printer fault is said but
 * does not fail the command (the shift is closed either way). */
static void maybe_print_z(struct cli *c, const struct shift_rec *sh)
{
	struct sale_io io = { .cfg = &c->cfg, .zh = !strncmp(c->cfg.locale, "zh", 2) };
	int rc;

	if (!cli_get(c, "print"))
		return;
	if ((rc = shift_print_zreport(&c->s, &io, sh)))
		fprintf(stderr, "saledesk: the Z-report was not printed: %s%s%s\n", err_str(rc),
			err_detail()[0] ? ": " : "", err_detail());
	else
		printf("Z-report printed.\n");
}

static int run_shift_open(struct cli *c)
{
	int64_t fl, id;
	int rc;

	if (money_opt(c, "float", MONEY_ALLOW_ZERO, &fl) < 0)
		return 2;
	if ((rc = cli_login(c)) || (rc = shift_open(&c->s, fl, &id)))
		return cli_fail(rc);
	printf("Shift %lld opened for %s with a float of %s.\n", (long long)id, c->s.login,
	       money_format_grouped(fl, (char[32]){0}, 32));
	return 0;
}

static int run_shift_close(struct cli *c)
{
	struct shift_rec sh;
	int64_t counted;
	int rc;

	if (money_opt(c, "counted", MONEY_ALLOW_ZERO, &counted))
		return cli_usage_error(c, "give --counted YUAN: the cash in the drawer");
	if ((rc = cli_login(c)) || (rc = shift_close(&c->s, counted, &sh)))
		return cli_fail(rc);
	print_shift(c, &sh);
	maybe_print_z(c, &sh);
	return 0;
}

static int run_shift_show(struct cli *c)
{
	struct shift_rec sh;
	int rc;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	rc = c->argc ? shift_get(&c->s, strtoll(c->argv[0], NULL, 10), &sh) : shift_current(&c->s, &sh);
	if (rc)
		return cli_fail(rc);
	if (cli_get(c, "zreport")) {
		struct rcpt_doc *doc = calloc(1, sizeof(*doc));
		char *text = NULL;
		size_t len;
		if (!doc)
			return cli_fail(-SD_NOMEM);
		rc = shift_zreport(&c->s, &sh, c->cfg.printer_width, !strncmp(c->cfg.locale, "zh", 2),
				   doc);
		if (!rc && !(rc = rcpt_render_text(doc, &text, &len)))
			fputs(text, stdout);
		free(text);
		free(doc);
		return rc ? cli_fail(rc) : 0;
	}
	print_shift(c, &sh);
	maybe_print_z(c, &sh);
	return 0;
}

static int shift_row(const struct shift_rec *sh, void *ctx)
{
	struct cli *c = ((void **)ctx)[0];
	char id[24], op[32], cl[32], n[24], sales[32], exp[32], cnt[32], os[32];

	snprintf(id, sizeof(id), "%lld", (long long)sh->id);
	snprintf(n, sizeof(n), "%lld", (long long)sh->n_sales);
	money_format(sh->sales, sales, sizeof(sales));
	money_format(sh->expected, exp, sizeof(exp));
	if (sh->closed_at) {
		money_format(sh->counted_cash, cnt, sizeof(cnt));
		money_format(sh->counted_cash - sh->expected, os, sizeof(os));
	} else {
		cnt[0] = os[0] = 0;
	}
	return rpt_table_add(((void **)ctx)[1],
			     (const char *[]){ id, sh->login, cli_time(c, sh->opened_at, op, sizeof(op)),
					       sh->closed_at ? cli_time(c, sh->closed_at, cl, sizeof(cl))
							     : "open",
					       n, sales, exp, cnt, os });
}

static int run_shift_list(struct cli *c)
{
	struct rpt_table *t = rpt_table_new(9, (const char *[]){ "shift", "operator", "opened",
								 "closed", "sales", "amount",
								 "expected", "counted", "over_short" });
	void *ctx[2] = { c, t };
	const char *l = cli_get(c, "limit");
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if (!(rc = cli_login(c)))
		rc = shift_list(&c->s, cli_get(c, "all") ? NULL : cli_get(c, "of") ? cli_get(c, "of")
										 : c->s.login,
				l ? strtoll(l, NULL, 10) : 0, shift_row, ctx);
	return cli_table_done(c, t, rc);
}

static int run_setting_list(struct cli *c)
{
	struct rpt_table *t = rpt_table_new(3, (const char *[]){ "key", "value", "meaning" });
	const struct setting_def *d = setting_defs();
	char v[128];
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if (!(rc = cli_login(c)))
		for (int i = 0; d[i].key && !rc; i++) {
			setting_get(&c->s, d[i].key, v, sizeof(v));
			if (!v[0])
				snprintf(v, sizeof(v), "(default)");
			rc = rpt_table_add(t, (const char *[]){ d[i].key, v, d[i].help });
		}
	return cli_table_done(c, t, rc);
}

static int run_setting_set(struct cli *c)
{
	const char *key = c->argv[0];
	char canon[32];
	int rc;

	if (!setting_find(key))
		return cli_usage_error(c, "unknown setting %s; see saledesk setting list", key);
	if ((rc = cli_login(c)) || (rc = setting_set(&c->s, key, c->argv[1], canon, sizeof(canon))))
		return cli_fail(rc);
	printf("%s = %s\n", key, canon);
	return 0;
}

static const struct cli_opt sale_opts[] = {
	{ "amount", "YUAN", 0, "cash paid" },
	{ "energy", "KWH", 0, "sell this much energy instead (the amount follows from the tariff)" },
	{ "meter", "NO", 0, "which of the account's meters (default: the first active one)" },
	{ "tendered", "YUAN", 0, "cash handed over, for the change" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL }
};
static const struct cli_opt keys_opts[] = { PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL } };
static const struct cli_opt list_opts[] = {
	{ "account", "NO", 0, "only this account" },
	{ "shift", "ID", 0, "only this shift" },
	{ "status", "STATUS", 0, "pending, complete or void" },
	{ "from", "TIME", 0, "YYYY-MM-DD[ HH:MM]: from then on" },
	{ "to", "TIME", 0, "until then (excluded)" },
	{ "limit", "N", 0, "the newest N only" },
	{ NULL, NULL, 0, NULL }
};
static const struct cli_opt reverse_opts[] = {
	{ "reason", "TEXT", 0, "why (required; goes into the ledger and the audit log)" },
	APPROVER_OPTS, PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL }
};
static const struct cli_opt refund_opts[] = {
	{ "amount", "YUAN", 0, "desk-billed meters: how much (default: the whole balance)" },
	{ "reason", "TEXT", 0, "why (required)" },
	APPROVER_OPTS, PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL }
};
static const struct cli_opt show_opts[] = {
	{ "width", "N", 0, "characters per line (default: the printer's)" },
	{ "chinese", NULL, 0, "Chinese labels" },
	{ "reprint", NULL, 0, "show it as a reprint would print" },
	{ NULL, NULL, 0, NULL }
};
static const struct cli_opt none_opts[] = { { NULL, NULL, 0, NULL } };
static const struct cli_opt open_opts[] = {
	{ "float", "YUAN", 0, "cash in the drawer at the start (default 0)" },
	{ NULL, NULL, 0, NULL }
};
static const struct cli_opt close_opts[] = {
	{ "counted", "YUAN", 0, "cash counted in the drawer (required)" },
	{ "print", NULL, 0, "print the Z-report" },
	{ NULL, NULL, 0, NULL }
};
static const struct cli_opt sshow_opts[] = {
	{ "zreport", NULL, 0, "show the Z-report as printed" },
	{ "print", NULL, 0, "print the Z-report" },
	{ NULL, NULL, 0, NULL }
};
static const struct cli_opt slist_opts[] = {
	{ "of", "LOGIN", 0, "that operator's shifts (administrators)" },
	{ "all", NULL, 0, "every operator's shifts (administrators)" },
	{ "limit", "N", 0, "the newest N only" },
	{ NULL, NULL, 0, NULL }
};

const struct cli_cmd cmd_sale = {
	"sale", "ACCOUNT|METER --amount YUAN | --energy KWH",
	"sell electricity for cash: write the card (or queue the recharge), record, print",
	CLI_LOGIN, sale_opts, 1, 1, run_sale,
};
const struct cli_cmd cmd_sale_quote = {
	"sale quote", "ACCOUNT --amount YUAN | --energy KWH",
	"show what a sale would credit, the energy, the debt share and the change",
	CLI_LOGIN, sale_opts, 1, 1, run_sale_quote,
};
const struct cli_cmd cmd_sale_settle = {
	"sale settle", "", "settle the pending sale of the card in the reader from its purchase number",
	CLI_LOGIN, keys_opts, 0, 0, run_sale_settle,
};
const struct cli_cmd cmd_sale_pending = {
	"sale pending", "", "list the sales still pending (each waits for its card)",
	CLI_LOGIN | CLI_FORMAT, none_opts, 0, 0, run_sale_pending,
};
const struct cli_cmd cmd_sale_list = {
	"sale list", "[--account NO] [--from TIME] [--to TIME]", "list sales",
	CLI_LOGIN | CLI_FORMAT, list_opts, 0, 0, run_sale_list,
};
const struct cli_cmd cmd_sale_reverse = {
	"sale reverse", "SALE --reason TEXT",
	"reverse (冲正) a sale made by mistake, before the card has been in the meter",
	CLI_LOGIN, reverse_opts, 1, 1, run_sale_reverse,
};
static const struct cli_opt void_opts[] = {
	{ "reason", "TEXT", 0, "why (required)" },
	APPROVER_OPTS, { NULL, NULL, 0, NULL }
};
const struct cli_cmd cmd_sale_void = {
	"sale void", "SALE --reason TEXT",
	"void a pending sale whose card was reported lost (administrators)",
	CLI_LOGIN, void_opts, 1, 1, run_sale_void,
};
const struct cli_cmd cmd_refund = {
	"refund", "ACCOUNT --reason TEXT",
	"refund (退电) credit the meter has not taken: the card's last purchase, or a billed balance",
	CLI_LOGIN, refund_opts, 1, 1, run_refund,
};
const struct cli_cmd cmd_receipt_show = {
	"receipt show", "NUMBER", "show a receipt as text", CLI_LOGIN, show_opts, 1, 1,
	run_receipt_show,
};
const struct cli_cmd cmd_receipt_reprint = {
	"receipt reprint", "NUMBER", "print a receipt again, marked as a reprint", CLI_LOGIN,
	none_opts, 1, 1, run_receipt_reprint,
};
const struct cli_cmd cmd_receipt_invoiced = {
	"receipt invoiced", "NUMBER", "mark a receipt's sale as invoiced", CLI_LOGIN, none_opts, 1,
	1, run_receipt_invoiced,
};
const struct cli_cmd cmd_receipt_unprinted = {
	"receipt unprinted", "", "list receipts waiting to be printed", CLI_LOGIN | CLI_FORMAT,
	none_opts, 0, 0, run_receipt_unprinted,
};
const struct cli_cmd cmd_shift_open = {
	"shift open", "[--float YUAN]", "open your shift with the cash float in the drawer",
	CLI_LOGIN, open_opts, 0, 0, run_shift_open,
};
const struct cli_cmd cmd_shift_close = {
	"shift close", "--counted YUAN", "close your shift: over/short and the Z-report", CLI_LOGIN,
	close_opts, 0, 0, run_shift_close,
};
const struct cli_cmd cmd_shift_show = {
	"shift show", "[ID]", "show your open shift (or shift ID) with its totals", CLI_LOGIN,
	sshow_opts, 0, 1, run_shift_show,
};
const struct cli_cmd cmd_shift_list = {
	"shift list", "", "list shifts", CLI_LOGIN | CLI_FORMAT, slist_opts, 0, 0, run_shift_list,
};
const struct cli_cmd cmd_setting_list = {
	"setting list", "", "show the desk's business settings (limits)", CLI_LOGIN | CLI_FORMAT,
	none_opts, 0, 0, run_setting_list,
};
const struct cli_cmd cmd_setting_set = {
	"setting set", "KEY VALUE", "change a business setting (administrators)", CLI_LOGIN,
	none_opts, 2, 2, run_setting_set,
};
