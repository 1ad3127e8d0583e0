/* cmd_alarm: `saledesk alarm list|ack` — the events the poller raised. */
#include <stdio.h>
#include <stdlib.h>

#include "audit.h"
#include "cli.h"
#include "clock.h"
#include "commands.h"
#include "db_alarm.h"
#include "err.h"
#include "meter_ctl.h"
#include "perm.h"

struct list_ctx {
	struct cli *c;
	struct rpt_table *t;
};

static int list_row(const struct alarm_rec *a, void *arg)
{
	struct list_ctx *l = arg;
	char id[24], raised[40], cleared[40], acked[80], t[40];
	const char *cells[8];

	snprintf(id, sizeof(id), "%lld", (long long)a->id);
	cli_time(l->c, a->raised_at, raised, sizeof(raised));
	cli_time(l->c, a->cleared_at, cleared, sizeof(cleared));
	if (a->acked_at)
		snprintf(acked, sizeof(acked), "%s %s", cli_time(l->c, a->acked_at, t, sizeof(t)),
			 a->acked_by);
	else
		acked[0] = 0;
	cells[0] = id;
	cells[1] = a->kind;
	cells[2] = a->meter_no;
	cells[3] = a->bus;
	cells[4] = a->detail;
	cells[5] = raised;
	cells[6] = a->cleared_at ? cleared : "open";
	cells[7] = acked;
	return rpt_table_add(l->t, cells);
}

static int run_alarm_list(struct cli *c)
{
	static const char *const h[] = { ">id", "kind", "meter", "bus", "detail", "raised",
					 "cleared", "acknowledged" };
	struct list_ctx l = { c, rpt_table_new(8, h) };
	struct alarm_filter f = { cli_get(c, "open") != NULL, cli_get(c, "unacked") != NULL,
				  cli_get(c, "meter"), 100 };
	int rc;

	if (!l.t)
		return cli_fail(-SD_NOMEM);
	if (cli_get(c, "last"))
		f.limit = atoll(cli_get(c, "last"));
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_ACCOUNT_VIEW)) ||
	    (rc = db_alarm_each(c->db, &f, list_row, &l))) {
		rpt_table_free(l.t);
		return cli_fail(rc);
	}
	rpt_table_print(l.t, stdout, c->fmt);
	rpt_table_free(l.t);
	return 0;
}

static int run_alarm_ack(struct cli *c)
{
	int64_t *ids;
	int rc, i;

	if ((rc = cli_login(c)))
		return cli_fail(rc);
	if (!(ids = calloc((size_t)c->argc, sizeof(*ids))))
		return cli_fail(-SD_NOMEM);
	for (i = 0; i < c->argc; i++)
		ids[i] = atoll(c->argv[i]);
	rc = meter_alarm_ack(&c->s, ids, c->argc);
	free(ids);
	if (rc)
		return cli_fail(rc);
	printf("Acknowledged %d event%s\n", c->argc, c->argc == 1 ? "" : "s");
	return 0;
}

static const struct cli_opt list_opts[] = {
	{ "open", NULL, 0, "only alarms whose condition still holds" },
	{ "unacked", NULL, 0, "only alarms nobody has acknowledged" },
	{ "meter", "METER", 0, "only this meter's" },
	{ "last", "N", 0, "the newest N (default 100)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_alarm_list = {
	"alarm list", "[--open] [--unacked] [--meter METER] [--last N]",
	"alarms and events raised by the poller, newest first",
	CLI_LOGIN | CLI_FORMAT, list_opts, 0, 0, run_alarm_list,
};
const struct cli_cmd cmd_alarm_ack = {
	"alarm ack", "ID...", "acknowledge alarms",
	CLI_LOGIN, NULL, 1, 1000, run_alarm_ack,
};
