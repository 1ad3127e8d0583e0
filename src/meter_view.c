/* meter_view: read-only meter queries for the screens, each behind the
 * permission to view accounts and meters (the same as `meter status`). */
#include "meter_view.h"

#include <string.h>

#include "err.h"
#include "perm.h"

const char *meter_view_status_name(enum mv_status st)
{
	static const char *const names[MV_STATUS_COUNT] = { "all", "online", "offline",
							    "tripped", "arrears", "alarm" };
	return (unsigned)st < MV_STATUS_COUNT ? names[st] : "?";
}

int meter_view_list(const struct session *s, const struct mv_filter *f,
		    int (*fn)(const struct mv_meter *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	return rc ? rc : db_mv_each(s->db, f, fn, ctx);
}

int meter_view_buildings(const struct session *s, int (*fn)(const char *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	return rc ? rc : db_mv_buildings(s->db, fn, ctx);
}

static int keep_state(const struct meter_state_rec *r, void *arg)
{
	struct meter_view *v = arg;
	v->st = *r;
	v->wired = 1;
	return 0;
}

int meter_view_get(const struct session *s, const char *meter_no, struct meter_view *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = perm_check(s, PERM_ACCOUNT_VIEW)) || (rc = db_mv_get(s->db, meter_no, &out->m)))
		return rc;
	/* Only wired meters have a state row to show. */
	if ((rc = db_poll_state_each(s->db, 0, meter_no, keep_state, out)))
		return rc;
	return db_poll_params_get(s->db, meter_no, &out->pr);
}

int meter_view_history(const struct session *s, int64_t meter_id, struct mv_point *out, int n,
		       int *got)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	*got = 0;
	return rc ? rc : db_mv_history(s->db, meter_id, out, n, got);
}

int meter_view_daily(const struct session *s, int64_t meter_id, struct mv_point *out, int n,
		     int *got)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	*got = 0;
	return rc ? rc : db_mv_daily(s->db, meter_id, out, n, got);
}

int meter_view_alarms(const struct session *s, const char *meter_no, int64_t cleared,
		      int (*fn)(const struct mv_alarm *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	return rc ? rc : db_mv_alarms(s->db, meter_no, cleared, fn, ctx);
}

int meter_view_commands(const struct session *s, const char *meter_no, int64_t limit,
			int (*fn)(const struct meter_cmd *, void *), void *ctx)
{
	struct cmd_filter f = { meter_no, NULL, 0, limit };
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	return rc ? rc : db_cmd_each(s->db, &f, fn, ctx);
}

int meter_view_states(const struct session *s,
		      int (*fn)(const struct meter_state_rec *, void *), void *ctx)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	return rc ? rc : db_poll_state_each(s->db, 0, NULL, fn, ctx);
}

int meter_view_pulse(const struct session *s, int64_t *heartbeat, int *interval_ms,
		     int64_t *open_unacked)
{
	int rc = perm_check(s, PERM_ACCOUNT_VIEW);
	*heartbeat = *open_unacked = 0;
	*interval_ms = 0;
	return rc ? rc : db_mv_pulse(s->db, heartbeat, interval_ms, open_unacked);
}
