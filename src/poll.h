/* poll: the meter-reading service. One thread per bus, each with its own
 * bus context and database connection; each cycle reads every due meter,
 * carries out the due commands, then writes everything in one BEGIN
 * IMMEDIATE transaction (never held while on the bus). */
#ifndef SALEDESK_POLL_H
#define SALEDESK_POLL_H

#include <stdint.h>

struct poll_opts {
	const char *db_path;
	const char *config_file; /* its [bus NAME] sections; NULL or "" none */
	int once;             /* one cycle per bus, then return */
	int interval_ms;      /* from the start of one cycle to the next */
	int history_s;        /* history row interval (default 900) */
	int offline_after;    /* K: consecutive misses that make a meter offline */
	int backoff_max_s;    /* longest wait between probes of an offline meter */
	int drift_s;          /* meter clock drift that raises an alarm */
	int keep_days;        /* history retention */
	int utc_offset_min;   /* the site's offset: meters keep local time */
	int stats;            /* print one line per bus cycle on stdout */
	/* Reads besides the live block (docs/poll.md "Device info and
	 * parameters"): each meter's parameters every check_s (0: only after
	 * a write), and at most checks_per_cycle scheduled reads of device
	 * info or parameters per bus and cycle, so they never crowd a cycle. */
	int check_s;
	int checks_per_cycle;
	/* The daily backup the service takes (poll_backup.c) */
	int backup_daily_min; /* site-local minute of the day; -1 off */
	const char *backup_dir;
	int backup_keep_daily, backup_keep_weekly, backup_keep_monthly;
	/* The daily energy export (poll_backup.c, docs/reports-energy.md) */
	int export_daily_min; /* site-local minute of the day; -1 off */
	const char *export_dir; /* NULL or "": off */
	/* The recharge master keys (MK06) of `keys export-service`: this file,
	 * or when NULL or "" $CREDENTIALS_DIRECTORY/recharge-keys (systemd);
	 * read at start and at SIGHUP (docs/poll.md "Recharge keys"). */
	const char *recharge_keys;
};

#define POLL_DEFAULT_INTERVAL_MS 10000
#define POLL_DEFAULT_HISTORY_S 900
#define POLL_DEFAULT_OFFLINE_AFTER 3
#define POLL_DEFAULT_BACKOFF_MAX_S 300
#define POLL_DEFAULT_DRIFT_S 120
#define POLL_DEFAULT_KEEP_DAYS 400
#define POLL_DEFAULT_CHECK_S 86400
#define POLL_DEFAULT_CHECKS_PER_CYCLE 1
/* A scheduled read that failed is not tried again for this long. */
#define POLL_CHECK_RETRY_S 3600

/* The settings row holding the site-local date ("YYYY-MM-DD") of the
 * last daily backup that succeeded, so a restart does not repeat it. */
#define POLL_BACKUP_SETTING "backup.last_daily"
/* The same for the daily energy export: the local date it last ran. */
#define POLL_EXPORT_SETTING "export.last_daily"
/* A failed daily backup (disk full, folder missing) is tried again
 * after this long, not every tick. */
#define POLL_BACKUP_RETRY_MS (15 * 60 * 1000)

/* What the main loop remembers between daily-backup checks. */
struct poll_backup_state {
	char last_day[11];     /* "" until read from the database */
	int64_t retry_at_ms;   /* monotonic; 0 none */
};

/* Fills *o with the defaults (the daily backup off). */
void poll_defaults(struct poll_opts *o);

/* Runs the service until SIGTERM or SIGINT (finishing each bus's cycle
 * and committing it) or, with o->once, for one cycle. SIGHUP reloads the
 * bus list and the recharge keys. Returns 0 or a negative SD_ code. */
int poll_run(const struct poll_opts *o);

/* Copies the [bus NAME] sections of config_file (NULL or "": none) into
 * the database at db_path in one transaction: config buses are added or
 * updated, their meters wired by unit id, and buses and meters that left
 * the file unwired (a bus with events is disabled, else deleted). Returns
 * 0, or a negative SD_ code (-SD_CONFIG naming the file and line of an
 * entry that cannot be applied, such as an unknown meter); nothing is
 * changed then. */
int poll_config_sync(const char *db_path, const char *config_file);

/* Writes the site-local date of now as "YYYY-MM-DD" into day and returns
 * 1 when the daily backup is due: daily_min >= 0, the local time of day
 * is at or past daily_min, and last_day (the date of the last success,
 * "" if none) is not today. Pure. */
int poll_backup_due(int64_t now, int utc_offset_min, int daily_min, const char *last_day,
		    char day[11]);

/* Takes the daily backup into o->backup_dir with backup_run() as the
 * system session if it is due, and records the day in settings
 * (POLL_BACKUP_SETTING). Runs on the service's main thread, never on a
 * bus thread. A failure is logged and retried after
 * POLL_BACKUP_RETRY_MS; it never stops the service. Returns 1 if a
 * backup was taken, 0 if none was due, or a negative SD_ code (logged). */
int poll_daily_backup(const struct poll_opts *o, struct poll_backup_state *st);

/* Writes yesterday's daily energy export into o->export_dir once a day at
 * o->export_daily_min (report_export_daily), the same way: remembered in
 * the database, retried after a failure. Returns 1 when written, 0 when
 * not due, or a negative SD_ code (logged). */
int poll_daily_export(const struct poll_opts *o, struct poll_backup_state *st);

#endif
