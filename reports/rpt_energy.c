/* rpt_energy: energy, freezes, demand, meters and alarms (issue 9). */
#include "report.h"

const struct report_def report_energy[] = { { NULL, NULL, 0, 0, NULL } };
