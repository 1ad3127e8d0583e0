/* poll_backup: the daily jobs of the meter-reading service, which runs all
 * year: the backup (docs/backup.md, "The daily backup") and the energy
 * export for a third-party platform (docs/reports-energy.md). */
#include "poll.h"

#include <stdio.h>
#include <string.h>

#include "backup.h"
#include "clock.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "report.h"
#include "session.h"
#include "tariff.h"

int poll_backup_due(int64_t now, int utc_offset_min, int daily_min, const char *last_day,
		    char day[11])
{
	int64_t local = now + (int64_t)utc_offset_min * 60;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400, y;
	int m, d;
	char tmp[40];

	tariff_civil_from_days(days, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", (int)(y % 10000), m, d);
	memcpy(day, tmp, 10);
	day[10] = 0;
	if (daily_min < 0 || local - days * 86400 < (int64_t)daily_min * 60)
		return 0;
	return strcmp(last_day, day) != 0;
}

/* One daily job of the service: due at daily_min site-local, once a day
 * (the day done is kept in setting), retried after POLL_BACKUP_RETRY_MS
 * when job fails. */
typedef int (*daily_job)(const struct poll_opts *o, struct db *db, const struct session *s);

static int daily(const struct poll_opts *o, struct poll_backup_state *st, int daily_min,
		 const char *setting, const char *what, daily_job job)
{
	struct session s;
	struct db *db = NULL;
	char day[11];
	int rc;

	if (daily_min < 0 || (st->retry_at_ms && clock_mono_ms() < st->retry_at_ms))
		return 0;
	/* Cheap on every tick: the database is opened only when due by what
	 * this process knows. */
	if (!poll_backup_due(clock_now(), o->utc_offset_min, daily_min, st->last_day, day))
		return 0;
	if ((rc = db_open(o->db_path, 0, &db)))
		goto out;
	/* Another run (before a restart) may have done today's already. */
	if (db_setting_get(db, setting, st->last_day, sizeof(st->last_day)))
		st->last_day[0] = 0;
	if (strcmp(st->last_day, day) == 0)
		goto out;
	session_system(db, &s);
	if ((rc = job(o, db, &s)))
		goto out;
	if ((rc = db_setting_set(db, setting, day))) {
		/* The job is done; at worst a restart does it again. */
		log_warn("daily %s: cannot record it: %s", what, err_detail());
	}
	snprintf(st->last_day, sizeof(st->last_day), "%s", day);
	st->retry_at_ms = 0;
	db_close(db);
	return 1;
out:
	if (rc) {
		log_warn("daily %s failed: %s; trying again in %d minutes", what, err_detail(),
			 POLL_BACKUP_RETRY_MS / 60000);
		st->retry_at_ms = clock_mono_ms() + POLL_BACKUP_RETRY_MS;
	}
	db_close(db);
	return rc;
}

static int backup_job(const struct poll_opts *o, struct db *db, const struct session *s)
{
	struct backup_opts bo;
	struct backup_result r;
	int rc;

	(void)db;
	memset(&bo, 0, sizeof(bo));
	bo.dir = o->backup_dir;
	bo.keep_daily = o->backup_keep_daily;
	bo.keep_weekly = o->backup_keep_weekly;
	bo.keep_monthly = o->backup_keep_monthly;
	if ((rc = backup_run(s, &bo, &r)))
		return rc;
	log_info("daily backup written: %s (%lld bytes, %lld ms; rotation removed %d)", r.path,
		 (long long)r.m.size, (long long)r.total_ms, r.removed);
	return 0;
}

int poll_daily_backup(const struct poll_opts *o, struct poll_backup_state *st)
{
	return daily(o, st, o->backup_daily_min, POLL_BACKUP_SETTING, "backup", backup_job);
}

static int export_job(const struct poll_opts *o, struct db *db, const struct session *s)
{
	int64_t off = (int64_t)o->utc_offset_min * 60, now = clock_now();
	int64_t local = now + off;
	int64_t today = (local >= 0 ? local / 86400 : (local - 86399) / 86400) * 86400 - off;
	char path[4096];
	int rc;

	(void)s;
	if ((rc = report_export_daily(db, today - 86400, o->utc_offset_min, o->export_dir, path,
				      sizeof(path))))
		return rc;
	log_info("daily energy export written: %s", path);
	return 0;
}

int poll_daily_export(const struct poll_opts *o, struct poll_backup_state *st)
{
	if (!o->export_dir || !o->export_dir[0])
		return 0;
	return daily(o, st, o->export_daily_min, POLL_EXPORT_SETTING, "energy export", export_job);
}
