/* rpt_finance_int: what the finance report files share inside reports/. */
#ifndef SALEDESK_RPT_FINANCE_INT_H
#define SALEDESK_RPT_FINANCE_INT_H

#include <stdint.h>

#include "report.h"

/* The ledger's composition of one bucket, fen (counts for sales). Every
 * ledger kind has its column, so net = the sum of all the others: the
 * cash into the desk. */
struct rpt_money {
	int64_t n_sales;
	int64_t sales, debt, fees, refunds, reversals, adjustments, net;
};

/* One row of the composition: a period key, a group key and its money. */
struct rpt_money_row {
	char period[16];
	char group[72];
	struct rpt_money m;
};

/* Runs the composition over the ledger rows in [from, to) that match a's
 * filters, bucketed by a->period and a->group, ordered by period then
 * group; *rows (heap, the caller frees) gets *n rows. */
int rpt_money_rows(struct db *db, const struct report_args *a, int64_t from, int64_t to,
		   struct rpt_money_row **rows, int *n);

/* Adds m into *sum. */
void rpt_money_add(struct rpt_money *sum, const struct rpt_money *m);

/* Writes the money cells of m (n_sales, sales, debt, fees, refunds,
 * reversals, adjustments, net) into cells[0..7] using buf (8 * 24 bytes). */
void rpt_money_cells(const struct rpt_money *m, const char **cells, char buf[8][24]);

/* The headers of those cells, and how many there are. */
#define RPT_MONEY_COLS 8
extern const char *const rpt_money_headers[RPT_MONEY_COLS];

/* Sets the kinds of the RPT_MONEY_COLS columns from first on. */
void rpt_money_kinds(struct rpt_table *t, int first);

/* Refuses the filters a report does not take: each set bit of refuse
 * (RPT_F_*) that a sets is a usage error naming the report. */
enum { RPT_F_BUILDING = 1, RPT_F_ACCOUNT = 2, RPT_F_METER = 4, RPT_F_SHIFT = 8, RPT_F_YOY = 16 };
int rpt_refuse(const struct report_args *a, const char *name, unsigned refuse);

int rpt_finance_sales(struct db *db, const struct report_args *a, struct report_result *res);
int rpt_finance_daily_close(struct db *db, const struct report_args *a, struct report_result *res);
int rpt_finance_shift(struct db *db, const struct report_args *a, struct report_result *res);
int rpt_finance_zreport(struct db *db, const struct report_args *a, struct report_result *res);
int rpt_finance_balances(struct db *db, const struct report_args *a, struct report_result *res);
int rpt_finance_arrears(struct db *db, const struct report_args *a, struct report_result *res);
int rpt_finance_low_balance(struct db *db, const struct report_args *a, struct report_result *res);

#endif
