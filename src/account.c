/* account: opening, importing, finding and showing accounts. */
#include "account.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "clock.h"
#include "csv.h"
#include "err.h"
#include "money.h"
#include "perm.h"
#include "text.h"

/* Alarm levels when the form gives none: 30, 20 and 10 yuan. */
static const int64_t default_alarms[3] = { 3000, 2000, 1000 };

void account_form_init(struct account_form *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->acc.debt_mode, sizeof(f->acc.debt_mode), "none");
	snprintf(f->mode, sizeof(f->mode), "card");
}

static int set_text(char *dst, size_t size, int max_chars, const char *field,
		    const char *value)
{
	if (utf8_chars(value) > max_chars || strlen(value) >= size)
		return err_set(-SD_INVAL, "%s: at most %d characters", field, max_chars);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

static int set_digits(char *dst, int max, const char *field, const char *value)
{
	size_t n = strlen(value);

	if (n == 0 || (int)n > max || strspn(value, "0123456789") != n)
		return err_set(-SD_INVAL, "%s: 1 to %d digits, got \"%s\"", field, max, value);
	memcpy(dst, value, n + 1);
	return 0;
}

static int set_money(int64_t *dst, const char *field, const char *value)
{
	int rc = money_parse(value, MONEY_ALLOW_ZERO, dst);

	return rc ? err_set(rc, "%s: \"%s\"", field, value) : 0;
}

static int check_mode(const char *mode)
{
	if (strcmp(mode, "card") && strcmp(mode, "remote") && strcmp(mode, "billed"))
		return err_set(-SD_INVAL, "meter mode \"%s\": use card, remote or billed", mode);
	return 0;
}

/* "NO[:TARIFF[:MODE[:PHASES]]]" */
static int add_meter(struct account_form *f, const char *value)
{
	struct meter_form m;
	char buf[64], *parts[4] = { 0 }, *save = NULL, *p;
	int n = 0, rc;

	if (f->n_meters == ACCOUNT_MAX_METERS)
		return err_set(-SD_INVAL, "an account holds at most %d meters", ACCOUNT_MAX_METERS);
	if (strlen(value) >= sizeof(buf))
		return err_set(-SD_INVAL, "meter: \"%s\" is too long", value);
	memset(&m, 0, sizeof(m));
	snprintf(buf, sizeof(buf), "%s", value);
	for (p = strtok_r(buf, ":", &save); p && n < 4; p = strtok_r(NULL, ":", &save))
		parts[n++] = p;
	if (p)
		return err_set(-SD_INVAL, "meter: use NUMBER[:TARIFF[:MODE[:PHASES]]]");
	if (!parts[0] || (rc = set_digits(m.meter_no, METER_NO_MAX, "meter number", parts[0])))
		return parts[0] ? rc : err_set(-SD_INVAL, "meter: no meter number");
	if (parts[1] && (rc = set_text(m.tariff, sizeof(m.tariff), TARIFF_CODE_MAX, "tariff",
				       parts[1])))
		return rc;
	if (parts[2]) {
		if ((rc = check_mode(parts[2])))
			return rc;
		snprintf(m.mode, sizeof(m.mode), "%s", parts[2]);
	}
	if (parts[3]) {
		if (strcmp(parts[3], "1") && strcmp(parts[3], "3"))
			return err_set(-SD_INVAL, "meter phases: 1 or 3, got \"%s\"", parts[3]);
		m.phases = atoi(parts[3]);
	}
	for (n = 0; n < f->n_meters; n++)
		if (strcmp(f->meters[n].meter_no, m.meter_no) == 0)
			return err_set(-SD_EXISTS, "meter %s is listed twice", m.meter_no);
	f->meters[f->n_meters++] = m;
	return 0;
}

static const char *const form_fields[] = {
	"account_no", "name", "id_number", "phone", "address", "building", "floor",
	"room", "area", "credit_limit", "alarm1", "alarm2", "alarm3", "debt",
	"debt_mode", "debt_share", "debt_fixed", "tariff", "mode", "meter", "meters",
	NULL
};

const char *const *account_form_fields(void)
{
	return form_fields;
}

int account_form_set(struct account_form *f, const char *name, const char *value)
{
	struct account_rec *a = &f->acc;
	struct customer_rec *c = &a->customer;
	int rc;

	if (strcmp(name, "account_no") == 0)
		return *value ? set_digits(a->account_no, ACCOUNT_NO_MAX, "account number", value) : 0;
	if (strcmp(name, "name") == 0)
		return set_text(c->name, sizeof(c->name), 64, "name", value);
	if (strcmp(name, "id_number") == 0)
		return set_text(c->id_number, sizeof(c->id_number), 32, "ID number", value);
	if (strcmp(name, "phone") == 0) {
		size_t n = strlen(value);
		if (n && (n < 3 || n > 20 || strspn(value, "0123456789+- ") != n))
			return err_set(-SD_INVAL, "phone: digits, '+', '-' and spaces, 3 to 20, "
						  "got \"%s\"", value);
		memcpy(c->phone, value, n + 1);
		return 0;
	}
	if (strcmp(name, "address") == 0)
		return set_text(c->address, sizeof(c->address), 128, "address", value);
	if (strcmp(name, "building") == 0)
		return set_text(a->building, sizeof(a->building), 32, "building", value);
	if (strcmp(name, "room") == 0)
		return set_text(a->room, sizeof(a->room), 16, "room", value);
	if (strcmp(name, "floor") == 0) {
		char *end;
		long v = strtol(value, &end, 10);
		if (!*value) {
			a->has_floor = 0;
			return 0;
		}
		if (*end || v < -9 || v > 199)
			return err_set(-SD_INVAL, "floor: a whole number from -9 to 199, got \"%s\"",
				       value);
		a->floor = (int)v;
		a->has_floor = 1;
		return 0;
	}
	if (strcmp(name, "area") == 0)
		return *value ? set_money(&a->area_dm2, "area (m²)", value) : 0;
	if (strcmp(name, "credit_limit") == 0)
		return *value ? set_money(&a->credit_limit, "credit limit", value) : 0;
	if (strncmp(name, "alarm", 5) == 0 && name[5] >= '1' && name[5] <= '3' && !name[6]) {
		if (!*value)
			return 0;
		f->alarms_set = 1;
		return set_money(&a->alarm[name[5] - '1'], name, value);
	}
	if (strcmp(name, "debt") == 0)
		return *value ? set_money(&a->debt, "old debt", value) : 0;
	if (strcmp(name, "debt_mode") == 0) {
		if (*value && strcmp(value, "none") && strcmp(value, "share") && strcmp(value, "fixed"))
			return err_set(-SD_INVAL, "debt mode: none, share or fixed, got \"%s\"", value);
		snprintf(a->debt_mode, sizeof(a->debt_mode), "%s", *value ? value : "none");
		return 0;
	}
	if (strcmp(name, "debt_share") == 0) {
		/* A percentage with up to two decimals: 12.5 is 1250 bp. */
		char pct[32];
		size_t n = strlen(value);
		if (!n)
			return 0;
		if (n >= sizeof(pct))
			return err_set(-SD_INVAL, "debt share: a percentage, got \"%s\"", value);
		snprintf(pct, sizeof(pct), "%s", value);
		if (pct[n - 1] == '%')
			pct[n - 1] = 0;
		if ((rc = money_parse(pct, 0, &a->debt_share_bp)) || a->debt_share_bp > 10000)
			return err_set(rc ? rc : -SD_INVAL,
				       "debt share: a percentage above 0 up to 100, got \"%s\"", value);
		return 0;
	}
	if (strcmp(name, "debt_fixed") == 0)
		return *value ? set_money(&a->debt_fixed, "debt per purchase", value) : 0;
	if (strcmp(name, "tariff") == 0)
		return set_text(f->tariff, sizeof(f->tariff), TARIFF_CODE_MAX, "tariff", value);
	if (strcmp(name, "mode") == 0) {
		if ((rc = check_mode(value)))
			return rc;
		snprintf(f->mode, sizeof(f->mode), "%s", value);
		return 0;
	}
	if (strcmp(name, "meter") == 0)
		return add_meter(f, value);
	if (strcmp(name, "meters") == 0) {
		/* A CSV cell may list several meters separated by ';'. */
		char buf[512], *save = NULL, *p;
		if (strlen(value) >= sizeof(buf))
			return err_set(-SD_INVAL, "meters: too long");
		snprintf(buf, sizeof(buf), "%s", value);
		for (p = strtok_r(buf, "; ", &save); p; p = strtok_r(NULL, "; ", &save))
			if ((rc = add_meter(f, p)))
				return rc;
		return 0;
	}
	return err_set(-SD_NOT_FOUND, "unknown field \"%s\"", name);
}

/* Checks the form as a whole and resolves meter tariffs, inside the
 * transaction so a tariff cannot vanish in between. */
static int check_form(struct db *db, struct account_form *f)
{
	struct account_rec *a = &f->acc;
	struct tariff_row t;
	int i, rc;

	if (!a->customer.name[0])
		return err_set(-SD_INVAL, "the customer's name is missing");
	if (f->n_meters == 0)
		return err_set(-SD_INVAL, "an account needs at least one meter");
	if (!f->alarms_set)
		memcpy(a->alarm, default_alarms, sizeof(a->alarm));
	if (a->alarm[0] < a->alarm[1] || a->alarm[1] < a->alarm[2])
		return err_set(-SD_INVAL, "alarm levels must not rise: alarm1 >= alarm2 >= alarm3");
	if (a->debt > 0 && strcmp(a->debt_mode, "none") == 0)
		return err_set(-SD_INVAL, "old debt needs a repayment mode: share or fixed");
	if (strcmp(a->debt_mode, "share") == 0 && a->debt_share_bp <= 0)
		return err_set(-SD_INVAL, "debt mode share needs --debt-share, a percentage");
	if (strcmp(a->debt_mode, "fixed") == 0 && a->debt_fixed <= 0)
		return err_set(-SD_INVAL, "debt mode fixed needs --debt-fixed, an amount");
	for (i = 0; i < f->n_meters; i++) {
		struct meter_form *mf = &f->meters[i];
		struct meter_rec *m = &a->meters[i];
		const char *code = mf->tariff[0] ? mf->tariff : f->tariff;

		if (!code[0])
			return err_set(-SD_INVAL, "meter %s has no tariff; give --tariff",
				       mf->meter_no);
		if ((rc = db_tariff_get(db, code, &t)))
			return rc;
		memset(m, 0, sizeof(*m));
		/* Same-sized fields of one form: plain copies. */
		memcpy(m->meter_no, mf->meter_no, sizeof(m->meter_no));
		memcpy(m->tariff_code, t.code, sizeof(m->tariff_code));
		memcpy(m->mode, mf->mode[0] ? mf->mode : f->mode, sizeof(m->mode));
		m->tariff_id = t.id;
		m->phases = mf->phases ? mf->phases : 1;
		m->installed_at = a->opened_at;
	}
	a->n_meters = f->n_meters;
	return 0;
}

/* Inserts the form's account; the caller holds the transaction. */
static int open_in_tx(const struct session *s, struct account_form *f)
{
	struct account_rec *a = &f->acc;
	char meters[ACCOUNT_MAX_METERS * (METER_NO_MAX + 2)] = "";
	int i, rc;

	a->opened_at = clock_now();
	a->customer.created_at = a->opened_at;
	/* pre-registration (one-key opening later) is the only other start */
	snprintf(a->status, sizeof(a->status), "%s", strcmp(a->status, "pre") ? "open" : "pre");
	if ((rc = check_form(s->db, f)))
		return rc;
	if (!a->account_no[0] && (rc = db_account_next_no(s->db, a->account_no)))
		return rc;
	if ((rc = db_customer_insert(s->db, &a->customer)))
		return rc;
	if ((rc = db_account_insert(s->db, a, s->operator_id)))
		return rc;
	for (i = 0; i < a->n_meters; i++) {
		strcat(meters, i ? "," : "");
		strcat(meters, a->meters[i].meter_no);
	}
	return audit_log(s, "account.open", a->account_no, "customer=%s meters=%s%s",
			 a->customer.name, meters, strcmp(a->status, "pre") ? "" : " status=pre");
}

int account_open_locked(const struct session *s, struct account_form *f)
{
	int rc = perm_check(s, PERM_ACCOUNT_OPEN);

	return rc ? rc : open_in_tx(s, f);
}

int account_open(const struct session *s, struct account_form *f,
		 char account_no[ACCOUNT_NO_MAX + 1])
{
	int rc;

	if ((rc = perm_check(s, PERM_ACCOUNT_OPEN)))
		return rc;
	if ((rc = db_begin(s->db)))
		return rc;
	if ((rc = open_in_tx(s, f)) || (rc = db_commit(s->db))) {
		db_rollback(s->db);
		return rc;
	}
	snprintf(account_no, ACCOUNT_NO_MAX + 1, "%s", f->acc.account_no);
	return 0;
}

/* Maps the header row onto form field names; -1 for an unknown column. */
static int map_header(char **fields, int n, int *col, void (*bad_row)(int, const char *, void *),
		      void *ctx)
{
	const char *const *names = account_form_fields();
	char why[128];
	int i, j, bad = 0;

	for (i = 0; i < n; i++) {
		col[i] = -1;
		for (j = 0; names[j]; j++)
			if (strcasecmp(fields[i], names[j]) == 0)
				col[i] = j;
		if (col[i] < 0) {
			snprintf(why, sizeof(why), "unknown column \"%s\"", fields[i]);
			bad_row(1, why, ctx);
			bad = 1;
		}
	}
	return bad ? -SD_INVAL : 0;
}

int account_import(const struct session *s, FILE *in,
		   void (*bad_row)(int line, const char *why, void *ctx), void *ctx,
		   int *imported)
{
	return account_import_as(s, in, 0, bad_row, ctx, imported);
}

int account_import_as(const struct session *s, FILE *in, int pre,
		      void (*bad_row)(int line, const char *why, void *ctx), void *ctx,
		      int *imported)
{
	const char *const *names = account_form_fields();
	struct csv_reader *r = NULL;
	struct account_form *f = NULL;
	char *fields[CSV_MAX_FIELDS], why[600];
	int col[CSV_MAX_FIELDS], ncols = 0, n, line, rc, i, bad = 0, got;

	*imported = 0;
	if ((rc = perm_check(s, PERM_ACCOUNT_OPEN)))
		return rc;
	if (!(r = csv_open(in)) || !(f = malloc(sizeof(*f)))) {
		rc = -SD_NOMEM;
		goto out;
	}
	got = csv_next(r, fields, &ncols, &line);
	if (got <= 0) {
		rc = got ? got : err_set(-SD_INVAL, "the file is empty; it needs a header row");
		goto out;
	}
	if ((rc = map_header(fields, ncols, col, bad_row, ctx)))
		goto out;
	if ((rc = db_begin(s->db)))
		goto out;
	while ((got = csv_next(r, fields, &n, &line)) > 0) {
		if (n == 1 && !fields[0][0])
			continue; /* a blank line */
		account_form_init(f);
		if (pre)
			snprintf(f->acc.status, sizeof(f->acc.status), "pre");
		rc = 0;
		if (n != ncols) {
			rc = err_set(-SD_INVAL, "%d fields, the header has %d", n, ncols);
		}
		for (i = 0; !rc && i < n; i++)
			rc = account_form_set(f, names[col[i]], fields[i]);
		if (!rc)
			rc = open_in_tx(s, f);
		if (rc) {
			snprintf(why, sizeof(why), "%s", err_detail()[0] ? err_detail() : err_str(rc));
			bad_row(line, why, ctx);
			bad++;
			err_clear();
			continue;
		}
		(*imported)++;
	}
	if (got < 0) {
		snprintf(why, sizeof(why), "%s", err_detail());
		bad_row(line, why, ctx);
		bad++;
	}
	if (bad) {
		db_rollback(s->db);
		*imported = 0;
		rc = err_set(-SD_INVAL, "%d bad row%s; nothing was imported", bad, bad > 1 ? "s" : "");
		goto out;
	}
	rc = audit_log(s, "account.import", "accounts", "%d accounts from CSV%s", *imported,
		       pre ? ", pre-registered" : "");
	if (!rc)
		rc = db_commit(s->db);
	if (rc) {
		db_rollback(s->db);
		*imported = 0;
	}
out:
	free(f);
	csv_close(r);
	return rc;
}

int account_get(const struct session *s, const char *account_no, struct account_rec *out)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	return rc ? rc : db_account_get(s->db, account_no, out);
}

int account_list(const struct session *s, const struct account_filter *f,
		 int (*fn)(const struct account_rec *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	return rc ? rc : db_account_each(s->db, f, fn, ctx);
}

/* Added for the UI's search screen: how many accounts match. */
int account_count(const struct session *s, const struct account_filter *f, int64_t *n)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);

	return rc ? rc : db_account_count(s->db, f, n);
}
