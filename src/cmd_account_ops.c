/* cmd_account_ops: `saledesk account open --issue-card/--fee/--pre`,
 * `account activate|change|transfer|replace-meter|close` and `card
 * lost|reissue`: the special operations of docs/accounts.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account_ops.h"
#include "cli.h"
#include "commands.h"
#include "err.h"
#include "keys.h"
#include "money.h"
#include "reader.h"

/* Parses money option name into *fen (0 when absent); -1 when bad (the
 * reason printed). */
static int money_opt(struct cli *c, const char *name, int64_t *fen)
{
	const char *v = cli_get(c, name);
	int rc;

	*fen = 0;
	if (!v)
		return 0;
	if ((rc = money_parse(v, MONEY_ALLOW_ZERO, fen))) {
		fprintf(stderr, "saledesk: --%s %s: %s\n", name, v, err_str(rc));
		return -1;
	}
	return 0;
}

/* Opens the reader and unlocks the keys into io; *r and *ring are the
 * caller's to free. */
static int card_io(struct cli *c, struct sale_io *io, struct card_reader **r,
		   struct card_keyring **ring)
{
	int rc;

	if ((rc = cmd_unlock_keys(c, ring)) || (rc = cmd_open_reader(c, r)))
		return rc;
	io->reader = *r;
	io->ring = *ring;
	return 0;
}

static void io_init(struct cli *c, struct sale_io *io)
{
	memset(io, 0, sizeof(*io));
	io->cfg = &c->cfg;
	io->zh = !strncmp(c->cfg.locale, "zh", 2);
}

/* Tells the cashier what happened: the money, its receipt, the card. */
static void print_result(const struct account_op_result *res, const char *what)
{
	char a[32], why[256];

	if (res->card_refund)
		printf("%s yuan taken back off the card and refunded.\n",
		       money_format_grouped(res->card_refund, a, sizeof(a)));
	if (res->receipt_no[0]) {
		printf("%s %s yuan, receipt %s", res->amount > 0 ? what : "Paid back",
		       money_format_grouped(res->amount > 0 ? res->amount : -res->amount, a, sizeof(a)),
		       res->receipt_no);
		if (res->print_rc)
			printf(" (NOT PRINTED: %s)", err_text(res->print_rc, why, sizeof(why)));
		printf("\n");
	}
	if (res->card == 1)
		printf("Issued card %s for account %s.\n", res->card_serial, res->account_no);
	else if (res->card == 2)
		printf("Already issued: card %s for account %s.\n", res->card_serial, res->account_no);
	if (res->meter_carry && !strcmp(res->carry_mode, "card") && res->carried_amount)
		printf("Card %s now names meter %s and carries the old meter's %s yuan as purchase "
		       "%lld: the new meter credits it at the first insertion.\n", res->card_serial,
		       res->carry_meter, money_format_grouped(res->carried_amount, a, sizeof(a)),
		       (long long)res->carried_seq);
	else if (res->meter_carry && !strcmp(res->carry_mode, "card"))
		printf("Card %s now names meter %s.\n", res->card_serial, res->carry_meter);
	else if (res->meter_carry && res->carried_amount)
		printf("Recharge of %s yuan queued for meter %s (purchase %lld): the meter-reading "
		       "service sends it.\n", money_format_grouped(res->carried_amount, a, sizeof(a)),
		       res->carry_meter, (long long)res->carried_seq);
	else if (res->carried_seq)
		printf("The lost card's purchase %lld (%s yuan) is on the new card: the meter credits "
		       "it once, from whichever card reaches it first.\n", (long long)res->carried_seq,
		       money_format_grouped(res->carried_amount, a, sizeof(a)));
	if (res->note[0])
		printf("Note: %s.\n", res->note);
}

int cmd_account_open_ops(struct cli *c, struct account_form *f)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct account_op_result res;
	struct sale_io io;
	unsigned flags = (cli_get(c, "pre") ? ACCOUNT_PRE : 0) |
			 (cli_get(c, "issue-card") ? ACCOUNT_ISSUE_CARD : 0);
	int64_t fee;
	int rc;

	io_init(c, &io);
	if (money_opt(c, "fee", &fee) < 0)
		return 2;
	if ((rc = cli_login(c)) ||
	    ((flags & ACCOUNT_ISSUE_CARD) && (rc = card_io(c, &io, &r, &ring))))
		goto out;
	rc = account_open_with(&c->s, &io, f, flags, fee, &res);
	if (rc && res.account_no[0])
		printf("Opened account %s for %s.\n", res.account_no, f->acc.customer.name);
	if (rc)
		goto out;
	printf("%s account %s for %s.\n", flags & ACCOUNT_PRE ? "Pre-registered" : "Opened",
	       res.account_no, f->acc.customer.name);
	print_result(&res, "Opening fee");
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_account_activate(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct account_op_result res;
	struct sale_io io;
	int64_t fee;
	int rc, card_meter, active;

	io_init(c, &io);
	if (money_opt(c, "fee", &fee) < 0)
		return 2;
	/* the card meter's card is issued (or found issued, on a repeat) */
	if ((rc = cli_login(c)) ||
	    (rc = account_card_needs(&c->s, c->argv[0], &card_meter, &active)) ||
	    (card_meter && (rc = card_io(c, &io, &r, &ring))) ||
	    (rc = account_activate(&c->s, &io, c->argv[0], fee, &res)))
		goto out;
	printf("Account %s is open.\n", res.account_no);
	print_result(&res, "Opening fee");
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

/* Collects the options of opts (names, NULL-terminated) that were given,
 * as account_form_set() fields. */
static int collect(struct cli *c, const char *const opts[], const char *names[],
		   const char *values[], char fields[][32])
{
	int n = 0;

	for (int i = 0; opts[i]; i++) {
		const char *v = cli_get(c, opts[i]);
		if (!v)
			continue;
		snprintf(fields[n], 32, "%s", opts[i]);
		for (char *p = fields[n]; *p; p++)
			if (*p == '-')
				*p = '_';
		names[n] = fields[n];
		values[n++] = v;
	}
	return n;
}

static const char *const customer_opts[] = { "name", "id-number", "phone", "address", NULL };
static const char *const data_opts[] = { "name", "id-number", "phone", "address", "building",
					 "floor", "room", "area", NULL };

static const struct cli_opt change_opts[] = {
	{ "name", "NAME", 0, "new customer's name" },
	{ "id-number", "ID", 0, "new ID card number" },
	{ "phone", "PHONE", 0, "new phone (\"\" clears it)" },
	{ "address", "TEXT", 0, "new postal address" },
	{ "building", "NAME", 0, "new building" },
	{ "floor", "N", 0, "new floor (\"\" clears it)" },
	{ "room", "ROOM", 0, "new room" },
	{ "area", "M2", 0, "new floor area in m²" },
	{ NULL, NULL, 0, NULL },
};

static int run_account_change(struct cli *c)
{
	const char *names[16], *values[16];
	char fields[16][32];
	struct account_op_result res;
	int rc, n = collect(c, data_opts, names, values, fields);

	if (!n)
		return cli_usage_error(c, "say what changes: --phone, --name, --address, ...");
	if ((rc = cli_login(c)) || (rc = account_change(&c->s, c->argv[0], names, values, n, &res)))
		return cli_fail(rc);
	if (!res.changed)
		printf("Nothing changed: account %s already holds these values.\n", res.account_no);
	else
		printf("Changed %d field%s of account %s.\n", res.changed, res.changed > 1 ? "s" : "",
		       res.account_no);
	return 0;
}

static const struct cli_opt transfer_opts[] = {
	{ "name", "NAME", 0, "new owner's name (required)" },
	{ "id-number", "ID", 0, "new owner's ID card number" },
	{ "phone", "PHONE", 0, "new owner's phone" },
	{ "address", "TEXT", 0, "new owner's postal address" },
	{ "settle", NULL, 0, "desk-billed meter: refund the desk balance to the old owner first" },
	APPROVER_OPTS, { NULL, NULL, 0, NULL },
};

static int run_account_transfer(struct cli *c)
{
	const char *names[8], *values[8];
	char fields[8][32];
	struct account_op_result res;
	struct session ap;
	struct sale_io io;
	int rc, have_ap, n = collect(c, customer_opts, names, values, fields);

	io_init(c, &io);
	if (!cli_get(c, "name"))
		return cli_usage_error(c, "give --name: the new owner");
	if ((rc = cli_login(c)) || (rc = cli_approver(c, &ap, &have_ap)) ||
	    (rc = account_transfer(&c->s, have_ap ? &ap : NULL, &io, c->argv[0], names, values, n,
				   cli_get(c, "settle") != NULL, &res)))
		return cli_fail(rc);
	printf("Account %s now belongs to %s; its history and credit stay with it.\n",
	       res.account_no, cli_get(c, "name"));
	print_result(&res, "Taken");
	return 0;
}

static const struct cli_opt replace_opts[] = {
	{ "old", "NO", 0, "the meter taken out (required)" },
	{ "new", "NO", 0, "the meter put in (required)" },
	{ "final-reading", "KWH", 0, "the old meter's last energy reading (required)" },
	{ "balance", "YUAN", 0, "credit the old meter still held (its display or the card's "
				 "return record)" },
	APPROVER_OPTS, PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};

/* The reader and keys when the account has a card the operation may
 * move; without them the operation still runs and says what is left. */
static void maybe_card_io(struct cli *c, struct sale_io *io, struct card_reader **r,
			  struct card_keyring **ring)
{
	int card_meter = 0, active = 0;

	if (account_card_needs(&c->s, c->argv[0], &card_meter, &active) || !card_meter || !active)
		return;
	int rc = card_io(c, io, r, ring);

	if (rc) {
		char why[256];
		fprintf(stderr, "saledesk: no card work now: %s\n", err_text(rc, why, sizeof(why)));
		io->reader = NULL;
		io->ring = NULL;
	}
}

static int run_account_replace_meter(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct account_op_result res;
	struct session ap;
	struct sale_io io;
	const char *fr = cli_get(c, "final-reading");
	int64_t wh, balance;
	int rc, have_ap;
	char a[32];

	io_init(c, &io);
	if (!cli_get(c, "old") || !cli_get(c, "new") || !fr)
		return cli_usage_error(c, "give --old NO, --new NO and --final-reading KWH");
	/* SD_MONEY_SYNTAX's sentence speaks of yuan; a reading is in kWh. */
	if ((rc = energy_parse(fr, MONEY_ALLOW_ZERO, &wh)))
		return cli_usage_error(c, "--final-reading %s: %s (kWh with at most three decimals, "
				       "like 1234.5)", fr,
				       rc == -SD_MONEY_SYNTAX ? "not a reading" : err_str(rc));
	if (money_opt(c, "balance", &balance) < 0)
		return 2;
	if ((rc = cli_login(c)) || (rc = cli_approver(c, &ap, &have_ap)))
		goto out;
	maybe_card_io(c, &io, &r, &ring);
	if ((rc = account_replace_meter(&c->s, have_ap ? &ap : NULL, &io, c->argv[0],
					cli_get(c, "old"), cli_get(c, "new"), wh, balance, &res)))
		goto out;
	printf("Meter %s of account %s replaced by %s (final reading %lld.%03lld kWh, balance %s "
	       "yuan).\n", cli_get(c, "old"), res.account_no, cli_get(c, "new"),
	       (long long)(wh / 1000), (long long)(wh % 1000),
	       money_format_grouped(balance, a, sizeof(a)));
	print_result(&res, "Taken");
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static const struct cli_opt carry_opts[] = { PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL } };

static int run_account_carry(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct account_op_result res;
	struct sale_io io;
	int rc, unfinished = 0;

	io_init(c, &io);
	if ((rc = cli_login(c)))
		goto out;
	maybe_card_io(c, &io, &r, &ring);
	if ((rc = account_carry(&c->s, &io, c->argv[0], &res)))
		goto out;
	print_result(&res, "Taken");
	unfinished = !res.meter_carry; /* the note said why */
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : unfinished;
}

static const struct cli_opt close_opts[] = {
	{ "meter-balance", "YUAN", 0, "credit the meter still holds (read from the meter)" },
	APPROVER_OPTS, PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};

static int run_account_close(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct account_op_result res;
	struct session ap;
	struct sale_io io;
	int64_t meter_balance;
	int rc, have_ap, card_meter, active;

	io_init(c, &io);
	if (money_opt(c, "meter-balance", &meter_balance) < 0)
		return 2;
	if ((rc = cli_login(c)) || (rc = cli_approver(c, &ap, &have_ap)) ||
	    (rc = account_card_needs(&c->s, c->argv[0], &card_meter, &active)) ||
	    (active && (rc = card_io(c, &io, &r, &ring))) ||
	    (rc = account_close(&c->s, have_ap ? &ap : NULL, &io, c->argv[0], meter_balance, &res)))
		goto out;
	printf("Account %s is closed.\n", res.account_no);
	if (res.card_serial[0])
		printf("Card %s is retired.\n", res.card_serial);
	print_result(&res, "Taken");
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static int run_card_lost(struct cli *c)
{
	struct account_op_result res;
	int rc;

	if ((rc = cli_login(c)) || (rc = account_card_lost(&c->s, c->argv[0], &res)))
		return cli_fail(rc);
	printf("Card %s of account %s is reported lost: the desk refuses it from now on. Issue a "
	       "replacement with `saledesk card reissue %s`.\n", res.card_serial, res.account_no,
	       res.account_no);
	return 0;
}

static int run_card_reissue(struct cli *c)
{
	struct card_keyring *ring = NULL;
	struct card_reader *r = NULL;
	struct account_op_result res;
	struct sale_io io;
	int64_t fee;
	int rc;

	io_init(c, &io);
	if (money_opt(c, "fee", &fee) < 0)
		return 2;
	if ((rc = cli_login(c)) || (rc = card_io(c, &io, &r, &ring)) ||
	    (rc = account_card_reissue(&c->s, &io, c->argv[0], fee, &res)))
		goto out;
	print_result(&res, "Reissue fee");
out:
	card_keys_free(ring);
	reader_free(r);
	return rc ? cli_fail(rc) : 0;
}

static const struct cli_opt activate_opts[] = {
	{ "fee", "YUAN", 0, "opening fee taken now (a receipt in your shift)" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};
static const struct cli_opt reissue_opts[] = {
	{ "fee", "YUAN", 0, "reissue fee taken now (a receipt in your shift)" },
	PASS_OPT, WAIT_OPT, { NULL, NULL, 0, NULL },
};

const struct cli_cmd cmd_account_activate = {
	"account activate", "ACCOUNT [--fee YUAN]",
	"open a pre-registered account in one step: status, fee and its card",
	CLI_LOGIN, activate_opts, 1, 1, run_account_activate,
};
const struct cli_cmd cmd_account_change = {
	"account change", "ACCOUNT --phone PHONE | --name NAME | ...",
	"change the customer's data or the premises (audited old -> new)",
	CLI_LOGIN, change_opts, 1, 1, run_account_change,
};
const struct cli_cmd cmd_account_transfer = {
	"account transfer", "ACCOUNT --name NEW [--settle]",
	"transfer the account to a new owner (过户; an administrator approves)",
	CLI_LOGIN, transfer_opts, 1, 1, run_account_transfer,
};
const struct cli_cmd cmd_account_replace_meter = {
	"account replace-meter", "ACCOUNT --old NO --new NO --final-reading KWH [--balance YUAN]",
	"replace a meter (换表; an administrator approves)",
	CLI_LOGIN, replace_opts, 1, 1, run_account_replace_meter,
};
const struct cli_cmd cmd_account_carry = {
	"account carry", "ACCOUNT",
	"carry a replaced meter's balance to the new meter: the card moved and loaded, or a "
	"recharge queued",
	CLI_LOGIN, carry_opts, 1, 1, run_account_carry,
};
const struct cli_cmd cmd_account_close = {
	"account close", "ACCOUNT [--meter-balance YUAN]",
	"close an account (销户): credit paid back, card retired (an administrator approves)",
	CLI_LOGIN, close_opts, 1, 1, run_account_close,
};
const struct cli_cmd cmd_card_lost = {
	"card lost", "ACCOUNT", "report the account's card lost (挂失): the desk refuses it",
	CLI_LOGIN, NULL, 1, 1, run_card_lost,
};
const struct cli_cmd cmd_card_reissue = {
	"card reissue", "ACCOUNT [--fee YUAN]",
	"issue a replacement for a card reported lost (补卡), carrying its last purchase",
	CLI_LOGIN, reissue_opts, 1, 1, run_card_reissue,
};
