/* receipt: the facts of a receipt, their stored form, and their layout
 * into lines. Rendering to text or ESC/POS is in receipt_render.c. */
#include "receipt.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "money.h"
#include "text.h"

/* ---- stored form ---------------------------------------------------- */

enum field_type { F_STR, F_I64, F_INT };

struct field {
	const char *key;
	enum field_type type;
	size_t off, size;
};

#define FS_(k, m) { k, F_STR, offsetof(struct receipt, m), sizeof(((struct receipt *)0)->m) }
#define FI64(k, m) { k, F_I64, offsetof(struct receipt, m), sizeof(int64_t) }
#define FINT(k, m) { k, F_INT, offsetof(struct receipt, m), sizeof(int) }

/* The keys are part of the database: rename none, only add. reprint and
 * reprint_time are not facts of the sale but of one printing, so they are
 * not stored. */
static const struct field fields[] = {
	FS_("kind", kind),
	FS_("number", number),
	FS_("desk", desk),
	FS_("operator", operator_name),
	FS_("customer", customer),
	FS_("account", account_no),
	FS_("room", room),
	FS_("meter", meter_no),
	FI64("amount", amount),
	FI64("energy_wh", energy_wh),
	FS_("tariff", tariff),
	FI64("debt_paid", debt_paid),
	FI64("debt_left", debt_left),
	FI64("credited", credited),
	FI64("balance", balance),
	FINT("has_balance", has_balance),
	FI64("tendered", tendered),
	FI64("change", change),
	FI64("purchase_seq", purchase_seq),
	FI64("time", time),
	FINT("utc_offset_min", utc_offset_min),
	FS_("note", note),
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\r')
			fputs("\\r", f);
		else
			fputc(*s, f);
	}
}

int receipt_encode(const struct receipt *r, char **out)
{
	const char *base = (const char *)r;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	*out = NULL;
	if (!f)
		return -SD_NOMEM;
	for (i = 0; i < NFIELDS; i++) {
		const struct field *fd = &fields[i];
		fprintf(f, "%s=", fd->key);
		if (fd->type == F_STR) {
			/* Copy so a field that is not NUL-terminated cannot run on. */
			char v[256];
			size_t n = strnlen(base + fd->off, fd->size);
			memcpy(v, base + fd->off, n < sizeof(v) ? n : sizeof(v) - 1);
			v[n < sizeof(v) ? n : sizeof(v) - 1] = 0;
			put_escaped(f, v);
		} else if (fd->type == F_I64) {
			int64_t v;
			memcpy(&v, base + fd->off, sizeof(v));
			fprintf(f, "%lld", (long long)v);
		} else {
			int v;
			memcpy(&v, base + fd->off, sizeof(v));
			fprintf(f, "%d", v);
		}
		fputc('\n', f);
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return -SD_NOMEM;
	}
	if (fclose(f) != 0) {
		free(buf);
		return -SD_NOMEM;
	}
	*out = buf;
	return 0;
}

/* Undoes put_escaped() on v[0..n) into dst; returns 0, -1 for an unknown
 * escape, -2 when the value does not fit in size bytes with its NUL. */
static int unescape(const char *v, size_t n, char *dst, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		char c = v[i];
		if (c == '\\') {
			if (++i == n)
				return -1;
			if (v[i] == 'n')
				c = '\n';
			else if (v[i] == 'r')
				c = '\r';
			else if (v[i] == '\\')
				c = '\\';
			else
				return -1;
		}
		if (o + 1 >= size)
			return -2;
		dst[o++] = c;
	}
	dst[o] = 0;
	return 0;
}

static const struct field *find_field(const char *key, size_t n)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (strlen(fields[i].key) == n && memcmp(fields[i].key, key, n) == 0)
			return &fields[i];
	return NULL;
}

static int set_field(struct receipt *r, const struct field *fd, const char *v, size_t n, int lineno)
{
	char *base = (char *)r, num[32], *end;
	int rc;
	long long x;

	if (fd->type == F_STR) {
		rc = unescape(v, n, base + fd->off, fd->size);
		if (rc == -2)
			return err_set(-SD_INVAL, "receipt line %d: %s is longer than %zu bytes",
				       lineno, fd->key, fd->size - 1);
		if (rc < 0)
			return err_set(-SD_INVAL, "receipt line %d: bad escape in %s", lineno, fd->key);
		return 0;
	}
	if (n == 0 || unescape(v, n, num, sizeof(num)) < 0)
		return err_set(-SD_INVAL, "receipt line %d: %s is not a number", lineno, fd->key);
	errno = 0;
	x = strtoll(num, &end, 10);
	if (errno || *end || end == num ||
	    (fd->type == F_INT && (x < INT_MIN || x > INT_MAX)))
		return err_set(-SD_INVAL, "receipt line %d: %s is not a number", lineno, fd->key);
	if (fd->type == F_I64) {
		int64_t v64 = x;
		memcpy(base + fd->off, &v64, sizeof(v64));
	} else {
		int vi = (int)x;
		memcpy(base + fd->off, &vi, sizeof(vi));
	}
	return 0;
}

int receipt_decode(const char *body, struct receipt *r)
{
	const char *line = body;
	int lineno = 0, rc;

	memset(r, 0, sizeof(*r));
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		const char *eq = memchr(line, '=', n);
		const struct field *fd;

		lineno++;
		if (n == 0)
			goto next;
		if (!eq || eq == line)
			return err_set(-SD_INVAL, "receipt line %d is not key=value", lineno);
		fd = find_field(line, (size_t)(eq - line));
		if (fd && (rc = set_field(r, fd, eq + 1, n - (size_t)(eq - line) - 1, lineno)) < 0)
			return rc;
next:
		line += n;
		if (*line == '\n')
			line++;
	}
	return 0;
}

/* ---- layout --------------------------------------------------------- */

int rcpt_add(struct rcpt_doc *doc, enum rcpt_style st, const char *left, const char *right)
{
	struct rcpt_line *ln;
	const char *src[2] = { left ? left : "", right ? right : "" };
	char *dst[2];
	int i;

	if (doc->n >= (int)(sizeof(doc->line) / sizeof(doc->line[0])))
		return err_set(-SD_OVERFLOW, "a receipt holds at most %zu lines",
			       sizeof(doc->line) / sizeof(doc->line[0]));
	ln = &doc->line[doc->n++];
	ln->style = st;
	dst[0] = ln->left;
	dst[1] = ln->right;
	for (i = 0; i < 2; i++)
		text_copy(dst[i], sizeof(ln->left), src[i]);
	return 0;
}

static const struct {
	const char *kind, *zh, *en;
} kinds[] = {
	{ "sale", "售电凭证", "SALE RECEIPT" },
	{ "refund", "退电凭证", "REFUND RECEIPT" },
	{ "reversal", "冲正凭证", "REVERSAL RECEIPT" },
	{ "fee", "费用凭证", "FEE RECEIPT" },
	{ "opening", "开户凭证", "ACCOUNT OPENING" },
	{ "close", "销户凭证", "ACCOUNT CLOSING" },
};

static const char *subtitle(const char *kind, int zh)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return zh ? kinds[i].zh : kinds[i].en;
	/* A kind added later still prints, with a neutral heading. */
	return zh ? "凭证" : "RECEIPT";
}

/* Collects the first error of a run of rcpt_add() calls, so the layout
 * reads as the receipt does instead of as error checks. */
struct builder {
	struct rcpt_doc *doc;
	int zh, rc;
};

static void add(struct builder *b, enum rcpt_style st, const char *zh, const char *en, const char *right)
{
	int rc = rcpt_add(b->doc, st, b->zh ? zh : en, right);

	if (rc < 0 && b->rc == 0)
		b->rc = rc;
}

static void add_money(struct builder *b, enum rcpt_style st, const char *zh, const char *en, int64_t fen)
{
	char m[MONEY_BUFSZ];

	add(b, st, zh, en, money_format(fen, m, sizeof(m)));
}

int receipt_layout(const struct receipt *r, int width, int zh, struct rcpt_doc *doc)
{
	struct builder b = { doc, zh, 0 };
	char t[64], cap[192], seq[24];

	if (width < RECEIPT_WIDTH_MIN || width > RECEIPT_WIDTH_MAX)
		return err_set(-SD_INVAL, "receipt width %d is not between %d and %d", width,
			       RECEIPT_WIDTH_MIN, RECEIPT_WIDTH_MAX);
	memset(doc, 0, sizeof(*doc));
	doc->width = width;

	add(&b, RCPT_TITLE, r->desk, r->desk, NULL);
	add(&b, RCPT_CENTER, subtitle(r->kind, 1), subtitle(r->kind, 0), NULL);
	if (r->reprint) {
		/* Near the top, so nobody takes a copy for a second payment. */
		add(&b, RCPT_CENTER, "*** 重印 REPRINT ***", "*** REPRINT ***", NULL);
		add(&b, RCPT_PAIR, "重印时间", "Reprinted",
		    clock_format_local(r->reprint_time, r->utc_offset_min, t, sizeof(t)));
	}
	add(&b, RCPT_RULE, "", "", NULL);
	add(&b, RCPT_PAIR, "凭证号", "Receipt no.", r->number);
	if (r->time)
		add(&b, RCPT_PAIR, "时间", "Time", clock_format_local(r->time, r->utc_offset_min, t, sizeof(t)));
	add(&b, RCPT_PAIR, "收费员", "Operator", r->operator_name);
	add(&b, RCPT_RULE, "", "", NULL);
	add(&b, RCPT_PAIR, "户名", "Customer", r->customer);
	add(&b, RCPT_PAIR, "户号", "Account", r->account_no);
	if (r->room[0])
		add(&b, RCPT_PAIR, "房号", "Room", r->room);
	if (r->meter_no[0])
		add(&b, RCPT_PAIR, "表号", "Meter", r->meter_no);
	if (r->purchase_seq) {
		snprintf(seq, sizeof(seq), "%lld", (long long)r->purchase_seq);
		add(&b, RCPT_PAIR, "购电次数", "Purchase no.", seq);
	}
	if (r->tariff[0])
		add(&b, RCPT_PAIR, "电价", "Tariff", r->tariff);
	add(&b, RCPT_RULE, "", "", NULL);
	add_money(&b, RCPT_BIG_PAIR, "金额(元)", "Amount CNY", r->amount);
	/* The capitals are the legal form of the amount, so they are shown in
	 * Chinese in both modes. */
	add(&b, RCPT_PAIR, "金额大写", "In words", money_capital(r->amount, cap, sizeof(cap)));
	if (r->energy_wh > 0)
		add(&b, RCPT_PAIR, "电量(kWh)", "Energy kWh", energy_format(r->energy_wh, t, sizeof(t)));
	if (r->debt_paid || r->debt_left) {
		add_money(&b, RCPT_PAIR, "补缴欠费", "Debt paid", r->debt_paid);
		add_money(&b, RCPT_PAIR, "尚欠", "Debt left", r->debt_left);
	}
	if (r->credited || strcmp(r->kind, "sale") == 0)
		add_money(&b, RCPT_PAIR, "充值金额", "Credited", r->credited);
	if (r->has_balance)
		add_money(&b, RCPT_PAIR, "余额", "Balance", r->balance);
	if (r->tendered || r->change) {
		add_money(&b, RCPT_PAIR, "实收", "Tendered", r->tendered);
		add_money(&b, RCPT_PAIR, "找零", "Change", r->change);
	}
	if (r->note[0]) {
		char note[sizeof(r->note) + 16];
		snprintf(note, sizeof(note), "%s%s", zh ? "备注：" : "Note: ", r->note);
		add(&b, RCPT_RULE, "", "", NULL);
		add(&b, RCPT_TEXT, note, note, NULL);
	}
	add(&b, RCPT_RULE, "", "", NULL);
	add(&b, RCPT_CENTER, "请妥善保管此凭证", "Please keep this receipt", NULL);
	return b.rc;
}
