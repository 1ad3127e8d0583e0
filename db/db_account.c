/* db_account: the SQL of customers, accounts and meters. */
#include "db_account.h"

#include <stdio.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

int db_customer_insert(struct db *db, struct customer_rec *c)
{
	int rc = db_run(db, "INSERT INTO customers(name, id_number, phone, address, created_at) "
			    "VALUES (?, ?, ?, ?, ?)",
			"tnnni", c->name, c->id_number, c->phone, c->address, c->created_at);

	return rc ? rc : db_int(db, &c->id, "SELECT last_insert_rowid()", NULL);
}

static int insert_meter(struct db *db, struct meter_rec *m)
{
	char owner[ACCOUNT_NO_MAX + 1];
	int rc;

	rc = db_run(db, "INSERT INTO meters(meter_no, account_id, tariff_id, mode, phases, "
			"installed_at) VALUES (?, ?, ?, ?, ?, ?)",
		    "tiitIi", m->meter_no, m->account_id, m->tariff_id, m->mode, m->phases,
		    m->installed_at);
	if (rc == -SD_EXISTS) {
		if (db_meter_owner(db, m->meter_no, owner) == 0)
			return err_set(rc, "meter %s is already on account %s", m->meter_no, owner);
		return err_set(rc, "meter %s is already registered", m->meter_no);
	}
	return rc ? rc : db_int(db, &m->id, "SELECT last_insert_rowid()", NULL);
}

int db_account_insert(struct db *db, struct account_rec *a, int64_t opened_by)
{
	char floor[16];
	int rc, i;

	snprintf(floor, sizeof(floor), "%d", a->floor);
	rc = db_run(db, "INSERT INTO accounts(account_no, customer_id, building, floor, room, "
			"area_dm2, status, credit_limit, alarm1, alarm2, alarm3, debt, debt_mode, "
			"debt_share_bp, debt_fixed, opened_at, opened_by) VALUES "
			"(?, ?, ?, CAST(? AS INTEGER), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0))",
		    "titntitiiiiitiiii", a->account_no, a->customer.id, a->building,
		    a->has_floor ? floor : NULL, a->room, a->area_dm2, a->status,
		    a->credit_limit, a->alarm[0], a->alarm[1], a->alarm[2], a->debt,
		    a->debt_mode, a->debt_share_bp, a->debt_fixed, a->opened_at, opened_by);
	if (rc == -SD_EXISTS)
		return err_set(rc, "account number %s already exists", a->account_no);
	if (rc)
		return rc;
	if ((rc = db_int(db, &a->id, "SELECT last_insert_rowid()", NULL)))
		return rc;
	for (i = 0; i < a->n_meters; i++) {
		a->meters[i].account_id = a->id;
		if ((rc = insert_meter(db, &a->meters[i])))
			return rc;
	}
	return 0;
}

int db_account_next_no(struct db *db, char out[ACCOUNT_NO_MAX + 1])
{
	int64_t n = 0;
	int rc = db_int(db, &n, "SELECT coalesce(max(CAST(account_no AS INTEGER)), 0) + 1 "
				"FROM accounts", NULL);

	if (rc)
		return rc;
	if (n < 1 || n > INT64_C(999999999999))
		return err_set(-SD_OVERFLOW, "account numbers are used up");
	snprintf(out, ACCOUNT_NO_MAX + 1, "%08lld", (long long)n);
	return 0;
}

int db_meter_owner(struct db *db, const char *meter_no, char account_no[ACCOUNT_NO_MAX + 1])
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT a.account_no FROM meters m JOIN accounts a "
				 "ON a.id = m.account_id WHERE m.meter_no = ?", "t", meter_no);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_text(st, 0, account_no, ACCOUNT_NO_MAX + 1);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? -SD_NOT_FOUND : db_error(db, rc, "meter owner");
	}
	sqlite3_finalize(st);
	return rc;
}

#define ACCOUNT_COLS \
	"a.id, a.account_no, a.building, a.floor, a.room, a.area_dm2, a.status, " \
	"a.credit_limit, a.alarm1, a.alarm2, a.alarm3, a.debt, a.debt_mode, " \
	"a.debt_share_bp, a.debt_fixed, a.opened_at, coalesce(a.closed_at, 0), " \
	"c.id, c.name, c.id_number, c.phone, c.address, c.created_at"

static void read_account(sqlite3_stmt *st, struct account_rec *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, a->account_no, sizeof(a->account_no));
	db_col_text(st, 2, a->building, sizeof(a->building));
	a->has_floor = sqlite3_column_type(st, 3) != SQLITE_NULL;
	a->floor = sqlite3_column_int(st, 3);
	db_col_text(st, 4, a->room, sizeof(a->room));
	a->area_dm2 = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, a->status, sizeof(a->status));
	a->credit_limit = sqlite3_column_int64(st, 7);
	a->alarm[0] = sqlite3_column_int64(st, 8);
	a->alarm[1] = sqlite3_column_int64(st, 9);
	a->alarm[2] = sqlite3_column_int64(st, 10);
	a->debt = sqlite3_column_int64(st, 11);
	db_col_text(st, 12, a->debt_mode, sizeof(a->debt_mode));
	a->debt_share_bp = sqlite3_column_int64(st, 13);
	a->debt_fixed = sqlite3_column_int64(st, 14);
	a->opened_at = sqlite3_column_int64(st, 15);
	a->closed_at = sqlite3_column_int64(st, 16);
	a->customer.id = sqlite3_column_int64(st, 17);
	db_col_text(st, 18, a->customer.name, sizeof(a->customer.name));
	db_col_text(st, 19, a->customer.id_number, sizeof(a->customer.id_number));
	db_col_text(st, 20, a->customer.phone, sizeof(a->customer.phone));
	db_col_text(st, 21, a->customer.address, sizeof(a->customer.address));
	a->customer.created_at = sqlite3_column_int64(st, 22);
}

static int read_meters(struct db *db, struct account_rec *a)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT m.id, m.meter_no, m.tariff_id, t.code, m.mode, "
				 "m.phases, m.status, m.installed_at FROM meters m "
				 "JOIN tariffs t ON t.id = m.tariff_id "
				 "WHERE m.account_id = ? ORDER BY m.meter_no", "i", a->id);
	if (rc)
		return rc;
	a->n_meters = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && a->n_meters < ACCOUNT_MAX_METERS) {
		struct meter_rec *m = &a->meters[a->n_meters++];
		m->id = sqlite3_column_int64(st, 0);
		db_col_text(st, 1, m->meter_no, sizeof(m->meter_no));
		m->account_id = a->id;
		m->tariff_id = sqlite3_column_int64(st, 2);
		db_col_text(st, 3, m->tariff_code, sizeof(m->tariff_code));
		db_col_text(st, 4, m->mode, sizeof(m->mode));
		m->phases = sqlite3_column_int(st, 5);
		db_col_text(st, 6, m->status, sizeof(m->status));
		m->installed_at = sqlite3_column_int64(st, 7);
	}
	rc = rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : db_error(db, rc, "meters");
	sqlite3_finalize(st);
	return rc;
}

int db_account_get(struct db *db, const char *account_no, struct account_rec *out)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT " ACCOUNT_COLS " FROM accounts a JOIN customers c "
				 "ON c.id = a.customer_id WHERE a.account_no = ?", "t", account_no);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_account(st, out);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? err_set(-SD_NOT_FOUND, "no account %s", account_no)
				       : db_error(db, rc, "account get");
	}
	sqlite3_finalize(st);
	return rc ? rc : read_meters(db, out);
}

/* The filter of db_account_each() and db_account_count(): ?1 text found
 * anywhere in the search column that migration 4 maintains (instr() takes
 * '%' and '_' literally), ?2 building, ?3 status. */
#define ACCOUNT_MATCH \
	"(?1 = '' OR instr(a.search, lower(?1)) > 0) " \
	"AND (?2 IS NULL OR a.building = ?2) AND (?3 IS NULL OR a.status = ?3) "

int db_account_each(struct db *db, const struct account_filter *f,
		    int (*fn)(const struct account_rec *, void *), void *ctx)
{
	struct account_rec a;
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st,
			"SELECT " ACCOUNT_COLS " FROM accounts a JOIN customers c "
			"ON c.id = a.customer_id WHERE " ACCOUNT_MATCH
			"ORDER BY CAST(a.account_no AS INTEGER), a.account_no LIMIT ?4",
			"tnni", f->text ? f->text : "", f->building, f->status,
			f->limit > 0 ? f->limit : (int64_t)-1);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_account(st, &a);
		if ((rc = read_meters(db, &a)) || (rc = fn(&a, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "account list");
out:
	sqlite3_finalize(st);
	return rc;
}

int db_account_count(struct db *db, const struct account_filter *f, int64_t *n)
{
	/* No join: the search column already holds the customer's fields. */
	return db_int(db, n, "SELECT count(*) FROM accounts a WHERE " ACCOUNT_MATCH, "tnn",
		      f->text ? f->text : "", f->building, f->status);
}
