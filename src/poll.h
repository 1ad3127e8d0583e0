/* poll: the meter-reading service. One thread per bus, each with its own
 * bus context and database connection; each cycle reads every due meter,
 * carries out the due commands, then writes everything in one BEGIN
 * IMMEDIATE transaction (never held while on the bus). */
#ifndef SALEDESK_POLL_H
#define SALEDESK_POLL_H

struct poll_opts {
	const char *db_path;
	int once;             /* one cycle per bus, then return */
	int interval_ms;      /* from the start of one cycle to the next */
	int history_s;        /* history row interval (default 900) */
	int offline_after;    /* K: consecutive misses that make a meter offline */
	int backoff_max_s;    /* longest wait between probes of an offline meter */
	int drift_s;          /* meter clock drift that raises an alarm */
	int keep_days;        /* history retention */
	int utc_offset_min;   /* the site's offset: meters keep local time */
	int stats;            /* print one line per bus cycle on stdout */
};

#define POLL_DEFAULT_INTERVAL_MS 10000
#define POLL_DEFAULT_HISTORY_S 900
#define POLL_DEFAULT_OFFLINE_AFTER 3
#define POLL_DEFAULT_BACKOFF_MAX_S 300
#define POLL_DEFAULT_DRIFT_S 120
#define POLL_DEFAULT_KEEP_DAYS 400

/* Fills *o with the defaults. */
void poll_defaults(struct poll_opts *o);

/* Runs the service until SIGTERM or SIGINT (finishing each bus's cycle
 * and committing it) or, with o->once, for one cycle. SIGHUP reloads the
 * bus list. Returns 0 or a negative SD_ code. */
int poll_run(const struct poll_opts *o);

#endif
