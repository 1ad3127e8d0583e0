/* cmd_poll: `saledesk poll` — the meter-reading service in the
 * foreground (for systemd), or one cycle with --once; it also takes the
 * daily backup at [backup] daily_at. It needs no login:
 * it is the system, run as the service user that owns the database. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "db.h"
#include "err.h"
#include "log.h"
#include "poll.h"

static int number(struct cli *c, const char *name, double lo, double hi, double *out)
{
	const char *v = cli_get(c, name);
	char *end;
	double d;

	if (!v)
		return 0;
	d = strtod(v, &end);
	if (end == v || *end || d < lo || d > hi)
		return cli_usage_error(c, "--%s: a number from %g to %g", name, lo, hi);
	*out = d;
	return 0;
}

static int run_poll(struct cli *c)
{
	struct poll_opts o;
	double interval = POLL_DEFAULT_INTERVAL_MS / 1000.0, history = 15, k = 3, drift = 120;
	double keep = POLL_DEFAULT_KEEP_DAYS, check = POLL_DEFAULT_CHECK_S / 3600.0;
	double checks = POLL_DEFAULT_CHECKS_PER_CYCLE;
	int64_t start;
	int rc;

	poll_defaults(&o);
	if (number(c, "interval", 0, 3600, &interval) || number(c, "history", 1, 1440, &history) ||
	    number(c, "offline-after", 1, 100, &k) || number(c, "drift", 0, 86400, &drift) ||
	    number(c, "keep-days", 0, 36500, &keep) || number(c, "check-hours", 0, 8760, &check) ||
	    number(c, "checks-per-cycle", 0, 250, &checks))
		return 2;
	o.once = cli_get(c, "once") != NULL;
	o.stats = cli_get(c, "stats") != NULL;
	o.interval_ms = (int)(interval * 1000);
	o.history_s = (int)(history * 60);
	o.offline_after = (int)k;
	o.drift_s = (int)drift;
	o.keep_days = (int)keep;
	o.check_s = (int)(check * 3600);
	o.checks_per_cycle = (int)checks;
	/* The service starts rarely and then writes for months: check the
	 * whole file now, whatever the hourly stamp of short commands says.
	 * On damage it names the newest good backup and writes nothing. */
	start = clock_mono_ms();
	if ((rc = cli_open_db(c, DB_OPEN_CHECK_ALWAYS)))
		return cli_fail(rc);
	log_info("%s passed its quick check in %lld ms", c->cfg.db_path,
		 (long long)(clock_mono_ms() - start));
	o.db_path = c->cfg.db_path;
	o.config_file = c->cfg.file;
	o.utc_offset_min = c->utc_offset_min;
	o.backup_daily_min = c->cfg.backup_daily_min;
	o.backup_dir = c->cfg.backup_dir;
	o.backup_keep_daily = c->cfg.backup_keep_daily;
	o.backup_keep_weekly = c->cfg.backup_keep_weekly;
	o.backup_keep_monthly = c->cfg.backup_keep_monthly;
	o.export_daily_min = c->cfg.export_daily_min;
	o.export_dir = c->cfg.export_dir;
	o.recharge_keys = c->cfg.recharge_keys;
	/* The workers open their own connections. */
	db_close(c->db);
	c->db = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rc = poll_run(&o)))
		return cli_fail(rc);
	return 0;
}

static const struct cli_opt poll_opts[] = {
	{ "once", NULL, 0, "one cycle of every bus, then exit" },
	{ "interval", "SECONDS", 0, "from the start of one cycle to the next (default 10)" },
	{ "history", "MINUTES", 0, "history row interval (default 15)" },
	{ "offline-after", "K", 0, "missed polls that make a meter offline (default 3)" },
	{ "drift", "SECONDS", 0, "meter clock drift that raises an alarm (default 120; 0 off)" },
	{ "keep-days", "N", 0, "keep history this many days (default 400; 0 forever)" },
	{ "check-hours", "H", 0, "read each meter's parameters and check them this often "
				  "(default 24; 0 only after a write)" },
	{ "checks-per-cycle", "N", 0, "device-info and parameter reads a bus may add to one cycle "
				      "(default 1)" },
	{ "stats", NULL, 0, "print one line per bus cycle on stdout" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_poll = {
	"poll", "[--once] [--interval SECONDS] [--stats]",
	"the meter-reading service: poll every bus, store state, raise alarms, run commands",
	0, poll_opts, 0, 0, run_poll,
};
