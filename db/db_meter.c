/* db_meter: the command queue. */
#include "db_meter.h"

#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "err.h"

#define CMD_COLS "c.id, ifnull(c.batch_id, 0), c.meter_id, m.meter_no, c.kind, c.args, " \
		 "ifnull(c.purchase_seq, 0), ifnull(c.amount, 0), c.not_before, c.state, " \
		 "c.reason, c.tries, c.created_at, c.updated_at"

static void read_cmd(sqlite3_stmt *st, struct meter_cmd *c)
{
	c->id = sqlite3_column_int64(st, 0);
	c->batch_id = sqlite3_column_int64(st, 1);
	c->meter_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, c->meter_no, sizeof(c->meter_no));
	db_col_text(st, 4, c->kind, sizeof(c->kind));
	db_col_text(st, 5, c->args, sizeof(c->args));
	c->purchase_seq = sqlite3_column_int64(st, 6);
	c->amount = sqlite3_column_int64(st, 7);
	c->not_before = sqlite3_column_int64(st, 8);
	db_col_text(st, 9, c->state, sizeof(c->state));
	db_col_text(st, 10, c->reason, sizeof(c->reason));
	c->tries = sqlite3_column_int(st, 11);
	c->created_at = sqlite3_column_int64(st, 12);
	c->updated_at = sqlite3_column_int64(st, 13);
}

int db_cmd_insert(struct db *db, struct meter_cmd *c, int64_t operator_id)
{
	int recharge = strcmp(c->kind, "recharge") == 0;
	int rc;

	rc = db_run(db, "INSERT INTO commands(batch_id, meter_id, kind, args, purchase_seq, amount, "
			"not_before, state, created_at, created_by, updated_at) "
			"VALUES (NULLIF(?, 0), ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, 'queued', ?, "
			"NULLIF(?, 0), ?)",
		    "iittiiiiii", c->batch_id, c->meter_id, c->kind, c->args,
		    recharge ? c->purchase_seq : (int64_t)0, recharge ? c->amount : (int64_t)0,
		    c->not_before, c->created_at, operator_id, c->created_at);
	if (rc == -SD_EXISTS)
		return err_set(rc, "purchase %lld of meter %s is already queued or done",
			       (long long)c->purchase_seq, c->meter_no);
	if (rc)
		return rc;
	c->id = sqlite3_last_insert_rowid(db->conn);
	return 0;
}

int db_cmd_next_batch(struct db *db, int64_t *batch)
{
	return db_int(db, batch, "SELECT ifnull(max(batch_id), 0) + 1 FROM commands", NULL);
}

int db_cmd_next_seq(struct db *db, int64_t meter_id, int64_t *seq)
{
	int64_t count = -1, queued = 0;
	int rc;

	rc = db_int(db, &count, "SELECT purchase_count FROM meter_state WHERE meter_id = ? "
				"AND purchase_count IS NOT NULL", "i", meter_id);
	if (rc == -SD_NOT_FOUND)
		return err_set(-SD_STATE, "the meter's purchase count is not known yet; let the "
					  "poller read it once (saledesk poll --once)");
	if (rc)
		return rc;
	rc = db_int(db, &queued, "SELECT ifnull(max(purchase_seq), 0) FROM commands WHERE "
				 "meter_id = ? AND kind = 'recharge' AND state <> 'failed'",
		    "i", meter_id);
	if (rc)
		return rc;
	*seq = (count > queued ? count : queued) + 1;
	return 0;
}

int db_cmd_due(struct db *db, int64_t bus_id, int64_t now, struct meter_cmd **out, int *n)
{
	sqlite3_stmt *st;
	struct meter_cmd *v = NULL;
	int cap = 0, rc;

	*out = NULL;
	*n = 0;
	rc = db_prepare(db, &st, "SELECT " CMD_COLS " FROM commands c "
				 "JOIN meters m ON m.id = c.meter_id "
				 "JOIN meter_wiring w ON w.meter_id = c.meter_id "
				 "WHERE c.state IN ('queued', 'sent') AND w.bus_id = ? "
				 "AND c.not_before <= ? ORDER BY c.id",
			"ii", bus_id, now);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct meter_cmd *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv) {
				rc = err_set(-SD_NOMEM, "loading commands");
				goto out;
			}
			v = nv;
		}
		read_cmd(st, &v[(*n)++]);
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "due commands");
out:
	sqlite3_finalize(st);
	if (rc) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

int db_cmd_update(struct db *db, int64_t id, const char *state, const char *reason,
		  int tries, int64_t now)
{
	return db_run(db, "UPDATE commands SET state = ?, reason = ?, tries = ?, updated_at = ? "
			  "WHERE id = ?", "ttIii", state, reason ? reason : "", tries, now, id);
}

int db_cmd_each(struct db *db, const struct cmd_filter *f,
		int (*fn)(const struct meter_cmd *, void *), void *ctx)
{
	sqlite3_stmt *st;
	struct meter_cmd c;
	int rc;

	rc = db_prepare(db, &st, "SELECT " CMD_COLS " FROM commands c "
				 "JOIN meters m ON m.id = c.meter_id "
				 "WHERE (? IS NULL OR m.meter_no = ?) AND (? IS NULL OR c.state = ?) "
				 "AND (? = 0 OR c.batch_id = ?) ORDER BY c.id DESC LIMIT ?",
			"nnnniii", f->meter_no, f->meter_no, f->state, f->state, f->batch_id,
			f->batch_id, f->limit > 0 ? f->limit : (int64_t)-1);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		read_cmd(st, &c);
		if ((rc = fn(&c, ctx)))
			goto out;
	}
	rc = rc == SQLITE_DONE ? 0 : db_error(db, rc, "command list");
out:
	sqlite3_finalize(st);
	return rc;
}
