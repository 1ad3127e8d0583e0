/* rpt_finance: sales, income, shifts and balances (issue 9). */
#include "report.h"

const struct report_def report_finance[] = { { NULL, NULL, 0, 0, NULL } };
