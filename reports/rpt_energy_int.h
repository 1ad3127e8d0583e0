/* rpt_energy_int: what the energy reports (reports/rpt_energy*.c) and the
 * daily export (reports/rpt_export.c) share: number and time text, local
 * period buckets, and the priced walk over the hourly energy rollup. */
#ifndef SALEDESK_RPT_ENERGY_INT_H
#define SALEDESK_RPT_ENERGY_INT_H

#include <stdint.h>

#include "report.h"
#include "tariff.h"

struct db;

/* Writes fen as yuan with two decimals ("-12.05") into buf; returns buf. */
char *rpe_yuan(int64_t fen, char *buf, unsigned len);

/* Writes wh (or W) as kWh (kW) with three decimals into buf; returns buf. */
char *rpe_kwh(int64_t wh, char *buf, unsigned len);

/* Writes the site-local time of at as "YYYY-MM-DD HH:MM" into buf; "" for
 * at <= 0. Returns buf. */
char *rpe_time(int64_t at, int off_min, char *buf, unsigned len);

/* The UTC instant at which the local period (day, month or year) holding
 * at starts; RPT_SPAN gives span_from. */
int64_t rpe_bucket(int64_t at, int off_min, enum report_period p, int64_t span_from);

/* Writes the label of the period starting at start: "2026-01-05",
 * "2026-01", "2026", or "2026-01-01..2026-01-31" for a span. */
char *rpe_bucket_label(int64_t start, int64_t span_to, int off_min, enum report_period p,
		       char *buf, unsigned len);

/* The same local wall-clock instant years (negative: before) away; a
 * 29 February becomes the 28th. */
int64_t rpe_shift_years(int64_t at, int off_min, int years);

/* Writes "From <from> to <to>, <what>" and the filters of a into
 * res->subtitle; what may be NULL. */
void rpe_subtitle(const struct report_args *a, const char *what, struct report_result *res);

/* The reports other than energy, for report_energy[] (rpt_energy_meter.c
 * and rpt_energy_list.c). */
int rpe_freeze_run(struct db *db, const struct report_args *a, struct report_result *res);
int rpe_demand_run(struct db *db, const struct report_args *a, struct report_result *res);
int rpe_offline_run(struct db *db, const struct report_args *a, struct report_result *res);
int rpe_alarms_run(struct db *db, const struct report_args *a, struct report_result *res);

/* One meter's identity as the walk gives it. */
struct rpe_meter {
	int64_t id;
	int64_t tariff_id;
	char meter_no[16];
	char account_no[16];
	char building[40];
};

/* A piece of one meter's use, priced: wh used in hours that price alike
 * within one local period (by tariff_cost(), the engine billing uses), its
 * split by TOU rate and its cost in fen. at is the first hour of the piece
 * (its period is rpe_bucket(at)). priced is 0 when no tariff version was
 * in force (rate_wh and fen 0). */
struct rpe_piece {
	int64_t at;
	int64_t wh;
	int64_t rate_wh[TARIFF_RATE_COUNT];
	int64_t fen;
	int priced;
};

/* Walks the hourly rollup of the meters that pass a's filters (building,
 * account_no, meter_no) over [from, to), meter by meter in id order, and
 * prices it in pieces, rounding each piece once:
 * - a tariff without tier blocks is linear, so the hours of one local
 *   period (p, as rpe_bucket) in which the same version is in force and
 *   the hour falls on the same TOU rates in the same shares (the same
 *   time of day, season allowing) are summed and priced as one piece;
 * - a tariff with tier blocks is priced hour by hour in order, with the
 *   month-to-date energy before each hour (read from the rollup since the
 *   local month start), as billing prices each poll interval.
 * fn returns 0 to go on. Returns 0, fn's non-zero value, or a negative SD_
 * code. */
int rpe_walk(struct db *db, const struct report_args *a, int64_t from, int64_t to,
	     enum report_period p,
	     int (*fn)(const struct rpe_meter *m, const struct rpe_piece *pc, void *arg), void *arg);

#endif
