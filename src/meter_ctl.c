/* meter_ctl: the command queue and alarm acknowledgement in the domain,
 * so the command line and the screens write the same rows and audit. */
#include "meter_ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "db_alarm.h"
#include "db_bus.h"
#include "db_meter.h"
#include "err.h"
#include "meter.h"

int meter_queue(const struct session *s, enum perm perm, const char *const *meters,
		int nmeters, const char *bus, const char *kind, const char *args, int64_t when,
		struct meter_queued *out)
{
	struct poll_meter *pm = NULL;
	struct meter_cmd cmd;
	struct bus_rec b;
	int64_t batch = 0, first = 0;
	int npm = 0, i, rc, total;

	memset(out, 0, sizeof(*out));
	memset(&cmd, 0, sizeof(cmd));
	if ((rc = perm_check(s, perm)) || (rc = db_begin(s->db)))
		return rc;
	if (bus && ((rc = db_bus_get(s->db, bus, &b)) ||
		    (rc = db_poll_meters(s->db, b.id, &pm, &npm))))
		goto out;
	total = nmeters + npm;
	if (total == 0) {
		rc = err_set(-SD_NOT_FOUND, "no meters to send %s to", kind);
		goto out;
	}
	if (total > 1 && (rc = db_cmd_next_batch(s->db, &batch)))
		goto out;
	for (i = 0; i < total; i++) {
		const char *no = i < nmeters ? meters[i] : pm[i - nmeters].meter_no;

		memset(&cmd, 0, sizeof(cmd));
		snprintf(cmd.meter_no, sizeof(cmd.meter_no), "%s", no);
		snprintf(cmd.kind, sizeof(cmd.kind), "%s", kind);
		snprintf(cmd.args, sizeof(cmd.args), "%s", args);
		cmd.batch_id = batch;
		cmd.not_before = when;
		cmd.created_at = clock_now();
		if ((rc = db_meter_id(s->db, no, &cmd.meter_id)) ||
		    (rc = db_cmd_insert(s->db, &cmd, s->operator_id)))
			goto out;
		if (!first)
			first = cmd.id;
	}
	if ((rc = audit_log(s, "meter.command", total > 1 ? "batch" : cmd.meter_no,
			    "%s %s meters=%d batch=%lld", kind, args, total, (long long)batch)) ||
	    (rc = db_commit(s->db)))
		goto out;
	out->total = total;
	out->batch = batch;
	out->first = first;
	snprintf(out->meter_no, sizeof(out->meter_no), "%s", cmd.meter_no);
out:
	if (rc)
		db_rollback(s->db);
	if (pm)
		memset(pm, 0, (size_t)npm * sizeof(*pm));
	free(pm);
	return rc;
}

int meter_relay(const struct session *s, const char *meter_no, const char *kind, int64_t *id)
{
	struct meter_queued q;
	int rc;

	*id = 0;
	if (!meter_relay_code(kind))
		return err_set(-SD_INVAL, "%s is not a relay command", kind);
	if ((rc = meter_queue(s, PERM_METER_CONTROL, &meter_no, 1, NULL, kind, "", clock_now(),
			      &q)))
		return rc;
	*id = q.first;
	return 0;
}

int meter_alarm_ack(const struct session *s, const int64_t *ids, int n)
{
	char obj[24];
	int rc, i;

	if ((rc = perm_check(s, PERM_METER_CONTROL)) || (rc = db_begin(s->db)))
		return rc;
	for (i = 0; i < n; i++) {
		snprintf(obj, sizeof(obj), "%lld", (long long)ids[i]);
		if ((rc = db_alarm_ack(s->db, ids[i], s->operator_id, clock_now())) ||
		    (rc = audit_log(s, "alarm.ack", obj, "%s", "")))
			break;
	}
	if (rc || (rc = db_commit(s->db)))
		db_rollback(s->db);
	return rc;
}

int meter_param_check(struct db *db, int64_t meter_id, const struct meter_params *p,
		      const char *kind, char *have, char *want, size_t len, int64_t *at)
{
	struct meter_params wrote = *p;
	char args[201];
	int rc;

	if ((rc = meter_params_describe(p, kind, have, len)))
		return rc;
	if ((rc = db_cmd_last_done(db, meter_id, kind, args, sizeof(args), at)))
		return rc;
	/* Args the meter could not have taken are not a difference it holds. */
	if (meter_params_hold(p, kind, args) != 0 || meter_params_apply(&wrote, kind, args))
		return 0;
	meter_params_describe(&wrote, kind, want, len);
	return 1;
}
