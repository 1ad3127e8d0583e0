/* cmd_bus: `saledesk bus add|list|remove` — the RS485 lines and Modbus
 * TCP gateways the poller reads. Administrators and technicians. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "commands.h"
#include "db_bus.h"
#include "err.h"
#include "perm.h"

static int parse_int(const char *text, int lo, int hi, int *out)
{
	char *end;
	long v;

	if (!text)
		return 0;
	v = strtol(text, &end, 10);
	if (end == text || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int run_bus_add(struct cli *c)
{
	const char *rtu = cli_get(c, "rtu"), *tcp = cli_get(c, "tcp");
	const char *parity = cli_get(c, "parity");
	struct bus_rec b;
	char *colon;
	int rc;

	memset(&b, 0, sizeof(b));
	if (!rtu == !tcp)
		return cli_usage_error(c, "give exactly one of --rtu DEVICE or --tcp HOST:PORT");
	if (strlen(c->argv[0]) > BUS_NAME_MAX)
		return cli_usage_error(c, "a bus name has at most %d characters", BUS_NAME_MAX);
	snprintf(b.name, sizeof(b.name), "%s", c->argv[0]);
	b.baud = 9600;
	b.parity = 'N';
	b.stop_bits = 1;
	b.turnaround_ms = 20;
	if (rtu) {
		snprintf(b.kind, sizeof(b.kind), "rtu");
		if (snprintf(b.device, sizeof(b.device), "%s", rtu) >= (int)sizeof(b.device))
			return cli_usage_error(c, "device path too long");
		if (parse_int(cli_get(c, "baud"), 300, 1000000, &b.baud))
			return cli_usage_error(c, "--baud: a rate like 9600");
		if (parity) {
			if (strlen(parity) != 1 || !strchr("NEO", parity[0]))
				return cli_usage_error(c, "--parity: N, E or O");
			b.parity = parity[0];
		}
		if (parse_int(cli_get(c, "stop-bits"), 1, 2, &b.stop_bits))
			return cli_usage_error(c, "--stop-bits: 1 or 2");
		b.rs485 = cli_get(c, "rs485") != NULL;
	} else {
		snprintf(b.kind, sizeof(b.kind), "tcp");
		colon = strrchr(tcp, ':');
		if (!colon || colon == tcp || (size_t)(colon - tcp) >= sizeof(b.host) ||
		    parse_int(colon + 1, 1, 65535, &b.port))
			return cli_usage_error(c, "--tcp: HOST:PORT, like 10.0.0.5:502");
		memcpy(b.host, tcp, (size_t)(colon - tcp));
	}
	if (parse_int(cli_get(c, "turnaround"), 0, 5000, &b.turnaround_ms))
		return cli_usage_error(c, "--turnaround: milliseconds, 0-5000");
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_METER_CONTROL)) ||
	    (rc = db_begin(c->db)))
		return cli_fail(rc);
	if ((rc = db_bus_insert(c->db, &b)) ||
	    (rc = audit_log(&c->s, "bus.add", b.name, "%s %s", b.kind, rtu ? b.device : tcp)) ||
	    (rc = db_commit(c->db))) {
		db_rollback(c->db);
		return cli_fail(rc);
	}
	printf("Added bus %s (%lld)\n", b.name, (long long)b.id);
	return 0;
}

static int list_row(const struct bus_rec *b, void *arg)
{
	char id[24], where[300], line[48], ta[16], n[16];
	const char *cells[8];

	snprintf(id, sizeof(id), "%lld", (long long)b->id);
	if (strcmp(b->kind, "rtu") == 0) {
		snprintf(where, sizeof(where), "%s", b->device);
		snprintf(line, sizeof(line), "%d %c%d%s", b->baud, b->parity,
			 b->stop_bits, b->rs485 ? " rs485" : "");
	} else {
		snprintf(where, sizeof(where), "%s:%d", b->host, b->port);
		line[0] = 0;
	}
	snprintf(ta, sizeof(ta), "%d", b->turnaround_ms);
	snprintf(n, sizeof(n), "%d", b->meters);
	cells[0] = id;
	cells[1] = b->name;
	cells[2] = b->enabled ? b->kind : "off";
	cells[3] = where;
	cells[4] = line;
	cells[5] = ta;
	cells[6] = n;
	cells[7] = b->from_config ? "config" : "database";
	return rpt_table_add(arg, cells);
}

static int run_bus_list(struct cli *c)
{
	static const char *const h[] = { ">id", "name", "kind", "where", "line",
					 ">turnaround_ms", ">meters", "from" };
	struct rpt_table *t = rpt_table_new(8, h);
	int rc;

	if (!t)
		return cli_fail(-SD_NOMEM);
	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_METER_CONTROL)) ||
	    (rc = db_bus_each(c->db, 0, list_row, t))) {
		rpt_table_free(t);
		return cli_fail(rc);
	}
	rpt_table_print(t, stdout, c->fmt);
	rpt_table_free(t);
	return 0;
}

static int run_bus_remove(struct cli *c)
{
	struct bus_rec b;
	int rc;

	if ((rc = cli_login(c)) || (rc = perm_check(&c->s, PERM_METER_CONTROL)) ||
	    (rc = db_begin(c->db)))
		return cli_fail(rc);
	if (!(rc = db_bus_get(c->db, c->argv[0], &b)) && b.from_config)
		rc = err_set(-SD_STATE, "bus %s comes from the config file %s; remove its [bus] "
					"section there and reload the service",
			     b.name, c->cfg.file[0] ? c->cfg.file : "");
	if (rc || (rc = db_bus_delete(c->db, b.id)) ||
	    (rc = audit_log(&c->s, "bus.remove", b.name, "%s", b.kind)) ||
	    (rc = db_commit(c->db))) {
		db_rollback(c->db);
		return cli_fail(rc);
	}
	printf("Removed bus %s; a running poller drops it on SIGHUP\n", b.name);
	return 0;
}

static const struct cli_opt add_opts[] = {
	{ "rtu", "DEVICE", 0, "an RS485 line on this serial device" },
	{ "baud", "N", 0, "line speed (default 9600)" },
	{ "parity", "N|E|O", 0, "parity (default N)" },
	{ "stop-bits", "1|2", 0, "stop bits (default 1)" },
	{ "rs485", NULL, 0, "ask the kernel for RS485 mode (not needed with auto-direction adapters)" },
	{ "tcp", "HOST:PORT", 0, "a Modbus TCP gateway" },
	{ "turnaround", "MS", 0, "the meters' reply delay to start from (default 20; learned per meter)" },
	{ NULL, NULL, 0, NULL },
};
const struct cli_cmd cmd_bus_add = {
	"bus add", "NAME (--rtu DEVICE [--baud N] [--parity P] [--stop-bits S] [--rs485] | --tcp HOST:PORT) [--turnaround MS]",
	"add an RS485 line or a Modbus TCP gateway for the poller",
	CLI_LOGIN, add_opts, 1, 1, run_bus_add,
};
const struct cli_cmd cmd_bus_list = {
	"bus list", "", "list the buses and how many meters each has",
	CLI_LOGIN | CLI_FORMAT, NULL, 0, 0, run_bus_list,
};
const struct cli_cmd cmd_bus_remove = {
	"bus remove", "NAME", "remove a bus that has no meters (disabled if it has events)",
	CLI_LOGIN, NULL, 1, 1, run_bus_remove,
};
